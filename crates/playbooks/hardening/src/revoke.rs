//! Revoking chosen tokens. The preview says in plain words that a revocation cannot be undone
//! and which integrations must then be authorized again. Applying it reads each token's
//! `DeleteToken` just before its revocation (it lives in memory only: never in the journal, a
//! report, a log or the screen), POSTs it to the org's `/services/oauth2/revoke` as sfdx-hardis
//! does, and journals every revocation (app, user, when; never the token).

use std::collections::{BTreeMap, BTreeSet};

use reconnect_engine::clock::Clock;
use reconnect_engine::journal::{Event, Journal, RunLog};
use reconnect_engine::progress::Progress;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::Error;
use crate::inventory::{Inventory, Token};

/// Which tokens to revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "hardening/")]
pub struct Selection {
    /// The connected app's name.
    pub app: String,
    /// Only this user's tokens (username).
    #[serde(default)]
    pub user: Option<String>,
    /// Only tokens unused for this many days (or never used).
    #[serde(default)]
    pub unused_days: Option<u32>,
}

/// One token to revoke, as the preview and the journal name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The token record's id.
    pub id: String,
    /// The app.
    pub app: String,
    /// The user (username, else id).
    pub user: String,
    /// When it was last used.
    pub last_used: Option<String>,
}

/// What a revocation will do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokePlan {
    /// The org's id.
    pub org_id: String,
    /// The selection it came from.
    pub selection: Selection,
    /// The tokens.
    pub targets: Vec<Target>,
    /// The users whose integration must be authorized again, by app.
    pub reauthorize: BTreeMap<String, Vec<String>>,
}

/// What a revocation did.
#[derive(Debug, Serialize)]
pub struct RevokeOutcome {
    /// The journal run.
    pub run: String,
    /// Tokens revoked.
    pub revoked: Vec<Target>,
    /// Tokens that were gone already (revoked elsewhere, or expired).
    pub gone: Vec<Target>,
    /// The token that failed and why; later ones were not tried.
    #[serde(skip)]
    pub failure: Option<(Target, Error)>,
}

/// The plan for `selection` against the inventory.
pub fn plan(inventory: &Inventory, selection: Selection, org_id: &str, now_ms: i64) -> Result<RevokePlan, Error> {
    if !inventory.tokens.iter().any(|t| t.app.eq_ignore_ascii_case(selection.app.trim())) {
        return Err(Error::UnknownApp { input: selection.app.chars().take(80).collect() });
    }
    let chosen: Vec<&Token> =
        inventory.select(&selection.app, selection.user.as_deref(), selection.unused_days, now_ms);
    if chosen.is_empty() {
        return Err(Error::NothingToRevoke);
    }
    let targets: Vec<Target> = chosen
        .iter()
        .map(|t| Target {
            id: t.id.clone(),
            app: t.app.clone(),
            user: t.username.clone().unwrap_or_else(|| t.user_id.clone()),
            last_used: t.last_used.clone(),
        })
        .collect();
    let mut reauthorize: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in &targets {
        reauthorize.entry(t.app.clone()).or_default().insert(t.user.clone());
    }
    Ok(RevokePlan {
        org_id: org_id.to_string(),
        selection,
        targets,
        reauthorize: reauthorize.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect(),
    })
}

/// How many `DeleteToken` values are read per query (ids in one `IN` list).
const HANDLES_PER_QUERY: usize = 200;

/// Revokes the plan's tokens one by one, journaling each.
pub async fn apply(
    client: &SalesforceClient,
    plan: &RevokePlan,
    journal: &Journal,
    clock: &dyn Clock,
    by: &str,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<RevokeOutcome, Error> {
    let log = RunLog::new(journal, clock, crate::ID, &plan.org_id, by);
    let mut outcome = RevokeOutcome { run: log.run.clone(), revoked: Vec::new(), gone: Vec::new(), failure: None };
    let total = plan.targets.len() as u64;
    let mut step = 0u32;
    for chunk in plan.targets.chunks(HANDLES_PER_QUERY) {
        let ids: Vec<String> = chunk.iter().map(|t| soql_string(&t.id)).collect();
        let rows: Vec<Value> =
            client.query(&format!("SELECT Id, DeleteToken FROM OauthToken WHERE Id IN ({})", ids.join(", "))).await?;
        // Held only while this chunk is revoked; a `Secret` never prints.
        let handles: BTreeMap<String, Secret> = rows
            .iter()
            .filter_map(|r| Some((r["Id"].as_str()?.to_string(), Secret::new(r["DeleteToken"].as_str()?))))
            .collect();
        for target in chunk {
            step += 1;
            let key = |e: &mut reconnect_engine::journal::Entry| {
                e.record = Some(target.id.clone());
                e.key = BTreeMap::from([
                    ("AppName".to_string(), json!(target.app)),
                    ("User".to_string(), json!(target.user)),
                ]);
            };
            let Some(handle) = handles.get(&target.id).or_else(|| handles.get(&target.id[..target.id.len().min(15)]))
            else {
                // The token is no longer in the org.
                log.write(step, Event::Revoked, "OauthToken", |e| {
                    key(e);
                    e.error = Some("already gone".into());
                })?;
                outcome.gone.push(target.clone());
                continue;
            };
            log.write(step, Event::Intent, "OauthToken", key)?;
            match client.revoke_token_handle(handle).await {
                Ok(()) => {
                    log.write(step, Event::Revoked, "OauthToken", key)?;
                    outcome.revoked.push(target.clone());
                }
                Err(e) => {
                    log.failed(step, "OauthToken", &e)?;
                    let answer = match &e {
                        reconnect_engine::Error::OAuth { error, .. } => error.clone(),
                        other => other.to_string(),
                    };
                    outcome.failure = Some((target.clone(), Error::RevokeRefused { answer }));
                    return Ok(outcome);
                }
            }
            progress(Progress::Counting {
                what: "revoked".into(),
                done: (outcome.revoked.len() + outcome.gone.len()) as u64,
                total: Some(total),
            });
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::group;
    use reconnect_engine::timestamp::parse_ms;

    fn inventory() -> Inventory {
        let t = |id: &str, app: &str, user: &str, last: Option<&str>| Token {
            id: id.into(),
            app: app.into(),
            user_id: "005000000000001".into(),
            username: Some(user.into()),
            created: "2025-01-01T00:00:00.000+0000".into(),
            last_used: last.map(str::to_string),
            use_count: 1,
            admin_approved: Some(true),
        };
        let tokens = vec![
            t("0Ci000000000001", "Data Sync", "a@x", Some("2026-11-30T00:00:00.000+0000")),
            t("0Ci000000000002", "Data Sync", "b@x", Some("2026-01-01T00:00:00.000+0000")),
            t("0Ci000000000003", "Other", "a@x", None),
        ];
        let now = parse_ms("2026-12-01T00:00:00.000+0000").unwrap();
        Inventory {
            apps: group(&tokens, &[], 90, now),
            tokens,
            connected_apps: vec![],
            stale_days: 90,
            counted: 3,
            missing_fields: vec![],
        }
    }

    #[test]
    fn a_plan_names_each_token_and_who_must_authorize_again() {
        let now = parse_ms("2026-12-01T00:00:00.000+0000").unwrap();
        let sel = Selection { app: "data sync".into(), user: None, unused_days: Some(90) };
        let p = plan(&inventory(), sel, "00D000000000001", now).unwrap();
        assert_eq!(p.targets.len(), 1);
        assert_eq!(p.reauthorize["Data Sync"], vec!["b@x".to_string()]);
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("DeleteToken"));
    }

    #[test]
    fn an_unknown_app_or_an_empty_selection_is_refused() {
        let now = parse_ms("2026-12-01T00:00:00.000+0000").unwrap();
        let unknown = Selection { app: "Nope".into(), user: None, unused_days: None };
        assert!(matches!(plan(&inventory(), unknown, "00D", now), Err(Error::UnknownApp { .. })));
        let empty = Selection { app: "Data Sync".into(), user: Some("c@x".into()), unused_days: None };
        assert!(matches!(plan(&inventory(), empty, "00D", now), Err(Error::NothingToRevoke)));
    }
}
