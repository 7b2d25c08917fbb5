//! OAuth 2.0 as Salesforce serves it: the authorize page (log in and allow), the token
//! endpoint (authorization code with PKCE S256, refresh token, username-password), RFC 7009
//! revocation (of a token or of a whole grant by its `OauthToken.DeleteToken`), userinfo and
//! the identity URL.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::html::{esc, page, ORG_BANNER};
use crate::sf_error::SfError;
use crate::{lock, now, Org, Shared};

/// Authorization codes live this long, as on Salesforce.
const CODE_TTL: Duration = Duration::from_secs(15 * 60);
/// The newest API version, used in the URLs that identity responses list.
pub(crate) const LATEST_VERSION: &str = "66.0";

#[derive(Debug, Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    user_id: String,
    issued: Instant,
}

/// A live access token.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    pub user_id: String,
    refresh: Option<String>,
    issued: Instant,
    /// The `OauthToken` row its uses are counted on.
    pub oauth_token: String,
}

#[derive(Debug, Clone)]
struct Refresh {
    user_id: String,
    client_id: String,
    oauth_token: String,
}

/// Every code and token the org has issued and not revoked.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/services/oauth2/authorize", get(authorize_page).post(authorize_submit))
        .route("/services/oauth2/token", post(token))
        .route("/services/oauth2/revoke", post(revoke))
        .route("/services/oauth2/userinfo", get(userinfo))
        .route("/id/{org}/{user}", get(identity))
        .route(ERROR_PAGE_PATH, get(remote_access_error))
}

/// Why a token request or an authorization failed: the OAuth `error` and `error_description`.
pub(crate) type OAuthError = (&'static str, &'static str);

/// A random string of letters and digits.
pub(crate) fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

/// The token of an `Authorization: Bearer` (or `OAuth`) header.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<&str, SfError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("OAuth ")))
        .map(str::trim)
        .ok_or_else(SfError::invalid_session)
}

/// The live session of an access token, or `INVALID_SESSION_ID`.
pub(crate) fn session(org: &Org, access_token: &str) -> Result<Access, SfError> {
    let access = org.tokens.access.get(access_token).ok_or_else(SfError::invalid_session)?;
    if org.faults.session_ttl.is_some_and(|ttl| access.issued.elapsed() > ttl) {
        return Err(SfError::invalid_session());
    }
    Ok(access.clone())
}

/// Whether a refresh token is still live (not revoked).
pub(crate) fn refresh_is_live(org: &Org, refresh_token: &str) -> bool {
    org.tokens.refresh.contains_key(refresh_token)
}

/// The user behind a bearer token, or `INVALID_SESSION_ID`.
fn authenticate(org: &Org, headers: &HeaderMap) -> Result<String, SfError> {
    Ok(session(org, bearer(headers)?)?.user_id)
}

#[derive(Debug, Deserialize)]
struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scope: Option<String>,
    username: Option<String>,
    password: Option<String>,
    decision: Option<String>,
}

/// Where Salesforce shows an OAuth error it will not send to the app.
pub(crate) const ERROR_PAGE_PATH: &str = "/setup/secur/RemoteAccessErrorPage.apexp";

/// Salesforce answers a bad client, a bad redirect, or an app that must be installed first by
/// sending the browser to its own error page, never to the app's redirect URI, so an app
/// waiting on its loopback listener hears nothing (domain reference section 4; the page's
/// address as a public OAuth client's tests record it:
/// `…/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org&state=…`).
fn error_page(error: &str, description: &str, state: Option<&str>) -> Response {
    let mut url = url::Url::parse("http://practice.invalid").expect("a fixed URL");
    url.set_path(ERROR_PAGE_PATH);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", error).append_pair("error_description", description);
        if let Some(s) = state.filter(|s| !s.is_empty()) {
            q.append_pair("state", s);
        }
    }
    let target = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    Redirect::to(&target).into_response()
}

#[derive(Debug, Deserialize)]
struct ErrorPageParams {
    error: Option<String>,
    error_description: Option<String>,
}

/// The error page itself, worded as Salesforce's (`OAUTH_APPROVAL_ERROR_GENERIC` for an app
/// that must be installed).
async fn remote_access_error(Query(p): Query<ErrorPageParams>) -> Response {
    let error = p.error.unwrap_or_default();
    let description = p.error_description.unwrap_or_default();
    let detail = if description.contains("must be installed") {
        "OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication. Please try again."
            .to_string()
    } else {
        format!("{error} : {description}")
    };
    let main = format!(
        r#"<h1>Remote Access Authorization Error</h1>
<p role="alert" id="oauth-error">We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p>
<p class="problem" id="oauth-error-detail">{}</p>"#,
        esc(&detail)
    );
    Html(page("Remote Access Authorization Error", 520, "", ORG_BANNER, &main)).into_response()
}

/// Redirect URIs the practice org accepts: loopback with a port, like a desktop client's
/// listener or this server's own practice Gainsight callback.
fn loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) && u.port().is_some()
    })
}

/// Checks the parts of an authorize request that decide whether a redirect is safe.
fn check_client(org: &Org, p: &AuthorizeParams) -> Result<(String, String, String), OAuthError> {
    let client_id = p.client_id.clone().unwrap_or_default();
    if !org.scenario.oauth_clients.contains_key(&client_id) {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    let redirect = p.redirect_uri.clone().unwrap_or_default();
    if !loopback_redirect(&redirect) {
        return Err(("redirect_uri_mismatch", "redirect_uri must match configuration"));
    }
    if p.response_type.as_deref() != Some("code") {
        return Err(("unsupported_response_type", "response type not supported"));
    }
    let challenge = p.code_challenge.clone().unwrap_or_default();
    if challenge.is_empty() || p.code_challenge_method.as_deref().is_some_and(|m| m != "S256") {
        return Err(("invalid_request", "missing required code challenge"));
    }
    Ok((client_id, redirect, challenge))
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = url::Url::parse(redirect_uri).expect("checked before");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

const LOGIN_CSS: &str = "label { display: block; margin-top: 14px; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px; font: inherit; }
.buttons { display: flex; gap: 8px; margin-top: 18px; }
button { font: inherit; padding: 8px 16px; border-radius: 8px; border: 1px solid #999; background: #fff; }
button.allow { background: #1f5fcc; border-color: #1f5fcc; color: #fff; font-weight: 600; }";

fn login_page(org: &Org, p: &AuthorizeParams, problem: Option<&str>) -> Response {
    let hidden = [
        ("response_type", p.response_type.as_deref()),
        ("client_id", p.client_id.as_deref()),
        ("redirect_uri", p.redirect_uri.as_deref()),
        ("state", p.state.as_deref()),
        ("code_challenge", p.code_challenge.as_deref()),
        ("code_challenge_method", p.code_challenge_method.as_deref()),
        ("scope", p.scope.as_deref()),
    ]
    .iter()
    .filter_map(|(k, v)| v.map(|v| format!("<input type=hidden name=\"{k}\" value=\"{}\">", esc(v))))
    .collect::<String>();
    let problem =
        problem.map(|m| format!("<p class=problem role=alert id=login-error>{}</p>", esc(m))).unwrap_or_default();
    let org_name = org.store.all("Organization")[0]["Name"].as_str().unwrap_or_default().to_string();
    let main = format!(
        r#"<h1>{org_name}</h1>
<p>Log in and allow <strong>{client}</strong> to access this org.<br>ログインして、<strong>{client}</strong> にこの組織へのアクセスを許可します。</p>
{problem}
<form method="post" action="/services/oauth2/authorize">
{hidden}
<label for="username">Username / ユーザー名</label><input type="text" id="username" name="username" autocomplete="username" value="{username}">
<label for="password">Password / パスワード</label><input type="password" id="password" name="password" autocomplete="current-password">
<div class="buttons"><button class="allow" type="submit" name="decision" value="allow" id="allow">Log in and allow / ログインして許可</button>
<button type="submit" name="decision" value="deny" id="deny">Deny / 拒否</button></div>
</form>"#,
        client = esc(p.client_id.as_deref().unwrap_or_default()),
        username = esc(p.username.as_deref().unwrap_or_default()),
    );
    Html(page("Practice org – log in", 420, LOGIN_CSS, ORG_BANNER, &main)).into_response()
}

async fn authorize_page(State(state): State<Shared>, Query(p): Query<AuthorizeParams>) -> Response {
    let org = lock(&state);
    if let Err((error, description)) = check_client(&org, &p) {
        return error_page(error, description, p.state.as_deref());
    }
    login_page(&org, &p, None)
}

async fn authorize_submit(State(state): State<Shared>, Form(p): Form<AuthorizeParams>) -> Response {
    let mut org = lock(&state);
    org.catch_up();
    let (client_id, redirect, challenge) = match check_client(&org, &p) {
        Ok(x) => x,
        Err((error, description)) => return error_page(error, description, p.state.as_deref()),
    };
    let answer = |params: &[(&str, &str)]| {
        let mut params = params.to_vec();
        if let Some(s) = p.state.as_deref().filter(|s| !s.is_empty()) {
            params.push(("state", s));
        }
        redirect_with(&redirect, &params)
    };
    if p.decision.as_deref() == Some("deny") {
        return answer(&[("error", "access_denied"), ("error_description", "end-user denied authorization")]);
    }
    // Salesforce's login page says no more for an inactive or frozen user than for a wrong
    // password.
    let Some(user_id) = active_user(&org, p.username.as_deref(), p.password.as_deref()) else {
        return login_page(
            &org,
            &p,
            Some("Please check your username and password. / ユーザー名とパスワードを確認してください。"),
        );
    };
    match crate::connected_apps::check_access(&org, &client_id, &user_id) {
        Ok(()) => {}
        // An app that must be installed first: Salesforce's own page, not the app.
        Err((error, description)) if error == "invalid_client" => {
            return error_page(error, description, p.state.as_deref())
        }
        // Whether Salesforce redirects an admin-approved-only refusal to the app is not
        // recorded; the practice org does, so the app must handle both.
        Err((error, description)) => return answer(&[("error", error), ("error_description", description)]),
    }
    let code = format!("aPrx{}", random_token(60));
    org.tokens
        .codes
        .insert(code.clone(), Code { client_id, redirect_uri: redirect.clone(), challenge, user_id, issued: now() });
    answer(&[("code", &code)])
}

/// The id of the active user these practice credentials belong to.
pub(crate) fn active_user(org: &Org, username: Option<&str>, password: Option<&str>) -> Option<String> {
    let username = username.unwrap_or_default().trim();
    let password = password.unwrap_or_default();
    if !org.scenario.logins.iter().any(|l| l.username.eq_ignore_ascii_case(username) && l.password == password) {
        return None;
    }
    org.store
        .all("User")
        .iter()
        .find(|u| u["Username"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(username)))
        .filter(|u| u["IsActive"] == true)
        .and_then(|u| u["Id"].as_str().map(str::to_string))
        .filter(|id| !crate::permissions::is_frozen(&org.store, id))
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

fn oauth_error(error: &str, description: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error, "error_description": description }))).into_response()
}

fn identity_url(org: &Org, user_id: &str) -> String {
    let org_id = org.store.all("Organization")[0]["Id"].as_str().unwrap_or_default().to_string();
    format!("{}/id/{org_id}/{user_id}", org.base_url)
}

/// What a token response comes from.
enum Grant {
    /// A new grant (authorization code, or username-password without a refresh token).
    New { with_refresh: bool },
    /// A refresh of this live refresh token.
    Refresh(String),
}

fn issue(org: &mut Org, user_id: &str, client_id: &str, grant: Grant) -> Value {
    let org_id = org.store.all("Organization")[0]["Id"].as_str().unwrap_or_default()[..15].to_string();
    let access = format!("{org_id}!AQ{}", random_token(96));
    let (refresh, oauth_token) = match grant {
        Grant::Refresh(token) => {
            let row = org.tokens.refresh.get(&token).map(|r| r.oauth_token.clone()).unwrap_or_default();
            (Some(token), row)
        }
        Grant::New { with_refresh } => {
            let row = crate::oauth_token::open(org, client_id, user_id);
            let refresh = with_refresh.then(|| format!("5Aep{}", random_token(83)));
            if let Some(r) = &refresh {
                org.tokens.refresh.insert(
                    r.clone(),
                    Refresh {
                        user_id: user_id.to_string(),
                        client_id: client_id.to_string(),
                        oauth_token: row.clone(),
                    },
                );
            }
            (refresh, row)
        }
    };
    org.tokens.access.insert(
        access.clone(),
        Access { user_id: user_id.to_string(), refresh: refresh.clone(), issued: now(), oauth_token },
    );
    let id = identity_url(org, user_id);
    let issued_at = crate::time::now_ms().to_string();
    let signature = STANDARD.encode(Sha256::digest(format!("{id}{issued_at}{}", org.rng).as_bytes()));
    let mut body = json!({
        "access_token": access,
        "signature": signature,
        "scope": "refresh_token api web",
        "instance_url": org.base_url,
        "id": id,
        "token_type": "Bearer",
        "issued_at": issued_at,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    body
}

/// Redeems an authorization code (PKCE S256 verified) for tokens, as the token endpoint does.
pub(crate) fn exchange_code(
    org: &mut Org,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Value, OAuthError> {
    let code = org.tokens.codes.remove(code).ok_or(("invalid_grant", "invalid authorization code"))?;
    if code.issued.elapsed() > CODE_TTL {
        return Err(("invalid_grant", "expired authorization code"));
    }
    if client_id != code.client_id {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    if redirect_uri != code.redirect_uri {
        return Err(("redirect_uri_mismatch", "redirect_uri must match configuration"));
    }
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != code.challenge {
        return Err(("invalid_grant", "invalid code verifier"));
    }
    Ok(issue(org, &code.user_id, &code.client_id, Grant::New { with_refresh: true }))
}

async fn token(State(state): State<Shared>, Form(f): Form<TokenForm>) -> Response {
    let mut org = lock(&state);
    org.catch_up();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let answer = match f.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(
            &mut org,
            &text(&f.code),
            &text(&f.client_id),
            &text(&f.redirect_uri),
            &text(&f.code_verifier),
        ),
        Some("refresh_token") => refresh(&mut org, text(&f.refresh_token), f.client_id.as_deref()),
        Some("password") => password(&mut org, &text(&f.client_id), f.username.as_deref(), f.password.as_deref()),
        _ => Err(("unsupported_grant_type", "grant type not supported")),
    };
    match answer {
        Ok(body) => Json(body).into_response(),
        Err((error, description)) => oauth_error(error, description),
    }
}

fn refresh(org: &mut Org, token: String, client_id: Option<&str>) -> Result<Value, OAuthError> {
    let r = org.tokens.refresh.get(&token).cloned().ok_or(("invalid_grant", "expired access/refresh token"))?;
    if crate::permissions::is_frozen(&org.store, &r.user_id) {
        return Err(("invalid_grant", "expired access/refresh token"));
    }
    if client_id.is_some_and(|c| c != r.client_id) {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    if org.faults.rotate_refresh_tokens {
        // Rotation: a new refresh token for the same grant; the one just used stops working.
        org.tokens.refresh.remove(&token);
        let rotated = format!("5Aep{}", random_token(83));
        org.tokens.refresh.insert(rotated.clone(), r.clone());
        let mut body = issue(org, &r.user_id, &r.client_id, Grant::Refresh(rotated.clone()));
        body["refresh_token"] = json!(rotated);
        return Ok(body);
    }
    let mut body = issue(org, &r.user_id, &r.client_id, Grant::Refresh(token));
    // Salesforce does not repeat the refresh token on a refresh.
    body.as_object_mut().map(|o| o.remove("refresh_token"));
    Ok(body)
}

fn password(
    org: &mut Org,
    client_id: &str,
    username: Option<&str>,
    password: Option<&str>,
) -> Result<Value, OAuthError> {
    if !org.scenario.oauth_clients.contains_key(client_id) {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    let user_id = active_user(org, username, password).ok_or(("invalid_grant", "authentication failure"))?;
    crate::connected_apps::check_access(org, client_id, &user_id)?;
    let mut body = issue(org, &user_id, client_id, Grant::New { with_refresh: false });
    // The recorded username-password answer has neither `token_type` nor `scope`
    // (`corpus/salesforce/token-password-success.json`).
    if let Some(o) = body.as_object_mut() {
        o.remove("token_type");
        o.remove("scope");
    }
    Ok(body)
}

#[derive(Debug, Deserialize)]
struct RevokeForm {
    token: Option<String>,
}

async fn revoke(State(state): State<Shared>, Form(f): Form<RevokeForm>) -> Response {
    let mut org = lock(&state);
    let Some(token) = f.token else {
        // A request without a `token` field, answered form-encoded as recorded
        // (corpus/salesforce/revoke-error-unsupported-token-type.json; its Content-Type was not
        // shown, so none is claimed beyond the form encoding of the body).
        return (
            StatusCode::BAD_REQUEST,
            [(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            "error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported",
        )
            .into_response();
    };
    if let Some(r) = org.tokens.refresh.remove(&token) {
        // Revoking a refresh token revokes every access token issued from it, and the grant's
        // OauthToken row once no other refresh token of the grant is left.
        org.tokens.access.retain(|_, a| a.refresh.as_deref() != Some(token.as_str()));
        if !org.tokens.refresh.values().any(|other| other.oauth_token == r.oauth_token) {
            org.store.remove("OauthToken", &r.oauth_token);
        }
        return StatusCode::OK.into_response();
    }
    if org.tokens.access.remove(&token).is_some() {
        return StatusCode::OK.into_response();
    }
    if let Some(row) = crate::oauth_token::by_delete_token(&org.store, &token) {
        // A DeleteToken revokes the whole grant, as Connected Apps OAuth Usage's Revoke does.
        org.tokens.refresh.retain(|_, r| r.oauth_token != row);
        org.tokens.access.retain(|_, a| a.oauth_token != row);
        org.store.remove("OauthToken", &row);
        return StatusCode::OK.into_response();
    }
    oauth_error("invalid_token", "invalid token")
}

/// The user's record and the `urls` of identity answers, as the recorded identity URL answer
/// lists them (`corpus/salesforce/identity-id-url.json`: a literal `{version}` in each).
fn user_json(org: &Org, user_id: &str) -> Option<(Value, Value)> {
    let user = Value::Object(org.store.get("User", user_id)?.clone());
    let org_id =
        org.store.all("Organization")[0]["Id"].as_str().unwrap_or_default().get(..15).unwrap_or_default().to_string();
    let base = &org.base_url;
    let data = |tail: &str| format!("{base}/services/data/v{{version}}/{tail}");
    let urls = json!({
        "enterprise": format!("{base}/services/Soap/c/{{version}}/{org_id}"),
        "metadata": format!("{base}/services/Soap/m/{{version}}/{org_id}"),
        "partner": format!("{base}/services/Soap/u/{{version}}/{org_id}"),
        "rest": data(""),
        "sobjects": data("sobjects/"),
        "search": data("search/"),
        "query": data("query/"),
        "recent": data("recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{{version}}/{org_id}"),
        "tooling_rest": data("tooling/"),
        "profile": format!("{base}/{user_id}"),
        "feeds": data("chatter/feeds"),
        "groups": data("chatter/groups"),
        "users": data("chatter/users"),
        "feed_items": data("chatter/feed-items"),
        "feed_elements": data("chatter/feed-elements"),
        "custom_domain": base,
    });
    Some((user, urls))
}

async fn userinfo(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let org = lock(&state);
    let user_id = match authenticate(&org, &headers) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let Some((user, urls)) = user_json(&org, &user_id) else { return SfError::not_found().into_response() };
    let org_id = org.store.all("Organization")[0]["Id"].clone();
    Json(json!({
        "sub": identity_url(&org, &user_id),
        "user_id": user_id,
        "organization_id": org_id,
        "preferred_username": user["Username"],
        "nickname": user["FirstName"],
        "name": user["Name"],
        "email": user["Email"],
        "email_verified": true,
        "given_name": user["FirstName"],
        "family_name": user["LastName"],
        "zoneinfo": "America/Los_Angeles",
        "active": user["IsActive"],
        "user_type": "STANDARD",
        "language": user["LanguageLocaleKey"],
        "locale": user["LanguageLocaleKey"],
        "utcOffset": -28_800_000,
        "is_app_installed": true,
        "urls": urls,
    }))
    .into_response()
}

async fn identity(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((_org, user)): Path<(String, String)>,
) -> Response {
    let org = lock(&state);
    let caller = match authenticate(&org, &headers) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    if !caller.starts_with(&user[..user.len().min(15)]) {
        return SfError::not_found().into_response();
    }
    let Some((u, urls)) = user_json(&org, &caller) else { return SfError::not_found().into_response() };
    // The keys of the recorded identity answer, in its order.
    Json(json!({
        "id": identity_url(&org, &caller),
        "asserted_user": true,
        "user_id": caller,
        "organization_id": org.store.all("Organization")[0]["Id"],
        "username": u["Username"],
        "nick_name": u["FirstName"],
        "display_name": u["Name"],
        "email": u["Email"],
        "email_verified": true,
        "first_name": u["FirstName"],
        "last_name": u["LastName"],
        "timezone": "America/Los_Angeles",
        "photos": { "picture": format!("{}/profilephoto/005/F", org.base_url), "thumbnail": format!("{}/profilephoto/005/T", org.base_url) },
        "addr_street": null, "addr_city": null, "addr_state": null, "addr_country": null, "addr_zip": null,
        "mobile_phone": null,
        "mobile_phone_verified": false,
        "is_lightning_login_user": false,
        "status": { "created_date": null, "body": null },
        "urls": urls,
        "active": u["IsActive"],
        "user_type": "STANDARD",
        "language": u["LanguageLocaleKey"],
        "locale": u["LanguageLocaleKey"],
        "utcOffset": -28_800_000,
        "last_modified_date": "2025-01-06T09:00:00Z",
        "is_app_installed": true,
    }))
    .into_response()
}
