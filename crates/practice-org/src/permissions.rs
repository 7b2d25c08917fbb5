//! A user's effective permissions: the union over their permission set assignments, the
//! profile's own permission set (`IsOwnedByProfile`) included.

use crate::store::{Record, Store};

/// The permission sets assigned to a user.
pub(crate) fn permission_sets<'a>(store: &'a Store, user_id: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
    store
        .all("PermissionSetAssignment")
        .iter()
        .filter(move |a| a["AssigneeId"] == user_id)
        .filter_map(|a| a["PermissionSetId"].as_str().and_then(|id| store.get("PermissionSet", id)))
}

/// Whether Salesforce froze the user (`UserLogin.IsFrozen`): a frozen user cannot log in, and
/// its sessions and refresh tokens no longer work.
pub(crate) fn is_frozen(store: &Store, user_id: &str) -> bool {
    store.all("UserLogin").iter().any(|l| l["UserId"] == user_id && l["IsFrozen"] == true)
}

/// Whether any of the user's permission sets grants the user permission `name` (its metadata
/// name, e.g. `ApiEnabled`), through its field or, where the org has none, its metadata.
pub(crate) fn has_permission(store: &Store, user_id: &str, name: &str) -> bool {
    permission_sets(store, user_id).any(|ps| store.set_grants(ps, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_permission_granted_by_any_assigned_set_is_effective() {
        let store = Scenario::named("already-fixed").unwrap().store().unwrap();
        let user = reconnect_engine::salesforce_id::SalesforceId::parse("0055g00000GSINT").unwrap().to_string();
        let user = user.as_str();
        assert_eq!(permission_sets(&store, user).count(), 2);
        // The profile grants API Enabled (a field), the added permission set Approve
        // Uninstalled (metadata only: the real describe has no field for it).
        assert!(has_permission(&store, user, "ApiEnabled"));
        assert!(has_permission(&store, user, "CanApproveUninstalledApps"));
        assert!(!has_permission(&store, user, "ManageUsers"));
    }
}
