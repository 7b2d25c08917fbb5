//! What every REST API call passes before it is served: a live session, and API Enabled among
//! the caller's effective permissions. An admitted call counts as a use of its OAuth token.

use crate::oauth::session;
use crate::permissions::has_permission;
use crate::sf_error::SfError;
use crate::Org;

/// Admits one API call made with `access_token`; returns the caller's user id.
pub(crate) fn admit(org: &mut Org, access_token: &str) -> Result<String, SfError> {
    let access = session(org, access_token)?;
    if crate::permissions::is_frozen(&org.store, &access.user_id) {
        return Err(SfError::invalid_session());
    }
    if !has_permission(&org.store, &access.user_id, "ApiEnabled") {
        return Err(SfError::api_disabled());
    }
    crate::oauth_token::record_use(&mut org.store, &access.oauth_token);
    Ok(access.user_id)
}
