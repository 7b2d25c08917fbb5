//! Verification against the practice org: HTTP round trips per verification and the time it
//! takes, median of many runs, beside the same checks made one query at a time and, when
//! `SF_TOOLS_BIN` names a folder with `node` (22) and `sf`, beside the Salesforce CLI asking
//! the same questions (`sf package installed list`, `sf data query`). Prints figures; asserts
//! nothing (`make bench`).

use std::time::{Duration, Instant};

use practice_org::{start, Config};
use reconnect_engine::clock::SystemClock;
use reconnect_engine::salesforce::client::{http_client, SalesforceClient};
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::secret::Secret;
use reconnect_gainsight::catalog::{Catalog, UseCase};
use reconnect_gainsight::package::installed::INSTALLED_QUERY;
use reconnect_gainsight::region::Region;
use reconnect_gainsight::verify::verify;
use serde_json::Value;

const RUNS: usize = 50;
/// Each Salesforce CLI run starts Node three times (seconds each): fewer runs.
const SF_RUNS: usize = 5;
const USER: &str = "gainsight.integration@acme-practice.example";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The same facts fetched the plain way: one request per question.
async fn one_at_a_time(client: &SalesforceClient) {
    let user = soql_string(USER);
    let _: Value = client.get("sobjects/PermissionSet/describe").await.unwrap();
    let _: Vec<Value> =
        client.query(&format!("SELECT Id, IsActive, Profile.Name FROM User WHERE Username = {user}")).await.unwrap();
    let _: Vec<Value> = client
        .query(&format!("SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = {user})"))
        .await
        .unwrap();
    let _: Vec<Value> = client
        .query("SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Name = 'GAINSIGHTCSUS'")
        .await
        .unwrap();
    let _: Vec<Value> = client
        .query(&format!("SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication' AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = {user})"))
        .await
        .unwrap();
    let _: Vec<Value> = client
        .query(&format!("SELECT Id, AppName, LastUsedDate, UseCount FROM OauthToken WHERE User.Username = {user}"))
        .await
        .unwrap();
    let _: Vec<Value> = client.tooling_query(INSTALLED_QUERY).await.unwrap();
}

#[tokio::main]
async fn main() {
    let latency_ms: u64 = std::env::var("BENCH_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let mut config = Config::new("already-fixed");
    config.faults.latency = Duration::from_millis(latency_ms);
    let org = start(config).await.unwrap();
    let http = http_client();
    let token: Value = http
        .post(format!("{}/services/oauth2/token", org.url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "reconnect-practice"),
            ("username", "admin@acme-practice.example"),
            ("password", "Practice-Admin-1"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let instance = InstanceUrl::parse(org.url()).unwrap();
    let access = Secret::new(token["access_token"].as_str().unwrap());
    let client = SalesforceClient::connect(http, instance, "reconnect-practice", access, None, None).await.unwrap();
    let edition = Catalog::shipped().package_for(UseCase::DataSync).edition_for(Some(Region::Us1)).unwrap();

    let mut composite = Vec::new();
    let mut plain = Vec::new();
    let (mut trips, mut plain_trips) = (0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let v = verify(&client, USER, edition, None, &SystemClock).await.unwrap();
        composite.push(t.elapsed());
        trips = v.round_trips;
        let before = client.round_trips();
        let t = Instant::now();
        one_at_a_time(&client).await;
        plain.push(t.elapsed());
        plain_trips = client.round_trips() - before;
    }
    let (c, p) = (median(composite), median(plain));
    println!("verification against the practice org ({latency_ms} ms latency per request, {RUNS} runs each)");
    println!("  Reconnect verify: {trips} round trips, median {:.1} ms", c.as_secs_f64() * 1000.0);
    println!("  one query at a time: {plain_trips} round trips, median {:.1} ms", p.as_secs_f64() * 1000.0);
    println!("  ratio (one at a time / Reconnect): {:.2}", p.as_secs_f64() / c.as_secs_f64());
    match std::env::var_os("SF_TOOLS_BIN") {
        Some(bin) => salesforce_cli(&org, token["access_token"].as_str().unwrap(), bin.into(), c).await,
        None => println!("  Salesforce CLI: not measured (SF_TOOLS_BIN is not set; `make bench` installs it)"),
    }
    org.stop().await;
}

/// The Salesforce CLI asking what Reconnect's verification asks: the installed packages, the
/// OAuth user's permission sets, and the connector's token. Its own home folder keeps it away
/// from any real org it may know.
async fn salesforce_cli(
    org: &practice_org::RunningOrg,
    access_token: &str,
    bin: std::path::PathBuf,
    reconnect: Duration,
) {
    let home = tempfile::tempdir().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let sf = |args: Vec<String>| {
        let mut c = std::process::Command::new(bin.join("sf"));
        c.args(args)
            .env("PATH", &path)
            .env("HOME", home.path())
            .env("SF_ACCESS_TOKEN", access_token)
            .env("SF_DISABLE_TELEMETRY", "true")
            .env("SF_AUTOUPDATE_DISABLE", "true")
            .env("SF_SKIP_NEW_VERSION_CHECK", "true")
            .env("SF_USE_GENERIC_UNIX_KEYCHAIN", "true")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c
    };
    let run = |args: Vec<String>| {
        let mut c = sf(args.clone());
        async move {
            let out = tokio::task::spawn_blocking(move || c.output().unwrap()).await.unwrap();
            assert!(out.status.success(), "sf {args:?}: {}", String::from_utf8_lossy(&out.stdout));
        }
    };
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    run(words(&format!("org login access-token --instance-url {} --no-prompt --alias practice --json", org.url())))
        .await;
    let user = soql_string(USER);
    let permissions = format!("SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = {user})");
    let tokens = format!("SELECT Id, AppName, LastUsedDate, UseCount FROM OauthToken WHERE User.Username = {user}");
    let query = |q: &str| {
        let mut a = words("data query --target-org practice --json --query");
        a.push(q.to_string());
        a
    };
    let mut times = Vec::new();
    let mut trips = 0;
    for _ in 0..SF_RUNS {
        let before = org.api_requests();
        let t = Instant::now();
        run(words("package installed list --target-org practice --json")).await;
        run(query(&permissions)).await;
        run(query(&tokens)).await;
        times.push(t.elapsed());
        trips = org.api_requests() - before;
    }
    let m = median(times);
    println!("  Salesforce CLI (sf package installed list + 2 sf data query): {trips} API requests, median {:.0} ms over {SF_RUNS} runs", m.as_secs_f64() * 1000.0);
    println!("  ratio (Salesforce CLI / Reconnect): {:.0}", m.as_secs_f64() / reconnect.as_secs_f64());
}
