//! The practice account's OAuth: the authorization page (sign in and allow), and the token
//! endpoint's authorization-code (PKCE S256, required of public clients as Zendesk documents)
//! and refresh-token grants. The token answer follows the documented example
//! (`corpus/zendesk/zendesk-oauth-token-grant.json`) plus the refresh fields of expiring tokens.
//! Not recorded, so chosen here: the error page for an unknown client or redirect, and RFC 6749
//! error bodies (`invalid_grant`, `invalid_client`, `invalid_request`) with status 400.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::Digest;

use crate::html::esc;
use crate::zendesk::account::{now_text, random, Code, Token};
use crate::zendesk::{lock, Shared};

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/oauth/authorizations/new", get(page))
        .route("/oauth/authorizations", post(submit))
        .route("/oauth/tokens", post(tokens))
}

type Params = HashMap<String, String>;

/// The practice client accepts any loopback port on the path Reconnect uses, so tests can pick
/// free ports; a real client's redirect URLs are matched exactly.
fn redirect_allowed(uri: &str) -> bool {
    ["http://localhost:", "http://127.0.0.1:"].iter().any(|p| {
        uri.strip_prefix(p)
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(port, path)| port.parse::<u16>().is_ok() && path == "OauthRedirect")
    })
}

fn check(state: &Shared, p: &Params) -> Result<u64, &'static str> {
    let account = lock(state);
    let client = account
        .oauth_clients
        .iter()
        .find(|c| Some(&c.identifier) == p.get("client_id"))
        .ok_or("The OAuth client is not known to this account.")?;
    if !p.get("redirect_uri").is_some_and(|r| redirect_allowed(r)) {
        return Err("The redirect URL is not one of the client's redirect URLs.");
    }
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err("Only the authorization code grant is offered.");
    }
    if client.kind == "public" && p.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Err("Public clients must use PKCE with S256.");
    }
    Ok(client.id)
}

/// Every practice Zendesk page opens with this, so nobody mistakes it for the real thing.
const BANNER: &str = "<strong>Practice Zendesk — not a real Zendesk account.</strong><br>練習用の Zendesk です。実際のアカウントではありません。";

fn error_page(message: &str) -> Response {
    let main = format!("<h1>Invalid authorization request</h1><p class=\"problem\">{}</p>", esc(message));
    (StatusCode::BAD_REQUEST, Html(crate::html::page("Zendesk", 480, "", BANNER, &main))).into_response()
}

fn form(p: &Params, problem: Option<&str>) -> Response {
    let hidden: String =
        ["client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method"]
            .iter()
            .filter_map(|k| p.get(*k).map(|v| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v))))
            .collect();
    let problem =
        problem.map(|m| format!("<p role=\"alert\" class=\"problem\" id=\"error\">{}</p>", esc(m))).unwrap_or_default();
    let main = format!(
        "<h1>Sign in to Zendesk (practice)</h1>{problem}<form method=\"post\" action=\"/oauth/authorizations\">{hidden}\
         <label>Email <input name=\"email\" id=\"email\" type=\"email\" autocomplete=\"username\"></label>\
         <label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <p>Reconnect (practice) asks to read and change this account's data (scopes: {}).</p>\
         <button name=\"decision\" value=\"allow\" id=\"allow\">Allow</button> <button name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>",
        esc(p.get("scope").map(String::as_str).unwrap_or("read"))
    );
    Html(crate::html::page("Zendesk", 420, "label{display:block;margin:8px 0}", BANNER, &main)).into_response()
}

async fn page(State(state): State<Shared>, Query(p): Query<Params>) -> Response {
    match check(&state, &p) {
        Ok(_) => form(&p, None),
        Err(m) => error_page(m),
    }
}

fn back(p: &Params, pairs: &[(&str, &str)]) -> Response {
    let mut url = url::Url::parse(&p["redirect_uri"]).expect("checked redirect");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(s) = p.get("state") {
            q.append_pair("state", s);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

async fn submit(State(state): State<Shared>, axum::Form(p): axum::Form<Params>) -> Response {
    let client_id = match check(&state, &p) {
        Ok(id) => id,
        Err(m) => return error_page(m),
    };
    if p.get("decision").map(String::as_str) == Some("deny") {
        return back(
            &p,
            &[
                ("error", "access_denied"),
                ("error_description", "The end-user or authorization server denied the request."),
            ],
        );
    }
    let mut account = lock(&state);
    let user = account
        .users
        .iter()
        .find(|u| Some(&u.email) == p.get("email") && Some(&u.password) == p.get("password"))
        .map(|u| u.id);
    let Some(user_id) = user else {
        drop(account);
        return form(&p, Some("Invalid email or password."));
    };
    let code = random(24);
    account.codes.insert(
        code.clone(),
        Code {
            client_id,
            user_id,
            redirect_uri: p["redirect_uri"].clone(),
            challenge: p.get("code_challenge").cloned().unwrap_or_default(),
        },
    );
    drop(account);
    back(&p, &[("code", &code)])
}

fn oauth_error(error: &str, description: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": error, "error_description": description}))).into_response()
}

/// Reads the token request as JSON (as Zendesk documents it) or as a form.
fn token_params(headers: &HeaderMap, body: &[u8]) -> Params {
    let json =
        headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("application/json"));
    if json {
        serde_json::from_slice::<serde_json::Map<String, Value>>(body)
            .map(|m| m.into_iter().filter_map(|(k, v)| Some((k, v.as_str()?.to_string()))).collect())
            .unwrap_or_default()
    } else {
        url::form_urlencoded::parse(body).into_owned().collect()
    }
}

async fn tokens(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let p = token_params(&headers, &body);
    let mut account = lock(&state);
    let Some(client) = account.oauth_clients.iter().find(|c| Some(&c.identifier) == p.get("client_id")).cloned() else {
        return oauth_error("invalid_client", "Client authentication failed due to unknown client.");
    };
    let scope = p.get("scope").cloned().unwrap_or_else(|| "read".into());
    let (user_id, old) = match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(code) = p.get("code").and_then(|c| account.codes.remove(c)) else {
                return oauth_error(
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired, revoked, or was issued to another client.",
                );
            };
            let verifier = p.get("code_verifier").cloned().unwrap_or_default();
            let challenge =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
            if code.client_id != client.id
                || Some(&code.redirect_uri) != p.get("redirect_uri")
                || (!code.challenge.is_empty() || client.kind == "public") && challenge != code.challenge
            {
                return oauth_error(
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired, revoked, or was issued to another client.",
                );
            }
            (code.user_id, None)
        }
        Some("refresh_token") => {
            let given = p.get("refresh_token");
            let Some(t) = account
                .oauth_tokens
                .iter()
                .find(|t| t.refresh.as_ref().is_some_and(|r| Some(r) == given) && t.client_id == client.id)
            else {
                return oauth_error(
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired, revoked, or was issued to another client.",
                );
            };
            (t.user_id, Some(t.id))
        }
        _ => return oauth_error("invalid_request", "The request is missing a required parameter."),
    };
    // A refresh replaces the token (Zendesk's refresh token rotation is not recorded; the old
    // one stops working either way).
    if let Some(old) = old {
        account.oauth_tokens.retain(|t| t.id != old);
    }
    let id = account.next_id();
    let access = random(32);
    let refresh = random(32);
    account.oauth_tokens.push(Token {
        id,
        client_id: client.id,
        user_id,
        scopes: scope.split_whitespace().map(str::to_string).collect(),
        created_at: now_text(),
        used_at: None,
        access: access.clone(),
        refresh: Some(refresh.clone()),
        issued: Instant::now(),
    });
    let ttl = account.access_ttl.unwrap_or(1800);
    Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "scope": scope,
        "refresh_token": refresh,
        "expires_in": ttl,
        "refresh_token_expires_in": 2_592_000,
    }))
    .into_response()
}
