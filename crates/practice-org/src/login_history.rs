//! `LoginHistory` kept compact: hundreds of thousands of rows as a few numbers each, sorted by
//! time, made into records (the fields of the recorded answer,
//! `corpus/salesforce/query-loginhistory.json`) only for the time range a query asks for.

use serde_json::{json, Map, Value};

use crate::store::{Generated, Record};
use crate::time::format_ms;

/// One login.
#[derive(Debug, Clone, Copy)]
pub struct LoginRow {
    /// When.
    pub time_ms: i64,
    /// Index into the users.
    pub user: u32,
    /// Index into the addresses.
    pub source: u32,
    /// Index into the addresses, when a proxy forwarded it.
    pub forwarded: Option<u32>,
    /// Index into the apps.
    pub app: u16,
    /// 0: a browser login (`Application`), 1: an OAuth app (`Remote Access 2.0`).
    pub kind: u8,
    /// Whether it failed.
    pub failed: bool,
}

/// The table.
#[derive(Debug)]
pub struct LoginHistoryTable {
    rows: Vec<LoginRow>,
    users: Vec<String>,
    ips: Vec<String>,
    apps: Vec<String>,
}

impl LoginHistoryTable {
    /// A table of `rows` (any order) over the given users, addresses and apps.
    pub fn new(mut rows: Vec<LoginRow>, users: Vec<String>, ips: Vec<String>, apps: Vec<String>) -> LoginHistoryTable {
        rows.sort_by_key(|r| r.time_ms);
        LoginHistoryTable { rows, users, ips, apps }
    }

    fn record(&self, i: usize) -> Record {
        let r = &self.rows[i];
        // Ids from the row's place: stable across queries, valid 15-character ids.
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut n = i as u64;
        let tail: String = (0..10)
            .map(|_| {
                let c = ALPHABET[(n % 62) as usize] as char;
                n /= 62;
                c
            })
            .collect();
        let id = reconnect_engine::salesforce_id::SalesforceId::parse(&format!("0YaPr{tail}"))
            .map(|s| s.to_string())
            .unwrap_or_default();
        let browser = r.kind == 0;
        let pairs: Vec<(&str, Value)> = vec![
            ("Id", json!(id)),
            ("UserId", json!(self.users.get(r.user as usize).cloned().unwrap_or_default())),
            ("LoginTime", json!(format_ms(r.time_ms))),
            ("SourceIp", json!(self.ips.get(r.source as usize).cloned().unwrap_or_default())),
            (
                "ForwardedForIp",
                r.forwarded.and_then(|f| self.ips.get(f as usize)).cloned().map(Value::from).unwrap_or(Value::Null),
            ),
            (
                "Application",
                json!(if browser {
                    "Browser".to_string()
                } else {
                    self.apps.get(r.app as usize).cloned().unwrap_or_default()
                }),
            ),
            ("Browser", json!(if browser { "Chrome 131" } else { "Unknown" })),
            ("Platform", json!(if browser { "Linux" } else { "Unknown" })),
            ("LoginType", json!(if browser { "Application" } else { "Remote Access 2.0" })),
            ("Status", json!(if r.failed { "Invalid Password" } else { "Success" })),
            ("LoginUrl", json!("acme-practice.my.salesforce.com")),
            ("CreatedDate", json!(format_ms(r.time_ms))),
        ];
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<String, Value>>()
    }
}

impl Generated for LoginHistoryTable {
    fn time_field(&self) -> &'static str {
        "LoginTime"
    }

    fn records(&self, from: Option<i64>, to: Option<i64>) -> Vec<Record> {
        let start = from.map(|f| self.rows.partition_point(|r| r.time_ms < f)).unwrap_or(0);
        let end = to.map(|t| self.rows.partition_point(|r| r.time_ms < t)).unwrap_or(self.rows.len());
        (start..end.max(start)).map(|i| self.record(i)).collect()
    }

    fn row_count(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_asked_time_range_is_made_into_records() {
        let rows = (0..100)
            .map(|i| LoginRow {
                time_ms: i * 1000,
                user: 0,
                source: 0,
                forwarded: None,
                app: 0,
                kind: 1,
                failed: false,
            })
            .collect();
        let t = LoginHistoryTable::new(
            rows,
            vec!["0055g00000ADMIN".into()],
            vec!["198.51.100.1".into()],
            vec!["App".into()],
        );
        assert_eq!(t.records(Some(10_000), Some(20_000)).len(), 10);
        assert_eq!(t.records(None, None).len(), 100);
        let r = &t.records(Some(0), Some(1))[0];
        assert_eq!(r["LoginType"], "Remote Access 2.0");
        assert!(r["ForwardedForIp"].is_null());
        assert_eq!(r["Id"].as_str().unwrap().len(), 18);
    }
}
