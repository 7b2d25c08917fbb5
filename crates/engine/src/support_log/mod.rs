//! The log support reads: each HTTP request (method, the path with its query reduced to names,
//! status, time, the service's error code) and each operation's start, end and outcome, through
//! `tracing`. The app and the CLI write it to a size-capped rotating file in the app's data
//! folder (`RECONNECT_LOG=debug` for more); the CLI also to standard error with `-v`. Nothing
//! secret is ever given to it: no body, no header, no query value.

pub mod request;
pub mod rotating;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

pub use request::request_target;
use rotating::RotatingFile;

/// The variable that sets how much is logged (`error`, `warn`, `info`, `debug`, `trace`).
pub const LEVEL_VARIABLE: &str = "RECONNECT_LOG";
/// The log file's name in the log folder.
pub const FILE: &str = "reconnect.log";
/// The largest a log file grows before it is rotated.
pub const MAX_BYTES: u64 = 1024 * 1024;
/// How many rotated files are kept beside the current one.
pub const KEEP: usize = 3;

/// The folder the log lives in: `$XDG_DATA_HOME/app.reconnect.desktop/logs` on Linux.
pub fn log_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(crate::paths::APP_ID).join("logs")
}

fn level() -> LevelFilter {
    match std::env::var(LEVEL_VARIABLE).unwrap_or_default().to_ascii_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "warn" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        "off" => LevelFilter::OFF,
        _ => LevelFilter::INFO,
    }
}

/// Starts logging to the rotating file in `dir` (and to standard error when `stderr`). Only
/// Reconnect's own events are written (targets `reconnect…`); a second call keeps the first.
pub fn install(dir: &Path, stderr: bool) {
    let file = RotatingFile::new(dir, FILE, MAX_BYTES, KEEP);
    let ours = Targets::new().with_target("reconnect", level());
    let builder = tracing_subscriber::fmt().with_ansi(false).with_max_level(LevelFilter::TRACE);
    let _ = if stderr {
        builder.with_writer(file.and(std::io::stderr)).finish().with(ours).try_init()
    } else {
        builder.with_writer(file).finish().with(ours).try_init()
    };
}

/// Logs one HTTP request: `service` (salesforce, zendesk, trust, gainsight), the method, the
/// address reduced by [`request_target`], the status (none when no answer came), the time it
/// took and the service's error code when it gave one.
pub fn http(service: &str, method: &str, url: &str, status: Option<u16>, elapsed: Duration, code: Option<&str>) {
    let target = request_target(url);
    let ms = elapsed.as_millis() as u64;
    match (status, code) {
        (Some(s), None) if s < 400 => {
            tracing::info!(target: "reconnect::http", service, method, path = %target, status = s, ms)
        }
        (Some(s), code) => {
            tracing::warn!(target: "reconnect::http", service, method, path = %target, status = s, ms, code = code.unwrap_or("-"))
        }
        (None, _) => tracing::warn!(target: "reconnect::http", service, method, path = %target, ms, "no answer"),
    }
}

/// Runs an operation between its start and end lines; `error` says what went wrong in the
/// result, if anything (in English, never a value).
pub async fn logged<T>(
    playbook: &str,
    operation: &str,
    work: impl std::future::Future<Output = T>,
    error: impl FnOnce(&T) -> Option<String>,
) -> T {
    operation_started(playbook, operation);
    let done = work.await;
    operation_ended(playbook, operation, error(&done).as_deref());
    done
}

/// Logs an operation's start.
pub fn operation_started(playbook: &str, operation: &str) {
    tracing::info!(target: "reconnect::operation", playbook, operation, "started");
}

/// Logs an operation's end: `error` is the error's English summary (never a value).
pub fn operation_ended(playbook: &str, operation: &str, error: Option<&str>) {
    match error {
        None => tracing::info!(target: "reconnect::operation", playbook, operation, "ended: ok"),
        Some(e) => tracing::warn!(target: "reconnect::operation", playbook, operation, error = e, "ended: failed"),
    }
}

/// The last `n` lines of the log in `dir` (the current file, then the rotated ones before it).
pub fn last_lines(dir: &Path, n: usize) -> Vec<String> {
    last_lines_in(dir, FILE, KEEP, n)
}

/// The last `n` lines of the rotating file `name` in `dir` that keeps `keep` old files.
pub fn last_lines_in(dir: &Path, name: &str, keep: usize, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for file in rotating::files_newest_first(dir, name, keep) {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let mut these: Vec<String> = text.lines().map(str::to_string).collect();
        these.append(&mut lines);
        lines = these;
        if lines.len() >= n {
            break;
        }
    }
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}
