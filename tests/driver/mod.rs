//! Driving the real app window through tauri-driver (in front of WebKitWebDriver): shared by
//! the real-window tests and the start-up benchmark.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use tokio::process::{Child, Command};

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until something listens on `port`.
pub async fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on port {port}: did the driver start?");
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return p.into();
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(&std::env::var("HOME").unwrap()).join(".cargo"));
    home.join("bin/tauri-driver")
}

/// A running tauri-driver, with the environment the app it starts will see.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts tauri-driver and waits for it and its WebKitWebDriver.
    pub async fn start(envs: &[(&str, &std::ffi::OsStr)]) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run this through `make test` or `make bench` (they start Xvfb)"
        );
        let port = free_port();
        let native_port = free_port();
        let child = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("tauri-driver is not installed: run `make test`, which installs it");
        // tauri-driver answers before its WebKitWebDriver does; wait for both.
        wait_for_port(port).await;
        wait_for_port(native_port).await;
        Driver { child, port }
    }

    /// Starts `application` with `args` in a new WebDriver session.
    pub async fn session(&self, application: &Path, args: &[&str]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": application, "args": args }));
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("WebDriver session")
    }

    /// Stops tauri-driver with SIGTERM, so it stops its WebKitWebDriver (SIGKILL would
    /// orphan it).
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
        }
        let _ = self.child.wait().await;
    }
}
