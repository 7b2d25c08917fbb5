//! Salesforce's token response, parsed into validated parts. Recorded answers
//! (`corpus/salesforce/token-*.json`) carry no `expires_in`, give `issued_at` as a string of
//! epoch milliseconds, and a refresh answer usually repeats no `refresh_token`; none of those
//! is relied on.

use serde::Deserialize;

use crate::error::Error;
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce_id::{KeyPrefix, SalesforceId};
use crate::secret::Secret;

#[derive(Deserialize)]
pub(crate) struct RawTokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub instance_url: String,
    pub id: String,
}

/// The answer to a refresh: Salesforce repeats only the access token, but a client with
/// refresh-token rotation (and any strict OAuth server) also sends a new refresh token, which
/// replaces the old one.
#[derive(Deserialize)]
pub(crate) struct RawRefreshResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Who signed in: the org and the user, from the identity URL that the token answer names
/// (`id`, `…/id/<orgId>/<userId>`), as jsforce and simple-salesforce read it too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The org's id (`00D…`).
    pub org_id: SalesforceId,
    /// The user's id (`005…`).
    pub user_id: SalesforceId,
}

impl Identity {
    /// Reads `…/id/<orgId>/<userId>`.
    pub fn from_id_url(url: &str) -> Result<Identity, Error> {
        let bad = || Error::UnexpectedResponse { what: format!("identity URL {url}") };
        let mut parts = url.trim_end_matches('/').rsplit('/');
        let user = parts.next().ok_or_else(bad)?;
        let org = parts.next().ok_or_else(bad)?;
        Ok(Identity {
            org_id: SalesforceId::parse_kind(org, KeyPrefix::Organization).map_err(|_| bad())?,
            user_id: SalesforceId::parse_kind(user, KeyPrefix::User).map_err(|_| bad())?,
        })
    }
}

/// The tokens of one signed-in session.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The access token.
    pub access: Secret,
    /// The refresh token (absent for flows that issue none).
    pub refresh: Option<Secret>,
    /// Where the org's API lives.
    pub instance: InstanceUrl,
    /// Who signed in.
    pub identity: Identity,
}

impl TokenSet {
    pub(crate) fn from_raw(raw: RawTokenResponse) -> Result<TokenSet, Error> {
        Ok(TokenSet {
            access: Secret::new(raw.access_token),
            refresh: raw.refresh_token.map(Secret::new),
            instance: InstanceUrl::parse(&raw.instance_url)?,
            identity: Identity::from_id_url(&raw.id)?,
        })
    }
}

/// What a refresh gave.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The new access token.
    pub access: Secret,
    /// A new refresh token, when the server rotates them; `None` keeps the old one.
    pub refresh: Option<Secret>,
}

impl Refreshed {
    pub(crate) fn from_raw(raw: RawRefreshResponse) -> Refreshed {
        Refreshed { access: Secret::new(raw.access_token), refresh: raw.refresh_token.map(Secret::new) }
    }
}
