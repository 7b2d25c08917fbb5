//! A user's effective permissions: the union over their permission set assignments, the
//! profile's own permission set (`IsOwnedByProfile`) included.

use serde_json::Value;

use crate::store::{Record, Store};

/// The permission sets assigned to a user.
pub(crate) fn permission_sets<'a>(store: &'a Store, user_id: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
    store
        .all("PermissionSetAssignment")
        .iter()
        .filter(move |a| a["AssigneeId"] == user_id)
        .filter_map(|a| a["PermissionSetId"].as_str().and_then(|id| store.get("PermissionSet", id)))
}

/// Whether any of the user's permission sets grants `field` (e.g. `PermissionsApiEnabled`).
pub(crate) fn has_permission(store: &Store, user_id: &str, field: &str) -> bool {
    permission_sets(store, user_id).any(|ps| ps.get(field) == Some(&Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_permission_granted_by_any_assigned_set_is_effective() {
        let store = Scenario::named("already-fixed").unwrap().store().unwrap();
        let user = reconnect_core::salesforce_id::SalesforceId::parse("0055g00000GSINT").unwrap().to_string();
        let user = user.as_str();
        assert_eq!(permission_sets(&store, user).count(), 2);
        // The profile grants API Enabled, the added permission set Approve Uninstalled.
        assert!(has_permission(&store, user, "PermissionsApiEnabled"));
        assert!(has_permission(&store, user, "PermissionsApproveUninstalledConnectedApps"));
        assert!(!has_permission(&store, user, "PermissionsManageUsers"));
    }
}
