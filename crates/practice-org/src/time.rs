//! Salesforce's datetime text, shared with the core so the org and its clients agree.

pub use reconnect_engine::timestamp::{format_ms, now_ms, parse_ms};

/// ISO 8601 in UTC with milliseconds and `Z`, as the Trust API writes times
/// (`2020-07-29T19:04:35.523Z`).
pub fn format_iso_z(ms: i64) -> String {
    format_ms(ms).replace("+0000", "Z")
}
