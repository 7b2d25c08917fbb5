//! Runs the real `reconnect` binary: answers, JSON shapes, languages and exit codes.

use std::process::{Command, Output};

use serde_json::Value;

fn reconnect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reconnect")).args(args).env("LANG", "en_US.UTF-8").output().unwrap()
}

fn json(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = reconnect(&all);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap())
}

#[test]
fn detect_json_gives_environment_and_my_domain_for_every_kind_of_salesforce_address() {
    let table = [
        ("https://acme.my.salesforce.com/", "production", Some("acme.my.salesforce.com")),
        ("acme--uat.sandbox.my.salesforce.com", "sandbox", Some("acme--uat.sandbox.my.salesforce.com")),
        ("https://acme.lightning.force.com/lightning/page/home", "production", Some("acme.my.salesforce.com")),
        ("acme--uat.sandbox.lightning.force.com", "sandbox", Some("acme--uat.sandbox.my.salesforce.com")),
        ("acme.my.salesforce-setup.com", "production", Some("acme.my.salesforce.com")),
        ("acme-dev-ed.develop.my.salesforce.com", "developer", Some("acme-dev-ed.develop.my.salesforce.com")),
        ("x-1.scratch.my.salesforce.com", "scratch", Some("x-1.scratch.my.salesforce.com")),
        ("acme.demo.my.salesforce.com", "demo", Some("acme.demo.my.salesforce.com")),
        ("acme.patch.my.salesforce.com", "patch", Some("acme.patch.my.salesforce.com")),
        ("acme.trailblaze.my.salesforce.com", "trailhead", Some("acme.trailblaze.my.salesforce.com")),
        ("acme.free.my.salesforce.com", "free", Some("acme.free.my.salesforce.com")),
        ("agency.my.salesforce.mil", "production", Some("agency.my.salesforce.mil")),
        ("acme.my-salesforce.com", "production", Some("acme.my-salesforce.com")),
        ("acme.my.sfcrmproducts.cn", "production", Some("acme.my.sfcrmproducts.cn")),
        ("na85.salesforce.com", "production", None),
        ("cs42.salesforce.com", "sandbox", None),
        ("login.salesforce.com", "production", None),
        ("test.salesforce.com", "sandbox", None),
    ];
    for (input, env, my_domain) in table {
        let (v, code) = json(&["detect", input]);
        assert_eq!(code, 0, "{input}: {v}");
        assert_eq!(v["kind"], "salesforce", "{input}");
        assert_eq!(v["environment"], env, "{input}");
        assert_eq!(v["my_domain"].as_str(), my_domain, "{input}");
    }
}

#[test]
fn detect_json_gives_the_gainsight_region() {
    for (input, regions) in [
        ("https://acme.gainsightcloud.com/v1/ui/home", vec!["us1"]),
        ("ACME.US2.GAINSIGHTCLOUD.COM.", vec!["us2"]),
        ("acme.eu.gainsightcloud.com:443", vec!["eu"]),
        ("secured.eu.gainsightcloud.com", vec!["eu"]),
        ("secured.gainsightcloud.com", vec!["us1", "us2"]),
    ] {
        let (v, code) = json(&["detect", input]);
        assert_eq!(code, 0, "{input}: {v}");
        assert_eq!(v["kind"], "gainsight");
        assert_eq!(v["regions"], serde_json::json!(regions), "{input}");
    }
}

#[test]
fn phishing_and_foreign_hosts_fail_with_a_reason_and_exit_code() {
    let (v, code) = json(&["detect", "https://my.salesforce.com@evil.example/"]);
    assert_eq!(code, 2);
    assert!(v["error"]["what"]["en"].as_str().unwrap().contains("evil.example"), "{v}");
    let (v, code) = json(&["detect", "salesforce.com.evil.example"]);
    assert_eq!(code, 1);
    assert_eq!(v["kind"], "unrecognized");
    let out = reconnect(&["detect", "cs.acme.com"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Administration"), "{err}");
}

#[test]
fn japanese_messages_on_request() {
    let out = reconnect(&["--lang", "ja", "detect", "salesforce.com.evil.example"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Salesforce のアドレスではありません"), "{err}");
    let out = reconnect(&["--lang", "ja", "detect", "acme.my.salesforce.com"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("本番環境"));
}

#[test]
fn packages_lists_the_catalog_and_filters_by_use_case_and_region() {
    let (v, code) = json(&["packages"]);
    assert_eq!(code, 0);
    assert_eq!(v["packages"].as_array().unwrap().len(), 3);
    let (v, _) = json(&["packages", "--use-case", "data-sync", "--region", "eu"]);
    let p = &v["packages"][0];
    assert_eq!(p["id"], "cs-connected-app");
    assert_eq!(p["editions"].as_array().unwrap().len(), 1);
    assert_eq!(p["editions"][0]["connected_app"], "GAINSIGHTCSEU");
    assert_eq!(p["editions"][0]["package_version_id"], "04tJ9000000HgizIAC");
    let (v, _) = json(&["packages", "--use-case", "extension-login"]);
    assert_eq!(v["packages"][0]["status"], "coming_soon");
    let (_, code) = json(&["packages", "--region", "apac"]);
    assert_eq!(code, 2);
    let out = reconnect(&["packages"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("04tg50000000tZD") && text.contains("GAINSIGHTCSUS"), "{text}");
}

#[test]
fn install_link_builds_both_links_and_recommends_my_domain() {
    let (v, code) =
        json(&["install-link", "--org", "https://acme--uat.sandbox.lightning.force.com/x", "--region", "eu"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["links"]["my_domain"]["url"],
        "https://acme--uat.sandbox.my.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz"
    );
    assert_eq!(
        v["links"]["generic"]["url"],
        "https://test.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz"
    );
    assert_eq!(v["links"]["recommended"], "my_domain");
    let (v, _) = json(&["install-link", "--org", "login.salesforce.com", "--package", "GAINSIGHTCSUS"]);
    assert_eq!(v["links"]["recommended"], "generic");
    assert_eq!(
        v["links"]["generic"]["url"],
        "https://login.salesforce.com/packaging/installPackage.apexp?p0=04tg50000000tZD"
    );
}

#[test]
fn install_link_explains_what_is_missing() {
    let out = reconnect(&["install-link", "--org", "acme.my.salesforce.com"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("US and an EU edition") && err.contains("US1, US2 or EU"), "{err}");
    let out = reconnect(&["install-link", "--org", "acme.my.salesforce.com", "--package", "extension-login"]);
    assert_eq!(out.status.code(), Some(2));
    let out = reconnect(&["install-link", "--org", "evil.example", "--region", "us1"]);
    assert_eq!(out.status.code(), Some(2));
}
