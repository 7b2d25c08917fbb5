//! Searching the org for the incidents' indicators of compromise: their addresses in
//! `LoginHistory` (`SourceIp`, `ForwardedForIp`) and, where the org has Event Monitoring,
//! their addresses and user agents in the `EventLogFile` login and API logs.
//!
//! Whether `SourceIp` may be filtered in SOQL is not documented (some `LoginHistory` fields
//! answer "can not be filtered"): the search asks Salesforce to filter first and, when it
//! refuses, reads the time range week by week and matches locally. The result says which it
//! did, what it could not search, what a hit means and what to do next.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::stream::{self, StreamExt};
use reconnect_engine::language::Text;
use reconnect_engine::progress::Progress;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::timestamp::{format_ms, parse_ms};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::{indicators, Incident};
use crate::error::Error;
use crate::language::text;

/// `LoginHistory` fields read.
const LOGIN_FIELDS: &str =
    "Id, UserId, LoginTime, SourceIp, ForwardedForIp, Application, Browser, Platform, LoginType, Status";

/// Days a scan window spans when Salesforce will not filter by address.
const WINDOW_DAYS: i64 = 7;

const DAY_MS: i64 = 86_400_000;

/// How long `LoginHistory` is kept, as Setup shows it (not documented as a retention).
const LOGIN_HISTORY_DAYS: i64 = 180;

/// Where a hit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A `LoginHistory` row.
    LoginHistory,
    /// An `EventLogFile` row.
    EventLog,
}

/// One row that matched an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The incident.
    pub incident: String,
    /// Where.
    pub place: Place,
    /// When.
    pub at: String,
    /// The user (username when known, else id).
    pub user: String,
    /// The indicator that matched.
    pub indicator: String,
    /// The address or agent as the row has it.
    pub seen: String,
    /// What the row adds (application, status, event type).
    pub detail: String,
}

/// How `LoginHistory` was searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Salesforce filtered by address.
    Filtered,
    /// Salesforce would not filter by address; every row of the period was read and matched here.
    Scanned,
}

/// What was searched for one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentResult {
    /// The incident's id.
    pub id: String,
    /// Its name.
    pub name: Text,
    /// From when.
    pub from: String,
    /// Until when.
    pub to: String,
    /// Hits, oldest first.
    pub hits: Vec<Hit>,
}

/// The whole search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IocResult {
    /// The indicators file's version.
    pub indicators_version: String,
    /// Per incident.
    pub incidents: Vec<IncidentResult>,
    /// How `LoginHistory` was searched.
    pub method: Method,
    /// `LoginHistory` rows read (when scanned).
    pub rows_read: u64,
    /// Event log files read; `None` when the org has no Event Monitoring.
    pub event_logs: Option<u64>,
    /// What was searched, what was not, what a hit means, what to do next.
    pub notes: Vec<Text>,
}

impl IocResult {
    /// Every hit.
    pub fn hits(&self) -> usize {
        self.incidents.iter().map(|i| i.hits.len()).sum()
    }
}

fn soql_time(ms: i64) -> String {
    format_ms(ms).replace("+0000", "Z")
}

fn ip_list(incidents: &[&Incident]) -> BTreeMap<String, String> {
    incidents.iter().flat_map(|i| i.ips.iter().map(|ip| (ip.value.clone(), i.id.clone()))).collect()
}

/// Searches every incident from its first activity (or from `since_ms`) to `now_ms`.
pub async fn search(
    client: &SalesforceClient,
    since_ms: Option<i64>,
    now_ms: i64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<IocResult, Error> {
    let data = indicators();
    let incidents: Vec<&Incident> = data.incidents.iter().collect();
    let from_of = |i: &Incident| since_ms.unwrap_or_else(|| parse_ms(&i.from).unwrap_or(now_ms));
    let earliest = incidents.iter().map(|i| from_of(i)).min().unwrap_or(now_ms);
    let ips = ip_list(&incidents);
    let mut notes = Vec::new();
    let (method, rows, read) = match filtered(client, &ips, earliest).await {
        Ok(rows) => (Method::Filtered, rows, 0),
        Err(Error::Engine(e)) if e.query_refused() => {
            let (rows, read) = scan(client, &ips, earliest, now_ms, progress).await?;
            (Method::Scanned, rows, read)
        }
        Err(e) => return Err(e),
    };
    let mut hits: Vec<Hit> = Vec::new();
    for r in &rows {
        for column in ["SourceIp", "ForwardedForIp"] {
            let seen = r[column].as_str().unwrap_or_default();
            // ForwardedForIp may list several addresses.
            for addr in seen.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                if let Some(incident) = ips.get(addr) {
                    hits.push(Hit {
                        incident: incident.clone(),
                        place: Place::LoginHistory,
                        at: r["LoginTime"].as_str().unwrap_or_default().to_string(),
                        user: r["UserId"].as_str().unwrap_or_default().to_string(),
                        indicator: addr.to_string(),
                        seen: seen_as(column, seen, addr),
                        detail: format!(
                            "{} · {} · {}",
                            r["Application"].as_str().unwrap_or("-"),
                            r["LoginType"].as_str().unwrap_or("-"),
                            r["Status"].as_str().unwrap_or("-")
                        ),
                    });
                }
            }
        }
    }
    let event_logs = match event_logs(client, &incidents, earliest).await {
        Ok((found, files)) => {
            hits.extend(found);
            Some(files)
        }
        Err(Error::Engine(reconnect_engine::Error::SalesforceApi { code, .. }))
            if code == "INVALID_TYPE" || code == "INSUFFICIENT_ACCESS" =>
        {
            None
        }
        Err(e) => return Err(e),
    };
    name_users(client, &mut hits).await?;
    hits.sort_by(|a, b| a.at.cmp(&b.at));
    notes.push(match method {
        Method::Filtered => text("ioc.note.filtered", &[]),
        Method::Scanned => text("ioc.note.scanned", &[("rows", &read.to_string())]),
    });
    if now_ms - earliest > LOGIN_HISTORY_DAYS * DAY_MS {
        notes.push(text("ioc.note.retention", &[("from", &format_ms(earliest)[..10])]));
    }
    notes.push(text("ioc.note.refresh", &[]));
    notes.push(match event_logs {
        None => text("ioc.note.no_event_monitoring", &[]),
        Some(0) => text("ioc.note.no_event_files", &[]),
        Some(n) => text("ioc.note.event_files", &[("n", &n.to_string())]),
    });
    notes.push(if hits.is_empty() { text("ioc.note.no_hit", &[]) } else { text("ioc.note.hit", &[]) });
    let incidents = incidents
        .iter()
        .map(|i| IncidentResult {
            id: i.id.clone(),
            name: i.name.clone(),
            from: format_ms(from_of(i)),
            to: format_ms(now_ms),
            hits: hits.iter().filter(|h| h.incident == i.id).cloned().collect(),
        })
        .collect();
    Ok(IocResult { indicators_version: data.version.clone(), incidents, method, rows_read: read, event_logs, notes })
}

/// Where an indicator was seen: the column, and its whole value when that says more than the
/// indicator (a forwarded-for list, a longer user agent).
fn seen_as(column: &str, value: &str, indicator: &str) -> String {
    if value == indicator {
        column.to_string()
    } else {
        format!("{column}: {value}")
    }
}

/// Asks Salesforce for the rows with an indicator's address.
async fn filtered(
    client: &SalesforceClient,
    ips: &BTreeMap<String, String>,
    from_ms: i64,
) -> Result<Vec<Value>, Error> {
    let list = ips.keys().map(|ip| soql_string(ip)).collect::<Vec<_>>().join(", ");
    let soql = format!(
        "SELECT {LOGIN_FIELDS} FROM LoginHistory WHERE LoginTime >= {} AND (SourceIp IN ({list}) OR ForwardedForIp IN ({list})) ORDER BY LoginTime",
        soql_time(from_ms)
    );
    let mut page = client.first_page::<Value>("query", &soql).await?;
    let mut rows = std::mem::take(&mut page.records);
    while let Some(next) = page.next.take() {
        page = client.next_page::<Value>(&next).await?;
        rows.append(&mut page.records);
    }
    Ok(rows)
}

/// How many requests the search keeps in flight: weeks and files are independent, and a few at
/// a time stays far below the org's concurrent-request limit.
const IN_FLIGHT: usize = 4;

/// Whether a `LoginHistory` row came from an indicator's address.
fn from_indicator(r: &Value, ips: &BTreeMap<String, String>) -> bool {
    ["SourceIp", "ForwardedForIp"]
        .iter()
        .any(|c| r[*c].as_str().unwrap_or_default().split(',').any(|addr| ips.contains_key(addr.trim())))
}

/// One window's rows with an indicator's address, and how many rows it had.
async fn read_window(
    client: &SalesforceClient,
    soql: &str,
    ips: &BTreeMap<String, String>,
) -> Result<(Vec<Value>, u64), Error> {
    let mut kept = Vec::new();
    let mut read = 0u64;
    let mut page = client.first_page::<Value>("query", soql).await?;
    loop {
        read += page.records.len() as u64;
        kept.extend(page.records.drain(..).filter(|r| from_indicator(r, ips)));
        match page.next.take() {
            Some(next) => page = client.next_page::<Value>(&next).await?,
            None => return Ok((kept, read)),
        }
    }
}

/// Reads every row from `from_ms` to `now_ms`, a week at a time (a few weeks at once),
/// keeping those with an indicator's address; returns them and how many rows were read.
async fn scan(
    client: &SalesforceClient,
    ips: &BTreeMap<String, String>,
    from_ms: i64,
    now_ms: i64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(Vec<Value>, u64), Error> {
    let windows = ((now_ms - from_ms) / (WINDOW_DAYS * DAY_MS) + 1).max(1) as u64;
    let queries: Vec<String> = (0..windows)
        .map(|w| {
            let a = from_ms + w as i64 * WINDOW_DAYS * DAY_MS;
            let b = (a + WINDOW_DAYS * DAY_MS).min(now_ms + 1);
            format!(
                "SELECT {LOGIN_FIELDS} FROM LoginHistory WHERE LoginTime >= {} AND LoginTime < {} ORDER BY LoginTime",
                soql_time(a),
                soql_time(b)
            )
        })
        .collect();
    // Collected first: a lazily mapped iterator inside the stream makes the job's future
    // not provably `Send`.
    let reads: Vec<_> = queries.iter().map(|soql| read_window(client, soql, ips)).collect();
    let mut results = stream::iter(reads).buffered(IN_FLIGHT);
    let (mut kept, mut read, mut done) = (Vec::new(), 0u64, 0u64);
    while let Some(window) = results.next().await {
        let (rows, n) = window?;
        kept.extend(rows);
        read += n;
        done += 1;
        progress(Progress::Counting { what: "LoginHistory".into(), done, total: Some(windows) });
    }
    Ok((kept, read))
}

/// Columns of the event log CSVs that hold an address or an agent; the files' columns are
/// not documented per event type, so each file's header decides.
const IP_COLUMNS: [&str; 2] = ["CLIENT_IP", "SOURCE_IP"];
const AGENT_COLUMNS: [&str; 2] = ["USER_AGENT", "BROWSER_TYPE"];

/// Reads the `Login`, `API` and `RestApi` event log files since `from_ms` and returns their
/// hits and how many files were read.
async fn event_logs(
    client: &SalesforceClient,
    incidents: &[&Incident],
    from_ms: i64,
) -> Result<(Vec<Hit>, u64), Error> {
    let files: Vec<Value> = client
        .query(&format!(
            "SELECT Id, EventType, LogDate FROM EventLogFile WHERE EventType IN ('Login', 'API', 'RestApi') AND LogDate >= {} ORDER BY LogDate",
            soql_time(from_ms - DAY_MS)
        ))
        .await?;
    let downloads: Vec<_> = files.iter().map(|f| download(client, f, incidents)).collect();
    let mut found = stream::iter(downloads).buffered(IN_FLIGHT);
    let mut hits = Vec::new();
    while let Some(file) = found.next().await {
        hits.extend(file?);
    }
    Ok((hits, files.len() as u64))
}

/// One event log file's hits.
async fn download(client: &SalesforceClient, file: &Value, incidents: &[&Incident]) -> Result<Vec<Hit>, Error> {
    let id = file["Id"].as_str().unwrap_or_default();
    let csv = client.get_text(&format!("sobjects/EventLogFile/{id}/LogFile")).await?;
    Ok(match_csv(&csv, incidents, file["EventType"].as_str().unwrap_or_default()))
}

/// An event log's `TIMESTAMP` (`20251108123456.789`, UTC) in milliseconds.
fn compact_timestamp_ms(s: &str) -> Option<i64> {
    let d = s.get(..14).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let frac = s.get(14..).and_then(|f| f.strip_prefix('.')).unwrap_or("0");
    parse_ms(&format!("{}-{}-{}T{}:{}:{}.{frac}Z", &d[..4], &d[4..6], &d[6..8], &d[8..10], &d[10..12], &d[12..14]))
}

/// The rows of one event log file that carry an indicator.
pub fn match_csv(csv: &str, incidents: &[&Incident], event_type: &str) -> Vec<Hit> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else { return Vec::new() };
    let columns = split_csv(header);
    let index = |names: &[&str]| -> Vec<usize> {
        columns.iter().enumerate().filter(|(_, c)| names.contains(&c.as_str())).map(|(i, _)| i).collect()
    };
    let (ip_cols, agent_cols) = (index(&IP_COLUMNS), index(&AGENT_COLUMNS));
    // TIMESTAMP_DERIVED is ISO 8601; TIMESTAMP is `yyyyMMddHHmmss.SSS` in UTC.
    let derived = columns.iter().position(|c| c == "TIMESTAMP_DERIVED");
    let compact = columns.iter().position(|c| c == "TIMESTAMP");
    let user = columns.iter().position(|c| c == "USER_NAME" || c == "USER_ID");
    let mut hits = Vec::new();
    for line in lines {
        let cells = split_csv(line);
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or_default();
        for incident in incidents {
            let ip_hit =
                ip_cols.iter().find_map(|&c| incident.ips.iter().find(|ip| cell(c) == ip.value).map(|ip| (c, ip)));
            let agent_hit = agent_cols.iter().find_map(|&c| {
                incident
                    .user_agents
                    .iter()
                    .find(|ua| cell(c).to_ascii_lowercase().contains(&ua.value.to_ascii_lowercase()))
                    .map(|ua| (c, ua))
            });
            for (c, indicator) in ip_hit.into_iter().chain(agent_hit) {
                hits.push(Hit {
                    incident: incident.id.clone(),
                    place: Place::EventLog,
                    at: derived
                        .and_then(|i| parse_ms(cell(i)))
                        .or_else(|| compact.and_then(|i| compact_timestamp_ms(cell(i))))
                        .map(format_ms)
                        .unwrap_or_default(),
                    user: user.map(cell).unwrap_or_default().to_string(),
                    indicator: indicator.value.clone(),
                    seen: seen_as(&columns[c], cell(c), &indicator.value),
                    detail: event_type.to_string(),
                });
            }
        }
    }
    hits
}

/// Splits one CSV line: fields may be quoted, with `""` inside for a quote.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Puts usernames on hits that carry a user id.
async fn name_users(client: &SalesforceClient, hits: &mut [Hit]) -> Result<(), Error> {
    let ids: BTreeSet<String> =
        hits.iter().filter(|h| h.user.starts_with("005")).map(|h| h.user[..h.user.len().min(15)].to_string()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let list = ids.iter().map(|i| soql_string(i)).collect::<Vec<_>>().join(", ");
    let rows: Vec<Value> = client.query(&format!("SELECT Id, Username FROM User WHERE Id IN ({list})")).await?;
    let names: BTreeMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((r["Id"].as_str()?[..15].to_string(), r["Username"].as_str()?.to_string())))
        .collect();
    for h in hits.iter_mut() {
        if let Some(n) = names.get(&h.user[..h.user.len().min(15)]) {
            h.user = n.clone();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_csv_fields_split_like_the_recorded_log_files() {
        assert_eq!(split_csv(r#""Login","a,b","say ""hi""",,x"#), vec!["Login", "a,b", "say \"hi\"", "", "x"]);
    }

    #[test]
    fn event_log_rows_match_by_the_header_not_by_position() {
        let csv = "\"EVENT_TYPE\",\"TIMESTAMP_DERIVED\",\"USER_NAME\",\"CLIENT_IP\",\"USER_AGENT\"\n\
                   \"API\",\"2025-08-12T22:14:00.000Z\",\"int@acme\",\"44.215.108.109\",\"python-requests/2.32.4\"\n\
                   \"API\",\"2025-08-12T22:15:00.000Z\",\"int@acme\",\"10.0.0.1\",\"Mozilla/5.0\"\n";
        let incidents: Vec<&Incident> = indicators().incidents.iter().collect();
        let hits = match_csv(csv, &incidents, "API");
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(hits.iter().all(|h| h.incident == "salesloft-drift-2025-08" && h.user == "int@acme"));
        // The recorded Login file has no USER_AGENT column; the agent is in BROWSER_TYPE.
        let login = "\"EVENT_TYPE\",\"BROWSER_TYPE\",\"TIMESTAMP\"\n\"Login\",\"Salesforce-Multi-Org-Fetcher/1.0\",\"20251108\"\n";
        assert_eq!(match_csv(login, &incidents, "Login").len(), 2, "the agent is listed by both incidents");
        assert_eq!(hits[0].at, "2025-08-12T22:14:00.000+0000");
    }

    #[test]
    fn an_event_logs_compact_timestamp_reads_as_utc() {
        assert_eq!(compact_timestamp_ms("20251108123456.789").map(format_ms).unwrap(), "2025-11-08T12:34:56.789+0000");
        assert_eq!(compact_timestamp_ms("20251108123456").map(format_ms).unwrap(), "2025-11-08T12:34:56.000+0000");
        assert_eq!(compact_timestamp_ms("20251108"), None);
    }
}
