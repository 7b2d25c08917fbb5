//! The account's OAuth tokens (every user's, for an admin) and API tokens, with what needs a
//! look: unused for 90 days or never used, and API tokens that stop working on 2027-04-30.
//! Revoking OAuth tokens is journaled and cannot be undone (whoever holds one authorizes again).

use std::collections::BTreeMap;

use reconnect_engine::clock::Clock;
use reconnect_engine::journal::{Event, Journal, RunLog};
use reconnect_engine::timestamp::parse_ms;
use reconnect_engine::zendesk::api::{self, revoke_oauth_token};
use reconnect_engine::zendesk::session::{ZendeskRecord, API_TOKEN_END, API_TOKEN_NO_NEW};
use reconnect_engine::zendesk::ZendeskClient;
use reconnect_engine::Error as EngineError;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::rotation::journal_org;

/// Days without use after which a token needs a look.
pub const STALE_DAYS: i64 = 90;
const DAY_MS: i64 = 86_400_000;

/// An OAuth token, as the playbook shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuthRow {
    /// Its id.
    pub id: u64,
    /// Its client's name (or id).
    pub client: String,
    /// The user it acts as.
    pub user_id: u64,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it was made.
    pub created_at: String,
    /// When it was last used.
    pub used_at: Option<String>,
    /// Unused for [`STALE_DAYS`] or never used.
    pub stale: bool,
    /// The token Reconnect signs in with.
    pub own: bool,
}

/// An API token, as the playbook shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiRow {
    /// Its id.
    pub id: u64,
    /// What it is for.
    pub description: String,
    /// Whether it works.
    pub active: bool,
    /// When it was made.
    pub created_at: String,
    /// When it was last used.
    pub last_used_at: Option<String>,
}

/// The account's tokens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tokens {
    /// OAuth tokens.
    pub oauth: Vec<OAuthRow>,
    /// API tokens; `None` when the signed-in user may not list them (agents).
    pub api: Option<Vec<ApiRow>>,
    /// Days until every API token stops working.
    pub api_days_left: i64,
}

impl Tokens {
    /// The OAuth token with `id`.
    pub fn oauth(&self, id: u64) -> Result<&OAuthRow, Error> {
        self.oauth.iter().find(|t| t.id == id).ok_or(Error::UnknownToken { id })
    }

    /// API tokens that still work.
    pub fn active_api_tokens(&self) -> usize {
        self.api.as_ref().map(|a| a.iter().filter(|t| t.active).count()).unwrap_or(0)
    }
}

/// The day every API token stops working, and the day no new ones can be made.
pub fn api_token_dates() -> (&'static str, &'static str) {
    (API_TOKEN_NO_NEW, API_TOKEN_END)
}

/// Reads the tokens (`all=true` for an admin).
pub async fn read(client: &ZendeskClient, record: &ZendeskRecord, now_ms: i64) -> Result<Tokens, Error> {
    let (tokens, clients) = api::oauth_tokens(client, record.is_admin()).await?;
    let names: BTreeMap<u64, (String, String)> = clients.into_iter().map(|c| (c.id, (c.name, c.identifier))).collect();
    let oauth = tokens
        .into_iter()
        .map(|t| {
            let (client_name, identifier) =
                names.get(&t.client_id).cloned().unwrap_or_else(|| (t.client_id.to_string(), String::new()));
            let used = t.used_at.as_deref().and_then(parse_ms);
            OAuthRow {
                id: t.id,
                own: !record.client_id.is_empty() && identifier == record.client_id && t.user_id == record.user_id,
                client: client_name,
                user_id: t.user_id,
                scopes: t.scopes,
                created_at: t.created_at,
                stale: used.is_none_or(|u| now_ms - u > STALE_DAYS * DAY_MS),
                used_at: t.used_at,
            }
        })
        .collect();
    let api = match api::api_tokens(client).await {
        Ok(list) => Some(
            list.into_iter()
                .map(|t| ApiRow {
                    id: t.id,
                    description: t.description,
                    active: t.active,
                    created_at: t.created_at,
                    last_used_at: t.last_used_at,
                })
                .collect(),
        ),
        Err(EngineError::ZendeskForbidden { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let end = parse_ms(API_TOKEN_END).unwrap_or(now_ms);
    Ok(Tokens { oauth, api, api_days_left: ((end - now_ms) / DAY_MS).max(0) })
}

/// Revokes the chosen OAuth tokens, one journal entry each (client, user, time; never a token).
/// Stops at the first failure, which it journals.
pub async fn revoke(
    client: &ZendeskClient,
    journal: &Journal,
    clock: &dyn Clock,
    record: &ZendeskRecord,
    tokens: &Tokens,
    ids: &[u64],
) -> Result<Vec<u64>, Error> {
    let chosen: Vec<&OAuthRow> = ids.iter().map(|id| tokens.oauth(*id)).collect::<Result<_, _>>()?;
    if chosen.iter().any(|t| t.own) {
        return Err(Error::OwnToken);
    }
    let log = RunLog::new(journal, clock, crate::ID, &journal_org(record), &record.email);
    let mut done = Vec::new();
    for (n, t) in chosen.iter().enumerate() {
        let step = n as u32 + 1;
        let key = |e: &mut reconnect_engine::journal::Entry| {
            e.record = Some(t.id.to_string());
            e.key = BTreeMap::from([
                ("client".to_string(), Value::String(t.client.clone())),
                ("user".to_string(), Value::String(t.user_id.to_string())),
            ]);
        };
        log.write(step, Event::Intent, "OAuthToken", key)?;
        match revoke_oauth_token(client, t.id).await {
            Ok(()) => {
                log.write(step, Event::Revoked, "OAuthToken", key)?;
                done.push(t.id);
            }
            Err(e) => {
                log.failed(step, "OAuthToken", &e)?;
                return Err(e.into());
            }
        }
    }
    Ok(done)
}
