//! The real system keychain (Secret Service through GNOME Keyring under `make test`), and its
//! two failure modes, each probed in a child process so the environment can differ: no
//! session bus at all, and a keyring that was never unlocked.

use std::process::Command;
use std::time::{Duration, Instant};

use reconnect_engine::keychain::{OsKeychain, SecretStore};
use reconnect_engine::secret::Secret;
use reconnect_engine::Error;

#[test]
fn secrets_round_trip_through_the_secret_service() {
    let k = OsKeychain::open_for("app.reconnect.desktop.test.round-trip").expect("run through make test");
    let account = "salesforce/00D000000000001/005000000000001";
    k.put(account, &Secret::new("first")).unwrap();
    k.put(account, &Secret::new("second")).unwrap();
    assert_eq!(k.get(account).unwrap().unwrap().expose(), "second");
    k.delete(account).unwrap();
    assert!(k.get(account).unwrap().is_none());
    k.delete(account).unwrap();
}

/// Not a test of its own: the child process that the error-path tests start.
#[test]
#[ignore = "started as a child process by the keychain error-path tests"]
fn probe() {
    let result =
        OsKeychain::open_for("app.reconnect.desktop.test.probe").and_then(|k| k.put("probe", &Secret::new("x")));
    match result {
        Ok(()) => println!("PROBE ok"),
        Err(e @ Error::KeychainLocked) | Err(e @ Error::KeychainUnavailable { .. }) => {
            println!("PROBE {:?}", std::mem::discriminant(&e));
            println!("PROBE-KIND {}", if matches!(e, Error::KeychainLocked) { "locked" } else { "unavailable" });
            println!("PROBE-NEXT {}", e.user_message().next.en);
        }
        Err(e) => println!("PROBE-KIND other {e:?}"),
    }
}

fn run_probe(mut command: Command) -> String {
    use std::os::unix::process::CommandExt;
    // Its own process group, so a stuck probe goes away with its bus and daemons.
    command.process_group(0);
    let mut child = command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn probe_args(cmd: &mut Command) {
    cmd.args(["--exact", "probe", "--ignored", "--nocapture", "--test-threads=1"]);
}

#[test]
fn no_session_bus_is_a_clear_error_not_a_plaintext_fallback() {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    probe_args(&mut cmd);
    cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/reconnect-test-bus");
    let out = run_probe(cmd);
    assert!(out.contains("PROBE-KIND unavailable"), "{out}");
    assert!(out.contains("Secret Service") && out.contains("never stores tokens anywhere else"), "{out}");
}

#[test]
fn a_locked_keyring_is_a_clear_error() {
    let data = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("dbus-run-session");
    // Create the login keyring unlocked, then restart the daemon without unlocking it: the
    // keyring exists and is locked, as after a reboot with no desktop login.
    let script = "eval \"$(printf reconnect-test | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null; \
                  gnome-keyring-daemon --replace --components=secrets >/dev/null 2>&1; sleep 1; \
                  exec \"$0\" --exact probe --ignored --nocapture --test-threads=1";
    cmd.args(["--", "sh", "-c", script])
        .arg(exe)
        .env("XDG_DATA_HOME", data.path())
        .env_remove("DISPLAY")
        .env_remove("GNOME_KEYRING_CONTROL");
    let out = run_probe(cmd);
    assert!(out.contains("PROBE-KIND locked"), "{out}");
    assert!(out.contains("Unlock your keychain"), "{out}");
}
