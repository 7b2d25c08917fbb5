//! `diagnose`, `fix`, `undo`, `install`, `verify` and `report`: the reconnection steps for
//! support engineers and scripts. Exit codes: 0 pass, 1 fail (a check failed, something is
//! left to do), 2 error (could not find out).

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use reconnect_core::accounts::{Accounts, SessionRecord};
use reconnect_core::browser::{BrowserOpener, SystemBrowser};
use reconnect_core::catalog::{Catalog, PackageEdition};
use reconnect_core::clock::{Clock, SystemClock};
use reconnect_core::gainsight::{check_tenant, GainsightCheck, GainsightTenant};
use reconnect_core::journal::Journal;
use reconnect_core::keychain::OsKeychain;
use reconnect_core::oauth_user::diagnosis::{diagnose, Check, CheckStatus};
use reconnect_core::oauth_user::{fix, undo};
use reconnect_core::package::api_install::install_via_api;
use reconnect_core::package::installed::PackageState;
use reconnect_core::package::polling::{Polling, Progress};
use reconnect_core::package::watch::watch_for_install;
use reconnect_core::reconnection::{edition_for, install_link_for};
use reconnect_core::region::Region;
use reconnect_core::report::Report;
use reconnect_core::salesforce::client::SalesforceClient;
use reconnect_core::secret::Secret;
use reconnect_core::timestamp::{now_ms, parse_since};
use reconnect_core::verify::{verify, Verification};
use reconnect_core::Error;
use serde_json::json;

use crate::output::Out;

const FAIL: u8 = 1;

/// The signed-in org, its client, its journal and the connected-app edition.
struct Ctx {
    record: SessionRecord,
    client: SalesforceClient,
    journal: Journal,
    edition: &'static PackageEdition,
    keychain: Arc<OsKeychain>,
}

async fn session() -> Result<(SessionRecord, SalesforceClient, Journal, Arc<OsKeychain>), Error> {
    let keychain = Arc::new(OsKeychain::open()?);
    let dir = reconnect_core::paths::config_dir();
    let (record, client) = Accounts::new(&dir, keychain.clone()).connect().await?;
    Ok((record, client, Journal::in_dir(&dir), keychain))
}

async fn ctx(region: Option<&str>) -> Result<Ctx, Error> {
    let region = region.map(str::parse::<Region>).transpose()?;
    let (record, client, journal, keychain) = session().await?;
    let edition = edition_for(Catalog::shipped(), &record, region)?;
    Ok(Ctx { record, client, journal, edition, keychain })
}

fn status_word(out: &Out, s: CheckStatus) -> String {
    reconnect_core::report::status_label(s, out.language)
}

fn print_checks(out: &Out, checks: &[Check]) {
    let l = out.language;
    for c in checks {
        println!("[{}] {}", status_word(out, c.status), c.title.get(l));
        println!("    {}", c.explanation.get(l));
        println!("    {}", c.evidence);
    }
}

fn pass_or_fail(passed: bool) -> ExitCode {
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAIL)
    }
}

pub async fn diagnose_user(out: &Out, username: &str, region: Option<&str>) -> ExitCode {
    let run = async {
        let c = ctx(region).await?;
        diagnose(&c.client, username, &c.edition.connected_app).await
    };
    match run.await {
        Ok(d) => {
            if out.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "passed": d.passed(), "diagnosis": d })).expect("serializes")
                );
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

pub async fn fix_user(out: &Out, username: &str, region: Option<&str>, dry_run: bool) -> ExitCode {
    let l = out.language;
    let run = async {
        let c = ctx(region).await?;
        let (_, plan) = fix::plan(&c.client, &c.record.identity.org_id, username, &c.edition.connected_app).await?;
        let preview = plan.preview();
        if !out.json {
            if preview.is_empty() {
                println!("{}", out.l("cli.fix_nothing"));
            } else {
                println!("{}", out.l(if dry_run { "cli.fix_would" } else { "cli.fix_will" }));
            }
            for row in &preview {
                println!("  {} — {}", row.object, row.action.get(l));
                for (k, v) in &row.fields {
                    println!("      {k} = {v}");
                }
            }
            for n in &plan.cannot_fix {
                println!("  ! {}", n.get(l));
            }
        }
        if dry_run || plan.changes.is_empty() {
            if out.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "dry_run": dry_run, "plan": plan, "preview": preview }))
                        .expect("serializes")
                );
            }
            return Ok(plan.changes.is_empty() && plan.cannot_fix.is_empty());
        }
        let outcome = fix::apply(&c.client, &plan, &c.journal, &SystemClock, &c.record.username).await?;
        if out.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "dry_run": false, "plan": plan, "preview": preview, "applied": outcome.applied,
                    "failed": outcome.failure.as_ref().map(|(change, e)| json!({ "change": change, "error": e.user_message() })),
                    "journal": c.journal.path(),
                }))
                .expect("serializes")
            );
        } else {
            for a in &outcome.applied {
                println!("  ✓ {} {}", a.change.object(), a.record);
            }
            println!("{}: {}", out.l("cli.journal"), c.journal.path().display());
        }
        match outcome.failure {
            Some((_, e)) => Err(e),
            None => Ok(plan.cannot_fix.is_empty()),
        }
    };
    match run.await {
        Ok(done) => pass_or_fail(done),
        Err(e) => out.fail(&e),
    }
}

pub async fn undo_changes(out: &Out) -> ExitCode {
    let run = async {
        let (record, client, journal, _) = session().await?;
        undo::undo(&client, &journal, &SystemClock, &record.identity.org_id, &record.username).await
    };
    match run.await {
        Ok(outcome) => {
            if out.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "undone": outcome.undone,
                        "failed": outcome.failure.as_ref().map(|(change, e)| json!({ "change": change, "error": e.user_message() })),
                    }))
                    .expect("serializes")
                );
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

fn show_progress(out: &Out) -> impl FnMut(Progress) + Send + '_ {
    move |p| {
        if out.json {
            eprintln!("{}", json!(p));
            return;
        }
        match p {
            Progress::Requested { request } => eprintln!("{} ({request})", out.l("cli.install_requested")),
            Progress::Waiting { status, elapsed_secs, timeout_secs } => {
                eprintln!("  … {status} {elapsed_secs}s / {timeout_secs}s")
            }
        }
    }
}

fn print_package(out: &Out, state: &PackageState) {
    if out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "package": state, "ok": state.ok() })).expect("serializes")
        );
        return;
    }
    match state.installed() {
        Some(p) => println!("{}: {} {} ({})", out.l("cli.installed"), p.name, p.version_number(), p.version_id),
        None => println!("{}", out.l("cli.not_installed")),
    }
}

pub async fn install(out: &Out, via: &str, region: Option<&str>, no_browser: bool) -> ExitCode {
    let run = async {
        let c = ctx(region).await?;
        let mut progress = show_progress(out);
        match via {
            "link" => {
                let link = install_link_for(Catalog::shipped(), &c.record, c.edition);
                eprintln!("{}\n  {}", out.l("cli.install_link_open"), link.url);
                if !no_browser {
                    SystemBrowser.open(&link.url)?;
                }
                watch_for_install(&c.client, c.edition, Polling::LINK_INSTALL, &mut progress).await
            }
            _ => install_via_api(&c.client, c.edition, Polling::API_INSTALL, &mut progress).await,
        }
    };
    match run.await {
        Ok(state) => {
            print_package(out, &state);
            pass_or_fail(state.ok())
        }
        Err(e @ (Error::InstallFailed { .. } | Error::InstallTimedOut { .. } | Error::PackageNotSeen { .. })) => {
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

async fn gainsight_side(c: &Ctx, args: &VerifyArgs) -> Result<Option<GainsightCheck>, Error> {
    let Some(tenant) = &args.gainsight_tenant else { return Ok(None) };
    let tenant = GainsightTenant::parse(tenant)?;
    if args.gainsight_key_stdin {
        let mut key = String::new();
        std::io::stdin().read_to_string(&mut key).map_err(|_| Error::GainsightAccessKey)?;
        tenant.store_key(c.keychain.as_ref(), &Secret::new(key.trim()))?;
    }
    let key = tenant.stored_key(c.keychain.as_ref())?.ok_or(Error::GainsightAccessKey)?;
    check_tenant(&tenant, &key).await.map(Some)
}

async fn run_verify(c: &Ctx, args: &VerifyArgs) -> Result<(Verification, Option<GainsightCheck>), Error> {
    let since = args.since.as_deref().map(|s| parse_since(s, now_ms())).transpose()?;
    let v = verify(&c.client, &args.user, c.edition, since, &SystemClock).await?;
    let g = gainsight_side(c, args).await?;
    Ok((v, g))
}

pub async fn verify_connection(out: &Out, args: VerifyArgs) -> ExitCode {
    let run = async {
        let c = ctx(args.region.as_deref()).await?;
        run_verify(&c, &args).await
    };
    match run.await {
        Ok((v, g)) => {
            if out.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "passed": v.passed(), "verification": v, "gainsight": g }))
                        .expect("serializes")
                );
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
                println!(
                    "{}",
                    reconnect_core::language::text("report.round_trips", &[("n", &v.round_trips.to_string())])
                        .get(out.language)
                );
            }
            pass_or_fail(v.passed())
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn report(out: &Out, path: &Path, args: Option<VerifyArgs>, region: Option<&str>) -> ExitCode {
    let run = async {
        let c = ctx(region.or(args.as_ref().and_then(|a| a.region.as_deref()))).await?;
        let (v, g) = match &args {
            Some(a) => {
                let (v, g) = run_verify(&c, a).await?;
                (Some(v), g)
            }
            None => (None, None),
        };
        let entries = c.journal.for_org(&c.record.identity.org_id.to_string())?;
        let report = Report::build(
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
    match run.await {
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
