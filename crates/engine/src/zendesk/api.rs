//! What Reconnect reads from and writes to Zendesk, parsed field by field from the shapes in
//! `corpus/zendesk/`. An installation's settings are read by name only: their values (secure
//! ones may be returned, which no recording settles) are never parsed, shown or kept.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::secret::Secret;
use crate::zendesk::client::ZendeskClient;

/// The most pages read from one list (100 items a page): a guard against a server that never
/// stops saying there is more.
const MAX_PAGES: usize = 200;

/// The signed-in Zendesk user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Me {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its e-mail.
    pub email: String,
    /// `admin`, `agent` or `end-user`.
    pub role: String,
}

impl Me {
    /// Whether the user may change installations and see every OAuth token.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// Who the credential belongs to. Zendesk answers a wrong credential here with `200` and an
/// anonymous user (`"id": null`, recorded), so that answer counts as refused.
pub async fn me(client: &ZendeskClient) -> Result<Me, Error> {
    let v = client.get("/api/v2/users/me.json").await?;
    let user = &v["user"];
    let Some(id) = user["id"].as_u64() else {
        return Err(Error::ZendeskUnauthorized);
    };
    Ok(Me {
        id,
        name: text(user, "name"),
        email: text(user, "email"),
        role: user["role"].as_str().unwrap_or("end-user").to_string(),
    })
}

/// An app's setting, from its definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The setting's name (the key in an installation's `settings`).
    pub name: String,
    /// `text`, `password`, `url`, … as the app declares it.
    pub kind: String,
    /// Whether Zendesk hides its value from the app's users (a credential).
    pub secure: bool,
    /// Whether the app needs it.
    pub required: bool,
}

/// An app's definition: its name and parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppDefinition {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its settings' definitions.
    pub parameters: Vec<Parameter>,
}

/// Reads an app's definition, bare (as recorded in 2015) or in an `app` envelope.
pub fn parse_app(v: &Value) -> Option<AppDefinition> {
    let app = if v.get("app").is_some_and(Value::is_object) { &v["app"] } else { v };
    Some(AppDefinition {
        id: app["id"].as_u64()?,
        name: text(app, "name"),
        parameters: app["parameters"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                Some(Parameter {
                    name: p["name"].as_str()?.to_string(),
                    kind: text(p, "kind"),
                    secure: p["secure"].as_bool().unwrap_or(false),
                    required: p["required"].as_bool().unwrap_or(false),
                })
            })
            .collect(),
    })
}

/// An app's definition (`GET /api/v2/apps/{id}`).
pub async fn app(client: &ZendeskClient, id: u64) -> Result<Option<AppDefinition>, Error> {
    match client.get(&format!("/api/v2/apps/{id}.json")).await {
        Ok(v) => Ok(parse_app(&v)),
        Err(Error::ZendeskNotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An app installation, without its settings' values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Installation {
    /// Its id.
    pub id: u64,
    /// The installed app.
    pub app_id: u64,
    /// The installation's name (its `name` or `title` setting), else the app's.
    pub name: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// When it was installed (ISO 8601).
    pub created_at: String,
    /// When it last changed (ISO 8601).
    pub updated_at: String,
    /// The names of the settings it holds (never their values).
    pub setting_names: Vec<String>,
    /// The app's name from the sideloaded app, when there was one.
    pub app_name: Option<String>,
}

/// Reads one installation; settings values are skipped unread.
pub fn parse_installation(v: &Value) -> Option<Installation> {
    let settings = v["settings"].as_object();
    let mut setting_names: Vec<String> = settings.map(|s| s.keys().cloned().collect()).unwrap_or_default();
    for o in v["settings_objects"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if let Some(n) = o["name"].as_str() {
            if !setting_names.iter().any(|s| s == n) {
                setting_names.push(n.to_string());
            }
        }
    }
    let named = |key: &str| settings.and_then(|s| s.get(key)).and_then(Value::as_str).map(str::to_string);
    let app_name = v["app"]["name"].as_str().map(str::to_string);
    Some(Installation {
        id: v["id"].as_u64()?,
        app_id: v["app_id"].as_u64()?,
        name: named("name").or_else(|| named("title")).or_else(|| app_name.clone()).unwrap_or_default(),
        enabled: v["enabled"].as_bool().unwrap_or(false),
        created_at: text(v, "created_at"),
        updated_at: text(v, "updated_at"),
        setting_names,
        app_name,
    })
}

/// Every installation with its app sideloaded (`include=app`), and the app definitions the
/// sideload carried (where it puts them is not recorded: under each installation's `app`, or a
/// top-level `apps` list; both are read).
pub async fn installations(client: &ZendeskClient) -> Result<(Vec<Installation>, BTreeMap<u64, AppDefinition>), Error> {
    let v = client.get("/api/v2/apps/installations.json?include=app").await?;
    let raw = v["installations"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut apps = BTreeMap::new();
    for a in v["apps"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if let Some(app) = parse_app(a) {
            apps.insert(app.id, app);
        }
    }
    for i in raw {
        if let Some(app) = i.get("app").and_then(parse_app) {
            apps.entry(app.id).or_insert(app);
        }
    }
    if !v["installations"].is_array() {
        return Err(Error::UnexpectedResponse { what: "Zendesk's list of app installations".into() });
    }
    Ok((raw.iter().filter_map(parse_installation).collect(), apps))
}

/// Writes new values into an installation's settings (`PUT /api/v2/apps/installations/{id}`,
/// Admins). Only the named settings are sent; the answer's settings are not read back.
pub async fn update_installation(
    client: &ZendeskClient,
    id: u64,
    values: &[(String, Secret)],
) -> Result<Installation, Error> {
    let mut settings = Map::new();
    for (name, value) in values {
        settings.insert(name.clone(), Value::String(value.expose().to_string()));
    }
    let v = client.put(&format!("/api/v2/apps/installations/{id}.json"), &json!({ "settings": settings })).await?;
    let installation = if v.get("installation").is_some() { &v["installation"] } else { &v };
    parse_installation(installation)
        .ok_or_else(|| Error::UnexpectedResponse { what: "Zendesk's answer to the installation update".into() })
}

/// An OAuth token as the list shows it (never the token's characters).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuthToken {
    /// Its id.
    pub id: u64,
    /// The OAuth client it was issued to.
    pub client_id: u64,
    /// The user it acts as.
    pub user_id: u64,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it was created.
    pub created_at: String,
    /// When it was last used, if ever.
    pub used_at: Option<String>,
    /// When it expires, if it does.
    pub expires_at: Option<String>,
}

fn parse_oauth_token(v: &Value) -> Option<OAuthToken> {
    Some(OAuthToken {
        id: v["id"].as_u64()?,
        client_id: v["client_id"].as_u64().unwrap_or_default(),
        user_id: v["user_id"].as_u64().unwrap_or_default(),
        scopes: v["scopes"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        created_at: text(v, "created_at"),
        used_at: v["used_at"].as_str().map(str::to_string),
        expires_at: v["expires_at"].as_str().map(str::to_string),
    })
}

/// An OAuth client, by id, name and identifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuthClient {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its unique identifier.
    pub identifier: String,
}

/// Reads every page of a list: cursor pages (`meta.has_more`, `links.next`) and offset pages
/// (`next_page`), both recorded.
async fn all_pages(client: &ZendeskClient, first: &str, key: &str) -> Result<Vec<Value>, Error> {
    let mut items = Vec::new();
    let mut next = Some(first.to_string());
    for _ in 0..MAX_PAGES {
        let Some(url) = next.take() else { break };
        let v = client.get(&url).await?;
        let Some(page) = v[key].as_array() else {
            return Err(Error::UnexpectedResponse { what: format!("Zendesk's list of {key}") });
        };
        items.extend(page.iter().cloned());
        next = if v["meta"]["has_more"].as_bool() == Some(true) {
            v["links"]["next"].as_str().map(str::to_string)
        } else {
            v["next_page"].as_str().map(str::to_string)
        };
    }
    Ok(items)
}

/// The account's OAuth tokens (`all=true`: every user's, for admins) and OAuth clients (none
/// when the user may not list them).
pub async fn oauth_tokens(client: &ZendeskClient, all: bool) -> Result<(Vec<OAuthToken>, Vec<OAuthClient>), Error> {
    let path = format!("/api/v2/oauth/tokens.json?page[size]=100{}", if all { "&all=true" } else { "" });
    let tokens = all_pages(client, &path, "tokens").await?.iter().filter_map(parse_oauth_token).collect();
    // Agents may not list OAuth clients: their tokens are then named by client id.
    let clients = match all_pages(client, "/api/v2/oauth/clients.json?page[size]=100", "clients").await {
        Ok(list) => list,
        Err(Error::ZendeskForbidden { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    let clients = clients
        .iter()
        .filter_map(|c| {
            Some(OAuthClient { id: c["id"].as_u64()?, name: text(c, "name"), identifier: text(c, "identifier") })
        })
        .collect();
    Ok((tokens, clients))
}

/// The id of the OAuth token whose characters begin with `access`'s first ten, among the
/// signed-in user's tokens (the list shows only a token's first ten characters, as Zendesk
/// documents).
pub async fn own_token_id(client: &ZendeskClient, access: &Secret) -> Result<Option<u64>, Error> {
    let prefix: String = access.expose().chars().take(10).collect();
    let list = all_pages(client, "/api/v2/oauth/tokens.json?page[size]=100", "tokens").await?;
    Ok(list
        .iter()
        .find(|t| prefix.len() == 10 && t["token"].as_str().is_some_and(|s| s.starts_with(&prefix)))
        .and_then(|t| t["id"].as_u64()))
}

/// Revokes an OAuth token (`DELETE /api/v2/oauth/tokens/{id}`).
pub async fn revoke_oauth_token(client: &ZendeskClient, id: u64) -> Result<(), Error> {
    client.delete(&format!("/api/v2/oauth/tokens/{id}.json")).await
}

/// An API token (never its value).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: u64,
    /// What it is for.
    pub description: String,
    /// Whether it still works.
    pub active: bool,
    /// When it was made.
    pub created_at: String,
    /// When it was last used, when Zendesk says.
    pub last_used_at: Option<String>,
}

/// The account's API tokens (`GET /api/v2/api_tokens`, one unpaginated list as the OpenAPI
/// description has it; no recording).
pub async fn api_tokens(client: &ZendeskClient) -> Result<Vec<ApiToken>, Error> {
    let v = client.get("/api/v2/api_tokens.json").await?;
    let Some(list) = v["api_tokens"].as_array() else {
        return Err(Error::UnexpectedResponse { what: "Zendesk's list of API tokens".into() });
    };
    Ok(list
        .iter()
        .filter_map(|t| {
            Some(ApiToken {
                id: t["id"].as_u64()?,
                description: text(t, "description"),
                active: t["active"].as_bool().unwrap_or(false),
                created_at: text(t, "created_at"),
                last_used_at: t["last_used_at"].as_str().map(str::to_string),
            })
        })
        .collect())
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(file: &str) -> Value {
        let path = format!("{}/../../corpus/zendesk/{file}", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        v["response"]["body"].clone()
    }

    #[test]
    fn the_recorded_installation_list_reads_without_setting_values() {
        let body = recorded("zendesk-apps-installations-list.json");
        let i = parse_installation(&body["installations"][0]).unwrap();
        assert_eq!((i.id, i.app_id, i.name.as_str(), i.enabled), (187732, 30911, "My App", true));
        assert_eq!(i.setting_names, ["name", "title"]);
        assert_eq!(i.created_at, "2015-12-30T01:36:36Z");
    }

    #[test]
    fn the_recorded_app_definition_names_its_parameters_and_secure_flags() {
        let app = parse_app(&recorded("zendesk-app-show.json")).unwrap();
        assert_eq!((app.id, app.name.as_str()), (30912, "My App"));
        assert_eq!(
            app.parameters,
            [Parameter { name: "name".into(), kind: "text".into(), secure: false, required: true }]
        );
        let enveloped = json!({"app": {"id": 1, "name": "X", "parameters": [{"name": "api_key", "secure": true}]}});
        assert!(parse_app(&enveloped).unwrap().parameters[0].secure);
    }

    #[test]
    fn the_documented_oauth_token_reads_without_its_characters() {
        let t = parse_oauth_token(&recorded("zendesk-oauth-token-object.json")).unwrap();
        assert_eq!((t.id, t.client_id, t.user_id), (1, 41, 29));
        assert_eq!(t.used_at.as_deref(), Some("2010-01-22T00:11:12Z"));
        assert!(!format!("{t:?}").contains("af3t24"));
    }
}
