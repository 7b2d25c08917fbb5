//! The practice account's API under `/api/v2`, each answer in a recorded shape:
//! - `users/me`: the 2023 recording's keys; a wrong credential gets the recorded `200` with an
//!   anonymous user, as Zendesk answers it.
//! - installations and apps: the 2015 recordings (bare app, `installations` list, the update's
//!   bare installation). Not recorded, so chosen: `include=app` puts the apps in a top-level
//!   `apps` list (Zendesk's sideloading convention), and secure settings' values are left out of
//!   `settings` (whether Zendesk returns them is unconfirmed).
//! - OAuth tokens and clients: the documented objects, in cursor pages as recorded for other
//!   lists (`meta.has_more`, `links.next`); `token` shows ten characters, as documented.
//! - API tokens: the OpenAPI description's list (no recording).
//! - errors: 401 `invalid_token` (recorded), 403 `{"error":{"title","message"}}` (a library's
//!   shape) for an agent calling an admin endpoint, 404 `RecordNotFound` and the invalid
//!   endpoint's 404 (recorded), 422 `RecordInvalid` with `details` (recorded), delete `204`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::zendesk::account::{now_text, Account};
use crate::zendesk::{lock, Shared};

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/users/me.json", get(me))
        .route("/api/v2/users/me", get(me))
        .route("/api/v2/apps/installations.json", get(installations))
        .route("/api/v2/apps/installations", get(installations))
        .route("/api/v2/apps/installations/{id}", get(installation).put(update_installation))
        .route("/api/v2/apps/{id}", get(app))
        .route("/api/v2/oauth/tokens.json", get(oauth_tokens))
        .route("/api/v2/oauth/tokens", get(oauth_tokens))
        .route("/api/v2/oauth/tokens/{id}", delete(revoke))
        .route("/api/v2/oauth/clients.json", get(oauth_clients))
        .route("/api/v2/oauth/clients", get(oauth_clients))
        .route("/api/v2/api_tokens.json", get(api_tokens))
        .route("/api/v2/api_tokens", get(api_tokens))
}

/// The recorded answer to a path the API does not have.
pub(crate) fn invalid_endpoint() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "InvalidEndpoint", "description": "Not found"}))).into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "RecordNotFound", "description": "Not found"}))).into_response()
}

/// A refused credential: a bearer token gets OAuth's `invalid_token`, anything else Zendesk's
/// "Couldn't authenticate you" (both recorded).
fn unauthorized_for(headers: &HeaderMap) -> Response {
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).is_some_and(|h| h.starts_with("Bearer "));
    let body = if bearer {
        json!({"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed or invalid for other reasons."})
    } else {
        json!({"error": "Couldn't authenticate you"})
    };
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        Json(json!({"error": {"title": "Forbidden", "message": "You do not have access to this page. Please contact the account owner of this help desk for further help."}})),
    )
        .into_response()
}

/// The `.json` suffix is optional in Zendesk's paths.
fn id(raw: &str) -> Option<u64> {
    raw.trim_end_matches(".json").parse().ok()
}

enum Who {
    Admin(u64),
    Agent(u64),
}

fn who(account: &mut Account, headers: &HeaderMap) -> Option<Who> {
    let user = account.authenticate(headers.get("authorization").and_then(|v| v.to_str().ok()))?;
    Some(if account.user(user)?.role == "admin" { Who::Admin(user) } else { Who::Agent(user) })
}

async fn me(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let mut account = lock(&state);
    let base = account.base_url.clone();
    let Some(user) = who(&mut account, &headers).and_then(|w| match w {
        Who::Admin(id) | Who::Agent(id) => account.user(id).cloned(),
    }) else {
        return Json(json!({"user": {
            "id": null, "url": null, "name": "Anonymous user", "email": "invalid@example.com",
            "created_at": null, "updated_at": null, "time_zone": "America/New_York",
            "iana_time_zone": "America/New_York", "phone": null, "shared_phone_number": null,
            "photo": null, "locale_id": 1, "locale": "en-US", "organization_id": null,
            "role": "end-user", "verified": false, "authenticity_token": crate::zendesk::account::random(64)}}))
        .into_response();
    };
    Json(json!({"user": {
        "id": user.id, "url": format!("{base}/api/v2/users/{}.json", user.id), "name": user.name,
        "email": user.email, "created_at": "2014-03-02T09:00:00Z", "updated_at": now_text(),
        "time_zone": "Tokyo", "iana_time_zone": "Asia/Tokyo", "phone": null, "shared_phone_number": null,
        "photo": null, "locale_id": 67, "locale": "ja", "organization_id": null, "role": user.role,
        "verified": true, "authenticity_token": crate::zendesk::account::random(64), "external_id": null, "tags": [], "alias": null, "active": true, "shared": false,
        "shared_agent": false, "last_login_at": now_text(), "two_factor_auth_enabled": null,
        "signature": null, "details": null, "notes": null, "role_type": null, "custom_role_id": null,
        "moderator": user.role == "admin", "ticket_restriction": null, "only_private_comments": false,
        "restricted_agent": false, "suspended": false, "default_group_id": null, "report_csv": true,
        "user_fields": {}}}))
    .into_response()
}

fn secure_names(account: &Account, app_id: u64) -> Vec<String> {
    account
        .apps
        .iter()
        .find(|a| a["id"].as_u64() == Some(app_id))
        .and_then(|a| a["parameters"].as_array())
        .map(|ps| {
            ps.iter().filter(|p| p["secure"] == true).filter_map(|p| p["name"].as_str().map(str::to_string)).collect()
        })
        .unwrap_or_default()
}

fn installation_json(account: &Account, i: &crate::zendesk::account::Installation) -> Value {
    let secure = secure_names(account, i.app_id);
    let settings: Map<String, Value> =
        i.settings.iter().filter(|(k, _)| !secure.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let compact = i.updated_at.replace(['-', ':', 'T', 'Z'], "");
    json!({
        "id": i.id, "app_id": i.app_id, "settings": settings, "enabled": i.enabled,
        "updated": compact, "updated_at": i.updated_at, "created_at": i.created_at, "role_restrictions": null,
    })
}

fn app_json(account: &Account, app: &Value) -> Value {
    let base = &account.base_url;
    let id = app["id"].as_u64().unwrap_or_default();
    let parameters: Vec<Value> = app["parameters"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, p)| {
            json!({"id": id * 10 + n as u64, "app_id": id, "name": p["name"], "kind": p["kind"], "required": p["required"],
                   "position": n, "created_at": "2015-01-05T10:00:00Z", "updated_at": "2015-01-05T10:00:00Z",
                   "default_value": null, "secure": p["secure"]})
        })
        .collect();
    json!({
        "id": id, "owner_id": 851, "name": app["name"], "single_install": false, "default_locale": "en",
        "author_name": "Practice vendor", "author_email": "apps@vendor.example", "author_url": null,
        "remote_installation_url": null, "short_description": null, "long_description": "",
        "raw_long_description": null, "installation_instructions": "", "raw_installation_instructions": null,
        "small_icon": format!("{base}/api/v2/apps/{id}/assets/logo-small.png"),
        "large_icon": format!("{base}/api/v2/apps/{id}/assets/logo.png"), "screenshots": [],
        "visibility": "public", "installable": true, "created_at": "2015-01-05T10:00:00Z",
        "updated_at": "2015-01-05T10:00:00Z", "framework_version": "2.0", "featured": false, "promoted": false,
        "categories": [], "version": null, "marketing_only": false, "deprecated": false, "obsolete": false,
        "paid": false, "parameters": parameters,
    })
}

async fn installations(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let mut account = lock(&state);
    if who(&mut account, &headers).is_none() {
        return unauthorized_for(&headers);
    }
    let list: Vec<Value> = account.installations.iter().map(|i| installation_json(&account, i)).collect();
    let mut body = json!({ "installations": list });
    if q.iter().any(|(k, v)| k == "include" && v.split(',').any(|s| s == "app")) {
        body["apps"] = account.apps.iter().map(|a| app_json(&account, a)).collect();
    }
    Json(body).into_response()
}

async fn installation(State(state): State<Shared>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let mut account = lock(&state);
    if who(&mut account, &headers).is_none() {
        return unauthorized_for(&headers);
    }
    match id(&raw).and_then(|id| account.installations.iter().find(|i| i.id == id)) {
        Some(i) => {
            // The recorded single installation also says whether it is servable.
            let mut one = installation_json(&account, i);
            one["servable"] = Value::Bool(true);
            Json(one).into_response()
        }
        None => not_found(),
    }
}

async fn update_installation(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut account = lock(&state);
    match who(&mut account, &headers) {
        None => return unauthorized_for(&headers),
        Some(Who::Agent(_)) => return forbidden(),
        Some(Who::Admin(_)) => {}
    }
    let Some(index) = id(&raw).and_then(|id| account.installations.iter().position(|i| i.id == id)) else {
        return not_found();
    };
    let app_id = account.installations[index].app_id;
    let known: Vec<String> = account
        .apps
        .iter()
        .find(|a| a["id"].as_u64() == Some(app_id))
        .and_then(|a| a["parameters"].as_array())
        .map(|ps| ps.iter().filter_map(|p| p["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let Some(settings) = body["settings"].as_object() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "InvalidValue", "description": "settings must be an object"})),
        )
            .into_response();
    };
    let mut details = Map::new();
    for (name, value) in settings {
        if name != "name" && name != "title" && !known.contains(name) {
            details.insert(
                name.clone(),
                json!([{"description": format!("{name} is not a setting of this app"), "error": "InvalidValue"}]),
            );
        } else if value.as_str().is_none_or(str::is_empty) {
            details.insert(
                name.clone(),
                json!([{"description": format!("{name} cannot be blank"), "error": "BlankValue"}]),
            );
        }
    }
    if !details.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "RecordInvalid", "description": "Record validation errors", "details": details})),
        )
            .into_response();
    }
    let now = now_text();
    let ms = crate::time::now_ms();
    let id = account.installations[index].id;
    for (name, value) in settings {
        account.installations[index].settings.insert(name.clone(), value.clone());
        account.written.insert((id, name.clone()), ms);
    }
    account.installations[index].updated_at = now;
    let answer = installation_json(&account, &account.installations[index]);
    Json(answer).into_response()
}

async fn app(State(state): State<Shared>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let mut account = lock(&state);
    if who(&mut account, &headers).is_none() {
        return unauthorized_for(&headers);
    }
    match id(&raw).and_then(|id| account.apps.iter().find(|a| a["id"].as_u64() == Some(id))) {
        Some(a) => Json(app_json(&account, a)).into_response(),
        None => not_found(),
    }
}

/// One cursor page of `items` under `key`, as the recorded cursor pages have it.
fn cursor_page(base: &str, path: &str, key: &str, items: Vec<Value>, q: &[(String, String)]) -> Value {
    let size = q
        .iter()
        .find(|(k, _)| k == "page[size]")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 100);
    let after = q.iter().find(|(k, _)| k == "page[after]").and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(0);
    let page: Vec<Value> = items.iter().skip(after).take(size).cloned().collect();
    let has_more = after + size < items.len();
    let others: String = q.iter().filter(|(k, _)| !k.starts_with("page[")).map(|(k, v)| format!("&{k}={v}")).collect();
    let link = |cursor: usize| format!("{base}{path}?page%5Bafter%5D={cursor}&page%5Bsize%5D={size}{others}");
    json!({
        key: page,
        "meta": {"has_more": has_more, "after_cursor": (after + size).to_string(), "before_cursor": after.to_string()},
        "links": {"prev": link(after.saturating_sub(size)), "next": link(after + size)},
    })
}

async fn oauth_tokens(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let mut account = lock(&state);
    let all = q.iter().any(|(k, v)| k == "all" && v == "true");
    let user = match who(&mut account, &headers) {
        None => return unauthorized_for(&headers),
        Some(Who::Agent(_)) if all => return forbidden(),
        Some(Who::Admin(u) | Who::Agent(u)) => u,
    };
    let base = account.base_url.clone();
    let items: Vec<Value> = account
        .oauth_tokens
        .iter()
        .filter(|t| all || t.user_id == user)
        .map(|t| {
            json!({"client_id": t.client_id, "created_at": t.created_at, "expires_at": null, "id": t.id,
                   "refresh_token": null, "scopes": t.scopes,
                   "token": format!("{}...", &t.access[..10]),
                   "url": format!("{base}/api/v2/oauth/tokens/{}.json", t.id), "used_at": t.used_at, "user_id": t.user_id})
        })
        .collect();
    Json(cursor_page(&base, "/api/v2/oauth/tokens.json", "tokens", items, &q)).into_response()
}

async fn revoke(State(state): State<Shared>, headers: HeaderMap, Path(raw): Path<String>) -> Response {
    let mut account = lock(&state);
    let caller_token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_string);
    let who = match who(&mut account, &headers) {
        None => return unauthorized_for(&headers),
        Some(w) => w,
    };
    let current = raw.trim_end_matches(".json") == "current";
    if current && account.current_revoke_ignored {
        return StatusCode::NO_CONTENT.into_response();
    }
    let target = if current {
        account.oauth_tokens.iter().find(|t| Some(&t.access) == caller_token.as_ref()).map(|t| t.id)
    } else {
        id(&raw).filter(|id| account.oauth_tokens.iter().any(|t| t.id == *id))
    };
    let Some(target) = target else { return not_found() };
    let owner = account.oauth_tokens.iter().find(|t| t.id == target).map(|t| t.user_id);
    if let Who::Agent(user) = who {
        if owner != Some(user) {
            return forbidden();
        }
    }
    account.oauth_tokens.retain(|t| t.id != target);
    StatusCode::NO_CONTENT.into_response()
}

async fn oauth_clients(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let mut account = lock(&state);
    match who(&mut account, &headers) {
        None => return unauthorized_for(&headers),
        Some(Who::Agent(_)) => return forbidden(),
        Some(Who::Admin(_)) => {}
    }
    let base = account.base_url.clone();
    let items: Vec<Value> = account
        .oauth_clients
        .iter()
        .map(|c| {
            json!({"company": c.company, "created_at": "2015-01-05T10:00:00Z", "description": null, "global": false,
                   "id": c.id, "identifier": c.identifier, "kind": c.kind, "logo_url": null, "name": c.name,
                   "redirect_uri": ["http://localhost:1717/OauthRedirect"], "secret": null,
                   "updated_at": "2015-01-05T10:00:00Z", "url": format!("{base}/api/v2/oauth/clients/{}.json", c.id), "user_id": 9001})
        })
        .collect();
    Json(cursor_page(&base, "/api/v2/oauth/clients.json", "clients", items, &q)).into_response()
}

async fn api_tokens(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let mut account = lock(&state);
    match who(&mut account, &headers) {
        None => return unauthorized_for(&headers),
        Some(Who::Agent(_)) => return forbidden(),
        Some(Who::Admin(_)) => {}
    }
    let list: Vec<Value> = account
        .api_tokens
        .iter()
        .map(|t| {
            json!({"id": t.id, "description": t.description, "active": t.active, "created_at": t.created_at,
                   "updated_at": t.created_at, "last_used_at": t.last_used_at})
        })
        .collect();
    Json(json!({ "api_tokens": list })).into_response()
}
