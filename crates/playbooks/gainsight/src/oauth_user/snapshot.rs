//! Everything about the OAuth user that diagnosis and verification read, fetched in one
//! composite round trip: PermissionSet's describe (which permission fields this org has), the
//! user, the permission sets assigned to them (profile's own set included), the user's login
//! state (frozen or not), the Gainsight connected app, the app grants on those sets, and the
//! user's OAuth tokens. Where a permission has no field in this org, its metadata form is read
//! afterwards through the Metadata API ([`MetadataGrants`]), and only then.

use serde_json::Value;

use crate::error::Error;
use reconnect_engine::salesforce::client::{query_path, records, SalesforceClient};
use reconnect_engine::salesforce::metadata::{MetadataKind, PermissionMetadata};
use reconnect_engine::salesforce::soql_string;

/// The user fields Reconnect shows.
pub const USER_FIELDS: &str = "Id, Username, Name, Email, IsActive, LastLoginDate, ProfileId, Profile.Name";

/// The raw answer, by part.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Field names of PermissionSet in this org.
    pub permission_fields: Vec<String>,
    /// The user row, when the username exists.
    pub user: Option<Value>,
    /// The permission sets assigned to the user, every standard field.
    pub permission_sets: Vec<Value>,
    /// The user's `UserLogin` row (`IsFrozen`), or why it could not be read: the object needs
    /// Manage Users, and no recording confirms it, so its absence must not sink the diagnosis.
    pub user_login: Result<Option<Value>, String>,
    /// The connected app row, when installed.
    pub app: Option<Value>,
    /// `SetupEntityAccess` rows for connected apps on the user's permission sets.
    pub grants: Vec<Value>,
    /// The user's OAuth tokens (every app).
    pub tokens: Vec<Value>,
}

impl Snapshot {
    /// Reads the snapshot for `username` and the connected app `app_name` in one round trip.
    pub async fn read(client: &SalesforceClient, username: &str, app_name: &str) -> Result<Snapshot, Error> {
        let user = soql_string(username);
        let assigned = format!("SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = {user}");
        let user_ids = format!("SELECT Id FROM User WHERE Username = {user}");
        let parts = [
            ("describe", "sobjects/PermissionSet/describe".to_string()),
            ("user", query_path(&format!("SELECT {USER_FIELDS} FROM User WHERE Username = {user}"))),
            ("sets", query_path(&format!("SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Id IN ({assigned})"))),
            ("login", query_path(&format!("SELECT Id, UserId, IsFrozen FROM UserLogin WHERE UserId IN ({user_ids})"))),
            (
                "app",
                query_path(&format!(
                    "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Name = {}",
                    soql_string(app_name)
                )),
            ),
            (
                "grants",
                query_path(&format!(
                    "SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication' AND ParentId IN ({assigned})"
                )),
            ),
            (
                "tokens",
                query_path(&format!(
                    "SELECT Id, AppName, UserId, LastUsedDate, UseCount, CreatedDate FROM OauthToken WHERE User.Username = {user}"
                )),
            ),
        ];
        let mut answer = client.composite_read(&parts).await?;
        let mut take = |k: &str| answer.remove(k).unwrap_or(Ok(Value::Null));
        let describe = take("describe")?;
        let user_login = take("login").map(|body| records(&body).into_iter().next()).map_err(|e| e.to_string());
        Ok(Snapshot {
            permission_fields: describe["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect(),
            user: records(&take("user")?).into_iter().next(),
            permission_sets: records(&take("sets")?),
            user_login,
            app: records(&take("app")?).into_iter().next(),
            grants: records(&take("grants")?),
            tokens: records(&take("tokens")?),
        })
    }

    /// Whether this org's PermissionSet has the field.
    pub fn has_field(&self, field: &str) -> bool {
        self.permission_fields.iter().any(|f| f == field)
    }
}

/// User permissions read through the Metadata API from the user's profile and assigned
/// permission sets, for permissions this org has no PermissionSet field for.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataGrants {
    /// Not needed: every permission that matters has a field here.
    NotRead,
    /// What was read.
    Read {
        /// The profile's and permission sets' metadata, by full name.
        components: Vec<(MetadataKind, PermissionMetadata)>,
        /// Permission set groups among the assignments: their permissions are not read.
        groups: usize,
    },
    /// The Metadata API could not be read (its message), so these permissions are unknown.
    Unreadable(String),
}

impl MetadataGrants {
    /// Reads the metadata `names` would need, when `needed`: the profile's metadata name comes
    /// from listMetadata (System Administrator is `Admin`, not its label), the other sets'
    /// from their API name.
    pub async fn read(client: &SalesforceClient, snapshot: &Snapshot, needed: bool) -> MetadataGrants {
        if !needed {
            return MetadataGrants::NotRead;
        }
        match Self::read_components(client, snapshot).await {
            Ok(grants) => grants,
            Err(e) => MetadataGrants::Unreadable(e.to_string()),
        }
    }

    async fn read_components(client: &SalesforceClient, snapshot: &Snapshot) -> Result<MetadataGrants, Error> {
        let mut components = Vec::new();
        let profile_id = snapshot.user.as_ref().and_then(|u| u["ProfileId"].as_str()).unwrap_or_default();
        if !profile_id.is_empty() {
            let profiles = client.list_metadata(MetadataKind::Profile).await?;
            if let Some(listed) = profiles.iter().find(|p| same_id(&p.id, profile_id)) {
                for m in client
                    .read_permission_metadata(MetadataKind::Profile, std::slice::from_ref(&listed.full_name))
                    .await?
                {
                    components.push((MetadataKind::Profile, m));
                }
            }
        }
        let mut names = Vec::new();
        let mut groups = 0;
        for set in &snapshot.permission_sets {
            if set["IsOwnedByProfile"] == Value::Bool(true) {
                continue;
            }
            if set["Type"].as_str() == Some("Group") || !set["PermissionSetGroupId"].is_null() {
                groups += 1;
                continue;
            }
            names.push(metadata_name(set));
        }
        for m in client.read_permission_metadata(MetadataKind::PermissionSet, &names).await? {
            components.push((MetadataKind::PermissionSet, m));
        }
        Ok(MetadataGrants::Read { components, groups })
    }

    /// Whether any component grants `name`; `None` when it could not be read.
    pub fn grants(&self, name: &str) -> Option<bool> {
        match self {
            MetadataGrants::Read { components, .. } => Some(components.iter().any(|(_, m)| m.grants(name))),
            _ => None,
        }
    }

    /// Which components were read and what each says of `name`, for the evidence.
    pub fn evidence(&self, name: &str) -> String {
        match self {
            MetadataGrants::NotRead => String::new(),
            MetadataGrants::Unreadable(reason) => format!("Metadata API: {reason}"),
            MetadataGrants::Read { components, groups } => {
                let mut parts: Vec<String> = components
                    .iter()
                    .map(|(kind, m)| format!("{} {}: {name} = {}", kind.type_name(), m.full_name, m.grants(name)))
                    .collect();
                if *groups > 0 {
                    parts.push(format!("{groups} permission set group(s) not read"));
                }
                parts.join("; ")
            }
        }
    }
}

/// A permission set's metadata name: its API name, behind its namespace when it has one.
pub fn metadata_name(set: &Value) -> String {
    let name = set["Name"].as_str().unwrap_or_default();
    match set["NamespacePrefix"].as_str().filter(|n| !n.is_empty()) {
        Some(ns) => format!("{ns}__{name}"),
        None => name.to_string(),
    }
}

/// Whether two Salesforce ids name the same record (15- and 18-character forms agree).
pub fn same_id(a: &str, b: &str) -> bool {
    a.len() >= 15 && b.len() >= 15 && a[..15] == b[..15]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_and_ids_compare_in_both_lengths() {
        assert_eq!(soql_string("O'Brien\\x"), "'O\\'Brien\\\\x'");
        assert!(same_id("0PS5g00000GSPRF", "0PS5g00000GSPRFAAA"));
        assert!(!same_id("0PS5g00000GSPRF", "0PS5g00000GSPRG"));
        assert!(!same_id("", ""));
    }

    #[test]
    fn managed_permission_sets_are_named_with_their_namespace() {
        assert_eq!(
            metadata_name(&serde_json::json!({"Name": "Admin_Tools", "NamespacePrefix": "gsx"})),
            "gsx__Admin_Tools"
        );
        assert_eq!(metadata_name(&serde_json::json!({"Name": "Mine", "NamespacePrefix": null})), "Mine");
    }
}
