//! `audit`, `ioc` and `revoke`: the hardening playbook for admins and scripts. Each builds one
//! of the playbook's jobs and runs it through `ops::run`, as the app does; text output is the
//! playbook's report, JSON the results. Exit codes: 0 nothing found, 1 findings or something
//! left to do, 2 error.

use std::process::ExitCode;

use reconnect_api::engine::accounts::SessionRecord;
use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::job::JobEnv;
use reconnect_api::engine::timestamp::parse_since;
use reconnect_api::engine::Error as EngineError;
use reconnect_api::hardening::data::integrations;
use reconnect_api::hardening::ioc::IocResult;
use reconnect_api::hardening::ops::{run, Audit, Finished, Job};
use reconnect_api::hardening::report::reauthorize_text;
use reconnect_api::hardening::revoke::{self, RevokePlan, Selection};
use reconnect_api::hardening::{language as hl, Error};
use reconnect_api::system::job_env;
use serde_json::json;

use crate::job_output::{pass_or_fail, print_json, revocation_confirmed, show_progress};
use crate::output::{text, Out};

/// The signed-in org and what jobs run with (progress to standard error).
struct Ctx {
    record: SessionRecord,
    env: JobEnv,
}

fn ctx(out: &Out) -> Result<Ctx, Error> {
    let env = job_env(Box::new(show_progress(out.json, out.language)))?;
    let record = env.accounts.current()?.ok_or(EngineError::NotSignedIn)?;
    Ok(Ctx { record, env })
}

fn stale_days(days: Option<u32>) -> Result<u32, Error> {
    match days {
        None => Ok(integrations().stale_days),
        Some(d) if (1..=3650).contains(&d) => Ok(d),
        Some(d) => Err(Error::InvalidDays { input: d }),
    }
}

/// Prints the playbook's report of what was found and what Reconnect changed in this org, in
/// the admin's language.
fn print_report(out: &Out, c: &Ctx, audit: Option<&Audit>, ioc: Option<&IocResult>) -> Result<(), Error> {
    let entries: Vec<_> = c
        .env
        .journal
        .for_org(&c.record.identity.org_id.to_string())?
        .into_iter()
        .filter(|e| e.playbook == reconnect_api::hardening::ID)
        .collect();
    let report = reconnect_api::hardening::report::build(
        &c.record.facts,
        c.record.instance.as_str(),
        audit,
        ioc,
        &entries,
        &SystemClock.now_text(),
    );
    println!("{}", report.markdown(out.language));
    Ok(())
}

pub async fn audit(out: &Out, unused_days: Option<u32>) -> ExitCode {
    let run_it = async {
        let stale_days = stale_days(unused_days)?;
        let mut c = ctx(out)?;
        match run(Job::Audit { stale_days, extra_users: Vec::new() }, &mut c.env).await {
            Finished::Audit(r) => Ok::<_, Error>((c, r?)),
            _ => unreachable!("an audit job finishes with an audit"),
        }
    };
    match run_it.await {
        Ok((c, a)) => {
            let findings = a.findings();
            if out.json {
                print_json(json!({
                    "findings": findings,
                    "stale_days": a.inventory.stale_days,
                    "tokens": a.inventory.tokens.len(),
                    "apps": a.inventory.apps,
                    "missing_fields": a.inventory.missing_fields,
                    "access": a.access,
                    "users": a.users,
                    "health": a.health,
                    "round_trips": a.round_trips,
                    "elapsed_ms": a.elapsed_ms,
                }));
            } else {
                if let Err(e) = print_report(out, &c, Some(&a), None) {
                    return out.fail(&e);
                }
                let summary = if findings == 0 {
                    text("cli.audit.clean", &[])
                } else {
                    text("cli.audit.findings", &[("n", &findings.to_string())])
                };
                println!("{}", summary.get(out.language));
            }
            pass_or_fail(findings == 0)
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn ioc(out: &Out, since: Option<&str>) -> ExitCode {
    let run_it = async {
        let since_ms = since.map(|s| parse_since(s, SystemClock.now_ms())).transpose().map_err(Error::from)?;
        let mut c = ctx(out)?;
        match run(Job::Ioc { since_ms }, &mut c.env).await {
            Finished::Ioc(r) => Ok::<_, Error>((c, r?)),
            _ => unreachable!("an indicator search finishes with its result"),
        }
    };
    match run_it.await {
        Ok((c, r)) => {
            let hits = r.hits();
            if out.json {
                print_json(json!({ "hits": hits, "search": r }));
            } else {
                if let Err(e) = print_report(out, &c, None, Some(&r)) {
                    return out.fail(&e);
                }
                let summary = if hits == 0 {
                    text("cli.ioc.clean", &[])
                } else {
                    text("cli.ioc.hits", &[("n", &hits.to_string())])
                };
                println!("{}", summary.get(out.language));
            }
            pass_or_fail(hits == 0)
        }
        Err(e) => out.fail(&e),
    }
}

/// What `revoke` was asked.
pub struct RevokeArgs {
    pub app: String,
    pub user: Option<String>,
    pub unused_days: Option<u32>,
    pub dry_run: bool,
    pub yes: bool,
}

fn print_plan(out: &Out, plan: &RevokePlan) {
    let l = out.language;
    let apps: Vec<&str> = plan.reauthorize.keys().map(String::as_str).collect();
    println!(
        "{}",
        hl::text("revoke.warning", &[("n", &plan.targets.len().to_string()), ("apps", &apps.join(", "))]).get(l)
    );
    for (app, users) in &plan.reauthorize {
        println!("  {}", reauthorize_text(app, users).get(l));
    }
}

pub async fn revoke(out: &Out, args: RevokeArgs) -> ExitCode {
    let planned = async {
        let mut c = ctx(out)?;
        let inventory = match run(Job::Inventory { stale_days: integrations().stale_days }, &mut c.env).await {
            Finished::Inventory(r) => r?,
            _ => unreachable!("an inventory job finishes with an inventory"),
        };
        let selection = Selection { app: args.app.clone(), user: args.user.clone(), unused_days: args.unused_days };
        let plan = revoke::plan(&inventory, selection, &c.record.identity.org_id.to_string(), SystemClock.now_ms());
        Ok::<_, Error>((c, plan))
    };
    let (mut c, plan) = match planned.await {
        Ok((_, Err(Error::NothingToRevoke))) => {
            return nothing_to_revoke(out, args.dry_run);
        }
        Ok((c, Ok(plan))) => (c, plan),
        Ok((_, Err(e))) | Err(e) => return out.fail(&e),
    };
    if args.dry_run {
        if out.json {
            print_json(json!({ "dry_run": true, "tokens": plan.targets.len(), "plan": plan }));
        } else {
            print_plan(out, &plan);
            println!("{}", out.l("cli.revoke.dry_run"));
        }
        // Tokens are left to revoke.
        return pass_or_fail(false);
    }
    if !out.json {
        print_plan(out, &plan);
    }
    if !revocation_confirmed(out, plan.targets.len(), args.yes) {
        return out.fail(&Error::RevokeNotConfirmed);
    }
    let outcome = match run(Job::Revoke { plan: Box::new(plan) }, &mut c.env).await {
        Finished::Revoked(Ok(o)) => o,
        Finished::Revoked(Err(e)) => return out.fail(&e),
        _ => unreachable!("a revocation finishes with its outcome"),
    };
    if out.json {
        print_json(json!({
            "dry_run": false,
            "run": outcome.run,
            "revoked": outcome.revoked,
            "gone": outcome.gone,
            "stopped_at": outcome.failure.as_ref().map(|(t, _)| t),
            "error": outcome.failure.as_ref().map(|(_, e)| {
                let m = e.user_message();
                json!({ "what": m.what, "next": m.next })
            }),
        }));
        return match outcome.failure {
            Some(_) => ExitCode::from(crate::output::BAD_INPUT),
            None => ExitCode::SUCCESS,
        };
    } else {
        for t in &outcome.revoked {
            println!("[{}] {} — {}", out.l("cli.revoke.revoked"), t.app, t.user);
        }
        for t in &outcome.gone {
            println!("[{}] {} — {}", out.l("cli.revoke.gone"), t.app, t.user);
        }
        println!(
            "{}",
            hl::text(
                "revoke.done",
                &[("n", &outcome.revoked.len().to_string()), ("gone", &outcome.gone.len().to_string())]
            )
            .get(out.language)
        );
    }
    match outcome.failure {
        Some((t, e)) => {
            eprintln!("{}: {} — {}", out.l("cli.revoke.stopped"), t.app, t.user);
            out.fail(&e)
        }
        None => ExitCode::SUCCESS,
    }
}

fn nothing_to_revoke(out: &Out, dry_run: bool) -> ExitCode {
    let m = Error::NothingToRevoke.user_message();
    if out.json {
        print_json(json!({ "dry_run": dry_run, "tokens": 0, "message": m.what.get(out.language) }));
    } else {
        println!("{}", m.what.get(out.language));
    }
    ExitCode::SUCCESS
}
