//! `reconnect zendesk …` as processes against the practice Zendesk: sign in by OAuth through
//! the authorization page, list the apps against the 2019 cutoff, rotate two installations
//! with values on standard input, list the tokens, revoke one (dry run, unconfirmed, then
//! confirmed), an agent refused, a rate limit shown as progress, sign out; then every value
//! passed to `rotate` and every Zendesk token is looked for in every output and file.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use common::*;
use practice_org::zendesk::{start, ZendeskConfig};
use serde_json::Value;

const NEW_JIRA: &str = "cli-rotated-jira-Qw8x";
const NEW_SLACK: &str = "https://hooks.slack.example/services/cli-rotated-Zt4m";

/// Submits the practice Zendesk's authorization form as `email` and follows it back.
fn allow(authorize_url: &str, email: &str, password: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(reconnect_testkit::zendesk_browser(authorize_url.into(), email.into(), password.into(), true));
}

/// `reconnect zendesk login --no-browser`, answered as soon as it prints the page.
fn login(config: &Path, url: &str, email: &str, password: &str) -> Run {
    let port = free_port().to_string();
    let mut child = reconnect(config)
        .args(["zendesk", "login", "--subdomain", url, "--client-id", "reconnect", "--no-browser", "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(page) = line.trim().strip_prefix("http").map(|r| format!("http{r}")) {
            allow(&page, email, password);
            break;
        }
    }
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    seen.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    Run { code: out.status.code().unwrap(), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: seen }
}

#[test]
fn an_admin_rotates_two_installations_and_revokes_a_token_and_nothing_secret_is_left_anywhere() {
    let started = SystemTime::now() - Duration::from_secs(1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let z = rt.block_on(start(ZendeskConfig { rate_limit_every: Some(5), ..ZendeskConfig::default() })).unwrap();
    let config = tempfile::tempdir().unwrap();
    let c = config.path();
    let users = z.users();
    let mut outputs: Vec<String> = Vec::new();
    let keep = |outputs: &mut Vec<String>, r: &Run| outputs.push(format!("{}\n{}", r.stdout, r.stderr));

    assert_eq!(run(c, &["zendesk", "apps"]).code, 2, "not signed in");
    let signed_in = login(c, z.url(), &users[0].email, &users[0].password);
    keep(&mut outputs, &signed_in);
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    assert!(signed_in.stdout.contains("Aiko Admin"), "{}", signed_in.stdout);

    let apps = run(c, &["zendesk", "apps", "--json"]);
    keep(&mut outputs, &apps);
    assert_eq!(apps.code, 1, "flagged installations are something to do: {}", apps.stderr);
    let v: Value = serde_json::from_str(&apps.stdout).unwrap();
    assert_eq!((v["cutoff"].as_str(), v["flagged"].as_u64()), (Some("2016-11-01"), Some(3)));
    let later = run(c, &["zendesk", "apps", "--before", "2015-01-01"]);
    assert_eq!(later.code, 0, "nothing before 2015: {}", later.stdout);
    let ja = run(c, &["--lang", "ja", "zendesk", "apps"]);
    assert!(ja.stdout.contains("インストール 5 件"), "{}", ja.stdout);

    let dry = run_with_input(c, &["zendesk", "rotate", "--installation", "187701", "--dry-run"], "");
    keep(&mut outputs, &dry);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stderr.contains("cannot be undone") && dry.stderr.contains("Atlassian"), "{}", dry.stderr);
    assert!(z.setting_written_at(187701, "password").is_none(), "a dry run changes nothing");

    for (id, value) in [("187701", NEW_JIRA), ("187702", NEW_SLACK)] {
        let r = run_with_input(c, &["zendesk", "rotate", "--installation", id, "--value-stdin"], &format!("{value}\n"));
        keep(&mut outputs, &r);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert!(z.setting_is(187701, "password", NEW_JIRA) && z.setting_is(187702, "webhook_url", NEW_SLACK));
    let wrong = run_with_input(
        c,
        &["zendesk", "rotate", "--installation", "187701", "--setting", "pasword", "--value-stdin"],
        "x\n",
    );
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("password"), "names the settings it has: {}", wrong.stderr);

    let tokens = run(c, &["zendesk", "tokens", "--json"]);
    keep(&mut outputs, &tokens);
    assert_eq!(tokens.code, 1, "stale tokens and working API tokens: {}", tokens.stderr);
    let t: Value = serde_json::from_str(&tokens.stdout).unwrap();
    assert!(t["tokens"]["oauth"].as_array().unwrap().iter().any(|o| o["id"] == 502 && o["stale"] == true));
    assert!(z.rate_limited() > 0, "the rate limit was met");
    let all_err: String = outputs.join("\n");
    assert!(all_err.contains("rate limit"), "a wait is shown as progress");

    let dry = run(c, &["zendesk", "revoke", "--token", "502", "--dry-run"]);
    assert_eq!(dry.code, 0);
    assert!(dry.stderr.contains("Old reporting script") && dry.stderr.contains("cannot be undone"), "{}", dry.stderr);
    let unconfirmed = run(c, &["zendesk", "revoke", "--token", "502"]);
    assert_eq!(unconfirmed.code, 2, "no terminal, no --yes: {}", unconfirmed.stderr);
    assert!(z.oauth_token_exists(502));
    let revoked = run(c, &["zendesk", "revoke", "--token", "502", "--yes"]);
    keep(&mut outputs, &revoked);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    assert!(!z.oauth_token_exists(502));

    let secrets = z.secrets();
    let out = run(c, &["zendesk", "logout"]);
    keep(&mut outputs, &out);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Nothing secret anywhere: not the new values, not a token Zendesk issued, not a password.
    let mut look_for = secrets;
    look_for.extend([NEW_JIRA.to_string(), NEW_SLACK.to_string()]);
    for text in &outputs {
        for s in &look_for {
            assert!(!text.contains(s.as_str()), "a secret in the output");
        }
    }
    for (path, text) in files_written_since(c, started) {
        for s in &look_for {
            assert!(!text.contains(s.as_str()), "a secret in {}", path.display());
        }
    }
    let journal = std::fs::read_to_string(c.join(reconnect_api::engine::paths::APP_ID).join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"rotated\"") && journal.contains("webhook_url") && journal.contains("\"revoked\""));
    drop(rt);
}

#[test]
fn an_agent_signs_in_with_an_api_token_may_list_but_not_rotate() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let z = rt.block_on(start(ZendeskConfig::default())).unwrap();
    let config = tempfile::tempdir().unwrap();
    let c = config.path();
    let agent = z.users().into_iter().find(|u| u.role == "agent").unwrap();
    let wrong = run_with_input(
        c,
        &["zendesk", "login", "--subdomain", z.url(), "--email", &agent.email, "--api-token-stdin"],
        "wrong\n",
    );
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("did not accept"), "{}", wrong.stderr);
    let signed_in = run_with_input(
        c,
        &["zendesk", "login", "--subdomain", z.url(), "--email", &agent.email, "--api-token-stdin"],
        &format!("{}\n", agent.api_token),
    );
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    assert!(signed_in.stdout.contains("2027-04-30"), "the API token's deadline: {}", signed_in.stdout);
    assert_eq!(run(c, &["zendesk", "apps"]).code, 1);
    let refused =
        run_with_input(c, &["zendesk", "rotate", "--installation", "187701", "--value-stdin"], "new-value-1\n");
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("Only a Zendesk admin"), "{}", refused.stderr);
    assert!(!z.setting_is(187701, "password", "new-value-1"));
    let tokens = run(c, &["zendesk", "tokens"]);
    assert!(tokens.stdout.contains("only for admins"), "{}", tokens.stdout);
    for text in [&signed_in.stdout, &signed_in.stderr, &tokens.stdout, &tokens.stderr] {
        assert!(!text.contains(&agent.api_token));
    }
    assert_eq!(run(c, &["zendesk", "logout"]).code, 0);
    drop(rt);
}

#[test]
fn the_practice_zendesk_command_serves_and_prints_how_to_sign_in() {
    let config = tempfile::tempdir().unwrap();
    let mut child =
        reconnect(config.path()).args(["practice-zendesk", "--json"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["client_id"], "reconnect");
    assert!(v["url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    let _ = child.kill();
    let _ = child.wait();
}
