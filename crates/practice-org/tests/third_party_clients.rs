//! Salesforce clients nobody at Reconnect wrote, as separate processes, against the practice org
//! over real loopback HTTPS: simple-salesforce (PyPI) and jsforce (npm), installed by the setup
//! step. Each signs in, queries with relationships, pages with queryMore, describes
//! PermissionSet, runs a Tooling query and a composite request, and meets the real error bodies
//! for a bad field and an expired session. What they need that the practice org lacks is a
//! practice-org bug.

use std::path::{Path, PathBuf};

use practice_org::{start, Config, RunningOrg};
use serde_json::Value;

const ADMIN: (&str, &str) = ("admin@acme-practice.example", "Practice-Admin-1");
/// The practice org's installed OAuth client.
const CLIENT: &str = "reconnect-practice";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A practice org on HTTPS that pages one record at a time, and the certificate it serves.
async fn https_org(dir: &Path) -> (RunningOrg, PathBuf) {
    let mut config = Config::new("already-fixed");
    config.tls = true;
    config.page_size = 1;
    let org = start(config).await.unwrap();
    let ca = dir.join("practice-org.pem");
    std::fs::write(&ca, org.certificate_pem().unwrap()).unwrap();
    (org, ca)
}

/// Every step the client printed, failing with its own reason when it failed.
fn steps(client: &str, out: std::process::Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let failed = lines.iter().find_map(|l| l["failed"].as_str());
    assert!(
        out.status.success() && failed.is_none(),
        "{client}: {}\nstdout: {stdout}\nstderr: {}",
        failed.unwrap_or("exited with an error"),
        String::from_utf8_lossy(&out.stderr)
    );
    lines
}

fn names(lines: &[Value]) -> Vec<&str> {
    lines.iter().filter_map(|l| l["step"].as_str()).collect()
}

const EVERY_STEP: &[&str] = &[
    "signed_in",
    "query_with_relationships",
    "query_more",
    "describe",
    "tooling_query",
    "composite",
    "bad_field",
    "expired_session",
];

#[tokio::test(flavor = "multi_thread")]
async fn simple_salesforce_works_against_the_practice_org() {
    let dir = tempfile::tempdir().unwrap();
    let (org, ca) = https_org(dir.path()).await;
    let python = root().join(".tools/py/bin/python");
    assert!(python.exists(), "simple-salesforce is not installed: run `make test`, whose setup installs it");
    let out = tokio::process::Command::new(&python)
        .arg(root().join("tests/peers/simple_salesforce_check.py"))
        .args([org.url(), ca.to_str().unwrap(), ADMIN.0, ADMIN.1, CLIENT])
        .output()
        .await
        .unwrap();
    let lines = steps("simple-salesforce", out);
    assert_eq!(names(&lines), EVERY_STEP);
    let describe = lines.iter().find(|l| l["step"] == "describe").unwrap();
    assert_eq!(describe["fields"], 436, "the recorded PermissionSet describe");
    let expired = lines.iter().find(|l| l["step"] == "expired_session").unwrap();
    assert_eq!(expired["status"], 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn jsforce_works_against_the_practice_org() {
    let dir = tempfile::tempdir().unwrap();
    let (org, ca) = https_org(dir.path()).await;
    let peers = root().join("tests/peers");
    assert!(
        peers.join("node_modules/jsforce").exists(),
        "jsforce is not installed: run `make test`, whose setup installs it"
    );
    let out = tokio::process::Command::new("node")
        .arg(peers.join("jsforce_check.mjs"))
        .args([org.url(), ADMIN.0, ADMIN.1, CLIENT])
        .env("NODE_EXTRA_CA_CERTS", &ca)
        .output()
        .await
        .expect("node runs (make test puts it on the PATH)");
    let lines = steps("jsforce", out);
    let mut expected = EVERY_STEP.to_vec();
    expected.push("signed_out");
    assert_eq!(names(&lines), expected);
    // jsforce's logout (the token alone, without a client id) revoked the token at the org.
    assert_eq!(lines.last().unwrap()["revoked"], true);
}
