//! The sign-in itself: build the authorize URL, open it, wait for the callback, exchange the
//! code with the PKCE verifier; and the token endpoint's other two uses, refresh and revoke.

use std::time::Duration;

use serde::Deserialize;

use crate::browser::BrowserOpener;
use crate::error::Error;
use crate::oauth::loopback::Loopback;
use crate::oauth::pkce::{new_state, Pkce};
use crate::oauth::settings::SignInSettings;
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce::tokens::{RawRefreshResponse, RawTokenResponse, Refreshed, TokenSet};
use crate::secret::Secret;

/// The scopes Reconnect asks for: the REST API, a refresh token, and the web session, as the
/// Salesforce CLI does. Neither `id` (the identity URL) nor `openid` (userinfo) is asked for:
/// a connected app or External Client App that does not offer one refuses the whole sign-in
/// with `invalid_scope`. Who signed in comes from the token answer's `id` and the REST API.
pub const SCOPES: &str = "api refresh_token web";

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// A sign-in waiting for the browser.
#[derive(Debug)]
pub struct SignIn {
    server: InstanceUrl,
    client_id: String,
    redirect_uri: String,
    pkce: Pkce,
    state: String,
    loopback: Loopback,
    authorize_url: String,
}

impl SignIn {
    /// Starts listening for the callback and builds the authorize URL for `server` (the org's
    /// My Domain, login/test.salesforce.com, or the practice org).
    pub async fn start(server: &InstanceUrl, settings: &SignInSettings) -> Result<SignIn, Error> {
        let loopback = Loopback::bind(settings.port).await?;
        let redirect_uri = settings.redirect_uri(loopback.port());
        let pkce = Pkce::new();
        let state = new_state();
        let mut url = url::Url::parse(&server.join("/services/oauth2/authorize")).expect("an origin plus a path");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &settings.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", SCOPES)
            .append_pair("state", &state)
            .append_pair("code_challenge", pkce.challenge())
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "login");
        Ok(SignIn {
            server: server.clone(),
            client_id: settings.client_id.clone(),
            redirect_uri,
            pkce,
            state,
            loopback,
            authorize_url: url.to_string(),
        })
    }

    /// The URL the admin opens (it carries no secret: the challenge, not the verifier).
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// The loopback port the answer is awaited on.
    pub fn port(&self) -> u16 {
        self.loopback.port()
    }

    /// Opens the authorize URL in the browser; a failure leaves the URL to copy by hand.
    pub fn open_browser(&self, browser: &dyn BrowserOpener) -> Result<(), Error> {
        browser.open(&self.authorize_url)
    }

    /// Waits for the callback and exchanges its code for tokens.
    pub async fn finish(self, http: &reqwest::Client, timeout: Duration) -> Result<TokenSet, Error> {
        let callback = self.loopback.wait(&self.state, timeout).await?;
        exchange_code(http, &self.server, &self.client_id, &self.redirect_uri, &callback.code, self.pkce.verifier())
            .await
    }
}

async fn token_request(http: &reqwest::Client, server: &InstanceUrl, form: &[(&str, &str)]) -> Result<String, Error> {
    oauth_post(http, server, "/services/oauth2/token", form).await
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    server: &InstanceUrl,
    client_id: &str,
    redirect_uri: &str,
    code: &Secret,
    verifier: &str,
) -> Result<TokenSet, Error> {
    let text = token_request(
        http,
        server,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
    .await?;
    let raw: RawTokenResponse =
        serde_json::from_str(&text).map_err(|_| Error::UnexpectedResponse { what: "token response".into() })?;
    TokenSet::from_raw(raw)
}

/// Gets a new access token with the refresh token. A refused refresh (`invalid_grant`: revoked,
/// expired, or a rotated token used twice) means the session is over. When the server rotates
/// refresh tokens, the answer's new one must replace the old one.
pub async fn refresh_tokens(
    http: &reqwest::Client,
    instance: &InstanceUrl,
    client_id: &str,
    refresh: &Secret,
) -> Result<Refreshed, Error> {
    let text = token_request(
        http,
        instance,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh.expose()), ("client_id", client_id)],
    )
    .await
    .map_err(|e| match e {
        Error::OAuth { .. } | Error::AppBlocked | Error::SignInDenied => Error::SessionExpired,
        other => other,
    })?;
    let raw: RawRefreshResponse =
        serde_json::from_str(&text).map_err(|_| Error::UnexpectedResponse { what: "refresh response".into() })?;
    Ok(Refreshed::from_raw(raw))
}

/// Revokes a token (RFC 7009); revoking a refresh token ends its access tokens too. The client
/// identifies itself with `client_id`, as RFC 7009 has a public client do (Salesforce accepts
/// `token` alone; a strict server refuses it). A token the server no longer knows counts as
/// revoked.
pub async fn revoke(
    http: &reqwest::Client,
    instance: &InstanceUrl,
    client_id: &str,
    token: &Secret,
) -> Result<(), Error> {
    match oauth_post(http, instance, "/services/oauth2/revoke", &[("token", token.expose()), ("client_id", client_id)])
        .await
    {
        Ok(_) => Ok(()),
        Err(Error::OAuth { error, .. }) if error == "invalid_token" => Ok(()),
        Err(e) => Err(e),
    }
}

/// POSTs a form to an OAuth endpoint; OAuth error bodies become typed errors.
async fn oauth_post(
    http: &reqwest::Client,
    server: &InstanceUrl,
    path: &str,
    form: &[(&str, &str)],
) -> Result<String, Error> {
    oauth_post_as(http, server, path, form, None).await
}

/// Revokes another session's token by its `DeleteToken` handle (`OauthToken.DeleteToken`),
/// signed in as an admin, the way sfdx-hardis does (`hardis:org:diagnose:unsecure-connected-apps`).
/// A handle Salesforce no longer knows (`invalid_token`) is revoked already.
pub async fn revoke_handle(
    http: &reqwest::Client,
    instance: &InstanceUrl,
    bearer: &Secret,
    handle: &Secret,
) -> Result<(), Error> {
    match oauth_post_as(http, instance, "/services/oauth2/revoke", &[("token", handle.expose())], Some(bearer)).await {
        Ok(_) => Ok(()),
        Err(Error::OAuth { error, .. }) if error == "invalid_token" => Ok(()),
        Err(e) => Err(e),
    }
}

async fn oauth_post_as(
    http: &reqwest::Client,
    server: &InstanceUrl,
    path: &str,
    form: &[(&str, &str)],
    bearer: Option<&Secret>,
) -> Result<String, Error> {
    let mut request = http.post(server.join(path)).form(form);
    if let Some(b) = bearer {
        request = request.bearer_auth(b.expose());
    }
    let started = std::time::Instant::now();
    let url = server.join(path);
    let response = request.send().await.map_err(|e| {
        crate::support_log::http("salesforce", "POST", &url, None, started.elapsed(), None);
        Error::network(&e)
    })?;
    let status = response.status();
    let text = response.text().await.map_err(|e| Error::network(&e))?;
    // The OAuth error code (`invalid_grant`…) is a fixed word; the description is left out.
    let code = serde_json::from_str::<OAuthErrorBody>(&text).ok().map(|e| e.error);
    crate::support_log::http("salesforce", "POST", &url, Some(status.as_u16()), started.elapsed(), code.as_deref());
    if status.is_success() {
        return Ok(text);
    }
    // OAuth errors are one object (`corpus/salesforce/token-error-*.json`); a limit hit on the
    // token endpoint comes as the REST API's error array (`rest-error-request-limit-exceeded.json`).
    if let Ok(e) = serde_json::from_str::<OAuthErrorBody>(&text) {
        return Err(Error::from_oauth_error(&e.error, &e.error_description));
    }
    if let Some(e) = crate::salesforce::client::rest_error(&text) {
        return Err(e);
    }
    // The revoke endpoint answers errors form-encoded (`revoke-error-unsupported-token-type`),
    // or as a bare code in plain text (`revoke-error-404-bad-id`).
    let form: Vec<(String, String)> = url::form_urlencoded::parse(text.trim().as_bytes()).into_owned().collect();
    if let Some((_, error)) = form.iter().find(|(k, _)| k == "error") {
        let description = form.iter().find(|(k, _)| k == "error_description").map(|(_, v)| v.as_str());
        return Err(Error::from_oauth_error(error, description.unwrap_or_default()));
    }
    let bare = text.trim();
    if status.is_client_error()
        && (1..=40).contains(&bare.len())
        && bare.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::OAuth { error: bare.to_string(), description: format!("HTTP {}", status.as_u16()) });
    }
    Err(if status.is_server_error() {
        Error::SalesforceUnavailable { status: status.as_u16() }
    } else {
        Error::UnexpectedResponse { what: format!("{} {path}", status.as_u16()) }
    })
}
