//! The Salesforce REST client: API version negotiation, typed queries with queryMore,
//! Salesforce errors as typed errors, one refresh-and-retry on an expired session, and
//! bounded retries with backoff for reads (never for writes that are not idempotent).

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::Error;
use crate::oauth::flow::refresh_access;
use crate::salesforce::instance::InstanceUrl;
use crate::secret::Secret;

/// The newest API version Reconnect speaks; negotiation picks the newest the org offers up to
/// this.
pub const MAX_API_VERSION: u32 = 64;
/// The oldest API version with every field Reconnect reads.
pub const MIN_API_VERSION: u32 = 55;
/// Attempts for a read when the org answers 5xx or the network fails.
const READ_ATTEMPTS: u32 = 4;
/// First backoff; it doubles each attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP client set up the way Reconnect talks to Salesforce: rustls, timeouts, no
/// redirects (a redirect could carry the token elsewhere).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Reconnect/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds")
}

/// Called with the new access token after a refresh, so the caller can keep it.
pub type OnRefresh = Box<dyn Fn(&Secret) + Send + Sync>;

/// A signed-in connection to one org.
pub struct SalesforceClient {
    http: reqwest::Client,
    instance: InstanceUrl,
    client_id: String,
    version: String,
    access: tokio::sync::Mutex<Secret>,
    refresh: Option<Secret>,
    on_refresh: Option<OnRefresh>,
    round_trips: std::sync::atomic::AtomicU64,
}

#[derive(Deserialize)]
struct SfErrorBody {
    #[serde(rename = "errorCode")]
    error_code: String,
    message: String,
}

impl SfErrorBody {
    /// Salesforce's error code as a typed error; messages are redacted in case they echo input.
    fn into_error(self) -> Error {
        let message = crate::secret::redact(&self.message);
        match self.error_code.as_str() {
            "REQUEST_LIMIT_EXCEEDED" => Error::RequestLimit,
            "API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED" => Error::ApiDisabled,
            "INSUFFICIENT_ACCESS_OR_READONLY" | "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" => {
                Error::InsufficientAccess { message }
            }
            _ => Error::SalesforceApi { code: self.error_code, message },
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompositeAnswer {
    composite_response: Vec<CompositePart>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompositePart {
    body: Value,
    http_status_code: u16,
    reference_id: String,
}

/// The records of a query result inside a composite answer.
pub fn records(body: &Value) -> Vec<Value> {
    body["records"].as_array().cloned().unwrap_or_default()
}

/// The path of a SOQL query, relative to `/services/data/vNN.0/`.
pub fn query_path(soql: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
    format!("query?q={encoded}")
}

#[derive(Deserialize)]
struct QueryPage<T> {
    records: Vec<T>,
    #[serde(rename = "nextRecordsUrl")]
    next: Option<String>,
}

impl SalesforceClient {
    /// Connects: negotiates the API version with the org.
    pub async fn connect(
        http: reqwest::Client,
        instance: InstanceUrl,
        client_id: &str,
        access: Secret,
        refresh: Option<Secret>,
        on_refresh: Option<OnRefresh>,
    ) -> Result<SalesforceClient, Error> {
        let mut client = SalesforceClient {
            http,
            instance,
            client_id: client_id.to_string(),
            version: String::new(),
            access: tokio::sync::Mutex::new(access),
            refresh,
            on_refresh,
            round_trips: Default::default(),
        };
        let versions: Vec<Value> = client.send_json(Method::GET, "/services/data", None, true).await?;
        let best = versions
            .iter()
            .filter_map(|v| v["version"].as_str()?.strip_suffix(".0")?.parse::<u32>().ok())
            .filter(|v| (MIN_API_VERSION..=MAX_API_VERSION).contains(v))
            .max()
            .ok_or(Error::ApiVersionUnsupported { min: MIN_API_VERSION, max: MAX_API_VERSION })?;
        client.version = format!("{best}.0");
        Ok(client)
    }

    /// The negotiated API version, e.g. `62.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The org's instance.
    pub fn instance(&self) -> &InstanceUrl {
        &self.instance
    }

    /// HTTP requests sent so far (retries and refreshes included).
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs a SOQL query and follows `nextRecordsUrl` to the end.
    pub async fn query<T: DeserializeOwned>(&self, soql: &str) -> Result<Vec<T>, Error> {
        self.query_at("query", soql).await
    }

    /// Runs a Tooling API query and follows `nextRecordsUrl` to the end.
    pub async fn tooling_query<T: DeserializeOwned>(&self, soql: &str) -> Result<Vec<T>, Error> {
        self.query_at("tooling/query", soql).await
    }

    async fn query_at<T: DeserializeOwned>(&self, resource: &str, soql: &str) -> Result<Vec<T>, Error> {
        let mut path = format!(
            "/services/data/v{}/{resource}{}",
            self.version,
            query_path(soql).strip_prefix("query").expect("query_path starts with query")
        );
        let mut out = Vec::new();
        loop {
            let page: QueryPage<T> = self.send_json(Method::GET, &path, None, true).await?;
            out.extend(page.records);
            match page.next {
                Some(next) if next.starts_with("/services/data/") => path = next,
                Some(other) => return Err(Error::UnexpectedResponse { what: format!("nextRecordsUrl {other}") }),
                None => return Ok(out),
            }
        }
    }

    /// GET a path under `/services/data/vNN.0/`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.send_json(Method::GET, &format!("/services/data/v{}/{path}", self.version), None, true).await
    }

    /// GET an absolute path on the instance (such as `/services/oauth2/userinfo`).
    pub async fn get_absolute<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.send_json(Method::GET, path, None, true).await
    }

    /// Runs read-only subrequests (paths under `/services/data/vNN.0/`, e.g. from
    /// [`query_path`]) in one composite round trip; the answer holds each body by reference.
    /// A failed subrequest fails the whole call with its Salesforce error.
    pub async fn composite_read(&self, parts: &[(&str, String)]) -> Result<BTreeMap<String, Value>, Error> {
        let base = format!("/services/data/v{}", self.version);
        let requests: Vec<Value> = parts
            .iter()
            .map(|(reference, path)| json!({ "method": "GET", "url": format!("{base}/{path}"), "referenceId": reference }))
            .collect();
        let answer: CompositeAnswer =
            self.post("composite", &json!({ "allOrNone": false, "compositeRequest": requests }), true).await?;
        let mut out = BTreeMap::new();
        for part in answer.composite_response {
            if part.http_status_code >= 400 {
                let sf: Option<SfErrorBody> =
                    serde_json::from_value::<Vec<SfErrorBody>>(part.body).ok().and_then(|v| v.into_iter().next());
                return Err(match sf {
                    Some(e) => e.into_error(),
                    None => Error::UnexpectedResponse {
                        what: format!("composite {} {}", part.reference_id, part.http_status_code),
                    },
                });
            }
            out.insert(part.reference_id, part.body);
        }
        Ok(out)
    }

    /// Creates a record at `sobjects/<Object>` (or `tooling/sobjects/<Object>`) and returns its
    /// id; never retried, a second create would make a second record.
    pub async fn create(&self, path: &str, body: &Value) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        Ok(self.post::<Created>(path, body, false).await?.id)
    }

    /// PATCH fields of a record at a path under `/services/data/vNN.0/` (safe to repeat).
    pub async fn patch(&self, path: &str, body: &Value) -> Result<(), Error> {
        self.send(Method::PATCH, &format!("/services/data/v{}/{path}", self.version), Some(body), true).await?;
        Ok(())
    }

    /// DELETE a record at a path under `/services/data/vNN.0/`.
    pub async fn delete(&self, path: &str) -> Result<(), Error> {
        self.send(Method::DELETE, &format!("/services/data/v{}/{path}", self.version), None, false).await?;
        Ok(())
    }

    /// POST JSON to a path under `/services/data/vNN.0/`; never retried unless `idempotent`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &Value, idempotent: bool) -> Result<T, Error> {
        self.send_json(Method::POST, &format!("/services/data/v{}/{path}", self.version), Some(body), idempotent).await
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: bool,
    ) -> Result<T, Error> {
        let text = self.send(method, path, body, retry).await?;
        serde_json::from_str(&text).map_err(|e| Error::UnexpectedResponse { what: format!("{path}: {e}") })
    }

    /// Sends with the session's token; refreshes once on `INVALID_SESSION_ID`; retries reads.
    async fn send(&self, method: Method, path: &str, body: Option<&Value>, retry: bool) -> Result<String, Error> {
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.access.lock().await.clone();
            let mut request = self.http.request(method.clone(), self.instance.join(path)).bearer_auth(token.expose());
            if let Some(b) = body {
                request = request.json(b);
            }
            self.round_trips.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let response = request.send().await;
            let retryable = retry && attempt < READ_ATTEMPTS;
            let response = match response {
                Ok(r) => r,
                Err(e) if retryable && (e.is_timeout() || e.is_connect() || e.is_request()) => {
                    backoff(attempt).await;
                    continue;
                }
                Err(e) => return Err(Error::network(&e)),
            };
            let status = response.status();
            let text = response.text().await.map_err(|e| Error::network(&e))?;
            if status.is_success() {
                return Ok(text);
            }
            if status.is_server_error() && retryable {
                backoff(attempt).await;
                continue;
            }
            let sf: Option<SfErrorBody> =
                serde_json::from_str::<Vec<SfErrorBody>>(&text).ok().and_then(|v| v.into_iter().next());
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                if let Some(refresh) = &self.refresh {
                    refreshed = true;
                    let fresh = refresh_access(&self.http, &self.instance, &self.client_id, refresh).await?;
                    if let Some(cb) = &self.on_refresh {
                        cb(&fresh);
                    }
                    *self.access.lock().await = fresh;
                    continue;
                }
            }
            return Err(match status {
                StatusCode::UNAUTHORIZED => Error::SessionExpired,
                s if s.is_server_error() => Error::SalesforceUnavailable { status: s.as_u16() },
                _ => match sf {
                    Some(e) => e.into_error(),
                    None => Error::UnexpectedResponse { what: format!("{} {path}", status.as_u16()) },
                },
            });
        }
    }
}

async fn backoff(attempt: u32) {
    tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt.saturating_sub(1))).await;
}
