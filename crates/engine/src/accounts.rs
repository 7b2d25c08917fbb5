//! Signed-in sessions, shared by the app and the CLI: tokens in the keychain (one entry per
//! org and user), and a list of who is signed in (no secrets) in `sessions.json`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::keychain::SecretStore;
use crate::oauth::flow::{revoke, SignIn};
use crate::oauth::settings::SignInSettings;
use crate::salesforce::client::{http_client, SalesforceClient, TokenKeeper};
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce::org_facts::OrgFacts;
use crate::salesforce::tokens::{Identity, TokenSet};
use crate::secret::Secret;

/// Who is signed in where (nothing secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The org and user.
    pub identity: Identity,
    /// The user's username.
    pub username: String,
    /// The org's API origin.
    pub instance: InstanceUrl,
    /// The OAuth client the session belongs to (refresh needs it).
    pub client_id: String,
    /// The org's facts as read at sign-in.
    pub facts: OrgFacts,
}

impl SessionRecord {
    /// Whether this is a practice-org session: the practice org lives only as long as the
    /// app that ran it, so such a session never outlives a restart.
    pub fn is_practice(&self) -> bool {
        self.instance.is_loopback()
    }

    /// The keychain entry holding this session's tokens.
    pub fn keychain_account(&self) -> String {
        account(&self.identity, &self.instance)
    }
}

/// The keychain entry of a session. Every practice org has the same org and user ids, so a
/// practice session's entry also names its loopback address: two app profiles practising at
/// once must not share tokens.
fn account(identity: &Identity, instance: &InstanceUrl) -> String {
    let org_user = format!("salesforce/{}/{}", identity.org_id, identity.user_id);
    if instance.is_loopback() {
        format!("{org_user}@{}", instance.as_str().trim_start_matches("http://"))
    } else {
        org_user
    }
}

/// What the keychain entry holds.
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: Option<String>,
}

impl StoredTokens {
    /// The keychain entry for an access token and its refresh token.
    fn entry(access: &Secret, refresh: Option<&Secret>) -> Secret {
        let stored = StoredTokens {
            access_token: access.expose().to_string(),
            refresh_token: refresh.map(|r| r.expose().to_string()),
        };
        Secret::new(serde_json::to_string(&stored).expect("tokens serialize"))
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Registry {
    current: Option<SessionRecord>,
}

impl Registry {
    fn read_from(file: &Path) -> Result<Registry, Error> {
        match std::fs::read(file) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Registry::default()),
            Err(e) => Err(Error::StateWrite { path: file.display().to_string(), source: e }),
        }
    }

    fn write_to(&self, file: &Path) -> Result<(), Error> {
        crate::state_file::write_json_atomically(file, self)
    }
}

/// The signed-in session listed in `dir`, read without touching the keychain.
pub fn current_session(dir: &Path) -> Option<SessionRecord> {
    let bytes = std::fs::read(dir.join("sessions.json")).ok()?;
    serde_json::from_slice::<Registry>(&bytes).ok()?.current
}

/// Sign-in, sign-out and signed-in clients.
#[derive(Clone)]
pub struct Accounts {
    file: PathBuf,
    keychain: Arc<dyn SecretStore>,
    http: reqwest::Client,
}

impl Accounts {
    /// Sessions listed in `dir/sessions.json`, tokens in `keychain`.
    pub fn new(dir: &Path, keychain: Arc<dyn SecretStore>) -> Accounts {
        Accounts { file: dir.join("sessions.json"), keychain, http: http_client() }
    }

    /// The Zendesk session kept beside this one (same folder, same keychain).
    pub fn zendesk(&self) -> crate::zendesk::session::ZendeskAccounts {
        crate::zendesk::session::ZendeskAccounts::new(
            self.file.parent().unwrap_or(Path::new(".")),
            self.keychain.clone(),
        )
    }

    /// The signed-in session, if any.
    pub fn current(&self) -> Result<Option<SessionRecord>, Error> {
        Ok(self.read()?.current)
    }

    fn read(&self) -> Result<Registry, Error> {
        Registry::read_from(&self.file)
    }

    fn write(&self, registry: &Registry) -> Result<(), Error> {
        registry.write_to(&self.file)
    }

    /// Starts a sign-in at `server`: listens for the callback and returns the sign-in, whose
    /// authorize URL the caller shows and opens.
    pub async fn begin(&self, server: &InstanceUrl, settings: &SignInSettings) -> Result<SignIn, Error> {
        SignIn::start(server, settings).await
    }

    /// Finishes a sign-in: waits for the browser, keeps the tokens in the keychain, reads the
    /// org's facts and records the session. If the keychain refuses the tokens, they are
    /// revoked at once rather than left alive and unkept.
    pub async fn complete(
        &self,
        sign_in: SignIn,
        settings: &SignInSettings,
        timeout: Duration,
    ) -> Result<SessionRecord, Error> {
        let tokens = sign_in.finish(&self.http, timeout).await?;
        self.adopt(tokens, &settings.client_id).await
    }

    async fn adopt(&self, tokens: TokenSet, client_id: &str) -> Result<SessionRecord, Error> {
        let blob = StoredTokens::entry(&tokens.access, tokens.refresh.as_ref());
        if let Err(e) = self.keychain.put(&account(&tokens.identity, &tokens.instance), &blob) {
            let token = tokens.refresh.as_ref().unwrap_or(&tokens.access);
            let _ = revoke(&self.http, &tokens.instance, client_id, token).await;
            return Err(e);
        }
        let client = self
            .client_for(&tokens.instance, client_id, &tokens.identity, tokens.access.clone(), tokens.refresh.clone())
            .await?;
        // Who signed in: the user id comes with the token answer; the username is read through
        // the REST API, which the `api` scope covers. Salesforce documents the identity URL
        // for tokens with the `id` scope and userinfo for `openid`; Reconnect asks for neither,
        // since a client app that does not offer them refuses the whole sign-in.
        let username = client.username_of(&tokens.identity.user_id).await?;
        let facts = OrgFacts::load(&client, &username).await?;
        let record = SessionRecord {
            identity: tokens.identity,
            username,
            instance: tokens.instance,
            client_id: client_id.to_string(),
            facts,
        };
        let previous = self.read()?.current;
        self.write(&Registry { current: Some(record.clone()) })?;
        if let Some(p) = previous.filter(|p| p.identity != record.identity) {
            // Signing in elsewhere ends the previous session cleanly.
            let _ = self.end(&p).await;
        }
        Ok(record)
    }

    async fn client_for(
        &self,
        instance: &InstanceUrl,
        client_id: &str,
        identity: &Identity,
        access: Secret,
        refresh: Option<Secret>,
    ) -> Result<SalesforceClient, Error> {
        let keeper = Box::new(Keeper {
            keychain: self.keychain.clone(),
            account: account(identity, instance),
            identity: identity.clone(),
            file: self.file.clone(),
        });
        SalesforceClient::connect(self.http.clone(), instance.clone(), client_id, access, refresh, Some(keeper)).await
    }

    /// A client for the signed-in session, its tokens read from the keychain.
    pub async fn connect(&self) -> Result<(SessionRecord, SalesforceClient), Error> {
        let record = self.current()?.ok_or(Error::NotSignedIn)?;
        let blob = self.keychain.get(&record.keychain_account())?.ok_or(Error::NotSignedIn)?;
        let stored: StoredTokens = serde_json::from_str(blob.expose()).map_err(|_| Error::NotSignedIn)?;
        let client = self
            .client_for(
                &record.instance,
                &record.client_id,
                &record.identity,
                Secret::new(stored.access_token),
                stored.refresh_token.map(Secret::new),
            )
            .await?;
        Ok((record, client))
    }

    /// Signs out: revokes the refresh token at Salesforce, then deletes it from the keychain
    /// and forgets the session. If Salesforce does not confirm the revocation, nothing is
    /// forgotten: the refresh token may still work, so it must not be both alive and lost.
    /// The admin can try again, or [`Accounts::forget`] the session knowingly.
    pub async fn sign_out(&self) -> Result<Option<SessionRecord>, Error> {
        let Some(record) = self.current()? else { return Ok(None) };
        self.end(&record).await?;
        self.write(&Registry { current: None })?;
        Ok(Some(record))
    }

    /// Forgets the signed-in session without revoking it: deletes its tokens from the keychain
    /// and the session from the list. For when revocation cannot get through; the admin then
    /// revokes the token in Setup (Connected Apps OAuth Usage).
    pub fn forget(&self) -> Result<Option<SessionRecord>, Error> {
        let Some(record) = self.current()? else { return Ok(None) };
        self.keychain.delete(&record.keychain_account())?;
        self.write(&Registry { current: None })?;
        Ok(Some(record))
    }

    async fn end(&self, record: &SessionRecord) -> Result<(), Error> {
        if let Some(blob) = self.keychain.get(&record.keychain_account())? {
            if let Ok(stored) = serde_json::from_str::<StoredTokens>(blob.expose()) {
                let token = Secret::new(stored.refresh_token.unwrap_or(stored.access_token));
                match revoke(&self.http, &record.instance, &record.client_id, &token).await {
                    Ok(()) => {}
                    // A practice org that has stopped took its tokens with it.
                    Err(Error::Network { .. }) if record.instance.is_loopback() => {}
                    Err(e) => return Err(Error::SignOutFailed { reason: e.to_string() }),
                }
            }
        }
        self.keychain.delete(&record.keychain_account())
    }
}

/// Keeps one session's tokens as the client refreshes them, and removes them when the org
/// ends the session.
struct Keeper {
    keychain: Arc<dyn SecretStore>,
    account: String,
    identity: Identity,
    file: PathBuf,
}

impl TokenKeeper for Keeper {
    fn refreshed(&self, access: &Secret, refresh: &Secret) {
        // One entry holds both tokens, so a rotated refresh token is never stored apart from
        // its access token.
        let _ = self.keychain.put(&self.account, &StoredTokens::entry(access, Some(refresh)));
    }

    fn ended(&self) {
        let _ = self.keychain.delete(&self.account);
        let registry = Registry::read_from(&self.file).unwrap_or_default();
        if registry.current.as_ref().is_some_and(|c| c.identity == self.identity) {
            let _ = Registry::default().write_to(&self.file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practice_sessions_of_the_same_user_on_two_addresses_keep_apart_and_real_orgs_keep_their_entry() {
        let id = |s| crate::salesforce_id::SalesforceId::parse(s).unwrap();
        let identity = Identity { org_id: id("00D5g00000PRACT"), user_id: id("0055g00000ADMIN") };
        let one = account(&identity, &InstanceUrl::parse("http://127.0.0.1:4100").unwrap());
        let two = account(&identity, &InstanceUrl::parse("http://127.0.0.1:4200").unwrap());
        assert_ne!(one, two);
        assert_eq!(one, "salesforce/00D5g00000PRACTEA5/0055g00000ADMINAA5@127.0.0.1:4100");
        let real = account(&identity, &InstanceUrl::parse("https://acme.my.salesforce.com").unwrap());
        assert_eq!(real, "salesforce/00D5g00000PRACTEA5/0055g00000ADMINAA5");
    }
}
