//! `reconnect audit`, `ioc` and `revoke` as processes against the large practice org (ten
//! thousand tokens over forty apps, two hundred thousand login rows), with the exit codes
//! scripts rely on: 0 nothing found, 1 findings or something left to do, 2 error. Afterwards
//! no token, and no `DeleteToken` of a revoked token, appears in any output or file.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use serde_json::Value;

const ADMIN: (&str, &str) = ("admin@acme-practice.example", "Practice-Admin-1");

/// The `DeleteToken` of each of an app's tokens, read over the org's REST API as any client
/// can: what a leak would look like.
fn delete_tokens(instance: &str, access_token: &str, app: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let q = format!("SELECT Id, DeleteToken FROM OauthToken WHERE AppName = '{app}'");
        let v: Value = reqwest::Client::new()
            .get(format!("{instance}/services/data/v62.0/query"))
            .query(&[("q", q)])
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["records"].as_array().unwrap().iter().map(|r| r["DeleteToken"].as_str().unwrap().to_string()).collect()
    })
}

#[test]
fn audit_revoke_and_ioc_answer_with_exit_codes_and_leak_no_token_or_delete_token() {
    let _turn = take_turn();
    let started = SystemTime::now() - Duration::from_secs(1);
    let config = tempfile::tempdir().unwrap();
    let org = practice_org_of(config.path(), "hardening-large");
    let not_signed_in = run(config.path(), &["audit"]);
    assert_eq!(not_signed_in.code, 2, "{}", not_signed_in.stderr);
    let signed_in = login(config.path(), &org.url, ADMIN);
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    let session = session_tokens(config.path());

    let audited = run(config.path(), &["audit", "--json"]);
    assert_eq!(audited.code, 1, "findings: {}", audited.stderr);
    let a: Value = serde_json::from_str(&audited.stdout).unwrap();
    assert!(a["tokens"].as_u64().unwrap() >= 10_000, "{}", a["tokens"]);
    let apps = a["apps"].as_array().unwrap();
    assert!(apps.len() >= 40);
    assert!(a["findings"].as_u64().unwrap() > 0);
    // Progress went to standard error, as JSON lines.
    assert!(audited.stderr.contains("\"phase\":\"counting\""), "{}", audited.stderr);
    let stale = apps
        .iter()
        .find(|x| {
            x["app"].as_str().unwrap().starts_with("Partner")
                && x["flags"].as_array().unwrap().iter().any(|f| f["flag"] == "stale")
        })
        .expect("a partner app with stale tokens");
    let app = stale["app"].as_str().unwrap().to_string();

    let human = run(config.path(), &["audit", "--unused-days", "30", "--lang", "ja"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("接続アプリケーション") && human.stdout.contains(&app), "{}", human.stdout);
    let bad_days = run(config.path(), &["audit", "--unused-days", "0"]);
    assert_eq!(bad_days.code, 2);

    let record = signed_in_record(config.path());
    let handles = delete_tokens(record.instance.as_str(), &session[0], &app);
    assert!(!handles.is_empty());

    let dry = run(config.path(), &["revoke", "--app", &app, "--unused-days", "90", "--dry-run", "--json"]);
    assert_eq!(dry.code, 1, "tokens left to revoke: {}", dry.stderr);
    let plan: Value = serde_json::from_str(&dry.stdout).unwrap();
    let n = plan["tokens"].as_u64().unwrap();
    assert!(n > 0 && (n as usize) <= handles.len());
    let again = run(config.path(), &["revoke", "--app", &app, "--unused-days", "90", "--dry-run"]);
    assert!(again.stdout.contains("cannot be undone") && again.stdout.contains("Dry run"), "{}", again.stdout);

    // No one at a terminal to answer: nothing happens without --yes.
    let unconfirmed = run(config.path(), &["revoke", "--app", &app, "--unused-days", "90"]);
    assert_eq!(unconfirmed.code, 2);
    assert!(unconfirmed.stderr.contains("--yes"), "{}", unconfirmed.stderr);
    let unknown = run(config.path(), &["revoke", "--app", "No Such App", "--yes"]);
    assert_eq!(unknown.code, 2);

    let revoked = run(config.path(), &["revoke", "--app", &app, "--unused-days", "90", "--yes", "--json"]);
    assert_eq!(revoked.code, 0, "{}\n{}", revoked.stdout, revoked.stderr);
    let r: Value = serde_json::from_str(&revoked.stdout).unwrap();
    assert_eq!(r["revoked"].as_array().unwrap().len() as u64, n, "{r}");
    let nothing = run(config.path(), &["revoke", "--app", &app, "--unused-days", "90", "--dry-run"]);
    assert_eq!(nothing.code, 0, "nothing left: {}", nothing.stdout);
    let remaining = delete_tokens(record.instance.as_str(), &session[0], &app);
    assert_eq!(remaining.len(), handles.len() - n as usize);

    let ioc = run(config.path(), &["ioc", "--json"]);
    assert_eq!(ioc.code, 1, "the planted hits: {}", ioc.stderr);
    let found: Value = serde_json::from_str(&ioc.stdout).unwrap();
    assert!(found["hits"].as_u64().unwrap() >= 4, "{found}");
    // The last 45 days hold one login hit and the event-log hits.
    let text = run(config.path(), &["ioc", "--since", "45d"]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("3.239.45.43") && text.stdout.contains("A hit means"), "{}", text.stdout);
    assert!(
        text.stdout.contains("Revoked") || text.stdout.contains("revoked"),
        "the journal's revocations: {}",
        text.stdout
    );
    let recent = run(config.path(), &["ioc", "--since", "2d"]);
    assert_eq!(recent.code, 0, "no hit in the last two days: {}", recent.stdout);
    let bad_since = run(config.path(), &["ioc", "--since", "last week"]);
    assert_eq!(bad_since.code, 2);
    assert_eq!(run(config.path(), &["logout"]).code, 0);

    // Neither the session's tokens nor any revoked token's handle in anything printed or written.
    let mut texts: Vec<(String, String)> =
        [&signed_in, &audited, &human, &dry, &again, &unconfirmed, &revoked, &nothing, &ioc, &text, &recent]
            .iter()
            .flat_map(|r| [("stdout".to_string(), r.stdout.clone()), ("stderr".to_string(), r.stderr.clone())])
            .collect();
    let files = files_written_since(config.path(), started);
    assert!(files.iter().any(|(f, _)| f.ends_with("journal.jsonl")), "the revocations are journaled");
    texts.extend(files.into_iter().map(|(f, t)| (f.display().to_string(), t)));
    for secret in session.iter().chain(&handles) {
        for (what, t) in &texts {
            assert!(!t.contains(secret.as_str()), "a token or DeleteToken leaked into {what}");
        }
    }
}
