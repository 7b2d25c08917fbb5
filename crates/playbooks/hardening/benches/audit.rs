//! The hardening playbook at incident scale: the large practice org (ten thousand tokens over
//! forty apps, two hundred thousand login rows, event log files) with latency added to every
//! request. Prints the audit's round trips and median time, the indicator search's, the same
//! token inventory through the Salesforce CLI (`sf data query`, when `SF_TOOLS_BIN` names a
//! folder with `node` and `sf`) as a ratio, and the peak memory of `reconnect audit` as a
//! process (when `RECONNECT_CLI_BIN` names the release CLI). Figures only; asserts nothing
//! (`make bench`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use practice_org::{Config, RunningOrg};
use reconnect_engine::clock::SystemClock;
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::Journal;
use reconnect_hardening::ops::{run, Finished, Job};
use reconnect_testkit::{fixture, sign_in, ADMIN};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

const AUDIT_RUNS: usize = 5;
const IOC_RUNS: usize = 3;
/// Each Salesforce CLI run starts Node (seconds): few runs.
const SF_RUNS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let latency_ms: u64 = std::env::var("BENCH_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let mut config = Config::new(reconnect_hardening::PRACTICE_SCENARIO);
    config.faults.latency = Duration::from_millis(latency_ms);
    let f = fixture(config).await;
    sign_in(&f, ADMIN).await.unwrap();
    let mut env = JobEnv {
        accounts: f.accounts.clone(),
        journal: Journal::in_dir(f._dir.path()),
        clock: Arc::new(SystemClock),
        progress: Box::new(|_| {}),
        browser: Arc::new(reconnect_engine::browser::SystemBrowser),
    };

    let mut audits = Vec::new();
    let (mut trips, mut tokens, mut apps) = (0, 0, 0);
    for _ in 0..AUDIT_RUNS {
        let t = Instant::now();
        let Finished::Audit(a) = run(Job::Audit { stale_days: 90, extra_users: Vec::new() }, &mut env).await else {
            unreachable!("an audit job finishes with an audit")
        };
        audits.push(t.elapsed());
        let a = a.unwrap();
        (trips, tokens, apps) = (a.round_trips, a.inventory.tokens.len(), a.inventory.apps.len());
    }
    let audit = median(audits);
    println!(
        "hardening against the practice org ({} tokens over {apps} apps, 200,000 login rows; {latency_ms} ms latency per request)",
        tokens
    );
    println!(
        "  audit (inventory, connected-app access, integration users, Health Check): {trips} round trips, median {:.0} ms over {AUDIT_RUNS} runs",
        ms(audit)
    );

    let mut searches = Vec::new();
    let mut requests = 0;
    let mut rows = 0;
    for _ in 0..IOC_RUNS {
        let before = f.org.api_requests();
        let t = Instant::now();
        let Finished::Ioc(r) = run(Job::Ioc { since_ms: None }, &mut env).await else {
            unreachable!("an indicator search finishes with its result")
        };
        searches.push(t.elapsed());
        requests = f.org.api_requests() - before;
        rows = r.unwrap().rows_read;
    }
    println!(
        "  indicator search (LoginHistory scanned a week at a time since Aug 2025, {rows} rows, and the event log files): {requests} API requests, median {:.0} ms over {IOC_RUNS} runs",
        ms(median(searches))
    );

    match std::env::var_os("SF_TOOLS_BIN") {
        Some(bin) => salesforce_cli(&f.org, PathBuf::from(bin), audit).await,
        None => println!("  Salesforce CLI: not measured (SF_TOOLS_BIN is not set; `make bench` installs it)"),
    }
    match std::env::var_os("RECONNECT_CLI_BIN") {
        Some(bin) => cli_memory(&f.org, Path::new(&bin)).await,
        None => {
            println!("  reconnect audit's memory: not measured (RECONNECT_CLI_BIN is not set; `make bench` sets it)")
        }
    }
    f.org.stop().await;
}

/// An access token for the practice org's admin, as the Salesforce CLI is given one.
async fn access_token(org: &RunningOrg) -> String {
    let token: Value = reqwest::Client::new()
        .post(format!("{}/services/oauth2/token", org.url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "reconnect-practice"),
            ("username", ADMIN.0),
            ("password", ADMIN.1),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_string()
}

/// The token inventory the way an admin would take it with the Salesforce CLI: one `sf data
/// query` of the fields the audit reads, its own home folder keeping it from any real org.
async fn salesforce_cli(org: &RunningOrg, bin: PathBuf, audit: Duration) {
    let home = tempfile::tempdir().unwrap();
    let token = access_token(org).await;
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let sf = |args: Vec<String>| {
        let mut c = std::process::Command::new(bin.join("sf"));
        c.args(&args)
            .env("PATH", &path)
            .env("HOME", home.path())
            .env("SF_ACCESS_TOKEN", &token)
            .env("SF_DISABLE_TELEMETRY", "true")
            .env("SF_AUTOUPDATE_DISABLE", "true")
            .env("SF_SKIP_NEW_VERSION_CHECK", "true")
            .env("SF_USE_GENERIC_UNIX_KEYCHAIN", "true");
        let out = c.output().unwrap();
        assert!(out.status.success(), "sf {args:?}: {}", String::from_utf8_lossy(&out.stdout));
        out.stdout
    };
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let login =
        words(&format!("org login access-token --instance-url {} --no-prompt --alias practice --json", org.url()));
    tokio::task::block_in_place(|| sf(login));
    let query = |soql: String| {
        let mut a = words("data query --target-org practice --json --query");
        a.push(soql);
        a
    };
    let records_of = |out: Vec<u8>| -> Vec<Value> {
        let v: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
        v["result"]["records"].as_array().cloned().unwrap_or_default()
    };
    const FIELDS: &str = "Id, AppName, UserId, User.Username, CreatedDate, LastUsedDate, UseCount, \
                          AppMenuItem.IsUsingAdminAuthorization";
    // One query, as an admin would first try: Salesforce stops at 2,500 tokens.
    let one = tokio::task::block_in_place(|| sf(query(format!("SELECT {FIELDS} FROM OauthToken"))));
    println!("  Salesforce CLI, one `sf data query` of the same OauthToken fields: {} records", records_of(one).len());
    // Paged by CreatedDate as sfdx-hardis does, until a page comes back short.
    let mut times = Vec::new();
    let (mut requests, mut records, mut calls) = (0, 0, 0);
    for _ in 0..SF_RUNS {
        let before = org.api_requests();
        let t = Instant::now();
        let (mut read, mut after, mut n) = (0usize, None::<String>, 0);
        loop {
            let filter = after.as_ref().map(|c| format!(" WHERE CreatedDate > {c}")).unwrap_or_default();
            let soql = format!("SELECT {FIELDS} FROM OauthToken{filter} ORDER BY CreatedDate ASC LIMIT 2000");
            let page = records_of(tokio::task::block_in_place(|| sf(query(soql))));
            n += 1;
            read += page.len();
            let last = page.last().and_then(|r| r["CreatedDate"].as_str()).map(|c| c.replace("+0000", "Z"));
            if page.len() < 2000 || last.is_none() {
                break;
            }
            after = last;
        }
        times.push(t.elapsed());
        (requests, records, calls) = (org.api_requests() - before, read, n);
    }
    let m = median(times);
    println!(
        "  Salesforce CLI paged by CreatedDate ({calls} `sf data query` runs): {requests} API requests, {records} records, median {:.0} ms over {SF_RUNS} runs",
        ms(m)
    );
    println!(
        "  ratio (Salesforce CLI inventory alone / Reconnect's whole audit): {:.1}",
        m.as_secs_f64() / audit.as_secs_f64()
    );
}

/// Signs the release CLI in (its own config folder, the practice login form filled over HTTP),
/// runs `reconnect audit --json` and follows its peak resident memory (`VmHWM`) until it exits.
async fn cli_memory(org: &RunningOrg, bin: &Path) {
    let config = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let mut login = tokio::process::Command::new(bin)
        .args(["login", "--org", org.url(), "--no-browser", "--port", &port, "--json"])
        .env("XDG_CONFIG_HOME", config.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(login.stderr.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(rest) = line.trim().strip_prefix("http") {
            reconnect_testkit::browser(format!("http{rest}"), (ADMIN.0.into(), ADMIN.1.into())).await;
            break;
        }
    }
    assert!(login.wait().await.unwrap().success(), "reconnect login");
    let t = Instant::now();
    let mut audit = tokio::process::Command::new(bin)
        .args(["audit", "--json"])
        .env("XDG_CONFIG_HOME", config.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = audit.id().unwrap();
    let mut peak_kb = 0u64;
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if audit.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!(
        "  reconnect audit --json (release CLI process): peak RSS {:.1} MB, {:.0} ms",
        peak_kb as f64 / 1024.0,
        ms(t.elapsed())
    );
    let _ = tokio::process::Command::new(bin)
        .arg("logout")
        .env("XDG_CONFIG_HOME", config.path())
        .stdout(Stdio::null())
        .status()
        .await;
}
