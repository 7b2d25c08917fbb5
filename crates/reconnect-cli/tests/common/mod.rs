//! What the CLI's process tests share: a config folder per test, the practice org as a
//! process, sign-in through its login form over HTTP, running `reconnect` and collecting
//! everything it printed or wrote (for the token scans).
#![allow(dead_code)] // Each test binary uses its own share of these.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::SystemTime;

use reconnect_api::engine::keychain::{OsKeychain, SecretStore};
use serde_json::Value;

/// The CLI keeps tokens under the system keychain's one service, and every practice org has the
/// same org and user ids: tests that sign in take turns.
static SIGNED_IN: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    SIGNED_IN.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn reconnect(config: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reconnect"));
    // The log goes to the data folder: inside the test's folder too, so every scan covers it.
    c.env("XDG_CONFIG_HOME", config).env("XDG_DATA_HOME", config).env("LANG", "en_US.UTF-8");
    c
}

/// The session the CLI signed in with, as the app reads it from the same config folder.
pub fn signed_in_record(config: &Path) -> reconnect_api::engine::accounts::SessionRecord {
    reconnect_api::engine::accounts::current_session(&config.join(reconnect_api::engine::paths::APP_ID))
        .expect("a session")
}

pub struct PracticeOrg {
    child: Child,
    pub url: String,
    pub access_key: String,
}

impl Drop for PracticeOrg {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn practice_org(config: &Path) -> PracticeOrg {
    practice_org_of(config, "production-us-revoked")
}

pub fn practice_org_of(config: &Path, scenario: &str) -> PracticeOrg {
    let mut child = reconnect(config)
        .args(["practice-org", "--json", "--scenario", scenario])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(v["scenario"], scenario);
    PracticeOrg {
        child,
        url: v["url"].as_str().unwrap().to_string(),
        access_key: v["gainsight"]["access_key"].as_str().unwrap().to_string(),
    }
}

/// Fills the practice org's login form over HTTP and follows the redirect: to the CLI, or to
/// Salesforce's error page. Returns the address it ended on.
pub fn browser(authorize_url: &str, username: &str, password: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let url = url::Url::parse(authorize_url).unwrap();
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.extend([
            ("username".into(), username.into()),
            ("password".into(), password.into()),
            ("decision".into(), "allow".into()),
        ]);
        let r = http
            .post(format!("{}{}", url.origin().ascii_serialization(), url.path()))
            .form(&form)
            .send()
            .await
            .unwrap();
        let back = r.headers()["location"].to_str().unwrap().to_string();
        let back = if back.starts_with('/') { format!("{}{back}", url.origin().ascii_serialization()) } else { back };
        http.get(&back).send().await.unwrap();
        back
    })
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `reconnect login --no-browser`, answered by the HTTP "browser" as soon as it prints the link.
/// When the browser ends on Salesforce's error page, its address is pasted into the CLI, as
/// the CLI asks.
pub fn login(config: &Path, org: &str, who: (&str, &str)) -> Run {
    use std::io::Write;
    let port = free_port().to_string();
    let mut child = reconnect(config)
        .args(["login", "--org", org, "--no-browser", "--port", &port, "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut landed = None;
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("http").map(|rest| format!("http{rest}")) {
            landed = Some(browser(&url, who.0, who.1));
        }
        if line.contains("paste its address here") {
            break;
        }
    }
    if let Some(page) = landed.filter(|l| l.contains("RemoteAccessErrorPage")) {
        writeln!(stdin, "{page}").unwrap();
    }
    drop(stdin);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    seen.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    Run { code: out.status.code().unwrap(), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: seen }
}

pub fn run(config: &Path, args: &[&str]) -> Run {
    let out = reconnect(config).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

pub fn files_under(dir: &Path, since: SystemTime, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
        if meta.is_dir() {
            files_under(&p, since, out);
        } else if meta.is_file() && meta.modified().is_ok_and(|m| m >= since) && meta.len() < 50_000_000 {
            out.push(p);
        }
    }
}

/// Runs `reconnect` with `input` on standard input.
pub fn run_with_input(config: &Path, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut child = reconnect(config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// The access and refresh tokens the CLI keeps in the keychain for its current session.
pub fn session_tokens(config: &Path) -> Vec<String> {
    let account = signed_in_record(config).keychain_account();
    let blob = OsKeychain::open().unwrap().get(&account).unwrap().expect("tokens in the keychain");
    let tokens: Value = serde_json::from_str(blob.expose()).unwrap();
    ["access_token", "refresh_token"].iter().map(|k| tokens[k].as_str().unwrap().to_string()).collect()
}

/// Every file written since `started` in the config folder, the test scratch folder and the
/// temporary folder, with its path and contents.
pub fn files_written_since(config: &Path, started: SystemTime) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    files_under(config, started, &mut files);
    if let Ok(scratch) = std::env::var("RECONNECT_TEST_SCRATCH") {
        files_under(Path::new(&scratch), started, &mut files);
    }
    files_under(&std::env::temp_dir(), started, &mut files);
    files
        .into_iter()
        .filter_map(|f| std::fs::read(&f).ok().map(|b| (f, String::from_utf8_lossy(&b).into_owned())))
        .collect()
}
