//! The practice account's records, loaded from `data/zendesk/practice.json`.

use std::collections::HashMap;
use std::time::Instant;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::time::{format_iso_z, now_ms};
use crate::zendesk::ZendeskConfig;

const DATA: &str = include_str!("../../data/zendesk/practice.json");
/// The identifier of the public OAuth client an admin creates for Reconnect.
pub(crate) const RECONNECT_CLIENT: &str = "reconnect";

/// A practice user, with the practice credentials printed like the practice org's logins.
#[derive(Debug, Clone, Deserialize)]
pub struct PracticeUser {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its e-mail (the sign-in name).
    pub email: String,
    /// `admin` or `agent`.
    pub role: String,
    /// Its practice password.
    pub password: String,
    /// Its practice API token.
    pub api_token: String,
}

#[derive(Deserialize)]
struct Data {
    users: Vec<PracticeUser>,
    apps: Vec<Value>,
    installations: Vec<RawInstallation>,
    oauth_clients: Vec<OAuthClient>,
    oauth_tokens: Vec<RawToken>,
    api_tokens: Vec<RawApiToken>,
}

#[derive(Deserialize)]
struct RawInstallation {
    id: u64,
    app_id: u64,
    created_at: String,
    enabled: bool,
    settings: Map<String, Value>,
}

#[derive(Deserialize)]
struct RawToken {
    id: u64,
    client_id: u64,
    user_id: u64,
    scopes: Vec<String>,
    created_at: String,
    used_at: Option<String>,
}

#[derive(Deserialize)]
struct RawApiToken {
    id: u64,
    description: String,
    active: bool,
    created_at: String,
    last_used_at: Option<String>,
}

/// An app installation as the account keeps it (its settings' values included).
pub(crate) struct Installation {
    pub id: u64,
    pub app_id: u64,
    pub created_at: String,
    pub updated_at: String,
    pub enabled: bool,
    pub settings: Map<String, Value>,
}

/// An OAuth client.
#[derive(Clone, Deserialize)]
pub(crate) struct OAuthClient {
    pub id: u64,
    pub name: String,
    pub identifier: String,
    pub kind: String,
    pub company: String,
}

/// An OAuth token.
pub(crate) struct Token {
    pub id: u64,
    pub client_id: u64,
    pub user_id: u64,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub used_at: Option<String>,
    pub access: String,
    pub refresh: Option<String>,
    pub issued: Instant,
}

/// An API token.
pub(crate) struct ApiToken {
    pub id: u64,
    pub description: String,
    pub active: bool,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub value: String,
    pub user_id: Option<u64>,
}

/// An authorization code waiting for its exchange.
pub(crate) struct Code {
    pub client_id: u64,
    pub user_id: u64,
    pub redirect_uri: String,
    pub challenge: String,
}

/// The practice account.
pub struct Account {
    pub(crate) users: Vec<PracticeUser>,
    pub(crate) apps: Vec<Value>,
    pub(crate) installations: Vec<Installation>,
    pub(crate) oauth_clients: Vec<OAuthClient>,
    pub(crate) oauth_tokens: Vec<Token>,
    pub(crate) api_tokens: Vec<ApiToken>,
    pub(crate) codes: HashMap<String, Code>,
    pub(crate) written: HashMap<(u64, String), i64>,
    pub(crate) base_url: String,
    pub(crate) api_requests: u64,
    pub(crate) rate_limit_every: Option<u64>,
    pub(crate) rate_limited: u64,
    pub(crate) access_ttl: Option<u64>,
    pub(crate) current_revoke_ignored: bool,
    next_id: u64,
}

fn relative(value: &str, now: i64) -> Result<String, String> {
    match value.strip_prefix("now-") {
        Some(ago) => {
            Ok(seconds_text(now - reconnect_engine::timestamp::parse_duration_ms(ago).map_err(|e| e.to_string())?))
        }
        None => Ok(value.to_string()),
    }
}

/// A random URL-safe string of `n` bytes' entropy.
pub(crate) fn random(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the OS has randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Zendesk's time text: ISO 8601 in UTC to the second (`2015-12-30T01:36:36Z`, recorded).
pub(crate) fn now_text() -> String {
    seconds_text(now_ms())
}

fn seconds_text(ms: i64) -> String {
    format_iso_z(ms).split('.').next().unwrap_or_default().to_string() + "Z"
}

impl Account {
    pub(crate) fn practice(base_url: &str, config: &ZendeskConfig) -> Result<Account, String> {
        let data: Data = serde_json::from_str(DATA).map_err(|e| format!("data/zendesk/practice.json: {e}"))?;
        let now = now_ms();
        let mut oauth_tokens = Vec::new();
        for t in data.oauth_tokens {
            oauth_tokens.push(Token {
                id: t.id,
                client_id: t.client_id,
                user_id: t.user_id,
                scopes: t.scopes,
                created_at: t.created_at,
                used_at: t.used_at.map(|u| relative(&u, now)).transpose()?,
                access: random(24),
                refresh: None,
                issued: Instant::now(),
            });
        }
        let mut api_tokens = Vec::new();
        for t in data.api_tokens {
            api_tokens.push(ApiToken {
                id: t.id,
                description: t.description,
                active: t.active,
                created_at: t.created_at,
                last_used_at: t.last_used_at.map(|u| relative(&u, now)).transpose()?,
                value: random(24),
                user_id: None,
            });
        }
        for (n, u) in data.users.iter().enumerate() {
            api_tokens.push(ApiToken {
                id: 711 + n as u64,
                description: format!("Practice token of {}", u.name),
                active: true,
                created_at: "2025-06-01T09:00:00Z".into(),
                last_used_at: None,
                value: u.api_token.clone(),
                user_id: Some(u.id),
            });
        }
        Ok(Account {
            users: data.users,
            apps: data.apps,
            installations: data
                .installations
                .into_iter()
                .map(|i| Installation {
                    id: i.id,
                    app_id: i.app_id,
                    updated_at: i.created_at.clone(),
                    created_at: i.created_at,
                    enabled: i.enabled,
                    settings: i.settings,
                })
                .collect(),
            oauth_clients: data.oauth_clients,
            oauth_tokens,
            api_tokens,
            codes: HashMap::new(),
            written: HashMap::new(),
            base_url: base_url.to_string(),
            api_requests: 0,
            rate_limit_every: config.rate_limit_every,
            rate_limited: 0,
            access_ttl: config.access_ttl,
            current_revoke_ignored: config.current_revoke_ignored,
            next_id: 1000,
        })
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn user(&self, id: u64) -> Option<&PracticeUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The user a request's `Authorization` header signs in, marking its token used.
    pub(crate) fn authenticate(&mut self, header: Option<&str>) -> Option<u64> {
        let header = header?;
        if let Some(access) = header.strip_prefix("Bearer ") {
            let ttl = self.access_ttl;
            let token = self.oauth_tokens.iter_mut().find(|t| t.access == access)?;
            if ttl.is_some_and(|s| token.issued.elapsed().as_secs() >= s) {
                return None;
            }
            token.used_at = Some(now_text());
            return Some(token.user_id);
        }
        let basic = header.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(basic).ok()?).ok()?;
        let (email, token) = decoded.split_once("/token:")?;
        let user = self.users.iter().find(|u| u.email == email)?.id;
        let api = self.api_tokens.iter_mut().find(|t| t.active && t.value == token && t.user_id == Some(user))?;
        api.last_used_at = Some(now_text());
        Some(user)
    }

    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for t in &self.oauth_tokens {
            all.push(t.access.clone());
            all.extend(t.refresh.clone());
        }
        all.extend(self.api_tokens.iter().map(|t| t.value.clone()));
        all.extend(self.users.iter().map(|u| u.password.clone()));
        for i in &self.installations {
            let Some(app) = self.apps.iter().find(|a| a["id"].as_u64() == Some(i.app_id)) else { continue };
            for p in app["parameters"].as_array().map(Vec::as_slice).unwrap_or_default() {
                if p["secure"].as_bool() == Some(true) {
                    if let Some(v) = p["name"].as_str().and_then(|n| i.settings.get(n)).and_then(Value::as_str) {
                        all.push(v.to_string());
                    }
                }
            }
        }
        all
    }
}
