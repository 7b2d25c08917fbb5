//! `login`, `whoami`, `logout` and `practice-org`: the same engine and keychain entries as the
//! app, so a session started in one is visible in the other.

use std::process::ExitCode;

use reconnect_api::engine::accounts::SessionRecord;
use reconnect_api::engine::browser::SystemBrowser;
use reconnect_api::engine::oauth::error_page;
use reconnect_api::engine::oauth::loopback::SIGN_IN_TIMEOUT;
use reconnect_api::engine::oauth::server::sign_in_server;
use reconnect_api::engine::oauth::settings::SignInSettings;
use reconnect_api::engine::salesforce::org_facts::OrgFacts;
use reconnect_api::engine::Error;
use reconnect_api::gainsight::region_evidence::RegionEvidence;
use reconnect_api::system::accounts;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::output::Out;

fn print_facts(out: &Out, record: &SessionRecord, facts: &OrgFacts) {
    let l = out.language;
    if out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "username": record.username, "org_id": record.identity.org_id, "user_id": record.identity.user_id,
                "instance_url": record.instance, "facts": facts, "gainsight_region": RegionEvidence::of(facts),
            }))
            .expect("facts serialize")
        );
        return;
    }
    println!("{}: {} ({})", out.l("cli.signed_in_as"), record.username, record.instance);
    println!("  {}: {}", out.l("cli.org"), facts.name);
    println!("  {}: {} / {}", out.l("cli.org_id"), facts.org_id, facts.instance_name);
    println!("  {}: {} ({})", out.l("cli.environment"), facts.environment.name().get(l), facts.organization_type);
    // The Gainsight data center, read from the org's endpoint settings.
    let evidence = RegionEvidence::of(facts);
    match (evidence.region(), evidence.edition()) {
        (Some(r), _) => println!("  {}: {}", out.l("cli.data_center"), r.label()),
        (None, Some(e)) => println!("  {}: {}", out.l("cli.edition"), e.label()),
        (None, None) if evidence.conflicting() => {
            println!("  {}: {}", out.l("cli.data_center"), out.l("cli.region_conflict"))
        }
        (None, None) => println!("  {}: {}", out.l("cli.data_center"), out.l("cli.region_not_found")),
    }
    for f in &evidence.findings {
        let regions: Vec<&str> = f.regions.iter().map(|r| r.label()).collect();
        println!("    {} {} -> {}", f.source, f.url, regions.join("/"));
    }
    println!("  {}: {}", out.l("cli.status_page"), facts.status_url);
}

pub async fn login(
    out: &Out,
    org: Option<&str>,
    client_id: Option<String>,
    port: Option<u16>,
    no_browser: bool,
) -> ExitCode {
    let defaults = SignInSettings::default();
    let settings =
        SignInSettings { client_id: client_id.unwrap_or(defaults.client_id), port: port.unwrap_or(defaults.port) };
    let run = async {
        let server = sign_in_server(org)?;
        let accounts = accounts()?;
        let sign_in = accounts.begin(&server, &settings).await?;
        let authorize_url = sign_in.authorize_url().to_string();
        eprintln!("{}", out.l(if no_browser { "cli.open_this_link" } else { "cli.browser_opening" }));
        eprintln!("  {authorize_url}");
        if !no_browser {
            // The link is printed, so a browser that does not open is not fatal.
            let _ = sign_in.open_browser(&SystemBrowser);
        }
        // Salesforce shows some refusals on its own page and never comes back: say which, and
        // take the page's address on standard input instead of waiting in silence.
        let l = out.language;
        let help = error_page::help(&settings.redirect_uri(sign_in.port()));
        eprintln!("{}", help.intro.get(l));
        for line in &help.errors {
            eprintln!("  - {}", line.get(l));
        }
        eprintln!("{}", out.l("cli.paste_error_page"));
        tokio::select! {
            result = accounts.complete(sign_in, &settings, SIGN_IN_TIMEOUT) => result,
            pasted = pasted_error_page(out, &authorize_url) => Err(pasted),
        }
    };
    match run.await {
        Ok(record) => {
            print_facts(out, &record, &record.facts);
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

/// Reads standard input until a line is the address of Salesforce's error page for this
/// sign-in, and gives the error it means. Other lines are answered and the wait goes on; at
/// the end of input it waits for the browser alone.
async fn pasted_error_page(out: &Out, authorize_url: &str) -> Error {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.trim().is_empty() {
            continue;
        }
        match error_page::routed_error(&line, authorize_url) {
            Error::NotAnErrorPage => {
                let m = Error::NotAnErrorPage.user_message();
                eprintln!("{} {}", m.what.get(out.language), m.next.get(out.language));
            }
            routed => return routed,
        }
    }
    std::future::pending().await
}

pub async fn whoami(out: &Out) -> ExitCode {
    let run = async {
        let (record, client) = accounts()?.connect().await?;
        let facts = OrgFacts::load(&client, &record.username).await?;
        Ok::<_, Error>((record, facts))
    };
    match run.await {
        Ok((record, facts)) => {
            print_facts(out, &record, &facts);
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn logout(out: &Out, forget: bool) -> ExitCode {
    let run = async {
        let accounts = accounts()?;
        if forget {
            accounts.forget()
        } else {
            accounts.sign_out().await
        }
    };
    match run.await {
        Ok(Some(record)) => {
            if out.json {
                println!("{}", json!({ "signed_out": record.username }));
            } else {
                println!("{}: {}", out.l("cli.signed_out"), record.username);
            }
            ExitCode::SUCCESS
        }
        Ok(None) => {
            if out.json {
                println!("{}", json!({ "signed_out": null }));
            } else {
                println!("{}", out.l("cli.nobody_signed_in"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn practice_org(
    out: &Out,
    scenario: &str,
    trust: &str,
    addr: std::net::SocketAddr,
    faults: practice_org::Faults,
) -> ExitCode {
    let mut config = practice_org::Config::new(scenario);
    config.addr = addr;
    config.faults = faults;
    let Some(trust) = practice_org::trust::TrustScenario::named(trust) else {
        eprintln!(
            "{}: {} ({})",
            out.l("cli.error"),
            out.l("cli.practice_trust_unknown"),
            practice_org::trust::TrustScenario::NAMES.join(", ")
        );
        return ExitCode::from(2);
    };
    config.trust = trust;
    let org = match practice_org::start(config).await {
        Ok(org) => org,
        Err(e) => {
            eprintln!("{}: {e}", out.l("cli.error"));
            return ExitCode::from(2);
        }
    };
    let l = out.language;
    let s = org.scenario();
    if out.json {
        let logins: Vec<_> =
            s.logins.iter().map(|x| json!({ "username": x.username, "password": x.password })).collect();
        println!(
            "{}",
            json!({
                "url": org.url(), "login_url": format!("{}/services/oauth2/authorize", org.url()), "scenario": s.name,
                "logins": logins,
                "gainsight": { "connectors_url": org.gainsight_connectors_url(), "tenant": org.url(), "access_key": org.gainsight_access_key() },
                "trust": org.trust_url(),
            })
        );
    } else {
        println!("{} — {}", out.l("cli.practice_org"), s.title.get(l));
        println!("  {}", s.description.get(l));
        println!("  {}: {}", out.l("cli.instance_url"), org.url());
        println!("  {}: {}/services/oauth2/authorize", out.l("cli.login_url"), org.url());
        for x in &s.logins {
            println!("  {}: {}  /  {}", out.l("cli.practice_login"), x.username, x.password);
        }
        println!("  {}: {}", out.l("cli.practice_connectors"), org.gainsight_connectors_url());
        println!("  {}: {}", out.l("cli.practice_access_key"), org.gainsight_access_key());
        println!("  {}: {}", out.l("cli.practice_trust"), org.trust_url());
        println!("  {}: reconnect login --org {}", out.l("cli.try"), org.url());
        println!("{}", out.l("cli.stop_with_ctrl_c"));
    }
    let _ = tokio::signal::ctrl_c().await;
    org.stop().await;
    ExitCode::SUCCESS
}

/// `diagnostics --out`: the same text the app previews before copying.
pub fn diagnostics(out: &Out, path: &std::path::Path) -> ExitCode {
    use reconnect_api::engine::clock::{Clock, SystemClock};
    let text = reconnect_api::diagnostics::gather(
        &reconnect_api::engine::paths::config_dir(),
        &reconnect_api::engine::support_log::log_dir(),
        env!("CARGO_PKG_VERSION"),
        &SystemClock.now_text(),
    );
    if path.as_os_str() == "-" {
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    match reconnect_api::engine::report::save(path, &text) {
        Ok(()) => {
            println!("{}: {}", out.l("cli.diagnostics_saved"), path.display());
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}
