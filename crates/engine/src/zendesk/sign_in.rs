//! Signing in to Zendesk: the authorization code grant with PKCE (S256), which Zendesk supports
//! for the Ticketing API and requires of public clients
//! (<https://developer.zendesk.com/documentation/api-basics/authentication/oauth-pkce>,
//! <https://support.zendesk.com/hc/en-us/articles/4408845965210>). The admin creates a public
//! OAuth client in Admin Center with the redirect URL Reconnect shows; Zendesk accepts `http`
//! for localhost and 127.0.0.1 only. Tokens come from `POST /oauth/tokens` (grant types
//! `authorization_code` and `refresh_token`,
//! <https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/>).

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use crate::browser::BrowserOpener;
use crate::error::Error;
use crate::oauth::loopback::Loopback;
use crate::oauth::pkce::{new_state, Pkce};
use crate::oauth::settings::SignInSettings;
use crate::secret::Secret;
use crate::zendesk::account::ZendeskBase;

/// The scopes asked for: reading the account, and `write` to update app installations and
/// revoke OAuth tokens.
pub const SCOPES: &str = "read write";
/// Admin Center's page of OAuth clients, where the admin creates Reconnect's client.
pub const OAUTH_CLIENTS_PAGE: &str = "/admin/apps-integrations/apis/zendesk-api/oauth_clients";

/// Tokens from Zendesk's token endpoint.
#[derive(Debug)]
pub struct ZendeskTokens {
    /// The access token.
    pub access: Secret,
    /// The refresh token, when the client gets expiring tokens.
    pub refresh: Option<Secret>,
    /// Seconds the access token lives, when Zendesk says.
    pub expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct RawTokens {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct RawOAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// A Zendesk sign-in waiting for the browser.
#[derive(Debug)]
pub struct ZendeskSignIn {
    base: ZendeskBase,
    client_id: String,
    redirect_uri: String,
    pkce: Pkce,
    state: String,
    loopback: Loopback,
    authorize_url: String,
}

impl ZendeskSignIn {
    /// Listens for the callback and builds the authorization page's address.
    pub async fn start(base: &ZendeskBase, settings: &SignInSettings) -> Result<ZendeskSignIn, Error> {
        if settings.client_id.trim().is_empty() {
            return Err(Error::InvalidSignInSettings);
        }
        let loopback = Loopback::bind(settings.port).await?;
        let redirect_uri = settings.redirect_uri(loopback.port());
        let pkce = Pkce::new();
        let state = new_state();
        let mut url = url::Url::parse(&base.join("/oauth/authorizations/new")).expect("a base plus a path");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &settings.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", SCOPES)
            .append_pair("state", &state)
            .append_pair("code_challenge", pkce.challenge())
            .append_pair("code_challenge_method", "S256");
        Ok(ZendeskSignIn {
            base: base.clone(),
            client_id: settings.client_id.clone(),
            redirect_uri,
            pkce,
            state,
            loopback,
            authorize_url: url.into(),
        })
    }

    /// The authorization page to open.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// Opens the authorization page in the browser.
    pub fn open_browser(&self, browser: &dyn BrowserOpener) -> Result<(), Error> {
        browser.open(&self.authorize_url)
    }

    /// Waits for the callback and exchanges its code (with the PKCE verifier) for tokens.
    pub async fn finish(self, http: &reqwest::Client, timeout: Duration) -> Result<ZendeskTokens, Error> {
        let callback = self.loopback.wait(&self.state, timeout).await?;
        let body = json!({
            "grant_type": "authorization_code",
            "code": callback.code.expose(),
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": SCOPES,
            "code_verifier": self.pkce.verifier(),
        });
        token_request(http, &self.base, &body).await
    }
}

/// Gets a new access token with a refresh token; a refused refresh is a refused credential
/// (the Zendesk session is over; the Salesforce one is not touched).
pub async fn refresh(
    http: &reqwest::Client,
    base: &ZendeskBase,
    client_id: &str,
    refresh_token: &Secret,
) -> Result<ZendeskTokens, Error> {
    let body = json!({
        "grant_type": "refresh_token",
        "refresh_token": refresh_token.expose(),
        "client_id": client_id,
        "scope": SCOPES,
    });
    token_request(http, base, &body).await.map_err(|e| match e {
        Error::OAuth { .. } => Error::ZendeskUnauthorized,
        other => other,
    })
}

async fn token_request(
    http: &reqwest::Client,
    base: &ZendeskBase,
    body: &serde_json::Value,
) -> Result<ZendeskTokens, Error> {
    let url = base.join("/oauth/tokens");
    let started = std::time::Instant::now();
    let response = http.post(&url).timeout(Duration::from_secs(30)).json(body).send().await.map_err(|e| {
        crate::support_log::http("zendesk", "POST", &url, None, started.elapsed(), None);
        Error::network(&e)
    })?;
    let status = response.status();
    let text = response.text().await.map_err(|e| Error::network(&e))?;
    let code = serde_json::from_str::<RawOAuthError>(&text).ok().map(|e| e.error);
    crate::support_log::http("zendesk", "POST", &url, Some(status.as_u16()), started.elapsed(), code.as_deref());
    if !status.is_success() {
        return Err(match serde_json::from_str::<RawOAuthError>(&text) {
            Ok(e) => Error::from_oauth_error(&e.error, &e.error_description),
            Err(_) if status.as_u16() == 401 => Error::ZendeskUnauthorized,
            Err(_) => Error::ZendeskUnavailable { status: status.as_u16() },
        });
    }
    let raw: RawTokens =
        serde_json::from_str(&text).map_err(|_| Error::UnexpectedResponse { what: "Zendesk's token answer".into() })?;
    Ok(ZendeskTokens {
        access: Secret::new(raw.access_token),
        refresh: raw.refresh_token.map(Secret::new),
        expires_in: raw.expires_in,
    })
}
