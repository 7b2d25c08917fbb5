//! A practice Gainsight tenant, served beside the org so an admin can re-authorize Gainsight's
//! Salesforce connection for real in a browser: the Connectors 2.0 page, the authorization
//! (web-server flow with PKCE against this org, as the scenario's connected app), the callback
//! that keeps the tokens and runs one sync, and the read-only Company query that checks an
//! access key.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::html::{esc, page};
use crate::oauth::{random_token, refresh_is_live, session};
use crate::time::{format_ms, now_ms};
use crate::{lock, Org, Shared};

/// The Connectors page.
pub(crate) const CONNECTORS_PATH: &str = "/practice/gainsight/connectors";
const AUTHORIZE_PATH: &str = "/practice/gainsight/connectors/authorize";
const CALLBACK_PATH: &str = "/practice/gainsight/callback";

/// The tenant's one practice company: Gainsight's GSIDs are 36 characters, `1P02` for Company.
const COMPANIES: &[(&str, &str)] =
    &[("1P02PRACT1CE0ACME0GL0BEX0C0MPANY0001", "Globex Corporation (practice customer)")];

/// What the tenant remembers about its Salesforce connection.
#[derive(Debug, Default)]
pub(crate) struct Tenant {
    /// The authorization under way: its `state` and PKCE verifier.
    pending: Option<(String, String)>,
    /// The tokens it holds; never shown on a page.
    connection: Option<Connection>,
    last_error: Option<String>,
}

#[derive(Debug)]
struct Connection {
    user_id: String,
    access_token: String,
    refresh_token: String,
    last_sync: Option<i64>,
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(CONNECTORS_PATH, get(connectors))
        .route(AUTHORIZE_PATH, post(authorize))
        .route(CALLBACK_PATH, get(callback))
        .route("/v1/data/objects/query/Company", post(query_company))
}

/// The connection's status in English and Japanese.
fn status(org: &Org) -> (String, String) {
    let working = org
        .gainsight
        .connection
        .as_ref()
        .filter(|c| refresh_is_live(org, &c.refresh_token) || session(org, &c.access_token).is_ok());
    let Some(c) = working else {
        return ("Authorization required".into(), "認証が必要です".into());
    };
    let username = org.store.get("User", &c.user_id).and_then(|u| u["Username"].as_str()).unwrap_or_default();
    match c.last_sync {
        Some(ms) => (
            format!("Authorized as {username}, last sync {}", format_ms(ms)),
            format!("{username} として認証済み、最終同期 {}", format_ms(ms)),
        ),
        None => (
            format!("Authorized as {username}, not synced yet"),
            format!("{username} として認証済み、まだ同期していません"),
        ),
    }
}

async fn connectors(State(state): State<Shared>) -> Html<String> {
    let org = lock(&state);
    let (status_en, status_ja) = status(&org);
    let last_error = org
        .gainsight
        .last_error
        .as_deref()
        .map(|e| {
            format!("<dt>Last error / 最後のエラー</dt><dd class=problem role=alert id=last-error>{}</dd>", esc(e))
        })
        .unwrap_or_default();
    let main = format!(
        r#"<h1>Administration &gt; Connectors 2.0 &gt; Connections<br><small>管理 &gt; コネクター 2.0 &gt; 接続</small></h1>
<p>Tenant / テナント: <strong>{tenant}</strong></p>
<section aria-labelledby="salesforce">
<h2 id="salesforce">Salesforce Connection / Salesforce 接続</h2>
<dl>
<dt>Salesforce org / Salesforce 組織</dt><dd>{org_url}</dd>
<dt>Connected app / 接続アプリケーション</dt><dd>{app}</dd>
<dt>Status / 状態</dt><dd id="status">{status_en}<br>{status_ja}</dd>
{last_error}
</dl>
<form method="post" action="{AUTHORIZE_PATH}">
<button type="submit" id="reauthorize">Re-authorize / 再認証</button>
</form>
</section>"#,
        tenant = esc(&org.scenario.gainsight.tenant),
        org_url = esc(&org.base_url),
        app = esc(&org.scenario.gainsight.connected_app),
        status_en = esc(&status_en),
        status_ja = esc(&status_ja),
    );
    Html(page("Practice Gainsight – Connectors 2.0", 720, CONNECTORS_CSS, TENANT_BANNER, &main))
}

const TENANT_BANNER: &str = "<strong>Practice Gainsight tenant — not real Gainsight.</strong><br>練習用の Gainsight テナントです。実際の Gainsight ではありません。";

const CONNECTORS_CSS: &str = "dt { font-weight: 600; margin-top: 12px; }
dd { margin: 4px 0 0; }
button { font: inherit; margin-top: 18px; padding: 8px 16px; border-radius: 8px; border: 1px solid #1f5fcc; background: #1f5fcc; color: #fff; font-weight: 600; }";

fn callback_url(org: &Org) -> String {
    format!("{}{CALLBACK_PATH}", org.base_url)
}

/// Starts an authorization as Gainsight does: to the org's authorize page as the connected
/// app, with PKCE and a `state` the tenant remembers.
async fn authorize(State(state): State<Shared>) -> Redirect {
    let mut org = lock(&state);
    let (state_param, verifier) = (random_token(32), random_token(64));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = url::Url::parse(&format!("{}/services/oauth2/authorize", org.base_url)).expect("the org's own URL");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &org.scenario.gainsight.connected_app)
        .append_pair("redirect_uri", &callback_url(&org))
        .append_pair("scope", "refresh_token api")
        .append_pair("state", &state_param)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    org.gainsight.pending = Some((state_param, verifier));
    Redirect::to(url.as_str())
}

#[derive(Debug, Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(State(state): State<Shared>, Query(p): Query<CallbackParams>) -> Redirect {
    let mut org = lock(&state);
    org.gainsight.last_error = connect(&mut org, p).err();
    Redirect::to(CONNECTORS_PATH)
}

/// Takes Salesforce's answer to the pending authorization: keeps the tokens and syncs once.
fn connect(org: &mut Org, p: CallbackParams) -> Result<(), String> {
    let (expected_state, verifier) = org.gainsight.pending.take().unwrap_or_default();
    if expected_state.is_empty() || p.state.as_deref() != Some(expected_state.as_str()) {
        return Err("Salesforce's answer does not belong to an authorization started here (state mismatch). \
                    Re-authorize again."
            .into());
    }
    if let Some(error) = p.error {
        return Err(format!("Salesforce refused: {}", p.error_description.unwrap_or(error)));
    }
    let code = p.code.ok_or("Salesforce answered without an authorization code.")?;
    let client_id = org.scenario.gainsight.connected_app.clone();
    let redirect = callback_url(org);
    let tokens = crate::oauth::exchange_code(org, &code, &client_id, &redirect, &verifier)
        .map_err(|(error, description)| format!("Token exchange failed: {error}: {description}"))?;
    let text = |k: &str| tokens[k].as_str().unwrap_or_default().to_string();
    let access_token = text("access_token");
    let user_id = session(org, &access_token).map_err(|e| e.message)?.user_id;
    org.gainsight.connection =
        Some(Connection { user_id, access_token, refresh_token: text("refresh_token"), last_sync: None });
    sync(org)
}

/// One sync: an API call with the connection's access token, admitted (and counted on its
/// `OauthToken` row) exactly as a REST call is.
fn sync(org: &mut Org) -> Result<(), String> {
    let token = org.gainsight.connection.as_ref().map(|c| c.access_token.clone()).unwrap_or_default();
    crate::api_access::admit(org, &token)
        .map_err(|e| format!("Salesforce API call failed: {}: {}", e.code, e.message))?;
    if let Some(c) = org.gainsight.connection.as_mut() {
        c.last_sync = Some(now_ms());
    }
    Ok(())
}

/// A Gainsight request id (a UUID in form).
fn request_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS provides randomness");
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Gainsight's answer envelope.
fn envelope(status: StatusCode, error: Option<(&str, &str)>, data: Value) -> Response {
    let body = json!({
        "result": error.is_none(),
        "errorCode": error.map(|(code, _)| code),
        "errorDesc": error.map(|(_, desc)| desc),
        "requestId": request_id(),
        "data": data,
        "message": null,
    });
    (status, Json(body)).into_response()
}

#[derive(Debug, Deserialize)]
struct CompanyQuery {
    #[serde(default)]
    select: Vec<String>,
    limit: Option<usize>,
}

/// `POST /v1/data/objects/query/Company`: the cheap read-only call that checks an access key.
async fn query_company(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let org = lock(&state);
    let key = headers.get("accesskey").and_then(|v| v.to_str().ok());
    if key != Some(org.scenario.gainsight.access_key.as_str()) {
        // Gainsight's exact error code for a wrong key is not documented; GU_1101 stands in.
        return envelope(StatusCode::UNAUTHORIZED, Some(("GU_1101", "Access key is invalid")), Value::Null);
    }
    let Ok(query) = serde_json::from_slice::<CompanyQuery>(&body) else {
        // Likewise undocumented: the code for a body that is not a query.
        return envelope(StatusCode::BAD_REQUEST, Some(("GU_1000", "Invalid request body")), Value::Null);
    };
    // The practice tenant knows two Company fields; others come back empty.
    let records: Vec<Value> = COMPANIES
        .iter()
        .take(query.limit.unwrap_or(COMPANIES.len()))
        .map(|(gsid, name)| {
            let record: Map<String, Value> = query
                .select
                .iter()
                .map(|f| {
                    let v = match f.as_str() {
                        "Gsid" => json!(gsid),
                        "Name" => json!(name),
                        _ => Value::Null,
                    };
                    (f.clone(), v)
                })
                .collect();
            Value::Object(record)
        })
        .collect();
    envelope(StatusCode::OK, None, json!({ "records": records }))
}
