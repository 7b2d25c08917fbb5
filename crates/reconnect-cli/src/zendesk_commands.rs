//! `reconnect zendesk …`: the Zendesk playbook for admins and scripts, running the playbook's
//! jobs (`ops::run`) as the app does. New values and API tokens are read from standard input,
//! never from arguments (which other users of the machine can see), and never printed.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use reconnect_api::engine::job::JobEnv;
use reconnect_api::engine::oauth::settings::{SignInSettings, DEFAULT_PORT};
use reconnect_api::engine::progress::Progress;
use reconnect_api::engine::secret::Secret;
use reconnect_api::engine::zendesk::session::{AuthKind, ZendeskRecord, API_TOKEN_END};
use reconnect_api::engine::zendesk::sign_in::OAUTH_CLIENTS_PAGE;
use reconnect_api::engine::zendesk::ZendeskBase;
use reconnect_api::engine::Error as EngineError;
use reconnect_api::system::job_env;
use reconnect_api::zendesk::data::{data, Cutoff};
use reconnect_api::zendesk::inventory::Inventory;
use reconnect_api::zendesk::language::text as zt;
use reconnect_api::zendesk::ops::{run, Finished, Job};
use reconnect_api::zendesk::rotation;
use reconnect_api::zendesk::tokens::Tokens;
use reconnect_api::zendesk::Error;
use serde_json::json;

use crate::job_output::{pass_or_fail, print_json, revocation_confirmed, show_progress};
use crate::output::{text, Out};

/// What `zendesk login` was asked.
pub struct LoginArgs {
    pub subdomain: String,
    pub client_id: Option<String>,
    pub port: Option<u16>,
    pub no_browser: bool,
    pub api_token_email: Option<String>,
}

/// Progress to standard error; the sign-in's page is printed for when no browser opens.
fn env(out: &Out) -> Result<JobEnv, Error> {
    let mut shown = show_progress(out.json, out.language);
    let language = out.language;
    let json = out.json;
    Ok(job_env(Box::new(move |p: Progress| match &p {
        Progress::Waiting { status, .. } if status.starts_with("http") && !json => {
            eprintln!("{}\n  {status}", text("cli.zendesk.open", &[]).get(language));
        }
        _ => shown(p),
    }))?)
}

/// A browser that only prints: for `--no-browser`.
struct PrintOnly;

impl reconnect_api::engine::browser::BrowserOpener for PrintOnly {
    fn open(&self, _url: &str) -> Result<(), EngineError> {
        Ok(())
    }
}

/// One line of standard input; on a terminal it is asked for with `prompt` and not echoed.
fn read_secret_line(prompt: &str) -> Result<Secret, Error> {
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|_| Error::BadValue { setting: "stdin".into() })?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|_| Error::BadValue { setting: "stdin".into() })?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if value.trim().is_empty() {
        return Err(Error::BadValue { setting: "stdin".into() });
    }
    Ok(Secret::new(value))
}

fn print_signed_in(out: &Out, r: &ZendeskRecord) {
    if out.json {
        print_json(json!({ "signed_in": r }));
        return;
    }
    println!(
        "{}",
        text(
            "cli.zendesk.signed_in",
            &[("who", &format!("{} <{}>", r.name, r.email)), ("account", r.base.as_str()), ("role", &r.role)]
        )
        .get(out.language)
    );
    if r.auth == AuthKind::ApiToken {
        println!("{}", zt("account.api_token.signed_in", &[("end", API_TOKEN_END)]).get(out.language));
    }
}

pub async fn login(out: &Out, args: LoginArgs) -> ExitCode {
    let result = async {
        let base = ZendeskBase::parse(&args.subdomain)?;
        let mut env = env(out)?;
        let job = match args.api_token_email {
            Some(email) => {
                eprintln!("{}", text("cli.zendesk.token_stdin", &[("end", API_TOKEN_END)]).get(out.language));
                let prompt = text("cli.zendesk.enter_value", &[("setting", "API token")]).get(out.language).to_string();
                Job::ApiToken { base, email, token: read_secret_line(&prompt)? }
            }
            None => {
                let Some(client_id) = args.client_id.filter(|c| !c.trim().is_empty()) else {
                    eprintln!(
                        "{}",
                        text("cli.zendesk.client_needed", &[("page", &base.admin_center(OAUTH_CLIENTS_PAGE))])
                            .get(out.language)
                    );
                    return Err(EngineError::InvalidSignInSettings.into());
                };
                if args.no_browser {
                    env.browser = std::sync::Arc::new(PrintOnly);
                }
                Job::sign_in(base, SignInSettings { client_id, port: args.port.unwrap_or(DEFAULT_PORT) })
            }
        };
        match run(job, &mut env).await {
            Finished::SignedIn(r) => r,
            _ => unreachable!("a sign-in finishes signed in or not"),
        }
    };
    match result.await {
        Ok(r) => {
            print_signed_in(out, &r);
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

pub async fn logout(out: &Out) -> ExitCode {
    let result = async {
        let mut env = env(out)?;
        match run(Job::SignOut, &mut env).await {
            Finished::SignedOut(r) => r,
            _ => unreachable!("a sign-out finishes signed out"),
        }
    };
    match result.await {
        Ok(who) => {
            if out.json {
                print_json(json!({ "signed_out": who.map(|r| r.email) }));
            } else {
                println!(
                    "{}",
                    text(if who.is_some() { "cli.zendesk.signed_out" } else { "cli.zendesk.not_signed_in" }, &[])
                        .get(out.language)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

fn cutoff(before: Option<&str>, incident: &str) -> Result<Cutoff, Error> {
    match before {
        Some(b) => Cutoff::parse(b),
        None => data()
            .incident(incident)
            .ok_or_else(|| Error::BadCutoff { input: incident.chars().take(40).collect() })?
            .cutoff
            .ok_or_else(|| Error::BadCutoff { input: incident.to_string() }),
    }
}

async fn read_apps(env: &mut JobEnv, cutoff: Cutoff) -> Result<Inventory, Error> {
    match run(Job::ReadApps { cutoff }, env).await {
        Finished::Apps(r) => r,
        _ => unreachable!("reading apps finishes with apps"),
    }
}

pub async fn apps(out: &Out, before: Option<&str>, incident: &str) -> ExitCode {
    let result = async {
        let c = cutoff(before, incident)?;
        let mut env = env(out)?;
        read_apps(&mut env, c).await
    };
    let inventory = match result.await {
        Ok(i) => i,
        Err(e) => return out.fail(&e),
    };
    if out.json {
        print_json(
            json!({ "cutoff": inventory.cutoff, "flagged": inventory.flagged(), "installations": inventory.apps }),
        );
    } else {
        let l = out.language;
        println!(
            "{}",
            zt(
                "apps.summary",
                &[
                    ("total", &inventory.apps.len().to_string()),
                    ("flagged", &inventory.flagged().to_string()),
                    ("cutoff", &inventory.cutoff)
                ]
            )
            .get(l)
        );
        for a in &inventory.apps {
            let flag = if a.flagged { "!" } else { " " };
            let state = if a.enabled { "" } else { " (disabled)" };
            println!("{flag} {:>8}  {}  {} — {}{state}", a.id, &a.created_at, a.name, a.app_name);
            if !a.secrets.is_empty() {
                println!("            {}: {}", text("cli.zendesk.secrets", &[]).get(l), a.secrets.join(", "));
            }
        }
    }
    pass_or_fail(inventory.flagged() == 0)
}

/// What `zendesk rotate` was asked.
pub struct RotateArgs {
    pub installation: u64,
    pub settings: Vec<String>,
    pub value_stdin: bool,
    pub dry_run: bool,
}

pub async fn rotate(out: &Out, args: RotateArgs) -> ExitCode {
    let result = async {
        let mut env = env(out)?;
        // Which settings hold secrets does not depend on the cutoff.
        let inventory = read_apps(&mut env, Cutoff::after_today(reconnect_api::engine::timestamp::now_ms())).await?;
        let plan = rotation::plan(&inventory, args.installation, &args.settings)?;
        let l = out.language;
        if !out.json {
            for line in &plan.preview {
                eprintln!("{}", line.get(l));
            }
            match &plan.vendor {
                Some((service, place, url)) => eprintln!("{service}: {} ({url})", place.get(l)),
                None => eprintln!("{}", zt("rotate.vendor_unknown", &[("app", &plan.app_name)]).get(l)),
            }
        }
        if args.dry_run {
            return Ok((plan, None));
        }
        if !args.value_stdin {
            return Err(Error::BadValue { setting: plan.settings.join(", ") });
        }
        // One line per setting, in the order named.
        let mut values = Vec::new();
        for s in &plan.settings {
            let prompt = text("cli.zendesk.enter_value", &[("setting", s)]).get(l).to_string();
            values.push((s.clone(), read_secret_line(&prompt).map_err(|_| Error::BadValue { setting: s.clone() })?));
        }
        match run(Job::Rotate { plan: plan.clone(), values }, &mut env).await {
            Finished::Rotated(r) => Ok((plan, Some(r?))),
            _ => unreachable!("a rotation finishes rotated or not"),
        }
    };
    match result.await {
        Ok((plan, None)) => {
            if out.json {
                print_json(json!({ "dry_run": true, "plan": plan }));
            } else {
                println!("{}", text("cli.zendesk.dry_run", &[]).get(out.language));
            }
            ExitCode::SUCCESS
        }
        Ok((_, Some(done))) => {
            if out.json {
                print_json(json!({ "rotated": done }));
            } else {
                println!("{}", zt("confirm.rotated", &[]).get(out.language));
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

async fn read_tokens(env: &mut JobEnv) -> Result<Tokens, Error> {
    match run(Job::ReadTokens, env).await {
        Finished::Tokens(r) => r,
        _ => unreachable!("reading tokens finishes with tokens"),
    }
}

pub async fn tokens(out: &Out) -> ExitCode {
    let result = async {
        let mut env = env(out)?;
        read_tokens(&mut env).await
    };
    let t = match result.await {
        Ok(t) => t,
        Err(e) => return out.fail(&e),
    };
    let stale = t.oauth.iter().filter(|o| o.stale && !o.own).count();
    if out.json {
        print_json(json!({ "tokens": t }));
    } else {
        let l = out.language;
        for o in &t.oauth {
            let mark = if o.own {
                " (Reconnect)"
            } else if o.stale {
                " !"
            } else {
                ""
            };
            println!(
                "  {:>6}  {}  user {}  {}  {}{mark}",
                o.id,
                o.client,
                o.user_id,
                o.created_at,
                o.used_at.as_deref().unwrap_or("-")
            );
        }
        match &t.api {
            Some(api) => {
                for a in api {
                    let state = if a.active { "active" } else { "deactivated" };
                    println!(
                        "  API {:>6}  {}  {state}  {}",
                        a.id,
                        a.description,
                        a.last_used_at.as_deref().unwrap_or("-")
                    );
                }
            }
            None => println!("{}", zt("tokens.api.not_admin", &[]).get(l)),
        }
        let (no_new, end) = reconnect_api::zendesk::tokens::api_token_dates();
        println!(
            "{}",
            zt(
                "tokens.retirement",
                &[
                    ("no_new", no_new),
                    ("end", end),
                    ("days", &t.api_days_left.to_string()),
                    ("active", &t.active_api_tokens().to_string())
                ]
            )
            .get(l)
        );
    }
    pass_or_fail(stale == 0 && t.active_api_tokens() == 0)
}

pub async fn revoke(out: &Out, ids: Vec<u64>, dry_run: bool, yes: bool) -> ExitCode {
    let result = async {
        let mut env = env(out)?;
        let t = read_tokens(&mut env).await?;
        for id in &ids {
            if t.oauth(*id)?.own {
                return Err(Error::OwnToken);
            }
        }
        let l = out.language;
        for id in &ids {
            let o = t.oauth(*id)?;
            eprintln!(
                "{}",
                zt(
                    "tokens.revoke.line",
                    &[("id", &o.id.to_string()), ("client", &o.client), ("user", &o.user_id.to_string())]
                )
                .get(l)
            );
        }
        eprintln!("{}", zt("tokens.revoke.irreversible", &[]).get(l));
        if dry_run {
            return Ok(None);
        }
        if !revocation_confirmed(out, ids.len(), yes) {
            return Err(Error::RevokeNotConfirmed);
        }
        match run(Job::Revoke { tokens: Box::new(t), ids: ids.clone() }, &mut env).await {
            Finished::Revoked(r) => r.map(Some),
            _ => unreachable!("a revocation finishes revoked or not"),
        }
    };
    match result.await {
        Ok(None) => {
            if out.json {
                print_json(json!({ "dry_run": true, "tokens": ids }));
            }
            ExitCode::SUCCESS
        }
        Ok(Some(done)) => {
            if out.json {
                print_json(json!({ "revoked": done }));
            } else {
                println!("{}", zt("confirm.revoked", &[("count", &done.len().to_string())]).get(out.language));
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

/// `practice-zendesk`: serves the practice Zendesk until Ctrl-C.
pub async fn practice(out: &Out, config: practice_org::zendesk::ZendeskConfig) -> ExitCode {
    let z = match practice_org::zendesk::start(config).await {
        Ok(z) => z,
        Err(e) => {
            eprintln!("{}: {e}", out.l("cli.error"));
            return ExitCode::from(crate::output::BAD_INPUT);
        }
    };
    let users: Vec<_> = z.users();
    if out.json {
        let logins: Vec<_> = users
            .iter()
            .map(|u| json!({ "email": u.email, "password": u.password, "role": u.role, "api_token": u.api_token }))
            .collect();
        println!("{}", json!({ "url": z.url(), "client_id": z.reconnect_client_id(), "logins": logins }));
    } else {
        println!("{}", out.l("cli.practice_zendesk"));
        println!("  {}: {}", out.l("cli.instance_url"), z.url());
        for u in &users {
            println!(
                "  {} ({}): {}  /  {}  — API token {}",
                out.l("cli.practice_login"),
                u.role,
                u.email,
                u.password,
                u.api_token
            );
        }
        println!(
            "  {}: reconnect zendesk login --subdomain {} --client-id {}",
            out.l("cli.try"),
            z.url(),
            z.reconnect_client_id()
        );
        println!("{}", out.l("cli.stop_with_ctrl_c"));
    }
    let _ = tokio::signal::ctrl_c().await;
    z.stop().await;
    ExitCode::SUCCESS
}
