//! The Zendesk API client: one credential (an OAuth access token, or an API token until Zendesk
//! retires them), JSON in and out, Zendesk's error bodies as typed errors, a refused access
//! token refreshed once, and `429 Too Many Requests` waited out as its `Retry-After` says.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::error::Error;
use crate::secret::Secret;
use crate::support_log;
use crate::zendesk::account::ZendeskBase;
use crate::zendesk::sign_in::refresh;

/// The longest `Retry-After` waited out; beyond it the request fails with the wait named.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);
/// How many times one request waits out a rate limit before it gives up.
const RATE_LIMIT_TRIES: u32 = 3;
/// The wait assumed when a 429 carries no readable `Retry-After`.
const DEFAULT_RETRY_AFTER: u64 = 10;
/// Per-request time-out.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How Reconnect authenticates to Zendesk.
#[derive(Clone)]
pub enum Credential {
    /// An OAuth access token, with its refresh token when Zendesk gave one.
    OAuth {
        /// The access token.
        access: Secret,
        /// The refresh token.
        refresh: Option<Secret>,
        /// The OAuth client's unique identifier (refresh needs it).
        client_id: String,
    },
    /// An API token of the signed-in agent (`{email}/token:{token}`), until 2027-04-30.
    ApiToken {
        /// The agent's e-mail.
        email: String,
        /// The token.
        token: Secret,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::OAuth { .. } => "Credential::OAuth",
            Credential::ApiToken { .. } => "Credential::ApiToken",
        })
    }
}

impl Credential {
    fn header(&self) -> Secret {
        match self {
            Credential::OAuth { access, .. } => Secret::new(format!("Bearer {}", access.expose())),
            Credential::ApiToken { email, token } => Secret::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{email}/token:{}", token.expose()))
            )),
        }
    }
}

/// Told when a refresh gave new tokens (to keep them in the keychain).
pub type CredentialKeeper = Box<dyn Fn(&Credential) + Send + Sync>;
/// Told when Zendesk's rate limit makes a request wait, with the seconds it waits.
pub type WaitObserver = Arc<dyn Fn(u64) + Send + Sync>;

/// A signed-in Zendesk client.
#[derive(Clone)]
pub struct ZendeskClient {
    http: reqwest::Client,
    base: ZendeskBase,
    credential: Arc<Mutex<Credential>>,
    keeper: Option<Arc<CredentialKeeper>>,
    on_wait: Option<WaitObserver>,
    max_wait: Duration,
}

impl std::fmt::Debug for ZendeskClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZendeskClient").field("base", &self.base).finish_non_exhaustive()
    }
}

impl ZendeskClient {
    /// A client of the account at `base` with `credential`.
    pub fn new(
        http: reqwest::Client,
        base: ZendeskBase,
        credential: Credential,
        keeper: Option<CredentialKeeper>,
    ) -> Self {
        ZendeskClient {
            http,
            base,
            credential: Arc::new(Mutex::new(credential)),
            keeper: keeper.map(Arc::new),
            on_wait: None,
            max_wait: MAX_RATE_LIMIT_WAIT,
        }
    }

    /// The same client, waiting out rate limits of at most `max_wait` (default
    /// [`MAX_RATE_LIMIT_WAIT`]).
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The same client, telling `observer` of every rate-limit wait.
    pub fn with_wait_observer(mut self, observer: WaitObserver) -> Self {
        self.on_wait = Some(observer);
        self
    }

    /// The account's base address.
    pub fn base(&self) -> &ZendeskBase {
        &self.base
    }

    /// The OAuth access token in use (none for an API token).
    pub fn access_token(&self) -> Option<Secret> {
        match &*self.credential.lock().expect("credential lock") {
            Credential::OAuth { access, .. } => Some(access.clone()),
            Credential::ApiToken { .. } => None,
        }
    }

    /// Whether the client signs in with an API token.
    pub fn uses_api_token(&self) -> bool {
        matches!(*self.credential.lock().expect("credential lock"), Credential::ApiToken { .. })
    }

    /// `GET` of an API path (`/api/v2/...`) or of a full address under the base (a next page).
    pub async fn get(&self, path: &str) -> Result<Value, Error> {
        self.send(Method::GET, path, None).await.map(|v| v.unwrap_or(Value::Null))
    }

    /// `PUT` with a JSON body. The body may hold secrets: it is never logged or kept.
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.send(Method::PUT, path, Some(body)).await.map(|v| v.unwrap_or(Value::Null))
    }

    /// `DELETE`.
    pub async fn delete(&self, path: &str) -> Result<(), Error> {
        self.send(Method::DELETE, path, None).await.map(|_| ())
    }

    fn url(&self, path: &str) -> Result<String, Error> {
        if path.starts_with('/') {
            return Ok(self.base.join(path));
        }
        // A next-page address from an answer: only under the same base.
        if path.starts_with(&format!("{}/", self.base.as_str())) {
            return Ok(path.to_string());
        }
        Err(Error::HostNotAllowed { url: crate::secret::redact(path) })
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Option<Value>, Error> {
        let url = self.url(path)?;
        let mut refreshed = false;
        let mut waits = 0;
        loop {
            let header = self.credential.lock().expect("credential lock").header();
            let mut request = self
                .http
                .request(method.clone(), &url)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", header.expose())
                .header("Accept", "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let started = std::time::Instant::now();
            let response = request.send().await.map_err(|e| {
                support_log::http("zendesk", method.as_str(), &url, None, started.elapsed(), None);
                Error::network(&e)
            })?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                support_log::http("zendesk", method.as_str(), &url, Some(429), started.elapsed(), Some("rate limited"));
                let seconds = retry_after(response.headers());
                waits += 1;
                if waits > RATE_LIMIT_TRIES || Duration::from_secs(seconds) > self.max_wait {
                    return Err(Error::ZendeskRateLimited { seconds });
                }
                if let Some(observer) = &self.on_wait {
                    observer(seconds);
                }
                tokio::time::sleep(Duration::from_secs(seconds)).await;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED && !refreshed && self.refresh().await? {
                refreshed = true;
                continue;
            }
            let text = response.text().await.map_err(|e| Error::network(&e))?;
            let code = (!status.is_success()).then(|| error_code(&text)).flatten();
            support_log::http(
                "zendesk",
                method.as_str(),
                &url,
                Some(status.as_u16()),
                started.elapsed(),
                code.as_deref(),
            );
            if status.is_success() {
                if text.trim().is_empty() {
                    return Ok(None);
                }
                return serde_json::from_str(&text).map(Some).map_err(|_| Error::UnexpectedResponse {
                    what: format!("Zendesk's answer to {}", describe(path)),
                });
            }
            return Err(api_error(status, &text, path));
        }
    }

    /// Refreshes an OAuth access token; `false` when there is nothing to refresh with.
    async fn refresh(&self) -> Result<bool, Error> {
        let (refresh_token, client_id) = match &*self.credential.lock().expect("credential lock") {
            Credential::OAuth { refresh: Some(r), client_id, .. } => (r.clone(), client_id.clone()),
            _ => return Ok(false),
        };
        let tokens = refresh(&self.http, &self.base, &client_id, &refresh_token).await?;
        let credential =
            Credential::OAuth { access: tokens.access, refresh: tokens.refresh.or(Some(refresh_token)), client_id };
        if let Some(keeper) = &self.keeper {
            keeper(&credential);
        }
        *self.credential.lock().expect("credential lock") = credential;
        Ok(true)
    }
}

/// Zendesk's error code (`RecordNotFound`, `invalid_token`, `Forbidden`), for the log.
fn error_code(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    match &v["error"] {
        Value::String(s) if s.len() <= 40 && !s.contains(' ') => Some(s.clone()),
        Value::Object(o) => o.get("title").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The seconds a 429's `Retry-After` asks for (a number of seconds, as Zendesk sends it).
fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

/// The path without its query and ids, to name a request in an error.
fn describe(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let path = path.split("/api/v2/").nth(1).map(|p| format!("/api/v2/{p}")).unwrap_or_else(|| path.to_string());
    path.split('/')
        .map(
            |s| {
                if !s.is_empty() && s.trim_end_matches(".json").bytes().all(|b| b.is_ascii_digit()) {
                    "{id}"
                } else {
                    s
                }
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Zendesk's error bodies, as recorded: `{"error":"RecordNotFound","description":…}`,
/// `{"error":"Couldn't authenticate you"}`, `{"error":{"title","message"}}`, and 422's
/// `details` with each field's `description`.
fn api_error(status: StatusCode, body: &str, path: &str) -> Error {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let (code, message) = match &v["error"] {
        Value::String(s) => (s.clone(), v["description"].as_str().unwrap_or_default().to_string()),
        Value::Object(o) => (
            o.get("title").and_then(Value::as_str).unwrap_or_default().to_string(),
            o.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
        ),
        _ => (String::new(), String::new()),
    };
    let what = describe(path);
    match status.as_u16() {
        401 => Error::ZendeskUnauthorized,
        403 => Error::ZendeskForbidden { what, message: crate::secret::redact(&message) },
        404 => Error::ZendeskNotFound { what },
        422 | 400 => {
            let mut details: Vec<String> = Vec::new();
            if let Some(fields) = v["details"].as_object() {
                for (field, problems) in fields {
                    for p in problems.as_array().map(Vec::as_slice).unwrap_or_default() {
                        if let Some(d) = p["description"].as_str() {
                            details.push(format!("{field}: {d}"));
                        }
                    }
                }
            }
            if details.is_empty() && !message.is_empty() {
                details.push(message);
            }
            Error::ZendeskInvalid { what, code, details: crate::secret::redact(&details.join("; ")) }
        }
        s => Error::ZendeskUnavailable { status: s },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_named_without_ids_or_queries() {
        assert_eq!(describe("/api/v2/apps/installations/187732.json?x=1"), "/api/v2/apps/installations/{id}");
        assert_eq!(
            describe("https://acme.zendesk.com/api/v2/oauth/tokens.json?page%5Bafter%5D=abc"),
            "/api/v2/oauth/tokens.json"
        );
    }

    #[test]
    fn recorded_error_bodies_become_typed_errors() {
        let forbidden = r#"{"error":{"title":"Forbidden","message":"Access to this resource is restricted."}}"#;
        assert!(matches!(api_error(StatusCode::FORBIDDEN, forbidden, "/api/v2/x"), Error::ZendeskForbidden { .. }));
        let invalid = r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"name":[{"description":"Name has already been taken","error":"DuplicateValue"}]}}"#;
        match api_error(StatusCode::UNPROCESSABLE_ENTITY, invalid, "/api/v2/brands") {
            Error::ZendeskInvalid { code, details, .. } => {
                assert_eq!(code, "RecordInvalid");
                assert_eq!(details, "name: Name has already been taken");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(api_error(StatusCode::NOT_FOUND, "", "/api/v2/x/1"), Error::ZendeskNotFound { .. }));
        assert!(matches!(
            api_error(StatusCode::BAD_GATEWAY, "<html>", "/x"),
            Error::ZendeskUnavailable { status: 502 }
        ));
    }
}
