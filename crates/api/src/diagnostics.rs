//! "Diagnostics for support": one text the admin reads before sharing it. Versions and the
//! system, the playbook and step on screen, the last operations and errors (with the services'
//! error codes), the last 500 lines of the log, and the journal's entries without their
//! values. Built only from what is already secret-free: the log (which never holds a secret),
//! the saved state's playbook and step, and the journal's names and times.

use std::path::Path;

use reconnect_engine::journal::Journal;
use reconnect_engine::support_log;
use serde_json::Value;

use crate::registry;
use crate::state::STATE_FILE;

/// How many log lines go in.
pub const LOG_LINES: usize = 500;
/// How many journal entries go in (the newest).
const JOURNAL_ENTRIES: usize = 100;

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string())));
    match pretty {
        Some(p) => format!("{} {} ({p})", std::env::consts::OS, std::env::consts::ARCH),
        None => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

/// The playbook on screen and its step, from the saved state.
fn where_the_admin_is(config: &Path) -> String {
    let Ok(bytes) = std::fs::read(config.join(STATE_FILE)) else { return "home (no saved state)".into() };
    let Ok(file) = serde_json::from_slice::<Value>(&bytes) else { return "saved state unreadable".into() };
    let Some(active) = file["active"].as_str() else { return "home".into() };
    let step = registry::find(active)
        .map(|r| (r.open)(Some(file["playbooks"][active].clone())).current().to_string())
        .unwrap_or_else(|| "?".into());
    format!("{active}, step {step}")
}

/// The diagnostics text, from the config folder (state, journal) and the log folder.
pub fn gather(config: &Path, log_dir: &Path, app_version: &str, now: &str) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line("# Reconnect diagnostics");
    line(&format!("Version: {app_version}"));
    line(&format!("System: {}", os_name()));
    line(&format!("Made: {now}"));
    line(&format!("Playbook: {}", where_the_admin_is(config)));
    let log = support_log::last_lines(log_dir, LOG_LINES);
    line("");
    line("## Last operations and errors");
    let notable: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("reconnect::operation") || l.contains(" WARN ") || l.contains(" ERROR "))
        .collect();
    if notable.is_empty() {
        line("(none in the log)");
    }
    for l in notable.iter().rev().take(50).rev() {
        line(l);
    }
    line("");
    line("## Journal (names and times, no values)");
    match Journal::in_dir(config).entries() {
        Ok(entries) if entries.is_empty() => line("(empty)"),
        Ok(entries) => {
            let skip = entries.len().saturating_sub(JOURNAL_ENTRIES);
            for e in &entries[skip..] {
                let fields: Vec<&str> = e.fields.keys().map(String::as_str).collect();
                let event =
                    serde_json::to_value(e.event).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                line(&format!(
                    "{} {} {event} {} {} {}{}{}",
                    e.at,
                    e.playbook,
                    e.object,
                    e.record.as_deref().unwrap_or("-"),
                    if fields.is_empty() { String::new() } else { format!("fields: {}", fields.join(", ")) },
                    e.error
                        .as_ref()
                        .map(|x| format!(" error: {}", reconnect_engine::secret::redact(x)))
                        .unwrap_or_default(),
                    if e.maybe_applied { " (may have applied)" } else { "" },
                ));
            }
        }
        Err(_) => line("(the journal could not be read)"),
    }
    line("");
    line(&format!("## Log (last {} lines)", log.len()));
    for l in &log {
        line(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_names_the_playbook_and_step_and_lists_the_journal_without_values() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(
            config.join(STATE_FILE),
            r#"{"schema":2,"active":"readiness","playbooks":{"readiness":{"current":"contacts"}}}"#,
        )
        .unwrap();
        std::fs::write(
            config.join("journal.jsonl"),
            r#"{"at":"2026-12-01T00:00:00.000+0000","run":"r","step":1,"org":"00D","by":"a@b","playbook":"gainsight","event":"created","object":"PermissionSet","record":"0PS1","fields":{"Label":"Secret-ish value"}}
"#,
        )
        .unwrap();
        std::fs::write(
            logs.join(support_log::FILE),
            "2026-12-01T00:00:00Z  INFO reconnect::operation: started playbook=\"readiness\" operation=\"contacts\"\n2026-12-01T00:00:01Z  WARN reconnect::http: service=\"salesforce\" status=400 code=\"INVALID_FIELD\"\n",
        )
        .unwrap();
        let text = gather(&config, &logs, "9.9.9", "now");
        assert!(text.contains("Playbook: readiness, step contacts"), "{text}");
        assert!(text.contains("fields: Label") && !text.contains("Secret-ish value"), "{text}");
        assert!(text.contains("INVALID_FIELD") && text.contains("Version: 9.9.9"));
    }
}
