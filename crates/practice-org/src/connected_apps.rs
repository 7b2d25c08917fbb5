//! OAuth clients as connected apps: the name an app goes by, whether it is installed, and the
//! rules Salesforce applies when a user authorizes it.

use serde_json::Value;

use crate::oauth::OAuthError;
use crate::permissions::{has_permission, permission_sets};
use crate::scenario::ClientDef;
use crate::store::Record;
use crate::Org;

/// Salesforce's own clients by the name their tokens carry in `OauthToken.AppName`. The
/// Salesforce CLI's client id is `PlatformCLI`; its tokens are listed as "Salesforce CLI"
/// (cclabsnz/sf-audit-plugin's and sfdx-hardis's lists of Salesforce's own apps name it so;
/// no recorded `OauthToken` row of it was found).
const OWN_CLIENT_NAMES: [(&str, &str); 1] = [("PlatformCLI", "Salesforce CLI")];

/// The app's name: its `ConnectedApplication` name, Salesforce's name for its own clients, or
/// the client id for other clients.
pub(crate) fn app_name(org: &Org, client_id: &str) -> String {
    match org.scenario.oauth_clients.get(client_id) {
        Some(ClientDef::ConnectedApp { connected_app }) => connected_app.clone(),
        _ => OWN_CLIENT_NAMES
            .iter()
            .find(|(id, _)| *id == client_id)
            .map(|(_, name)| name.to_string())
            .unwrap_or_else(|| client_id.to_string()),
    }
}

/// The app's `ConnectedApplication` record, for clients that are connected apps.
fn app_record<'a>(org: &'a Org, client_id: &str) -> Option<&'a Record> {
    match org.scenario.oauth_clients.get(client_id)? {
        ClientDef::ConnectedApp { connected_app } => {
            org.store.all("ConnectedApplication").iter().find(|a| a["Name"] == connected_app.as_str())
        }
        ClientDef::Fixed { .. } => None,
    }
}

fn installed(org: &Org, client_id: &str) -> bool {
    match org.scenario.oauth_clients.get(client_id) {
        Some(ClientDef::Fixed { installed }) => *installed,
        Some(ClientDef::ConnectedApp { .. }) => app_record(org, client_id).is_some(),
        None => false,
    }
}

/// The rules Salesforce applies, in its order, once an active user has logged in: an app that
/// is not installed needs Approve Uninstalled Connected Apps; an installed app that admits
/// admin-approved users only needs one of the user's permission sets (the profile's included)
/// to grant it through a `SetupEntityAccess` row.
pub(crate) fn check_access(org: &Org, client_id: &str, user_id: &str) -> Result<(), OAuthError> {
    if !installed(org, client_id) {
        if has_permission(&org.store, user_id, "CanApproveUninstalledApps") {
            return Ok(());
        }
        return Err(("invalid_client", "app must be installed into org"));
    }
    let Some(app) = app_record(org, client_id) else { return Ok(()) };
    if app["OptionsAllowAdminApprovedUsersOnly"] != Value::Bool(true) {
        return Ok(());
    }
    let app_id = &app["Id"];
    let granted = permission_sets(&org.store, user_id).any(|ps| {
        org.store.all("SetupEntityAccess").iter().any(|g| g["ParentId"] == ps["Id"] && &g["SetupEntityId"] == app_id)
    });
    if granted {
        Ok(())
    } else {
        // Salesforce's OAUTH_APP_ACCESS_DENIED.
        Err(("access_denied", "user is not admin approved to access this app"))
    }
}
