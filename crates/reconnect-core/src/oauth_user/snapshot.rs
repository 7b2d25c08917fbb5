//! Everything about the OAuth user that diagnosis and verification read, fetched in one
//! composite round trip: PermissionSet's describe (which permission fields this org has), the
//! user, the permission sets assigned to them (profile's own set included), the Gainsight
//! connected app, the app grants on those sets, and the user's OAuth tokens.

use serde_json::Value;

use crate::error::Error;
use crate::salesforce::client::{query_path, records, SalesforceClient};

/// Quotes text for a SOQL string literal.
pub fn soql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The user fields Reconnect shows.
pub const USER_FIELDS: &str = "Id, Username, Name, Email, IsActive, LastLoginDate, Profile.Name";

/// The raw answer, by part.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Field names of PermissionSet in this org.
    pub permission_fields: Vec<String>,
    /// The user row, when the username exists.
    pub user: Option<Value>,
    /// The permission sets assigned to the user, every standard field.
    pub permission_sets: Vec<Value>,
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
        let parts = [
            ("describe", "sobjects/PermissionSet/describe".to_string()),
            ("user", query_path(&format!("SELECT {USER_FIELDS} FROM User WHERE Username = {user}"))),
            ("sets", query_path(&format!("SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Id IN ({assigned})"))),
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
        let mut take = |k: &str| answer.remove(k).unwrap_or(Value::Null);
        let describe = take("describe");
        Ok(Snapshot {
            permission_fields: describe["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect(),
            user: records(&take("user")).into_iter().next(),
            permission_sets: records(&take("sets")),
            app: records(&take("app")).into_iter().next(),
            grants: records(&take("grants")),
            tokens: records(&take("tokens")),
        })
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
}
