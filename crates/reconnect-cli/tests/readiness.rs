//! `reconnect status`, `readiness` and `runbook` as processes against the practice org and its
//! practice Trust API, switched between a minor incident, an answer that is not the API's and
//! one that never comes: `status` fails clearly (exit 2), `readiness` still reports the rest.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use serde_json::Value;

const ADMIN: (&str, &str) = ("admin@acme-practice.example", "Practice-Admin-1");

/// Switches what the practice Trust API answers.
fn switch_trust(org: &PracticeOrg, scenario: &str) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}/trust/practice/scenario", org.url))
            .body(scenario.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
    });
}

#[test]
fn status_readiness_and_runbook_report_the_org_and_survive_a_trust_api_that_fails() {
    let _turn = take_turn();
    let started = SystemTime::now() - Duration::from_secs(1);
    let config = tempfile::tempdir().unwrap();
    let org = practice_org_of(config.path(), "hardening-large");
    assert_eq!(run(config.path(), &["status"]).code, 2, "not signed in");
    let signed_in = login(config.path(), &org.url, ADMIN);
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    let session = session_tokens(config.path());

    let ok = run(config.path(), &["status", "--json"]);
    assert_eq!(ok.code, 0, "{}\n{}", ok.stdout, ok.stderr);
    let v: Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(v["trust"]["instance"]["key"], "NA224");

    switch_trust(&org, "minor-incident");
    let incident = run(config.path(), &["status"]);
    assert_eq!(incident.code, 1, "an incident is something to know: {}", incident.stdout);
    assert!(
        incident.stdout.contains("Minor incident") && incident.stdout.contains("status.salesforce.com/incidents/"),
        "{}",
        incident.stdout
    );
    assert!(incident.stdout.contains("Gainsight applications"), "the general message: {}", incident.stdout);
    let ja = run(config.path(), &["status", "--lang", "ja"]);
    assert!(ja.stdout.contains("軽度のインシデント"), "{}", ja.stdout);

    switch_trust(&org, "garbage");
    let garbage = run(config.path(), &["status"]);
    assert_eq!(garbage.code, 2);
    assert!(
        garbage.stderr.contains("not JSON") && garbage.stderr.contains("status.salesforce.com/instances/NA224"),
        "{}",
        garbage.stderr
    );
    let ready = run(config.path(), &["readiness", "--json"]);
    assert_eq!(ready.code, 1, "not subscribed, and warnings: {}", ready.stderr);
    let r: Value = serde_json::from_str(&ready.stdout).unwrap();
    assert_eq!(r["trust"]["read"], false);
    assert!(r["contacts"]["holders"].as_array().unwrap().len() >= 7, "{r}");
    assert_eq!(r["subscription"]["current"], false);

    switch_trust(&org, "slow");
    let slow = run(config.path(), &["readiness"]);
    assert_eq!(slow.code, 1);
    assert!(
        slow.stdout.contains("no answer within") && slow.stdout.contains("noreply@acme-practice.example"),
        "{}",
        slow.stdout
    );

    switch_trust(&org, "ok");
    let runbook = config.path().join("runbook.md");
    let made = run(config.path(), &["runbook", "--out", runbook.to_str().unwrap()]);
    assert_eq!(made.code, 0, "{}\n{}", made.stdout, made.stderr);
    let md = std::fs::read_to_string(&runbook).unwrap();
    let audit = run(config.path(), &["audit", "--json"]);
    let apps: Value = serde_json::from_str(&audit.stdout).unwrap();
    for app in apps["apps"].as_array().unwrap() {
        let name = app["app"].as_str().unwrap();
        assert!(md.contains(name), "{name} missing from the runbook");
    }
    assert!(md.contains("All services available"), "the status when it was made");
    let html = config.path().join("runbook.html");
    assert_eq!(run(config.path(), &["runbook", "--out", html.to_str().unwrap(), "--lang", "ja"]).code, 0);
    assert!(std::fs::read_to_string(&html).unwrap().contains("インシデント対応ランブック"));
    assert_eq!(run(config.path(), &["logout"]).code, 0);

    let mut texts: Vec<(String, String)> = [&ok, &incident, &garbage, &ready, &slow, &made]
        .iter()
        .flat_map(|r| [("stdout".to_string(), r.stdout.clone()), ("stderr".to_string(), r.stderr.clone())])
        .collect();
    texts.extend(files_written_since(config.path(), started).into_iter().map(|(f, t)| (f.display().to_string(), t)));
    for secret in &session {
        for (what, t) in &texts {
            assert!(!t.contains(secret.as_str()), "a token leaked into {what}");
        }
    }
}
