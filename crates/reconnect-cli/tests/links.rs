//! `reconnect link …` as processes: keys, links piped through xargs, refusals and exit codes.

use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output};

use serde_json::Value;

struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        Machine { dir: tempfile::tempdir().unwrap() }
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_reconnect"));
        c.current_dir(self.dir.path())
            .env("LANG", "en_US.UTF-8")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `sh -c "<cmd>"` with this machine's environment, so pipes and xargs are real.
    fn shell(&self, script: &str) -> Output {
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_reconnect")).parent().unwrap().to_owned();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("LANG", "en_US.UTF-8")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path())
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_signed_link_piped_through_xargs_checks_as_verified_with_every_field() {
    let m = Machine::new();
    let keygen =
        m.run(&["link", "keygen", "--id", "acme-desk", "--name", "Acme IT desk", "--trust", "--out", "desk.key"]);
    assert!(keygen.status.success(), "{}", String::from_utf8_lossy(&keygen.stderr));
    let entry: Value = serde_json::from_slice(&keygen.stdout).unwrap();
    assert_eq!(entry["key_id"], "acme-desk");
    let key_file = std::fs::read_to_string(m.dir.path().join("desk.key")).unwrap();
    let secret: Value = serde_json::from_str(&key_file).unwrap();
    let secret = secret["secret_key"].as_str().unwrap().to_string();
    assert!(!stdout(&keygen).contains(&secret) && !String::from_utf8_lossy(&keygen.stderr).contains(&secret));

    let piped = m.shell(
        "reconnect link new --region eu --org https://acme--uat.sandbox.lightning.force.com/lightning/page/home \
         --use-case data-sync --step install --language ja --ticket CS-42 --sign desk.key --expires 7d \
         | xargs reconnect link check --json",
    );
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    let v: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["trust"]["trust"], "verified");
    assert_eq!(v["trust"]["issuer"], "Acme IT desk");
    assert_eq!(v["fields"]["region"], "eu");
    assert_eq!(v["fields"]["org"], "acme--uat.sandbox.my.salesforce.com");
    assert_eq!(v["fields"]["ticket"], "CS-42");
    assert_eq!(v["fields"]["language"], "ja");
    assert!(!stdout(&piped).contains(&secret));

    let text = m.shell("reconnect link new --region us2 --step region | xargs reconnect link check");
    assert!(text.status.success());
    assert!(stdout(&text).contains("not verified"), "{}", stdout(&text));
    assert!(stdout(&text).contains("US2"));
}

#[test]
fn a_link_signed_by_a_key_this_machine_does_not_trust_is_refused_with_exit_1() {
    let signer = Machine::new();
    assert!(signer.run(&["link", "keygen", "--id", "desk", "--name", "Desk", "--out", "k"]).status.success());
    let link = stdout(&signer.run(&["link", "new", "--region", "us1", "--sign", "k"])).trim().to_string();
    let other = Machine::new();
    let out = other.run(&["link", "check", &link]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a key Reconnect does not trust"));
    let tampered = link.replace("region=us1", "region=eu");
    let out = signer.run(&["link", "check", "--json", &tampered]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problem"]["kind"], "unknown_issuer", "the signer did not --trust its own key");
}

#[test]
fn refusals_are_explained_in_both_languages_with_exit_1() {
    let m = Machine::new();
    for (link, kind) in [
        ("reconnect://wizard?v=1&exp=4102444800&org=https://evil.example", "url_in_field"),
        ("reconnect://wizard?v=1&exp=1000000000", "expired"),
        ("reconnect://wizard?v=1&exp=4102444800&colour=red", "unknown_field"),
        ("reconnect://wizard?v=1&v=1", "repeated_field"),
    ] {
        let out = m.run(&["link", "check", "--json", link]);
        assert_eq!(out.status.code(), Some(1), "{link}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["problem"]["kind"], kind, "{link}");
        assert!(!v["what"]["ja"].as_str().unwrap().is_ascii());
    }
    let mut raw = b"reconnect://wizard?v=1&ticket=".to_vec();
    raw.push(0xff);
    let out = m.command().args(["link", "check", "--json"]).arg(std::ffi::OsStr::from_bytes(&raw)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problem"]["kind"], "not_utf8");
}

#[test]
fn bad_maker_input_is_an_error_with_exit_2_and_keys_are_never_overwritten() {
    let m = Machine::new();
    assert_eq!(m.run(&["link", "new", "--org", "https://evil.example"]).status.code(), Some(2));
    assert_eq!(m.run(&["link", "new", "--expires", "365d"]).status.code(), Some(2));
    assert_eq!(m.run(&["link", "new", "--ticket", "two words"]).status.code(), Some(2));
    assert!(m.run(&["link", "keygen", "--id", "k", "--name", "K", "--out", "k.key"]).status.success());
    let before = std::fs::read(m.dir.path().join("k.key")).unwrap();
    let again = m.run(&["link", "keygen", "--id", "k", "--name", "K", "--out", "k.key"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read(m.dir.path().join("k.key")).unwrap(), before);
}
