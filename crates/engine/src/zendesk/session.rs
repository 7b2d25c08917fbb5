//! The signed-in Zendesk account, shared by the app and the CLI: its credential in the
//! keychain only, and who is signed in where (nothing secret) in `zendesk-session.json`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::keychain::SecretStore;
use crate::salesforce::client::http_client;
use crate::secret::Secret;
use crate::zendesk::account::ZendeskBase;
use crate::zendesk::api::{self, me, Me};
use crate::zendesk::client::{Credential, CredentialKeeper, ZendeskClient};
use crate::zendesk::sign_in::ZendeskTokens;

const FILE: &str = "zendesk-session.json";
/// The day Zendesk deactivates every API token (developer.zendesk.com, OAuth migration).
pub const API_TOKEN_END: &str = "2027-04-30";
/// The day from which no account can make new API tokens.
pub const API_TOKEN_NO_NEW: &str = "2026-10-27";

/// How the session authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "engine/")]
pub enum AuthKind {
    /// OAuth, through the admin's own OAuth client.
    OAuth,
    /// An API token (until Zendesk deactivates them).
    ApiToken,
}

/// Who is signed in to which Zendesk account (nothing secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZendeskRecord {
    /// The account's base address.
    pub base: ZendeskBase,
    /// The user.
    pub user_id: u64,
    /// Its name.
    pub name: String,
    /// Its e-mail.
    pub email: String,
    /// Its role.
    pub role: String,
    /// How it signed in.
    pub auth: AuthKind,
    /// The OAuth client's identifier (empty for an API token).
    pub client_id: String,
}

impl ZendeskRecord {
    /// The keychain entry holding the credential.
    pub fn keychain_account(&self) -> String {
        format!("zendesk/{}/{}", self.base.as_str().split("://").nth(1).unwrap_or_default(), self.user_id)
    }

    /// Whether the user is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Stored {
    OAuth { access_token: String, refresh_token: Option<String> },
    ApiToken { email: String, token: String },
}

fn stored(credential: &Credential) -> Secret {
    let s = match credential {
        Credential::OAuth { access, refresh, .. } => Stored::OAuth {
            access_token: access.expose().to_string(),
            refresh_token: refresh.as_ref().map(|r| r.expose().to_string()),
        },
        Credential::ApiToken { email, token } => {
            Stored::ApiToken { email: email.clone(), token: token.expose().to_string() }
        }
    };
    Secret::new(serde_json::to_string(&s).expect("credentials serialize"))
}

/// Revokes the token `client` signs in with, and checks that it stopped working. Zendesk
/// documents `DELETE /api/v2/oauth/tokens/current` for this, but admins report a 204 that
/// leaves the token working (Zendesk community posts 4627188332186 and 5537132288282), so
/// the token is tried again; if it still works, it is found by its first ten characters in the
/// user's token list and revoked by id. A token Zendesk no longer takes counts as revoked.
async fn revoke_own(client: &ZendeskClient) -> Result<(), Error> {
    let gone = |r: Result<(), Error>| match r {
        Ok(()) | Err(Error::ZendeskUnauthorized | Error::ZendeskNotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    };
    gone(client.delete("/api/v2/oauth/tokens/current.json").await)?;
    let still_works = |r: Result<Me, Error>| match r {
        Ok(_) => Ok(true),
        Err(Error::ZendeskUnauthorized) => Ok(false),
        Err(e) => Err(e),
    };
    if !still_works(me(client).await)? {
        return Ok(());
    }
    let access = client.access_token().ok_or(Error::ZendeskUnauthorized)?;
    match api::own_token_id(client, &access).await? {
        Some(id) => gone(client.delete(&format!("/api/v2/oauth/tokens/{id}.json")).await)?,
        None => return Err(Error::SignOutFailed { reason: "Zendesk still accepts the token".into() }),
    }
    if still_works(me(client).await)? {
        return Err(Error::SignOutFailed { reason: "Zendesk still accepts the token".into() });
    }
    Ok(())
}

/// Zendesk deactivates every API token on [`API_TOKEN_END`]: from that day only OAuth signs in.
pub fn api_token_allowed(now_ms: i64) -> Result<(), Error> {
    let end = crate::timestamp::parse_ms(API_TOKEN_END).unwrap_or(i64::MAX);
    if now_ms >= end {
        return Err(Error::ZendeskApiTokensRetired { end: API_TOKEN_END.to_string() });
    }
    Ok(())
}

/// The Zendesk session listed in `dir`, read without touching the keychain.
pub fn current_record(dir: &Path) -> Option<ZendeskRecord> {
    serde_json::from_slice(&std::fs::read(dir.join(FILE)).ok()?).ok()
}

/// Zendesk sign-in, sign-out and signed-in clients.
#[derive(Clone)]
pub struct ZendeskAccounts {
    file: PathBuf,
    keychain: Arc<dyn SecretStore>,
    http: reqwest::Client,
}

impl std::fmt::Debug for ZendeskAccounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZendeskAccounts").field("file", &self.file).finish_non_exhaustive()
    }
}

impl ZendeskAccounts {
    /// The session listed in `dir`, its credential in `keychain`.
    pub fn new(dir: &Path, keychain: Arc<dyn SecretStore>) -> ZendeskAccounts {
        ZendeskAccounts { file: dir.join(FILE), keychain, http: http_client() }
    }

    /// Who is signed in, if anyone.
    pub fn current(&self) -> Option<ZendeskRecord> {
        current_record(self.file.parent().unwrap_or(Path::new(".")))
    }

    /// Keeps OAuth tokens from a finished sign-in: asks Zendesk who they belong to first.
    pub async fn signed_in_oauth(
        &self,
        base: &ZendeskBase,
        client_id: &str,
        tokens: ZendeskTokens,
    ) -> Result<ZendeskRecord, Error> {
        let credential =
            Credential::OAuth { access: tokens.access, refresh: tokens.refresh, client_id: client_id.into() };
        self.keep(base, credential, AuthKind::OAuth, client_id).await
    }

    /// Signs in with an API token (a fallback until [`API_TOKEN_END`]): checked with Zendesk first.
    pub async fn sign_in_api_token(
        &self,
        base: &ZendeskBase,
        email: &str,
        token: Secret,
    ) -> Result<ZendeskRecord, Error> {
        api_token_allowed(crate::timestamp::now_ms())?;
        let email = email.trim();
        if email.is_empty() || !email.contains('@') || token.expose().trim().is_empty() {
            return Err(Error::InvalidSignInSettings);
        }
        let credential = Credential::ApiToken { email: email.to_string(), token };
        self.keep(base, credential, AuthKind::ApiToken, "").await
    }

    async fn keep(
        &self,
        base: &ZendeskBase,
        credential: Credential,
        auth: AuthKind,
        client_id: &str,
    ) -> Result<ZendeskRecord, Error> {
        let client = ZendeskClient::new(self.http.clone(), base.clone(), credential.clone(), None);
        let user: Me = me(&client).await?;
        let record = ZendeskRecord {
            base: base.clone(),
            user_id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            auth,
            client_id: client_id.to_string(),
        };
        self.keychain.put(&record.keychain_account(), &stored(&credential))?;
        self.write(Some(&record))?;
        Ok(record)
    }

    /// A client of the signed-in account; refreshed tokens go back to the keychain.
    pub fn client(&self) -> Result<(ZendeskRecord, ZendeskClient), Error> {
        let record = self.current().ok_or(Error::ZendeskNotSignedIn)?;
        let secret = self.keychain.get(&record.keychain_account())?.ok_or(Error::ZendeskNotSignedIn)?;
        let credential = match serde_json::from_str::<Stored>(secret.expose()).map_err(|_| Error::ZendeskNotSignedIn)? {
            Stored::OAuth { access_token, refresh_token } => Credential::OAuth {
                access: Secret::new(access_token),
                refresh: refresh_token.map(Secret::new),
                client_id: record.client_id.clone(),
            },
            Stored::ApiToken { email, token } => Credential::ApiToken { email, token: Secret::new(token) },
        };
        let keychain = self.keychain.clone();
        let account = record.keychain_account();
        let keeper: CredentialKeeper = Box::new(move |c: &Credential| {
            let _ = keychain.put(&account, &stored(c));
        });
        let client = ZendeskClient::new(self.http.clone(), record.base.clone(), credential, Some(keeper));
        Ok((record, client))
    }

    /// Signs out: revokes the OAuth token Reconnect holds (`DELETE /api/v2/oauth/tokens/current`,
    /// documented for the token in use, not recorded) and forgets the credential. The keychain
    /// entry goes even when Zendesk cannot be reached; the error then says so.
    pub async fn sign_out(&self) -> Result<Option<ZendeskRecord>, Error> {
        let Some(record) = self.current() else { return Ok(None) };
        let revoked = match self.client() {
            Ok((r, client)) if r.auth == AuthKind::OAuth => revoke_own(&client).await,
            _ => Ok(()),
        };
        self.keychain.delete(&record.keychain_account())?;
        self.write(None)?;
        revoked.map_err(|e| match e {
            Error::SignOutFailed { .. } => e,
            e => Error::SignOutFailed { reason: e.user_message().what.en },
        })?;
        Ok(Some(record))
    }

    fn write(&self, record: Option<&ZendeskRecord>) -> Result<(), Error> {
        let err = |source| Error::StateWrite { path: self.file.display().to_string(), source };
        match record {
            None => match std::fs::remove_file(&self.file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(err(e)),
                _ => Ok(()),
            },
            Some(r) => crate::state_file::write_json_atomically(&self.file, r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_tokens_sign_in_until_zendesk_retires_them() {
        let day = |d: &str| crate::timestamp::parse_ms(d).unwrap();
        assert!(api_token_allowed(day("2026-12-01")).is_ok());
        assert!(api_token_allowed(day("2027-04-29T23:59:59Z")).is_ok());
        assert!(matches!(api_token_allowed(day("2027-04-30")), Err(Error::ZendeskApiTokensRetired { .. })));
    }
}
