//! A loopback server that answers with recordings from `corpus/`: each request is matched by
//! method and path (the API version and the query string set aside) to the next recording
//! that fits, and answered with its status, content type and body, as recorded. What was asked
//! is kept, so tests can check the request too.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;

/// One recording of the corpus.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The file's name without `.json`.
    pub name: String,
    /// The whole file.
    pub file: Value,
}

impl Recording {
    /// Loads `corpus/<service>/<name>.json`.
    pub fn load(service: &str, name: &str) -> Recording {
        let path = corpus_dir(service).join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Recording { name: name.to_string(), file: serde_json::from_str(&text).unwrap() }
    }

    /// The same answer, served at another path (for a recording of a sibling endpoint with the
    /// same shape, such as a Metadata API fault recorded on another SOAP endpoint).
    pub fn at(mut self, path: &str) -> Recording {
        self.file["request"]["path"] = Value::String(path.to_string());
        self
    }

    /// The recorded request's method.
    pub fn method(&self) -> &str {
        self.file["request"]["method"].as_str().unwrap_or("GET")
    }

    /// The recorded request's path.
    pub fn path(&self) -> &str {
        self.file["request"]["path"].as_str().unwrap_or_default()
    }

    /// The recorded request's SOQL, when it has one.
    pub fn soql(&self) -> Option<&str> {
        self.file["request"]["query"]["q"].as_str()
    }

    /// The recorded answer's body as JSON (a `records` part wrapped in its query envelope, as the
    /// source's harness did).
    pub fn body(&self) -> Value {
        let response = &self.file["response"];
        let body = response["body"].clone();
        if response["body_part"] == "records" {
            let n = body.as_array().map(Vec::len).unwrap_or(0);
            return serde_json::json!({ "totalSize": n, "done": true, "records": body });
        }
        body
    }

    /// The recorded status.
    pub fn status(&self) -> u16 {
        self.file["response"]["status"].as_u64().unwrap_or(200) as u16
    }

    fn answer(&self) -> Response {
        let response = &self.file["response"];
        let status = StatusCode::from_u16(self.status()).unwrap();
        let content_type = response["content_type"].as_str().filter(|c| !c.is_empty()).unwrap_or("application/json");
        let raw = response.get("raw").or_else(|| response.get("body_text")).and_then(Value::as_str);
        let text = match (raw, self.body()) {
            (Some(raw), _) => raw.to_string(),
            (None, Value::String(s)) => s,
            (None, Value::Null) => String::new(),
            (None, other) => other.to_string(),
        };
        let mut answer = (status, [(header::CONTENT_TYPE, content_type.to_string())], text).into_response();
        // A rate limit's wait is part of the answer the client must read.
        let retry_after = response["headers"]
            .as_object()
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after")).and_then(|(_, v)| v.as_str()));
        if let Some(v) = retry_after.and_then(|v| header::HeaderValue::from_str(v).ok()) {
            answer.headers_mut().insert(header::RETRY_AFTER, v);
        }
        answer
    }
}

/// Where a service's recordings are.
pub fn corpus_dir(service: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus").join(service)
}

/// Every recording's name in a service's corpus.
pub fn recording_names(service: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir(service))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A request the replay server received.
#[derive(Debug, Clone)]
pub struct Asked {
    /// Method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Body.
    pub body: String,
}

#[derive(Default)]
struct Shared {
    queue: Vec<Recording>,
    asked: Vec<Asked>,
    versions: Option<Value>,
}

/// A running replay server.
pub struct Replay {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

/// The part of a path that identifies the resource: the API version, a trailing slash and
/// placeholders set aside.
fn normalized(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default().trim_end_matches('/');
    path.split('/')
        .map(|seg| {
            let is_version = seg.strip_prefix('v').is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
                && seg.len() > 1;
            let is_soap_version = seg.chars().all(|c| c.is_ascii_digit() || c == '.') && !seg.is_empty();
            if is_version || is_soap_version || seg == "<version>" {
                "*".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn serve(State(shared): State<Arc<Mutex<Shared>>>, request: Request<Body>) -> Response {
    let method = request.method().clone();
    let uri = request.uri().to_string();
    let path = request.uri().path().to_string();
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap_or_default();
    let mut s = shared.lock().unwrap();
    s.asked.push(Asked { method: method.to_string(), uri, body: String::from_utf8_lossy(&body).into_owned() });
    // The API versions: the client asks first; a recording of them answers, else the version
    // Reconnect speaks, in the recorded list's shape.
    if method == Method::GET && path.trim_end_matches('/') == "/services/data" {
        let list = s.versions.clone().unwrap_or_else(
            || serde_json::json!([{ "label": "Spring '25", "url": "/services/data/v63.0", "version": "63.0" }]),
        );
        return axum::Json(list).into_response();
    }
    let found = s.queue.iter().position(|r| r.method() == method.as_str() && normalized(r.path()) == normalized(&path));
    match found {
        Some(i) => s.queue.remove(i).answer(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(
                serde_json::json!([{ "errorCode": "NOT_FOUND", "message": "The requested resource does not exist" }]),
            ),
        )
            .into_response(),
    }
}

impl Replay {
    /// Serves `recordings` (each answers once, in order of arrival).
    pub async fn start(recordings: Vec<Recording>) -> Replay {
        let mut shared = Shared::default();
        for r in recordings {
            if r.method() == "GET" && r.path() == "/services/data" {
                shared.versions = Some(r.body());
            } else {
                shared.queue.push(r);
            }
        }
        let shared = Arc::new(Mutex::new(shared));
        let app = Router::new().fallback(serve).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Replay { url, shared }
    }

    /// What was asked so far.
    pub fn asked(&self) -> Vec<Asked> {
        self.shared.lock().unwrap().asked.clone()
    }
}
