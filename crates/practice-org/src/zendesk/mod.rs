//! A practice Zendesk account on loopback, beside the practice org: OAuth (authorization code
//! with PKCE, refresh), the signed-in user, app installations with their apps' secure
//! parameters, OAuth clients and tokens, API tokens, and Zendesk's errors (401, 403 for an
//! agent calling an admin endpoint, 404, 422, 429 with `Retry-After`). Its answers follow the
//! recordings in `corpus/zendesk/` (`tests/corpus_shapes.rs` compares them); where no recording
//! exists the choice is named at the handler.

mod account;
mod api;
mod oauth;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use account::{Account, PracticeUser};

use crate::StartError;

/// How the practice Zendesk starts.
#[derive(Debug, Clone)]
pub struct ZendeskConfig {
    /// Where to listen (loopback only; port 0 picks one).
    pub addr: SocketAddr,
    /// Every n-th API request is answered `429` with `Retry-After: 1`.
    pub rate_limit_every: Option<u64>,
    /// Seconds an access token lives (`None`: until revoked).
    pub access_ttl: Option<u64>,
    /// Answer `DELETE /api/v2/oauth/tokens/current` 204 without revoking, as admins report
    /// Zendesk doing (community posts 4627188332186, 5537132288282).
    pub current_revoke_ignored: bool,
}

impl Default for ZendeskConfig {
    fn default() -> Self {
        ZendeskConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limit_every: None,
            access_ttl: None,
            current_revoke_ignored: false,
        }
    }
}

pub(crate) type Shared = Arc<Mutex<Account>>;

pub(crate) fn lock(state: &Shared) -> std::sync::MutexGuard<'_, Account> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running practice Zendesk.
pub struct RunningZendesk {
    url: String,
    state: Shared,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Starts the practice Zendesk.
pub async fn start(config: ZendeskConfig) -> Result<RunningZendesk, StartError> {
    if !config.addr.ip().is_loopback() {
        return Err(StartError::NotLoopback(config.addr));
    }
    let listener =
        TcpListener::bind(config.addr).await.map_err(|source| StartError::Listen { addr: config.addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: config.addr, source })?;
    let url = format!("http://{addr}");
    let account = Account::practice(&url, &config).map_err(StartError::Scenario)?;
    let state: Shared = Arc::new(Mutex::new(account));
    let app = Router::new()
        .merge(oauth::routes())
        .merge(api::routes())
        .fallback(|| async { api::invalid_endpoint() })
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .with_state(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(RunningZendesk { url, state, stop: Some(stop), task: Some(task) })
}

/// Zendesk's rate limit, as documented: `429`, `Retry-After` in seconds, a text body
/// (`corpus/zendesk/zendesk-error-429-rate-limited.json`).
async fn rate_limit(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/v2/") {
        let mut account = lock(&state);
        account.api_requests += 1;
        if let Some(every) = account.rate_limit_every.filter(|n| *n > 0) {
            if account.api_requests.is_multiple_of(every) {
                account.rate_limited += 1;
                return (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    [("Retry-After", "1"), ("Content-Type", "text/plain; charset=utf-8")],
                    "Rate limit for api requests exceeded, please wait before trying again",
                )
                    .into_response();
            }
        }
    }
    next.run(request).await
}

impl RunningZendesk {
    /// Its address (what `reconnect zendesk login --subdomain` takes for practice).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The practice users (admin and agent) with their practice passwords and API tokens.
    pub fn users(&self) -> Vec<PracticeUser> {
        lock(&self.state).users.clone()
    }

    /// The OAuth client identifier an admin would create for Reconnect.
    pub fn reconnect_client_id(&self) -> &'static str {
        account::RECONNECT_CLIENT
    }

    /// When a setting of an installation was last written (ms), for tests that check a rotation.
    pub fn setting_written_at(&self, installation: u64, setting: &str) -> Option<i64> {
        lock(&self.state).written.get(&(installation, setting.to_string())).copied()
    }

    /// Whether a setting now holds exactly `value` (tests check the rotation landed).
    pub fn setting_is(&self, installation: u64, setting: &str, value: &str) -> bool {
        let account = lock(&self.state);
        account
            .installations
            .iter()
            .any(|i| i.id == installation && i.settings.get(setting).and_then(|v| v.as_str()) == Some(value))
    }

    /// Whether an OAuth token still exists.
    pub fn oauth_token_exists(&self, id: u64) -> bool {
        lock(&self.state).oauth_tokens.iter().any(|t| t.id == id)
    }

    /// Every secret it has issued or holds (access and refresh tokens, API tokens, passwords,
    /// settings' secure values), for scans that none of them leaks.
    pub fn secrets(&self) -> Vec<String> {
        lock(&self.state).secrets()
    }

    /// How many requests it answered 429.
    pub fn rate_limited(&self) -> u64 {
        lock(&self.state).rate_limited
    }

    /// Stops serving.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for RunningZendesk {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}
