//! `reconnect practice-org`, `login`, `whoami` and `logout` as separate processes, the way an
//! admin or a script runs them, against the real keychain (run under `make test`). Afterwards
//! no token issued during the run may appear in any output, state file or temporary file.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;
use reconnect_api::engine::keychain::{OsKeychain, SecretStore};
use serde_json::Value;

#[test]
fn cli_signs_in_reads_the_org_signs_out_and_leaks_no_token() {
    let _turn = take_turn();
    let started = SystemTime::now() - Duration::from_secs(1);
    let config = tempfile::tempdir().unwrap();
    let org = practice_org(config.path());

    let signed_in = login(config.path(), &org.url, ("admin@acme-practice.example", "Practice-Admin-1"));
    assert_eq!(signed_in.code, 0, "{}\n{}", signed_in.stdout, signed_in.stderr);
    let facts: Value = serde_json::from_str(&signed_in.stdout).unwrap();
    assert_eq!(facts["facts"]["environment"], "production");
    assert_eq!(facts["facts"]["instance_name"], "NA224");

    // The app reads the same keychain entry and session list.
    let account = signed_in_record(config.path()).keychain_account();
    let blob = OsKeychain::open().unwrap().get(&account).unwrap().expect("tokens in the keychain");
    let tokens: Value = serde_json::from_str(blob.expose()).unwrap();
    let secrets: Vec<String> =
        ["access_token", "refresh_token"].iter().map(|k| tokens[k].as_str().unwrap().to_string()).collect();

    let whoami = run(config.path(), &["whoami", "--json"]);
    assert_eq!(whoami.code, 0, "{}", whoami.stderr);
    let me: Value = serde_json::from_str(&whoami.stdout).unwrap();
    assert_eq!(me["username"], "admin@acme-practice.example");
    assert_eq!(me["gainsight_region"]["findings"][0]["regions"][0], "us1");
    let human = run(config.path(), &["whoami"]);
    assert!(human.stdout.contains("Acme Corporation (practice)") && human.stdout.contains("US1"), "{}", human.stdout);

    let blocked =
        login(config.path(), &org.url, ("gainsight.integration@acme-practice.example", "Practice-Integration-1"));
    assert_eq!(blocked.code, 2);
    // The CLI explained the error page before waiting, then read the pasted address.
    assert!(blocked.stderr.contains("OAUTH_APPROVAL_ERROR_GENERIC"), "{}", blocked.stderr);
    // With --json the error is JSON on stdout, in both languages.
    let error: Value = serde_json::from_str(&blocked.stdout).unwrap();
    assert!(error["error"]["what"]["en"].as_str().unwrap().contains("not installed in this org"), "{error}");
    assert!(error["error"]["next"]["en"].as_str().unwrap().contains("Approve Uninstalled Connected Apps"), "{error}");
    assert!(error["error"]["next"]["ja"].as_str().unwrap().contains("未インストール"), "{error}");

    let out = run(config.path(), &["logout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("admin@acme-practice.example"));
    assert!(OsKeychain::open().unwrap().get(&account).unwrap().is_none());
    let after = run(config.path(), &["whoami"]);
    assert_eq!(after.code, 2);
    assert!(after.stderr.contains("No one is signed in"), "{}", after.stderr);

    // No token in anything the run printed or wrote.
    let mut texts = vec![
        signed_in.stdout,
        signed_in.stderr,
        whoami.stdout,
        whoami.stderr,
        human.stdout,
        blocked.stdout,
        blocked.stderr,
        out.stdout,
        after.stderr,
    ];
    let mut files = Vec::new();
    files_under(config.path(), started, &mut files);
    if let Ok(scratch) = std::env::var("RECONNECT_TEST_SCRATCH") {
        files_under(Path::new(&scratch), started, &mut files);
    }
    files_under(&std::env::temp_dir(), started, &mut files);
    assert!(!files.is_empty());
    for f in &files {
        if let Ok(bytes) = std::fs::read(f) {
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    for secret in &secrets {
        for (i, text) in texts.iter().enumerate() {
            assert!(
                !text.contains(secret.as_str()),
                "a token leaked into output or file #{i} ({:?})",
                files.get(i.saturating_sub(9))
            );
        }
    }
}

#[test]
fn login_refuses_addresses_that_are_not_salesforce() {
    let config = tempfile::tempdir().unwrap();
    let out = run(config.path(), &["login", "--org", "https://salesforce.com.evil.example", "--no-browser"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a Salesforce address"), "{}", out.stderr);
}

/// The Gainsight admin's part on the practice tenant: Re-authorize, sign in as the OAuth user.
fn reauthorize(base: &str, username: &str, password: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let absolute = |l: &str| if l.starts_with('/') { format!("{base}{l}") } else { l.to_string() };
        let r = http.post(format!("{base}/practice/gainsight/connectors/authorize")).send().await.unwrap();
        let authorize = absolute(r.headers()["location"].to_str().unwrap());
        let url = url::Url::parse(&authorize).unwrap();
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.extend([
            ("username".into(), username.into()),
            ("password".into(), password.into()),
            ("decision".into(), "allow".into()),
        ]);
        let r = http.post(format!("{base}{}", url.path())).form(&form).send().await.unwrap();
        http.get(absolute(r.headers()["location"].to_str().unwrap())).send().await.unwrap();
        http.get(format!("{base}/practice/gainsight/connectors")).send().await.unwrap().text().await.unwrap()
    })
}

#[test]
fn cli_diagnoses_fixes_installs_verifies_reports_and_undoes_with_exit_codes_for_pass_fail_and_error() {
    const USER: &str = "gainsight.integration@acme-practice.example";
    let _turn = take_turn();
    let config = tempfile::tempdir().unwrap();
    let org = practice_org(config.path());
    let no_session = run(config.path(), &["diagnose", "--user", USER]);
    assert_eq!(no_session.code, 2, "not signed in is an error: {}", no_session.stderr);
    let signed_in = login(config.path(), &org.url, ("admin@acme-practice.example", "Practice-Admin-1"));
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    let account = signed_in_record(config.path()).keychain_account();
    let blob = OsKeychain::open().unwrap().get(&account).unwrap().expect("tokens in the keychain");
    let tokens: Value = serde_json::from_str(blob.expose()).unwrap();

    let diagnosed = run(config.path(), &["diagnose", "--user", USER, "--json"]);
    assert_eq!(diagnosed.code, 1, "a failed check: {}", diagnosed.stderr);
    let d: Value = serde_json::from_str(&diagnosed.stdout).unwrap();
    assert_eq!(d["passed"], false);
    // The org's describe has no field for the permission: its metadata name, and the path.
    let human = run(config.path(), &["diagnose", "--user", USER]);
    assert!(
        human.stdout.contains("CanApproveUninstalledApps") && human.stdout.contains("through the Metadata API"),
        "{}",
        human.stdout
    );

    let dry = run(config.path(), &["fix", "--user", USER, "--dry-run"]);
    assert_eq!(dry.code, 1, "changes pending: {}", dry.stderr);
    assert!(
        dry.stdout.contains("dry run")
            && dry.stdout.contains("Create permission set through the Metadata API")
            && dry.stdout.contains("userPermissions CanApproveUninstalledApps = true"),
        "{}",
        dry.stdout
    );
    assert_eq!(
        run(config.path(), &["fix", "--user", USER, "--dry-run"]).stdout,
        dry.stdout,
        "a dry run changes nothing"
    );
    let fixed = run(config.path(), &["fix", "--user", USER]);
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stdout.contains("✓ PermissionSet") && fixed.stdout.contains("✓ PermissionSetAssignment"),
        "{}",
        fixed.stdout
    );
    let again = run(config.path(), &["fix", "--user", USER]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("Nothing to change"), "{}", again.stdout);

    let installed = run(config.path(), &["install", "--via", "api", "--json"]);
    assert_eq!(installed.code, 0, "{}\n{}", installed.stdout, installed.stderr);
    let i: Value = serde_json::from_str(&installed.stdout).unwrap();
    assert_eq!(i["package"]["installed"]["name"], "Gainsight CS US Connected App");
    assert!(installed.stderr.contains("\"phase\":\"requested\""), "progress on stderr: {}", installed.stderr);

    let since = reconnect_api::engine::timestamp::format_ms(reconnect_api::engine::timestamp::now_ms() - 1000);
    let before = run(config.path(), &["verify", "--user", USER, "--since", &since]);
    assert_eq!(before.code, 1, "no token yet: {}", before.stdout);
    assert!(before.stdout.contains("no token"), "{}", before.stdout);

    let page = reauthorize(&org.url, USER, "Practice-Integration-1");
    assert!(page.contains("Authorized as"), "{page}");
    let key = org.access_key.clone();
    let verified = run_with_input(
        config.path(),
        &["verify", "--user", USER, "--since", &since, "--gainsight-tenant", &org.url, "--gainsight-key-stdin"],
        &key,
    );
    assert_eq!(verified.code, 0, "{}\n{}", verified.stdout, verified.stderr);
    assert!(
        verified.stdout.contains("2 HTTP round trips") && verified.stdout.contains("Gainsight API"),
        "{}",
        verified.stdout
    );
    assert!(!verified.stdout.contains(&key), "the access key is never printed");

    let report = config.path().join("report.html");
    let reported = run(
        config.path(),
        &["report", "--out", report.to_str().unwrap(), "--user", USER, "--since", &since, "--lang", "ja"],
    );
    assert_eq!(reported.code, 0, "{}", reported.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("lang=\"ja\"") && html.contains("確認済み") && html.contains("作成"), "{html}");
    assert!(!html.contains(&key));

    let undone = run(config.path(), &["undo", "--json"]);
    assert_eq!(undone.code, 0, "{}", undone.stderr);
    let u: Value = serde_json::from_str(&undone.stdout).unwrap();
    assert_eq!(u["undone"].as_array().unwrap().len(), 2, "{u}");
    let nothing = run(config.path(), &["undo"]);
    assert!(nothing.stdout.contains("Nothing to undo"), "{}", nothing.stdout);
    let bad_since = run(config.path(), &["verify", "--user", USER, "--since", "yesterday"]);
    assert_eq!(bad_since.code, 2);
    assert!(bad_since.stderr.contains("30m"), "{}", bad_since.stderr);
    assert_eq!(run(config.path(), &["logout"]).code, 0);

    // No token in any output, the journal, the report or anything else written.
    let mut texts: Vec<String> = [&dry, &fixed, &again, &installed, &before, &verified, &reported, &undone, &nothing]
        .iter()
        .flat_map(|r| [r.stdout.clone(), r.stderr.clone()])
        .collect();
    let mut files = Vec::new();
    files_under(config.path(), SystemTime::UNIX_EPOCH, &mut files);
    assert!(files.iter().any(|f| f.ends_with("journal.jsonl")), "{files:?}");
    texts.extend(files.iter().filter_map(|f| std::fs::read(f).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()));
    for k in ["access_token", "refresh_token"] {
        let secret = tokens[k].as_str().unwrap();
        assert!(texts.iter().all(|t| !t.contains(secret)), "{k} leaked");
    }
    // The log support reads has every request and operation, and none of the secrets.
    let log =
        std::fs::read_to_string(config.path().join(reconnect_api::engine::paths::APP_ID).join("logs/reconnect.log"))
            .expect("the log");
    assert!(log.contains("reconnect::http") && log.contains("/services/data/") && log.contains("status=200"), "{log}");
    assert!(log.contains("operation=\"fix\"") || log.contains("operation=fix"), "operations are logged: {log}");
    assert!(log.contains("FROM User WHERE Id = ?"), "queries keep names, not values: {log}");
    for secret in [key.as_str(), "Practice-Admin-1", "Practice-Integration-1", USER] {
        assert!(!log.contains(secret), "a secret or value in the log");
    }
    // Diagnostics for support: the log's last lines and the journal without values, no secret.
    let file = config.path().join("diagnostics.txt");
    let written = run(config.path(), &["diagnostics", "--out", file.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let diagnostics = std::fs::read_to_string(&file).unwrap();
    assert!(diagnostics.contains("## Journal") && diagnostics.contains("PermissionSet"), "{diagnostics}");
    assert!(diagnostics.contains("operation=\"undo\""), "the last operations: {diagnostics}");
    for secret in [
        key.as_str(),
        "Practice-Admin-1",
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    ] {
        assert!(!diagnostics.contains(secret), "a secret in the diagnostics");
    }
}

#[test]
fn cli_fixes_an_org_with_the_permission_field_through_rest_and_undoes_it() {
    const USER: &str = "gainsight.integration@acme-practice.example";
    let _turn = take_turn();
    let config = tempfile::tempdir().unwrap();
    let org = practice_org_of(config.path(), "production-us-revoked-field");
    let signed_in = login(config.path(), &org.url, ("admin@acme-practice.example", "Practice-Admin-1"));
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);
    let diagnosed = run(config.path(), &["diagnose", "--user", USER]);
    assert_eq!(diagnosed.code, 1);
    assert!(
        diagnosed.stdout.contains("PermissionsCanApproveUninstalledApps = false")
            && diagnosed.stdout.contains("PermissionSet field"),
        "{}",
        diagnosed.stdout
    );
    let dry = run(config.path(), &["fix", "--user", USER, "--dry-run"]);
    assert!(dry.stdout.contains("PermissionsCanApproveUninstalledApps = true"), "{}", dry.stdout);
    assert!(!dry.stdout.contains("Metadata API"), "{}", dry.stdout);
    assert_eq!(run(config.path(), &["fix", "--user", USER]).code, 0);
    assert!(run(config.path(), &["fix", "--user", USER]).stdout.contains("Nothing to change"));
    let undone = run(config.path(), &["undo", "--json"]);
    let u: Value = serde_json::from_str(&undone.stdout).unwrap();
    assert_eq!(u["undone"].as_array().unwrap().len(), 2, "{u}");
    assert_eq!(run(config.path(), &["diagnose", "--user", USER]).code, 1);
    assert_eq!(run(config.path(), &["logout"]).code, 0);
}

#[test]
fn cli_plan_finds_the_user_shows_one_plan_asks_before_applying_and_then_has_nothing_left() {
    let _turn = take_turn();
    let config = tempfile::tempdir().unwrap();
    let org = practice_org(config.path());
    let signed_in = login(config.path(), &org.url, ("admin@acme-practice.example", "Practice-Admin-1"));
    assert_eq!(signed_in.code, 0, "{}", signed_in.stderr);

    let shown = run(config.path(), &["plan"]);
    assert_eq!(shown.code, 1, "something to do: {}\n{}", shown.stdout, shown.stderr);
    assert!(
        shown.stdout.contains("gainsight.integration@acme-practice.example")
            && shown.stdout.contains("PackageInstallRequest")
            && shown.stdout.contains("userPermissions CanApproveUninstalledApps = true"),
        "{}",
        shown.stdout
    );
    // Off a terminal nobody can answer: nothing is applied without --yes.
    let refused = run(config.path(), &["plan", "--apply"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("not confirmed"), "{}", refused.stderr);
    assert_eq!(run(config.path(), &["plan"]).code, 1, "still to do");

    let applied = run(config.path(), &["plan", "--apply", "--yes", "--json"]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    let a: Value = serde_json::from_str(&applied.stdout).unwrap();
    assert_eq!(
        (a["passed"].as_bool(), &a["installed"]["name"]),
        (Some(true), &Value::from("Gainsight CS US Connected App"))
    );
    assert!(applied.stderr.contains("\"phase\":\"requested\""), "the install's progress: {}", applied.stderr);
    let after = run(config.path(), &["plan"]);
    assert_eq!(after.code, 0, "nothing left: {}", after.stdout);
    assert!(after.stdout.contains("Nothing to change"), "{}", after.stdout);
    assert_eq!(run(config.path(), &["logout"]).code, 0);
}

#[test]
fn cli_plan_lists_two_token_holders_with_why_refuses_to_guess_and_takes_the_one_named() {
    let _turn = take_turn();
    let config = tempfile::tempdir().unwrap();
    let org = practice_org_of(config.path(), "already-fixed");
    const ADMIN: (&str, &str) = ("admin@acme-practice.example", "Practice-Admin-1");
    const INTEGRATION: (&str, &str) = ("gainsight.integration@acme-practice.example", "Practice-Integration-1");
    // Someone once connected Gainsight as themselves: both hold a token of the Gainsight app.
    for (username, password) in [INTEGRATION, ADMIN] {
        let page = reauthorize(&org.url, username, password);
        assert!(page.contains("Authorized as"), "{page}");
    }
    assert_eq!(login(config.path(), &org.url, ADMIN).code, 0);

    let unclear = run(config.path(), &["plan"]);
    assert_eq!(unclear.code, 2, "{}\n{}", unclear.stdout, unclear.stderr);
    for username in [INTEGRATION.0, ADMIN.0] {
        let line = unclear.stdout.lines().find(|l| l.contains(username) && l.trim_start().starts_with('?'));
        assert!(line.is_some_and(|l| l.contains("holds a token of the Gainsight app")), "{}", unclear.stdout);
    }
    assert!(unclear.stderr.contains("--user"), "what to do next: {}", unclear.stderr);

    let named = run(config.path(), &["plan", "--user", INTEGRATION.0]);
    assert_eq!(named.code, 0, "{}\n{}", named.stdout, named.stderr);
    assert!(named.stdout.contains("Nothing to change") && !named.stdout.contains("? "), "{}", named.stdout);
    assert_eq!(run(config.path(), &["logout"]).code, 0);
}
