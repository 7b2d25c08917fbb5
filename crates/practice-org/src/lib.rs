//! The practice org: a Salesforce-compatible server on loopback for Reconnect's tests, its
//! offline demo and admin training. It speaks Salesforce's OAuth and REST wire formats closely
//! enough that third-party Salesforce clients work against it unchanged. Beside it runs a
//! practice Gainsight tenant whose Salesforce connector an admin can re-authorize.

pub mod api;
mod api_access;
mod connected_apps;
mod gainsight;
mod generate;
mod html;
mod install;
mod install_page;
mod login_history;
mod metadata_api;
mod oauth;
mod oauth_token;
mod permissions;
mod rest;
pub mod scenario;
pub mod sf_error;
pub mod soql;
pub mod store;
pub mod time;
mod tls;
pub mod trust;
mod write_rules;
pub mod zendesk;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::scenario::Scenario;
use crate::sf_error::SfError;
use crate::store::Store;

/// Faults the org can be asked to show, for tests and training.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every response.
    pub latency: Duration,
    /// Share of API requests (0.0 to 1.0) answered with a 500.
    pub error_share: f64,
    /// Access tokens expire this long after they were issued.
    pub session_ttl: Option<Duration>,
    /// API requests served before `REQUEST_LIMIT_EXCEEDED`.
    pub request_limit: Option<u64>,
    /// Refresh-token rotation, as a connected app or External Client App can turn it on: a
    /// refresh answers with a new refresh token, and the old one stops working.
    pub rotate_refresh_tokens: bool,
    /// Fields, as (object, field), that this org refuses in a WHERE clause beside those the
    /// schema marks: an org unlike the practice default where a field's filterability is not
    /// confirmed (the client must fall back, never fail).
    pub unfilterable: Vec<(&'static str, &'static str)>,
}

/// How to start a practice org.
#[derive(Debug, Clone)]
pub struct Config {
    /// Scenario name.
    pub scenario: String,
    /// Address to listen on; port 0 picks a free one. Only loopback addresses are accepted.
    pub addr: SocketAddr,
    /// Fault knobs.
    pub faults: Faults,
    /// Records per page of a query result before `nextRecordsUrl` (Salesforce: 2000).
    pub page_size: usize,
    /// Serve HTTPS with a self-signed loopback certificate (see [`RunningOrg::certificate_pem`]).
    pub tls: bool,
    /// What the practice Trust API under `/trust` answers at first.
    pub trust: trust::TrustScenario,
}

impl Config {
    /// The default scenario on a free loopback port, without faults.
    pub fn new(scenario: &str) -> Config {
        Config {
            scenario: scenario.to_string(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            faults: Faults::default(),
            page_size: 2000,
            tls: false,
            trust: trust::TrustScenario::Ok,
        }
    }
}

/// A running practice org; it stops when dropped or on [`RunningOrg::stop`].
pub struct RunningOrg {
    url: String,
    certificate: Option<String>,
    scenario: Scenario,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    state: Shared,
}

impl RunningOrg {
    /// The instance URL, e.g. `http://127.0.0.1:40123` (`https://…` with TLS).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// With TLS, the certificate (PEM) a client must trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
    }

    /// The scenario it serves.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// A copy of the org's records as they are now (for tests that check what changed).
    pub fn snapshot(&self) -> Store {
        let mut org = lock(&self.state);
        org.catch_up();
        org.store.clone()
    }

    /// The practice Gainsight tenant's API access key (a practice credential, printed like the
    /// practice logins); its API is served at [`RunningOrg::url`].
    pub fn gainsight_access_key(&self) -> &str {
        &self.scenario.gainsight.access_key
    }

    /// The practice Gainsight tenant's Connectors page, where an admin re-authorizes its
    /// Salesforce connection in a browser.
    pub fn gainsight_connectors_url(&self) -> String {
        format!("{}{}", self.url, gainsight::CONNECTORS_PATH)
    }

    /// API requests served so far (what the request limit counts).
    pub fn api_requests(&self) -> u64 {
        lock(&self.state).api_requests
    }

    /// The practice Trust API's base URL (what [`reconnect_engine::trust::TrustBase`] gives
    /// for this org).
    pub fn trust_url(&self) -> String {
        format!("{}/trust", self.url)
    }

    /// Switches what the practice Trust API answers.
    pub fn set_trust(&self, scenario: trust::TrustScenario) {
        lock(&self.state).trust = scenario;
    }

    /// Changes the request limit while the org runs, e.g. to cut a run off halfway.
    pub fn set_request_limit(&self, limit: Option<u64>) {
        lock(&self.state).faults.request_limit = limit;
    }

    /// Stops serving and waits until the listener is closed.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for RunningOrg {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Why the org could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Unknown scenario or a scenario that does not fit the schema.
    #[error("{0}")]
    Scenario(String),
    /// Not a loopback address.
    #[error("the practice org listens only on loopback addresses (127.0.0.1 or ::1), not {0}")]
    NotLoopback(SocketAddr),
    /// The loopback certificate could not be made.
    #[error("could not make the loopback certificate: {0}")]
    Tls(String),
    /// The port could not be opened.
    #[error("could not listen on {addr}: {source}")]
    Listen {
        /// Where.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

pub(crate) type Shared = Arc<Mutex<Org>>;

pub(crate) struct Org {
    pub store: Store,
    pub scenario: Scenario,
    pub base_url: String,
    pub faults: Faults,
    pub page_size: usize,
    pub tokens: oauth::Tokens,
    pub gainsight: gainsight::Tenant,
    pub cursors: HashMap<String, Vec<serde_json::Value>>,
    pub log_files: HashMap<String, String>,
    pub connected_apps: Vec<scenario::ConnectedAppMetadata>,
    pub api_requests: u64,
    pub rng: u64,
    pub trust: trust::TrustScenario,
}

impl Org {
    /// A pseudo-random number from a fixed seed, so fault runs repeat.
    pub fn next_random(&mut self) -> u64 {
        // xorshift64*
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Lets the org's background work (package installs) catch up with the clock; called
    /// before anything that could observe its results.
    pub fn catch_up(&mut self) {
        crate::install::advance(&mut self.store, &self.scenario.install);
    }
}

/// Starts a practice org.
pub async fn start(config: Config) -> Result<RunningOrg, StartError> {
    if !config.addr.ip().is_loopback() {
        return Err(StartError::NotLoopback(config.addr));
    }
    let scenario = Scenario::named(&config.scenario).map_err(StartError::Scenario)?;
    let (mut store, extras) = scenario.org_data(time::now_ms()).map_err(StartError::Scenario)?;
    for (object, field) in &config.faults.unfilterable {
        let def =
            store.schema_mut().def_mut(object).ok_or_else(|| StartError::Scenario(format!("no object {object}")))?;
        def.unfilterable.push(field.to_string());
    }
    let listener =
        TcpListener::bind(config.addr).await.map_err(|source| StartError::Listen { addr: config.addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: config.addr, source })?;
    let tls = if config.tls { Some(tls::loopback_certificate().map_err(StartError::Tls)?) } else { None };
    let base_url = format!("{}://{addr}", if tls.is_some() { "https" } else { "http" });
    let state: Shared = Arc::new(Mutex::new(Org {
        store,
        scenario: scenario.clone(),
        base_url: base_url.clone(),
        faults: config.faults,
        page_size: config.page_size.max(1),
        tokens: oauth::Tokens::default(),
        gainsight: gainsight::Tenant::default(),
        cursors: HashMap::new(),
        log_files: extras.log_files,
        connected_apps: extras.connected_apps,
        api_requests: 0,
        rng: 0x9E37_79B9_7F4A_7C15,
        trust: config.trust,
    }));
    let app = Router::new()
        .merge(oauth::routes())
        .merge(rest::routes())
        .merge(gainsight::routes())
        .merge(install_page::routes())
        .merge(metadata_api::routes())
        .merge(trust::routes())
        .fallback(|| async { SfError::not_found().into_response() })
        .layer(middleware::from_fn_with_state(state.clone(), faults))
        .with_state(state.clone());
    // Around the router, not inside it: a layer inside runs after routing has already failed.
    let app = tower::Layer::layer(&tower::util::MapRequestLayer::new(collapse_slashes), app);
    let (stop, stopped) = oneshot::channel::<()>();
    let service = axum::ServiceExt::<Request>::into_make_service(app);
    let stopped = async {
        let _ = stopped.await;
    };
    let (task, certificate) = match tls {
        Some((acceptor, pem)) => {
            let listener = tls::TlsListener::new(listener, acceptor);
            let task = tokio::spawn(async move {
                let _ = axum::serve(listener, service).with_graceful_shutdown(stopped).await;
            });
            (task, Some(pem))
        }
        None => {
            let task = tokio::spawn(async move {
                let _ = axum::serve(listener, service).with_graceful_shutdown(stopped).await;
            });
            (task, None)
        }
    };
    Ok(RunningOrg { url: base_url, certificate, scenario, stop: Some(stop), task: Some(task), state })
}

/// Salesforce treats `//services/data` like `/services/data`; the Salesforce CLI sends the
/// former (its instance URL ends in a slash), so the practice org must too.
fn collapse_slashes(mut request: Request) -> Request {
    let path = request.uri().path();
    if !path.contains("//") {
        return request;
    }
    let mut collapsed = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    if let Some(q) = request.uri().query() {
        collapsed = format!("{collapsed}?{q}");
    }
    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = collapsed.parse().ok();
    if let Ok(uri) = axum::http::Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

/// Applies the fault knobs: latency to everything; errors and limits to the REST API and the
/// Metadata API (whose calls count against the same daily limit), each in its own error shape.
async fn faults(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let soap = path.starts_with("/services/Soap/");
    let api = path.starts_with("/services/data/v") || soap;
    let (latency, fault) = {
        let mut org = lock(&state);
        let latency = org.faults.latency;
        let mut fault = None;
        if api {
            org.api_requests += 1;
            if org.faults.request_limit.is_some_and(|limit| org.api_requests > limit) {
                fault = Some(SfError::request_limit());
            } else if org.faults.error_share > 0.0 {
                let roll = (org.next_random() % 10_000) as f64 / 10_000.0;
                if roll < org.faults.error_share {
                    fault = Some(SfError::server_error());
                }
            }
        }
        (latency, fault)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(e) if soap => metadata_api::fault(e.code, &e.message),
        Some(e) => e.into_response(),
        None => next.run(request).await,
    }
}

/// The org's state; a handler that panicked left nothing half-written worth refusing.
pub(crate) fn lock(state: &Shared) -> std::sync::MutexGuard<'_, Org> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// When a token was issued, for expiry checks.
pub(crate) fn now() -> Instant {
    Instant::now()
}

/// The package versions the practice org's AppExchange listing offers, as (15-character
/// version id, package name): a playbook's catalog must name the same ones.
pub fn listed_package_versions() -> Vec<(String, String)> {
    install::versions().iter().map(|v| (v.id.clone(), v.package_name.clone())).collect()
}
