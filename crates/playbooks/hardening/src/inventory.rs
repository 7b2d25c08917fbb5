//! The token inventory: every OAuth token in the org, grouped by connected app, with the apps
//! any user may self-authorize, tokens unused for N days or never used, "ghost" apps that are
//! no longer among the org's connected apps, and apps the incident data names.
//!
//! A query of `OauthToken` returns at most 2,500 rows (sfdx-hardis, PR #1408), so the scan
//! pages by `CreatedDate` (then `Id`, so tokens created in the same millisecond are neither
//! skipped nor read twice), 2,000 rows a page. The fields are the intersection of what the
//! org's describe has with what the inventory needs (sf-audit-plugin's rule); `AccessToken`,
//! `RequestToken` and `DeleteToken` are never selected here: an inventory must not carry
//! credentials.

use std::collections::{BTreeMap, BTreeSet};

use reconnect_engine::progress::Progress;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::timestamp::parse_ms;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::{incident_of, integrations};
use crate::error::Error;

/// Fields never selected by the inventory: they are credentials.
pub const NEVER_SELECT: [&str; 3] = ["AccessToken", "RequestToken", "DeleteToken"];

/// Rows asked for per page; below the 2,500 a token query returns at most.
pub const PAGE: usize = 2000;

const DAY_MS: i64 = 86_400_000;

/// One token, without anything that could use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// The token record's id.
    pub id: String,
    /// The connected app's name on the token.
    pub app: String,
    /// The user's id.
    pub user_id: String,
    /// The user's username, when the org lets it be read.
    pub username: Option<String>,
    /// When it was issued.
    pub created: String,
    /// When it was last used.
    pub last_used: Option<String>,
    /// How often it was used.
    pub use_count: u64,
    /// Whether the app's menu item says admins pre-authorize users (`None`: not said).
    pub admin_approved: Option<bool>,
}

impl Token {
    /// Whether it was not used for `days` days before `now_ms` (or never).
    pub fn unused_for(&self, days: u32, now_ms: i64) -> bool {
        let since = self.last_used.as_deref().and_then(parse_ms).or_else(|| parse_ms(&self.created));
        since.is_none_or(|t| now_ms - t >= i64::from(days) * DAY_MS)
    }
}

/// A connected app of the org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedApp {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether only admin-approved users may use it.
    pub admin_approved_only: bool,
}

/// Something to look at about an app's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// Any user may authorize it for themselves.
    SelfAuthorized,
    /// Tokens unused for the stale period.
    Stale {
        /// How many.
        tokens: usize,
    },
    /// Tokens never used.
    NeverUsed {
        /// How many.
        tokens: usize,
    },
    /// The app is no longer among the org's connected apps (and is not Salesforce's own).
    Ghost,
    /// The incident data names the app.
    Incident {
        /// The incident's id.
        incident: String,
    },
}

/// An app's tokens, summed up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppTokens {
    /// The app's name.
    pub app: String,
    /// How many tokens.
    pub tokens: usize,
    /// The users holding them (usernames, else ids), sorted.
    pub users: Vec<String>,
    /// The first token's creation.
    pub first_created: String,
    /// The latest use of any of them.
    pub last_used: Option<String>,
    /// All uses.
    pub use_count: u64,
    /// What to look at.
    pub flags: Vec<Flag>,
}

/// The inventory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inventory {
    /// Every token.
    pub tokens: Vec<Token>,
    /// The tokens grouped by app, most tokens first.
    pub apps: Vec<AppTokens>,
    /// The org's connected apps.
    pub connected_apps: Vec<ConnectedApp>,
    /// Days without use after which a token counts as stale.
    pub stale_days: u32,
    /// The count the org gave before the scan.
    pub counted: u64,
    /// Fields of `OauthToken` this org lacks, so not read.
    pub missing_fields: Vec<String>,
}

impl Inventory {
    /// Whether anything is flagged.
    pub fn findings(&self) -> usize {
        self.apps.iter().filter(|a| !a.flags.is_empty()).count()
    }

    /// The tokens of `app` (case-insensitive), of `user` (username) when given, unused for
    /// `unused_days` when given.
    pub fn select(&self, app: &str, user: Option<&str>, unused_days: Option<u32>, now_ms: i64) -> Vec<&Token> {
        self.tokens
            .iter()
            .filter(|t| t.app.eq_ignore_ascii_case(app.trim()))
            .filter(|t| user.is_none_or(|u| t.username.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(u.trim()))))
            .filter(|t| unused_days.is_none_or(|d| t.unused_for(d, now_ms)))
            .collect()
    }

    /// Forgets tokens that were revoked.
    pub fn remove(&mut self, revoked: &BTreeSet<String>, now_ms: i64) {
        self.tokens.retain(|t| !revoked.contains(&t.id));
        self.apps = group(&self.tokens, &self.connected_apps, self.stale_days, now_ms);
    }
}

/// The fields of `OauthToken` the inventory reads, as the org's describe has them.
struct Fields {
    select: Vec<&'static str>,
    missing: Vec<String>,
}

const WANTED: [&str; 7] = ["Id", "AppName", "UserId", "CreatedDate", "LastUsedDate", "UseCount", "AppMenuItemId"];

async fn fields(client: &SalesforceClient) -> Result<Fields, Error> {
    let described: BTreeSet<String> = client.describe_fields("OauthToken").await?.into_iter().map(|f| f.name).collect();
    if !described.contains("AppName") {
        return Err(Error::InventoryInconclusive);
    }
    let mut select: Vec<&'static str> = WANTED.iter().copied().filter(|f| described.contains(*f)).collect();
    let missing = WANTED.iter().filter(|f| !described.contains(**f)).map(|f| f.to_string()).collect();
    if described.contains("UserId") {
        select.push("User.Username");
    }
    if described.contains("AppMenuItemId") {
        select.push("AppMenuItem.IsUsingAdminAuthorization");
    }
    debug_assert!(select.iter().all(|f| !NEVER_SELECT.contains(f)));
    Ok(Fields { select, missing })
}

fn token_of(row: &Value) -> Token {
    let s = |k: &str| row[k].as_str().map(str::to_string);
    Token {
        id: s("Id").unwrap_or_default(),
        app: s("AppName").unwrap_or_default(),
        user_id: s("UserId").unwrap_or_default(),
        username: row["User"]["Username"].as_str().map(str::to_string),
        created: s("CreatedDate").unwrap_or_default(),
        last_used: s("LastUsedDate"),
        use_count: row["UseCount"].as_u64().or_else(|| row["UseCount"].as_f64().map(|f| f as u64)).unwrap_or(0),
        admin_approved: row["AppMenuItem"]["IsUsingAdminAuthorization"].as_bool(),
    }
}

/// Reads every token, page by page, reporting progress.
pub async fn scan_tokens(
    client: &SalesforceClient,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(Vec<Token>, u64, Vec<String>), Error> {
    let fields = fields(client).await?;
    // `count()` answers with `totalSize` and no records.
    let counted = client.first_page::<Value>("query", "SELECT count() FROM OauthToken").await?.total_size;
    let select = fields.select.join(", ");
    let mut tokens: Vec<Token> = Vec::new();
    let mut after: Option<(String, String)> = None;
    loop {
        let filter = match &after {
            None => String::new(),
            Some((created, id)) => {
                format!(" WHERE CreatedDate > {created} OR (CreatedDate = {created} AND Id > {})", soql_string(id))
            }
        };
        let soql = format!("SELECT {select} FROM OauthToken{filter} ORDER BY CreatedDate ASC, Id ASC LIMIT {PAGE}");
        let page = client.first_page::<Value>("query", &soql).await?;
        let rows: Vec<Token> = page.records.iter().map(token_of).collect();
        let full = rows.len() >= PAGE;
        if let Some(last) = rows.last() {
            after = Some((soql_datetime(&last.created), last.id.clone()));
        }
        tokens.extend(rows);
        progress(Progress::Counting { what: "OauthToken".into(), done: tokens.len() as u64, total: Some(counted) });
        if !full {
            break;
        }
    }
    Ok((tokens, counted, fields.missing))
}

/// A record datetime (`2025-11-20T09:00:00.000+0000`) as a SOQL datetime literal
/// (`2025-11-20T09:00:00.000Z`).
fn soql_datetime(recorded: &str) -> String {
    match parse_ms(recorded) {
        Some(ms) => reconnect_engine::timestamp::format_ms(ms).replace("+0000", "Z"),
        None => recorded.to_string(),
    }
}

/// The org's connected apps.
pub async fn connected_apps(client: &SalesforceClient) -> Result<Vec<ConnectedApp>, Error> {
    let rows: Vec<Value> =
        client.query("SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication").await?;
    Ok(rows
        .iter()
        .map(|r| ConnectedApp {
            id: r["Id"].as_str().unwrap_or_default().to_string(),
            name: r["Name"].as_str().unwrap_or_default().to_string(),
            admin_approved_only: r["OptionsAllowAdminApprovedUsersOnly"].as_bool().unwrap_or(false),
        })
        .collect())
}

/// Groups tokens by app and flags each app.
pub fn group(tokens: &[Token], apps: &[ConnectedApp], stale_days: u32, now_ms: i64) -> Vec<AppTokens> {
    let mut by_app: BTreeMap<&str, Vec<&Token>> = BTreeMap::new();
    for t in tokens {
        by_app.entry(t.app.as_str()).or_default().push(t);
    }
    let known: BTreeSet<String> = apps.iter().map(|a| a.name.to_ascii_lowercase()).collect();
    let mut out: Vec<AppTokens> = by_app
        .into_iter()
        .map(|(app, ts)| {
            let users: BTreeSet<String> =
                ts.iter().map(|t| t.username.clone().unwrap_or_else(|| t.user_id.clone())).collect();
            let never = ts.iter().filter(|t| t.last_used.is_none() || t.use_count == 0).count();
            let stale = ts.iter().filter(|t| t.last_used.is_some() && t.unused_for(stale_days, now_ms)).count();
            let mut flags = Vec::new();
            let admin_only = apps.iter().find(|a| a.name.eq_ignore_ascii_case(app)).map(|a| a.admin_approved_only);
            // The token's own flag (sfdx-hardis's criterion) and the app's policy (sf-audit-plugin's).
            if ts.iter().any(|t| t.admin_approved != Some(true)) && admin_only != Some(true) {
                flags.push(Flag::SelfAuthorized);
            }
            if stale > 0 {
                flags.push(Flag::Stale { tokens: stale });
            }
            if never > 0 {
                flags.push(Flag::NeverUsed { tokens: never });
            }
            // With no connected apps read at all, nothing can be called a ghost.
            if !known.is_empty() && !known.contains(&app.to_ascii_lowercase()) && !integrations().first_party(app) {
                flags.push(Flag::Ghost);
            }
            if let Some(i) = incident_of(app) {
                flags.push(Flag::Incident { incident: i.id.clone() });
            }
            AppTokens {
                app: app.to_string(),
                tokens: ts.len(),
                users: users.into_iter().collect(),
                first_created: ts.iter().map(|t| t.created.clone()).min().unwrap_or_default(),
                last_used: ts.iter().filter_map(|t| t.last_used.clone()).max(),
                use_count: ts.iter().map(|t| t.use_count).sum(),
                flags,
            }
        })
        .collect();
    out.sort_by(|a, b| b.tokens.cmp(&a.tokens).then_with(|| a.app.cmp(&b.app)));
    out
}

/// The whole inventory.
pub async fn inventory(
    client: &SalesforceClient,
    stale_days: u32,
    now_ms: i64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Inventory, Error> {
    let (tokens, counted, missing_fields) = scan_tokens(client, progress).await?;
    let connected_apps = connected_apps(client).await?;
    let apps = group(&tokens, &connected_apps, stale_days, now_ms);
    Ok(Inventory { tokens, apps, connected_apps, stale_days, counted, missing_fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(app: &str, user: &str, created: &str, last_used: Option<&str>, uses: u64) -> Token {
        Token {
            id: format!("0Ci{app}{user}{created}"),
            app: app.into(),
            user_id: "005000000000001".into(),
            username: Some(user.into()),
            created: created.into(),
            last_used: last_used.map(str::to_string),
            use_count: uses,
            admin_approved: Some(true),
        }
    }

    const NOW: &str = "2026-12-01T00:00:00.000+0000";

    #[test]
    fn apps_are_flagged_for_staleness_ghosts_self_authorization_and_incidents() {
        let now = parse_ms(NOW).unwrap();
        let tokens = vec![
            token("Data Sync", "a@x", "2025-01-01T00:00:00.000+0000", Some("2026-11-30T00:00:00.000+0000"), 9),
            token("Data Sync", "b@x", "2025-01-01T00:00:00.000+0000", Some("2026-06-01T00:00:00.000+0000"), 3),
            Token { admin_approved: None, ..token("Old Tool", "a@x", "2024-01-01T00:00:00.000+0000", None, 0) },
            token("Salesforce CLI", "a@x", "2026-11-01T00:00:00.000+0000", Some(NOW), 1),
            token("GAINSIGHTCSUS", "g@x", "2025-11-25T00:00:00.000+0000", Some(NOW), 100),
        ];
        let apps = vec![
            ConnectedApp { id: "0H4A".into(), name: "Data Sync".into(), admin_approved_only: true },
            ConnectedApp { id: "0H4B".into(), name: "GAINSIGHTCSUS".into(), admin_approved_only: true },
        ];
        let grouped = group(&tokens, &apps, 90, now);
        let flags = |app: &str| grouped.iter().find(|a| a.app == app).unwrap().flags.clone();
        assert_eq!(flags("Data Sync"), vec![Flag::Stale { tokens: 1 }]);
        assert_eq!(flags("Old Tool"), vec![Flag::SelfAuthorized, Flag::NeverUsed { tokens: 1 }, Flag::Ghost]);
        assert!(flags("Salesforce CLI").is_empty(), "Salesforce's own app is no ghost");
        assert_eq!(flags("GAINSIGHTCSUS"), vec![Flag::Incident { incident: "gainsight-2025-11".into() }]);
        let data_sync = grouped.iter().find(|a| a.app == "Data Sync").unwrap();
        assert_eq!((data_sync.tokens, data_sync.use_count), (2, 12));
        assert_eq!(data_sync.users, vec!["a@x".to_string(), "b@x".to_string()]);
    }

    #[test]
    fn a_selection_narrows_by_app_user_and_days_unused() {
        let now = parse_ms(NOW).unwrap();
        let tokens = vec![
            token("Data Sync", "a@x", "2025-01-01T00:00:00.000+0000", Some("2026-11-30T00:00:00.000+0000"), 9),
            token("Data Sync", "b@x", "2025-01-01T00:00:00.000+0000", Some("2026-06-01T00:00:00.000+0000"), 3),
        ];
        let inv = Inventory {
            apps: group(&tokens, &[], 90, now),
            tokens,
            connected_apps: vec![],
            stale_days: 90,
            counted: 2,
            missing_fields: vec![],
        };
        assert_eq!(inv.select("data sync", None, None, now).len(), 2);
        assert_eq!(inv.select("Data Sync", Some("B@X"), None, now).len(), 1);
        assert_eq!(inv.select("Data Sync", None, Some(90), now).len(), 1);
        assert!(inv.select("Other", None, None, now).is_empty());
    }

    #[test]
    fn the_inventory_never_asks_for_a_credential() {
        for f in WANTED {
            assert!(!NEVER_SELECT.contains(&f), "{f}");
        }
        assert_eq!(soql_datetime("2025-11-20T09:00:00.000+0000"), "2025-11-20T09:00:00.000Z");
    }
}
