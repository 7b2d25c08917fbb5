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
use crate::oauth::flow::refresh_tokens;
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce::soap::{self, Element, Fault};
use crate::salesforce::tokens::Refreshed;
use crate::salesforce_id::SalesforceId;
use crate::secret::Secret;
use crate::support_log;

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

/// Who keeps a session's tokens: told about every refresh, so a rotated refresh token is kept
/// at once, and about the end of the session, so no dead token stays behind.
pub trait TokenKeeper: Send + Sync {
    /// A refresh gave a new access token, and maybe a new refresh token that replaces the old.
    fn refreshed(&self, access: &Secret, refresh: &Secret);
    /// The org refused the refresh token (revoked, expired, or the user frozen): the session
    /// is over and its tokens are worthless.
    fn ended(&self);
}

/// A signed-in connection to one org.
pub struct SalesforceClient {
    http: reqwest::Client,
    instance: InstanceUrl,
    client_id: String,
    version: String,
    tokens: tokio::sync::Mutex<(Secret, Option<Secret>)>,
    keeper: Option<Box<dyn TokenKeeper>>,
    round_trips: std::sync::atomic::AtomicU64,
}

/// One REST error as Salesforce sends it: `{message, errorCode, fields?}`, in an array
/// (`corpus/salesforce/rest-error-*.json`), though some answers carry a single object.
#[derive(Deserialize)]
struct SfErrorBody {
    #[serde(rename = "errorCode")]
    error_code: String,
    message: String,
}

/// The error a REST error body (an array of `{message, errorCode}`, or one such object) means.
pub(crate) fn rest_error(body: &str) -> Option<Error> {
    SfErrorBody::parse(body).map(SfErrorBody::into_error)
}

impl SfErrorBody {
    /// The first error of a REST error body, whichever form it takes.
    fn parse(body: &str) -> Option<SfErrorBody> {
        Self::from_value(serde_json::from_str(body).ok()?)
    }

    fn from_value(body: Value) -> Option<SfErrorBody> {
        // Only objects: an upsert's 300 answer is an array of URL strings, which a struct would
        // otherwise read as its two fields.
        let first = match body {
            Value::Array(items) => items.into_iter().next()?,
            object => object,
        };
        if !first.is_object() {
            return None;
        }
        serde_json::from_value(first).ok()
    }

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

/// One page of a query result. The last page has no `nextRecordsUrl` key at all, and the key
/// is a path on the instance (`/services/data/vNN.0/query/<locator>`), never a whole URL.
#[derive(Debug, Deserialize)]
pub struct QueryPage<T> {
    /// The records of this page.
    pub records: Vec<T>,
    /// The whole result's size, repeated on every page.
    #[serde(rename = "totalSize")]
    pub total_size: u64,
    /// Where the next page is.
    #[serde(rename = "nextRecordsUrl")]
    pub next: Option<String>,
}

/// One field of an sObject describe, as far as Reconnect reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DescribedField {
    /// API name.
    pub name: String,
    /// Label shown in Setup.
    pub label: String,
    /// SOAP type, e.g. `boolean`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether a create may set it.
    #[serde(default)]
    pub createable: bool,
    /// Whether an update may set it.
    #[serde(default)]
    pub updateable: bool,
}

#[derive(Deserialize)]
struct Described {
    fields: Vec<DescribedField>,
}

impl SalesforceClient {
    /// Connects: negotiates the API version with the org.
    pub async fn connect(
        http: reqwest::Client,
        instance: InstanceUrl,
        client_id: &str,
        access: Secret,
        refresh: Option<Secret>,
        keeper: Option<Box<dyn TokenKeeper>>,
    ) -> Result<SalesforceClient, Error> {
        let mut client = SalesforceClient {
            http,
            instance,
            client_id: client_id.to_string(),
            version: String::new(),
            tokens: tokio::sync::Mutex::new((access, refresh)),
            keeper,
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
        let mut page = self.first_page(resource, soql).await?;
        let mut out = Vec::new();
        loop {
            out.extend(page.records);
            match page.next {
                Some(next) => page = self.next_page(&next).await?,
                None => return Ok(out),
            }
        }
    }

    /// The first page of a SOQL query (`resource` is `query` or `tooling/query`), for callers
    /// that work through a large result a page at a time.
    pub async fn first_page<T: DeserializeOwned>(&self, resource: &str, soql: &str) -> Result<QueryPage<T>, Error> {
        let path = format!(
            "/services/data/v{}/{resource}{}",
            self.version,
            query_path(soql).strip_prefix("query").expect("query_path starts with query")
        );
        self.send_json(Method::GET, &path, None, true).await
    }

    /// The page a `nextRecordsUrl` names; only paths on this instance's API are followed.
    pub async fn next_page<T: DeserializeOwned>(&self, next: &str) -> Result<QueryPage<T>, Error> {
        if !next.starts_with("/services/data/") {
            return Err(Error::UnexpectedResponse { what: format!("nextRecordsUrl {next}") });
        }
        self.send_json(Method::GET, next, None, true).await
    }

    /// The fields of an sObject as this org describes them (`sobjects/<Object>/describe`).
    pub async fn describe_fields(&self, object: &str) -> Result<Vec<DescribedField>, Error> {
        let described: Described = self.get(&format!("sobjects/{object}/describe")).await?;
        Ok(described.fields)
    }

    /// The username of the user with `id`, read through the REST API.
    pub async fn username_of(&self, id: &SalesforceId) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(rename = "Username")]
            username: String,
        }
        let rows: Vec<Row> = self.query(&format!("SELECT Username FROM User WHERE Id = '{id}'")).await?;
        rows.into_iter()
            .next()
            .map(|r| r.username)
            .ok_or_else(|| Error::UnexpectedResponse { what: format!("no User {id}") })
    }

    /// Calls the Metadata API (SOAP, `/services/Soap/m/NN.0`) with `body` (the call's element,
    /// escaped XML); returns the answer's envelope. The session goes in the SessionHeader; an
    /// `INVALID_SESSION_ID` fault refreshes it once; a fault is the core's error. Reads (and
    /// only reads) are retried through network failures and server errors without a fault.
    pub async fn metadata_call(&self, body: &str, read: bool) -> Result<Element, Error> {
        let url = self.instance.join(&format!("/services/Soap/m/{}", self.version));
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.tokens.lock().await.0.clone();
            self.round_trips.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let started = std::time::Instant::now();
            let response = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=UTF-8")
                .header("SOAPAction", "\"\"")
                .body(soap::envelope(token.expose(), body))
                .send()
                .await;
            let retryable = read && attempt < READ_ATTEMPTS;
            let response = match response {
                Ok(r) => r,
                Err(e) => {
                    support_log::http("salesforce", "POST", &url, None, started.elapsed(), None);
                    if retryable && (e.is_timeout() || e.is_connect() || e.is_request()) {
                        backoff(attempt).await;
                        continue;
                    }
                    return Err(Error::network(&e));
                }
            };
            let status = response.status();
            let text = response.text().await.map_err(|e| Error::network(&e))?;
            let parsed = Element::parse(&text);
            let code = parsed.as_ref().ok().and_then(Fault::find).map(|f| f.code);
            support_log::http("salesforce", "POST", &url, Some(status.as_u16()), started.elapsed(), code.as_deref());
            match parsed.as_ref().ok().and_then(Fault::find) {
                Some(fault) if fault.code == "INVALID_SESSION_ID" && !refreshed => {
                    refreshed = true;
                    self.refresh(&token).await?;
                    continue;
                }
                Some(fault) if fault.code == "INVALID_SESSION_ID" => {
                    self.end();
                    return Err(Error::SessionExpired);
                }
                Some(fault) => return Err(fault.into_error()),
                None => {}
            }
            if status.is_server_error() && retryable {
                backoff(attempt).await;
                continue;
            }
            if !status.is_success() {
                return Err(if status.is_server_error() {
                    Error::SalesforceUnavailable { status: status.as_u16() }
                } else {
                    Error::UnexpectedResponse { what: format!("{} Metadata API", status.as_u16()) }
                });
            }
            return parsed;
        }
    }

    /// GET a path under `/services/data/vNN.0/`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.send_json(Method::GET, &format!("/services/data/v{}/{path}", self.version), None, true).await
    }

    /// GET a path under `/services/data/vNN.0/` whose answer is not JSON (an `EventLogFile`'s
    /// `LogFile` is CSV).
    pub async fn get_text(&self, path: &str) -> Result<String, Error> {
        self.send(Method::GET, &format!("/services/data/v{}/{path}", self.version), None, true).await
    }

    /// Runs read-only subrequests (paths under `/services/data/vNN.0/`, e.g. from
    /// [`query_path`]) in one composite round trip. The composite call itself answers 200 even
    /// when every part failed (`corpus/salesforce/composite-failure-rolled-back.json`), so each
    /// part comes back as its own body or its own Salesforce error.
    pub async fn composite_read(
        &self,
        parts: &[(&str, String)],
    ) -> Result<BTreeMap<String, Result<Value, Error>>, Error> {
        let base = format!("/services/data/v{}", self.version);
        let requests: Vec<Value> = parts
            .iter()
            .map(|(reference, path)| json!({ "method": "GET", "url": format!("{base}/{path}"), "referenceId": reference }))
            .collect();
        let answer: CompositeAnswer =
            self.post("composite", &json!({ "allOrNone": false, "compositeRequest": requests }), true).await?;
        Ok(answer
            .composite_response
            .into_iter()
            .map(|part| {
                let result = if part.http_status_code >= 400 {
                    Err(match SfErrorBody::from_value(part.body) {
                        Some(e) => e.into_error(),
                        None => Error::UnexpectedResponse {
                            what: format!("composite {} {}", part.reference_id, part.http_status_code),
                        },
                    })
                } else {
                    Ok(part.body)
                };
                (part.reference_id, result)
            })
            .collect())
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
    /// Revokes another session's token by its `DeleteToken` handle, signed in as this
    /// session.
    pub async fn revoke_token_handle(&self, handle: &crate::secret::Secret) -> Result<(), Error> {
        let token = self.tokens.lock().await.0.clone();
        self.round_trips.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        crate::oauth::flow::revoke_handle(&self.http, &self.instance, &token, handle).await
    }

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
        let url = self.instance.join(path);
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.tokens.lock().await.0.clone();
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(b) = body {
                request = request.json(b);
            }
            self.round_trips.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let started = std::time::Instant::now();
            let response = request.send().await;
            let retryable = retry && attempt < READ_ATTEMPTS;
            let response = match response {
                Ok(r) => r,
                Err(e) => {
                    support_log::http("salesforce", method.as_str(), &url, None, started.elapsed(), None);
                    if retryable && (e.is_timeout() || e.is_connect() || e.is_request()) {
                        backoff(attempt).await;
                        continue;
                    }
                    return Err(Error::network(&e));
                }
            };
            let status = response.status();
            let text = response.text().await.map_err(|e| Error::network(&e))?;
            let code = (!status.is_success()).then(|| SfErrorBody::parse(&text).map(|e| e.error_code)).flatten();
            support_log::http(
                "salesforce",
                method.as_str(),
                &url,
                Some(status.as_u16()),
                started.elapsed(),
                code.as_deref(),
            );
            if status.is_success() {
                return Ok(text);
            }
            if status.is_server_error() && retryable {
                backoff(attempt).await;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                self.refresh(&token).await?;
                continue;
            }
            return Err(match status {
                StatusCode::UNAUTHORIZED => {
                    self.end();
                    Error::SessionExpired
                }
                s if s.is_server_error() => Error::SalesforceUnavailable { status: s.as_u16() },
                _ => match SfErrorBody::parse(&text) {
                    Some(e) => e.into_error(),
                    None => Error::UnexpectedResponse { what: format!("{} {}", status.as_u16(), origin_path(&url)) },
                },
            });
        }
    }

    /// Refreshes the access token that `failed`; a rotated refresh token replaces the old one
    /// here and in the keeper before anything else is sent. Requests that failed together
    /// refresh once. A refused refresh ends the session.
    async fn refresh(&self, failed: &Secret) -> Result<(), Error> {
        let mut tokens = self.tokens.lock().await;
        if &tokens.0 != failed {
            return Ok(());
        }
        let Some(refresh) = tokens.1.clone() else {
            self.end();
            return Err(Error::SessionExpired);
        };
        match refresh_tokens(&self.http, &self.instance, &self.client_id, &refresh).await {
            Ok(Refreshed { access, refresh: rotated }) => {
                let refresh = rotated.unwrap_or(refresh);
                if let Some(k) = &self.keeper {
                    k.refreshed(&access, &refresh);
                }
                *tokens = (access, Some(refresh));
                Ok(())
            }
            Err(Error::SessionExpired) => {
                self.end();
                Err(Error::SessionExpired)
            }
            Err(e) => Err(e),
        }
    }

    fn end(&self) {
        if let Some(k) = &self.keeper {
            k.ended();
        }
    }
}

/// The path of a URL, without its query (which may quote data).
fn origin_path(url: &str) -> String {
    url::Url::parse(url).map(|u| u.path().to_string()).unwrap_or_default()
}

async fn backoff(attempt: u32) {
    tokio::time::sleep(FIRST_BACKOFF * 2u32.pow(attempt.saturating_sub(1))).await;
}
