//! Bulk data for scenarios that need an org at scale: many users, tokens over many connected
//! apps (some stale, some never used, some of apps the org no longer has), a long login
//! history with a few rows from the incidents' addresses, and event log files. Everything
//! follows from a seed, so two starts give the same org; times are relative to the start, so
//! "unused for 90 days" means the same whenever it runs.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::login_history::{LoginHistoryTable, LoginRow};
use crate::scenario::{ConnectedAppMetadata, Extras};
use crate::store::{Record, Store};
use crate::time::{format_ms, parse_ms};

const DAY_MS: i64 = 86_400_000;

/// What to generate.
#[derive(Debug, Clone, Deserialize)]
pub struct GenerateDef {
    /// The seed.
    pub seed: u64,
    /// Plain users beside the scenario's own.
    pub users: UsersDef,
    /// Tokens by app.
    pub apps: Vec<AppDef>,
    /// The login history.
    pub logins: LoginsDef,
    /// Event log files.
    pub event_logs: EventLogsDef,
}

/// Plain users.
#[derive(Debug, Clone, Deserialize)]
pub struct UsersDef {
    /// How many.
    pub count: usize,
    /// Their profile.
    pub profile_id: String,
    /// Their profile's own permission set (assigned too, as in a real org).
    pub permission_set_id: String,
}

/// One app's tokens.
#[derive(Debug, Clone, Deserialize)]
pub struct AppDef {
    /// The app's name (`OauthToken.AppName`).
    pub name: String,
    /// Whether the org still has it as a connected app (else a ghost).
    #[serde(default = "yes")]
    pub connected_app: bool,
    /// Whether only admin-approved users may use it.
    #[serde(default)]
    pub admin_approved: bool,
    /// How many tokens.
    pub tokens: usize,
    /// Usernames holding them (else plain users at random).
    #[serde(default)]
    pub holders: Vec<String>,
    /// Share of tokens unused for 100 to 400 days.
    #[serde(default)]
    pub stale: f64,
    /// Share of tokens never used.
    #[serde(default)]
    pub never: f64,
    /// The app's metadata, when it is local to the org (readable through the Metadata API).
    #[serde(default)]
    pub ip_relaxation: Option<String>,
}

fn yes() -> bool {
    true
}

/// The login history.
#[derive(Debug, Clone, Deserialize)]
pub struct LoginsDef {
    /// Rows spread over the last `days`.
    pub count: usize,
    /// Days back.
    pub days: i64,
    /// Rows from given addresses at given times.
    pub hits: Vec<HitDef>,
}

/// One row from a given address.
#[derive(Debug, Clone, Deserialize)]
pub struct HitDef {
    /// When (a datetime), or
    #[serde(default)]
    pub at: Option<String>,
    /// days before the start.
    #[serde(default)]
    pub days_ago: Option<i64>,
    /// Who.
    pub username: String,
    /// From where.
    pub source_ip: String,
    /// Through which proxy chain, when any.
    #[serde(default)]
    pub forwarded_ip: Option<String>,
    /// The app.
    pub application: String,
}

/// Event log files.
#[derive(Debug, Clone, Deserialize)]
pub struct EventLogsDef {
    /// One `Login` and one `API` file per day for the last `days` (files appear the next day).
    pub days: i64,
    /// Rows per file.
    pub rows: usize,
    /// Rows with given addresses or agents.
    pub hits: Vec<LogHitDef>,
}

/// One event log row with a given address or agent.
#[derive(Debug, Clone, Deserialize)]
pub struct LogHitDef {
    /// Days before the start.
    pub days_ago: i64,
    /// `Login` or `API`.
    pub event_type: String,
    /// Who.
    pub username: String,
    /// From where.
    pub client_ip: String,
    /// With which agent.
    pub user_agent: String,
}

/// A small fast generator (xorshift64*), repeatable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
}

fn record(pairs: Vec<(&str, Value)>) -> Record {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<String, Value>>()
}

fn token_chars(rng: &mut Rng, n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..n).map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char).collect()
}

/// A public address for ordinary traffic, never one of the indicators' ranges.
fn ordinary_ip(rng: &mut Rng) -> String {
    // 198.51.100.0/24 and 203.0.113.0/24 are documentation ranges: nobody's real address.
    let block = if rng.below(2) == 0 { "198.51.100" } else { "203.0.113" };
    format!("{block}.{}", 1 + rng.below(254))
}

/// Adds the generated data to `store`; returns what the org holds beside its records.
pub fn apply(def: &GenerateDef, store: &mut Store, now_ms: i64) -> Result<Extras, String> {
    let mut connected_apps = Vec::new();
    let mut rng = Rng(def.seed | 1);
    let org_id = store.all("Organization").first().and_then(|o| o["Id"].as_str()).unwrap_or_default().to_string();
    // Plain users.
    for n in 1..=def.users.count {
        let id = store.new_record_id("User");
        store.put(
            "User",
            record(vec![
                ("Id", json!(id)),
                ("Username", json!(format!("user{n:04}@acme-practice.example"))),
                ("Name", json!(format!("Practice User {n}"))),
                ("FirstName", json!("Practice")),
                ("LastName", json!(format!("User {n}"))),
                ("Email", json!(format!("user{n:04}@acme-practice.example"))),
                ("ProfileId", json!(def.users.profile_id)),
                ("IsActive", json!(true)),
                ("LastLoginDate", json!(format_ms(now_ms - rng.below(30) as i64 * DAY_MS))),
                ("UserType", json!("Standard")),
                ("LanguageLocaleKey", json!("en_US")),
                ("CreatedDate", json!(format_ms(now_ms - 700 * DAY_MS))),
            ]),
        );
        let assignment = store.new_record_id("PermissionSetAssignment");
        store.put(
            "PermissionSetAssignment",
            record(vec![
                ("Id", json!(assignment)),
                ("AssigneeId", json!(id)),
                ("PermissionSetId", json!(def.users.permission_set_id)),
            ]),
        );
    }
    store.open_user_logins();
    let users: Vec<(String, String)> = store
        .all("User")
        .iter()
        .filter_map(|u| Some((u["Id"].as_str()?.to_string(), u["Username"].as_str()?.to_string())))
        .collect();
    let plain: Vec<&(String, String)> = users.iter().filter(|(_, n)| n.starts_with("user")).collect();
    let id_of = |username: &str| users.iter().find(|(_, n)| n == username).map(|(i, _)| i.clone());
    // Apps and their tokens.
    for app in &def.apps {
        let menu_item = if app.connected_app {
            let app_id = store.new_record_id("ConnectedApplication");
            store.put(
                "ConnectedApplication",
                record(vec![
                    ("Id", json!(app_id)),
                    ("Name", json!(app.name)),
                    ("OptionsAllowAdminApprovedUsersOnly", json!(app.admin_approved)),
                    ("CreatedDate", json!(format_ms(now_ms - 900 * DAY_MS))),
                ]),
            );
            if let Some(v) = &app.ip_relaxation {
                connected_apps.push(ConnectedAppMetadata {
                    id: app_id.clone(),
                    full_name: app.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
                    label: app.name.clone(),
                    ip_relaxation: v.clone(),
                });
            }
            let item = store.new_record_id("AppMenuItem");
            store.put(
                "AppMenuItem",
                record(vec![
                    ("Id", json!(item)),
                    ("ApplicationId", json!(app_id)),
                    ("Name", json!(app.name.replace(' ', "_"))),
                    ("Label", json!(app.name)),
                    ("Type", json!("ConnectedApplication")),
                    ("IsUsingAdminAuthorization", json!(app.admin_approved)),
                ]),
            );
            Some(item)
        } else {
            None
        };
        for t in 0..app.tokens {
            let holder = match app.holders.get(t % app.holders.len().max(1)) {
                Some(name) => id_of(name).ok_or_else(|| format!("generate: no user {name}"))?,
                None => plain[rng.below(plain.len() as u64) as usize].0.clone(),
            };
            let created = now_ms - (30 + rng.below(800) as i64) * DAY_MS - rng.below(DAY_MS as u64) as i64;
            let (last_used, uses) = if rng.chance(app.never) {
                (Value::Null, 0)
            } else if rng.chance(app.stale) {
                (json!(format_ms(now_ms - (100 + rng.below(300) as i64) * DAY_MS)), 1 + rng.below(500))
            } else {
                (json!(format_ms(now_ms - rng.below(20 * DAY_MS as u64) as i64)), 1 + rng.below(50_000))
            };
            let id = store.new_record_id("OauthToken");
            store.put(
                "OauthToken",
                record(vec![
                    ("Id", json!(id)),
                    ("AppName", json!(app.name)),
                    ("UserId", json!(holder)),
                    ("AppMenuItemId", menu_item.clone().map(Value::from).unwrap_or(Value::Null)),
                    ("CreatedDate", json!(format_ms(created.min(parse_last(&last_used).unwrap_or(created))))),
                    ("LastUsedDate", last_used),
                    ("UseCount", json!(uses)),
                    ("DeleteToken", json!(token_chars(&mut rng, 44))),
                ]),
            );
        }
    }
    // The login history, kept compact.
    let apps: Vec<String> = def.apps.iter().map(|a| a.name.clone()).chain(["Browser".to_string()]).collect();
    let mut rows: Vec<LoginRow> = Vec::with_capacity(def.logins.count + def.logins.hits.len());
    let mut ips: Vec<String> = Vec::new();
    let mut ip_index: HashMap<String, u32> = HashMap::new();
    let mut ip = |value: String, ips: &mut Vec<String>| -> u32 {
        *ip_index.entry(value.clone()).or_insert_with(|| {
            ips.push(value);
            (ips.len() - 1) as u32
        })
    };
    let span = def.logins.days * DAY_MS;
    for _ in 0..def.logins.count {
        let user = plain[rng.below(plain.len() as u64) as usize].0.clone();
        let user = users.iter().position(|(i, _)| *i == user).unwrap_or(0) as u32;
        let app = rng.below(apps.len() as u64) as u16;
        let source = ip(ordinary_ip(&mut rng), &mut ips);
        rows.push(LoginRow {
            time_ms: now_ms - rng.below(span as u64) as i64,
            user,
            source,
            forwarded: None,
            app,
            kind: if app as usize == apps.len() - 1 { 0 } else { 1 },
            failed: rng.chance(0.02),
        });
    }
    for h in &def.logins.hits {
        let time_ms = match (&h.at, h.days_ago) {
            (Some(at), _) => parse_ms(at).ok_or_else(|| format!("generate: bad time {at}"))?,
            (None, Some(d)) => now_ms - d * DAY_MS,
            (None, None) => return Err("generate: a hit needs at or days_ago".into()),
        };
        let user_id = id_of(&h.username).ok_or_else(|| format!("generate: no user {}", h.username))?;
        let app = apps.iter().position(|a| *a == h.application).unwrap_or(apps.len() - 1) as u16;
        let source = ip(h.source_ip.clone(), &mut ips);
        let forwarded = h.forwarded_ip.clone().map(|f| ip(f, &mut ips));
        rows.push(LoginRow {
            time_ms,
            user: users.iter().position(|(i, _)| *i == user_id).unwrap_or(0) as u32,
            source,
            forwarded,
            app,
            kind: 1,
            failed: false,
        });
    }
    let table = LoginHistoryTable::new(rows, users.iter().map(|(i, _)| i.clone()).collect(), ips, apps);
    store.set_generated("LoginHistory", Arc::new(table));
    // Event log files: each day's Login and API files, listed as records, their content kept aside.
    let mut files = HashMap::new();
    for day in 1..=def.event_logs.days {
        let date = now_ms - day * DAY_MS;
        let day_start = date - date.rem_euclid(DAY_MS);
        for event_type in ["Login", "API"] {
            let id = store.new_record_id("EventLogFile");
            let hits: Vec<&LogHitDef> =
                def.event_logs.hits.iter().filter(|h| h.days_ago == day && h.event_type == event_type).collect();
            let csv = log_csv(event_type, day_start, &org_id, &users, def.event_logs.rows, &hits, &mut rng);
            store.put(
                "EventLogFile",
                record(vec![
                    ("Id", json!(id)),
                    ("EventType", json!(event_type)),
                    ("LogDate", json!(format_ms(day_start))),
                    ("LogFileLength", json!(csv.len())),
                    ("LogFile", json!(format!("/services/data/v64.0/sobjects/EventLogFile/{id}/LogFile"))),
                    ("CreatedDate", json!(format_ms(day_start + DAY_MS + 3 * 3_600_000))),
                ]),
            );
            files.insert(id[..15].to_string(), csv);
        }
    }
    Ok(Extras { log_files: files, connected_apps })
}

fn parse_last(v: &Value) -> Option<i64> {
    v.as_str().and_then(parse_ms)
}

/// The `Login` file's columns, as the download recorded from a real org has them
/// (`corpus/salesforce/query-eventlogfile-logfile-csv.json`; an older mock lacks LOGIN_TYPE and
/// LOGIN_SUB_TYPE, so clients read by header).
const LOGIN_COLUMNS: &[&str] = &[
    "EVENT_TYPE",
    "TIMESTAMP",
    "REQUEST_ID",
    "ORGANIZATION_ID",
    "USER_ID",
    "RUN_TIME",
    "CPU_TIME",
    "URI",
    "SESSION_KEY",
    "LOGIN_KEY",
    "USER_TYPE",
    "REQUEST_STATUS",
    "DB_TOTAL_TIME",
    "LOGIN_TYPE",
    "BROWSER_TYPE",
    "API_TYPE",
    "API_VERSION",
    "USER_NAME",
    "TLS_PROTOCOL",
    "CIPHER_SUITE",
    "AUTHENTICATION_METHOD_REFERENCE",
    "LOGIN_SUB_TYPE",
    "TIMESTAMP_DERIVED",
    "USER_ID_DERIVED",
    "CLIENT_IP",
    "URI_ID_DERIVED",
    "LOGIN_STATUS",
    "SOURCE_IP",
];

/// The `API` file's columns. No download of an API file was found: these are the Login file's
/// common columns with the API-specific ones named in Salesforce's event type list, marked as
/// not confirmed (the client reads any file by its header).
const API_COLUMNS: &[&str] = &[
    "EVENT_TYPE",
    "TIMESTAMP",
    "REQUEST_ID",
    "ORGANIZATION_ID",
    "USER_ID",
    "RUN_TIME",
    "CPU_TIME",
    "URI",
    "SESSION_KEY",
    "LOGIN_KEY",
    "USER_TYPE",
    "REQUEST_STATUS",
    "DB_TOTAL_TIME",
    "API_TYPE",
    "API_VERSION",
    "METHOD_NAME",
    "ENTITY_NAME",
    "ROWS_PROCESSED",
    "USER_AGENT",
    "CLIENT_IP",
    "TIMESTAMP_DERIVED",
    "USER_ID_DERIVED",
];

fn quoted(cells: &[String]) -> String {
    cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(",")
}

fn log_csv(
    event_type: &str,
    day_start: i64,
    org_id: &str,
    users: &[(String, String)],
    rows: usize,
    hits: &[&LogHitDef],
    rng: &mut Rng,
) -> String {
    let columns = if event_type == "Login" { LOGIN_COLUMNS } else { API_COLUMNS };
    let mut out = quoted(&columns.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    out.push('\n');
    let line = |user: &(String, String), ip: String, agent: String, rng: &mut Rng| {
        let at = day_start + rng.below(DAY_MS as u64) as i64;
        let derived = format_ms(at).replace("+0000", "Z");
        let stamp: String = derived.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match *c {
                "EVENT_TYPE" => event_type.to_string(),
                "TIMESTAMP" => format!("{}.{}", &stamp[..14], &stamp[14..17.min(stamp.len())]),
                "REQUEST_ID" => token_chars(rng, 22),
                "ORGANIZATION_ID" => org_id[..15].to_string(),
                "USER_ID" => user.0[..15].to_string(),
                "USER_ID_DERIVED" => user.0.clone(),
                "USER_NAME" => user.1.clone(),
                "TIMESTAMP_DERIVED" => derived.clone(),
                // The recorded token-endpoint login names the caller in SOURCE_IP and has
                // "Salesforce.com IP" in CLIENT_IP.
                "CLIENT_IP" if event_type == "Login" => "Salesforce.com IP".into(),
                "CLIENT_IP" | "SOURCE_IP" => ip.clone(),
                // The recorded value for a token-endpoint login; its meaning is not documented.
                "LOGIN_TYPE" => "i".into(),
                "BROWSER_TYPE" | "USER_AGENT" => agent.clone(),
                "USER_TYPE" => "Standard".into(),
                "REQUEST_STATUS" => "Success".into(),
                "LOGIN_STATUS" => "LOGIN_NO_ERROR".into(),
                "URI" => {
                    if event_type == "Login" {
                        "/services/oauth2/token".into()
                    } else {
                        "/services/data/v64.0/query".into()
                    }
                }
                "API_TYPE" => "R".into(),
                "API_VERSION" => "64.0".into(),
                "TLS_PROTOCOL" => "TLSv1.2".into(),
                "CIPHER_SUITE" => "ECDHE-RSA-AES256-GCM-SHA384".into(),
                "RUN_TIME" | "CPU_TIME" | "DB_TOTAL_TIME" | "ROWS_PROCESSED" => rng.below(2000).to_string(),
                _ => String::new(),
            })
            .collect();
        quoted(&cells)
    };
    for _ in 0..rows {
        let user = &users[rng.below(users.len() as u64) as usize];
        let ip = ordinary_ip(rng);
        let l =
            line(user, ip, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36".into(), rng);
        out.push_str(&l);
        out.push('\n');
    }
    for h in hits {
        let Some(user) = users.iter().find(|(_, n)| *n == h.username) else { continue };
        let l = line(user, h.client_ip.clone(), h.user_agent.clone(), rng);
        out.push_str(&l);
        out.push('\n');
    }
    out
}
