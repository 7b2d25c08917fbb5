//! `diagnose`, `fix`, `undo`, `install`, `verify` and `report`: the Gainsight playbook's steps
//! for support engineers and scripts. Each builds one of the playbook's jobs from its
//! arguments and runs it through `ops::run`, as the app does. Exit codes: 0 pass, 1 fail (a
//! check failed, something is left to do), 2 error (could not find out).

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use reconnect_api::engine::accounts::SessionRecord;
use reconnect_api::engine::browser::{BrowserOpener, SystemBrowser};
use reconnect_api::engine::check::CheckStatus;
use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::job::JobEnv;
use reconnect_api::engine::keychain::OsKeychain;
use reconnect_api::engine::language::Text;
use reconnect_api::engine::secret::Secret;
use reconnect_api::engine::timestamp::{now_ms, parse_since};
use reconnect_api::engine::Error as EngineError;
use reconnect_api::gainsight::catalog::{Catalog, PackageEdition};
use reconnect_api::gainsight::gainsight::GainsightTenant;
use reconnect_api::gainsight::oauth_user::candidates::Evidence;
use reconnect_api::gainsight::oauth_user::fix::PreviewRow;
use reconnect_api::gainsight::ops::{run, Finished, Job, TenantCheck};
use reconnect_api::gainsight::package::installed::PackageState;
use reconnect_api::gainsight::package::{API_INSTALL, LINK_INSTALL};
use reconnect_api::gainsight::reconnection::{edition_for, install_link_for};
use reconnect_api::gainsight::region::Region;
use reconnect_api::gainsight::Error;
use reconnect_api::system::job_env;
use serde_json::json;

use crate::job_output::{confirmed, pass_or_fail, print_checks, print_json, show_progress, status_word, FAIL};
use crate::output::{text, Out};

/// The signed-in org's record, the connected-app edition, and what jobs run with (progress to
/// standard error).
struct Ctx {
    record: SessionRecord,
    edition: &'static PackageEdition,
    env: JobEnv,
}

async fn ctx(out: &Out, region: Option<&str>) -> Result<Ctx, Error> {
    let region = region.map(str::parse::<Region>).transpose()?;
    let env = job_env(Box::new(show_progress(out.json, out.language)))?;
    let record = env.accounts.current()?.ok_or(EngineError::NotSignedIn)?;
    let edition = edition_for(Catalog::shipped(), &record, region)?;
    Ok(Ctx { record, edition, env })
}

pub async fn diagnose_user(out: &Out, username: &str, region: Option<&str>) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, region).await?;
        let job = Job::Diagnose { username: username.to_string(), app: c.edition.connected_app.clone() };
        match run(job, &mut c.env).await {
            Finished::Diagnosis(r) => r,
            _ => unreachable!("a diagnosis job finishes with a diagnosis"),
        }
    };
    match run_it.await {
        Ok(d) => {
            if out.json {
                print_json(json!({ "passed": d.passed(), "diagnosis": d }));
            } else {
                let u = &d.user;
                println!(
                    "{}: {} ({}) — {} — {}",
                    out.l("cli.oauth_user"),
                    u.username,
                    u.name,
                    u.profile.as_deref().unwrap_or("-"),
                    u.last_login.as_deref().unwrap_or("-")
                );
                print_checks(out, &d.checks);
            }
            pass_or_fail(d.passed())
        }
        Err(e) => out.fail(&e),
    }
}

/// A plan's rows with every field, then what no change can solve.
fn print_preview(out: &Out, rows: &[PreviewRow], cannot_fix: &[&Text]) {
    let l = out.language;
    for row in rows {
        println!("  {} — {}", row.object, row.action.get(l));
        for (k, v) in &row.fields {
            println!("      {k} = {v}");
        }
    }
    for n in cannot_fix {
        println!("  ! {}", n.get(l));
    }
}

/// `plan`: the whole Salesforce side as one plan, as the app shows it after sign-in; with
/// `--apply`, applied on one confirmation. Exit 0 when nothing is left to do on the Salesforce
/// side, 1 when something is (the plan was only shown, or the user is unclear).
pub async fn plan(out: &Out, user: Option<&str>, region: Option<&str>, apply: bool, yes: bool) -> ExitCode {
    let l = out.language;
    let run_it = async {
        let mut c = ctx(out, region).await?;
        let org = c.record.identity.org_id.clone();
        let job = Job::Plan { org: org.clone(), username: user.map(str::to_string), edition: c.edition };
        let plan = match run(job, &mut c.env).await {
            Finished::Planned(r) => r?,
            _ => unreachable!("a plan job finishes with a plan"),
        };
        let preview = plan.preview(c.edition);
        if out.json && !apply {
            print_json(json!({
                "user": plan.user.as_ref().map(|(u, _)| u),
                "candidates": plan.candidates.as_ref().map(|c| &c.users),
                "installs": plan.installs(),
                "preview": preview,
                "cannot_fix": plan.fix.as_ref().map(|f| &f.cannot_fix),
            }));
        }
        if !out.json {
            if let Some(candidates) = plan.candidates.as_ref().filter(|_| plan.user.is_none()) {
                for cand in &candidates.users {
                    let why = Evidence::describe_all(&cand.evidence);
                    println!("  ? {} ({}) — {}", cand.user.username, cand.user.name, why.get(l));
                }
            }
            if let Some((u, _)) = &plan.user {
                println!("{}: {u}", out.l("cli.oauth_user"));
            }
            println!("{}", out.l(if preview.is_empty() { "cli.fix_nothing" } else { "cli.fix_will" }));
            let cannot_fix: Vec<&Text> = plan.fix.iter().flat_map(|f| f.cannot_fix.iter()).collect();
            print_preview(out, &preview, &cannot_fix);
        }
        if plan.user.is_none() {
            return Err(Error::OauthUserUnclear);
        }
        if !apply || !plan.has_changes() {
            return Ok(!plan.has_changes());
        }
        if !confirmed(out, &text("cli.plan.confirm", &[]), yes) {
            return Err(Error::PlanNotConfirmed);
        }
        let journal = c.env.journal.path().to_path_buf();
        let job = Job::ApplyPlan { org, plan: Box::new(plan), edition: c.edition, polling: API_INSTALL };
        let outcome = match run(job, &mut c.env).await {
            Finished::PlanApplied(r) => r?,
            _ => unreachable!("an apply job finishes with its outcome"),
        };
        let applied: Vec<_> = outcome.fixes.iter().flat_map(|f| f.applied.iter()).collect();
        let done = outcome.package.0.ok() && outcome.diagnosis.passed();
        if out.json {
            print_json(json!({
                "applied": applied, "installed": outcome.package.0.installed(),
                "passed": done, "checks": outcome.diagnosis.checks, "journal": journal,
            }));
        } else {
            for a in &applied {
                println!("  ✓ {} {}", a.change.object(), a.record);
            }
            print_checks(out, &outcome.diagnosis.checks);
            println!("{}: {}", out.l("cli.journal"), journal.display());
        }
        Ok(done)
    };
    match run_it.await {
        Ok(done) => pass_or_fail(done),
        Err(e) => out.fail(&e),
    }
}

pub async fn fix_user(out: &Out, username: &str, region: Option<&str>, dry_run: bool) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, region).await?;
        let app = c.edition.connected_app.clone();
        let job =
            Job::Preview { org: c.record.identity.org_id.clone(), username: username.to_string(), app: app.clone() };
        let (_, plan) = match run(job, &mut c.env).await {
            Finished::Plan(r) => r?,
            _ => unreachable!("a preview job finishes with a plan"),
        };
        let preview = plan.preview();
        if !out.json {
            if preview.is_empty() {
                println!("{}", out.l("cli.fix_nothing"));
            } else {
                println!("{}", out.l(if dry_run { "cli.fix_would" } else { "cli.fix_will" }));
            }
            print_preview(out, &preview, &plan.cannot_fix.iter().collect::<Vec<_>>());
        }
        if dry_run || plan.changes.is_empty() {
            if out.json {
                print_json(json!({ "dry_run": dry_run, "plan": plan, "preview": preview }));
            }
            return Ok(plan.changes.is_empty() && plan.cannot_fix.is_empty());
        }
        let journal = c.env.journal.path().to_path_buf();
        let job = Job::Fix { plan: Box::new(plan.clone()), username: username.to_string(), app };
        let (outcome, _) = match run(job, &mut c.env).await {
            Finished::Fixed(r) => r?,
            _ => unreachable!("a fix job finishes with its outcome"),
        };
        if out.json {
            print_json(json!({
                "dry_run": false, "plan": plan, "preview": preview, "applied": outcome.applied,
                "failed": outcome.failure.as_ref().map(|(change, e)| json!({ "change": change, "error": e.user_message() })),
                "journal": journal,
            }));
        } else {
            for a in &outcome.applied {
                println!("  ✓ {} {}", a.change.object(), a.record);
            }
            println!("{}: {}", out.l("cli.journal"), journal.display());
        }
        match outcome.failure {
            Some((_, e)) => Err(e),
            None => Ok(plan.cannot_fix.is_empty()),
        }
    };
    match run_it.await {
        Ok(done) => pass_or_fail(done),
        Err(e) => out.fail(&e),
    }
}

pub async fn undo_changes(out: &Out) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, None).await?;
        let job = Job::Undo { org: c.record.identity.org_id.clone(), username: None, app: String::new() };
        match run(job, &mut c.env).await {
            Finished::Undone(r) => r.map(|(outcome, _)| outcome),
            _ => unreachable!("an undo job finishes with its outcome"),
        }
    };
    match run_it.await {
        Ok(outcome) => {
            if out.json {
                print_json(json!({
                    "undone": outcome.undone,
                    "failed": outcome.failure.as_ref().map(|(change, e)| json!({ "change": change, "error": e.user_message() })),
                }));
            } else if outcome.undone.is_empty() && outcome.failure.is_none() {
                println!("{}", out.l("cli.undo_nothing"));
            } else {
                for u in &outcome.undone {
                    println!("  ✓ {:?} {} {}", u.how, u.object, u.record.as_deref().unwrap_or("-"));
                }
            }
            match outcome.failure {
                Some((_, e)) => out.fail(&e),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => out.fail(&e),
    }
}

fn print_package(out: &Out, state: &PackageState) {
    if out.json {
        print_json(json!({ "package": state, "ok": state.ok() }));
        return;
    }
    match state.installed() {
        Some(p) => println!("{}: {} {} ({})", out.l("cli.installed"), p.name, p.version_number(), p.version_id),
        None => println!("{}", out.l("cli.not_installed")),
    }
}

pub async fn install(out: &Out, via: &str, region: Option<&str>, no_browser: bool) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, region).await?;
        let job = match via {
            "link" => {
                let link = install_link_for(Catalog::shipped(), &c.record, c.edition);
                eprintln!("{}\n  {}", out.l("cli.install_link_open"), link.url);
                if !no_browser {
                    SystemBrowser.open(&link.url)?;
                }
                Job::Watch { edition: c.edition, polling: LINK_INSTALL }
            }
            _ => Job::Install { edition: c.edition, polling: API_INSTALL },
        };
        match run(job, &mut c.env).await {
            Finished::Package(r) => r.map(|(state, _)| state),
            _ => unreachable!("an install job finishes with the package"),
        }
    };
    match run_it.await {
        Ok(state) => {
            print_package(out, &state);
            pass_or_fail(state.ok())
        }
        Err(e) if e.is_install_outcome() => {
            out.fail(&e);
            ExitCode::from(FAIL)
        }
        Err(e) => out.fail(&e),
    }
}

/// Options shared by `verify` and `report`.
pub struct VerifyArgs {
    pub user: String,
    pub since: Option<String>,
    pub region: Option<String>,
    pub gainsight_tenant: Option<String>,
    pub gainsight_key_stdin: bool,
}

/// The Gainsight tenant to check too, with its access key from the keychain (read from
/// standard input and kept there first, when asked).
fn tenant_check(args: &VerifyArgs) -> Result<Option<TenantCheck>, Error> {
    let Some(tenant) = &args.gainsight_tenant else { return Ok(None) };
    let tenant = GainsightTenant::parse(tenant)?;
    let keychain = OsKeychain::open()?;
    if args.gainsight_key_stdin {
        let mut key = String::new();
        std::io::stdin().read_to_string(&mut key).map_err(|_| Error::GainsightAccessKey)?;
        tenant.store_key(&keychain, &Secret::new(key.trim()))?;
    }
    let key = tenant.stored_key(&keychain)?.ok_or(Error::GainsightAccessKey)?;
    Ok(Some(TenantCheck { tenant, key }))
}

async fn run_verify(
    c: &mut Ctx,
    args: &VerifyArgs,
) -> Result<
    (reconnect_api::gainsight::verify::Verification, Option<reconnect_api::gainsight::gainsight::GainsightCheck>),
    Error,
> {
    let since_ms = args.since.as_deref().map(|s| parse_since(s, now_ms())).transpose()?;
    let job = Job::Verify { username: args.user.clone(), edition: c.edition, since_ms, tenant: tenant_check(args)? };
    match run(job, &mut c.env).await {
        Finished::Verified(r) => r,
        _ => unreachable!("a verify job finishes with a verification"),
    }
}

pub async fn verify_connection(out: &Out, args: VerifyArgs) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, args.region.as_deref()).await?;
        run_verify(&mut c, &args).await
    };
    match run_it.await {
        Ok((v, g)) => {
            if out.json {
                print_json(json!({ "passed": v.passed(), "verification": v, "gainsight": g }));
            } else {
                print_checks(out, &v.checks);
                if let Some(g) = &g {
                    println!(
                        "[{}] Gainsight API {} ({} Company)",
                        status_word(out, CheckStatus::Pass),
                        g.tenant,
                        g.records
                    );
                }
                println!("{}", out.l(if v.passed() { "report.verdict.pass" } else { "report.verdict.fail" }));
                println!("{}", text("report.round_trips", &[("n", &v.round_trips.to_string())]).get(out.language));
            }
            pass_or_fail(v.passed())
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn report(out: &Out, path: &Path, args: Option<VerifyArgs>, region: Option<&str>) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out, region.or(args.as_ref().and_then(|a| a.region.as_deref()))).await?;
        let (v, g) = match &args {
            Some(a) => {
                let (v, g) = run_verify(&mut c, a).await?;
                (Some(v), g)
            }
            None => (None, None),
        };
        let entries: Vec<_> = c
            .env
            .journal
            .for_org(&c.record.identity.org_id.to_string())?
            .into_iter()
            .filter(|e| e.playbook == reconnect_api::gainsight::ID)
            .collect();
        let report = reconnect_api::gainsight::report::build(
            &c.record.facts,
            c.record.instance.as_str(),
            v.as_ref(),
            &entries,
            g.as_ref(),
            &SystemClock.now_text(),
        );
        report.save_as(path, out.language)?;
        Ok::<_, Error>(report)
    };
    match run_it.await {
        Ok(report) => {
            if out.json {
                println!("{}", json!({ "saved": path, "passed": report.passed }));
            } else {
                println!("{}: {}", out.l("cli.report_saved"), path.display());
            }
            pass_or_fail(report.passed != Some(false))
        }
        Err(e) => out.fail(&e),
    }
}
