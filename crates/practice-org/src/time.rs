//! Salesforce's datetime text, shared with the core so the org and its clients agree.

pub use reconnect_engine::timestamp::{format_ms, now_ms, parse_ms};
