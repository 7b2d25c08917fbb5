//! Diagnosis of the OAuth user: active, not frozen, API Enabled, the Gainsight connected app
//! installed, pre-authorization when the app admits only approved users, Approve Uninstalled
//! Connected Apps when it is not installed, and a dedicated (not System Administrator) user.
//! Effective permissions are the union over every permission set assignment, the profile's own
//! permission set included. Which permission fields exist is read from the org first: a
//! permission with a field is read from the sets' rows, one without (Approve Uninstalled
//! Connected Apps in every org recorded so far) from the Metadata API's `userPermissions`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::language::{text, Text};
use crate::oauth_user::snapshot::{same_id, MetadataGrants, Snapshot, USER_FIELDS};
use reconnect_engine::check::{Check, CheckStatus};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;

/// When a permission is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Needed {
    /// Always.
    Always,
    /// Only when the Gainsight connected app is not installed.
    WhenAppNotInstalled,
    /// Shown for information.
    Never,
}

/// A user permission Reconnect knows, from `data/permissions.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PermissionDef {
    /// Stable id (`api_enabled`, `approve_uninstalled`, …).
    pub id: String,
    /// The PermissionSet field (REST), which an org may lack.
    pub field: String,
    /// The Metadata API `userPermissions` name.
    pub metadata: String,
    /// Its name in Setup.
    pub label: Text,
    /// When it is needed.
    pub needed: Needed,
    /// Whether a real describe lists the field.
    pub field_confirmed: bool,
    /// Where the names come from.
    pub source: String,
}

/// The permission set the fix creates, from `data/permissions.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PermissionSetDef {
    /// API name (unique in the org; how a rerun finds it).
    pub name: String,
    /// Label shown in Setup.
    pub label: String,
    /// Description shown in Setup.
    pub description: String,
}

#[derive(Deserialize)]
struct PermissionFile {
    schema: u32,
    permissions: Vec<PermissionDef>,
    permission_set: PermissionSetDef,
}

fn permission_file() -> &'static PermissionFile {
    static FILE: OnceLock<PermissionFile> = OnceLock::new();
    FILE.get_or_init(|| {
        let f: PermissionFile = serde_json::from_str(include_str!("../../data/permissions.json"))
            .expect("permissions.json is checked by a unit test");
        assert_eq!(f.schema, 2, "permissions.json schema");
        f
    })
}

/// The permissions Reconnect checks.
pub fn permission_defs() -> &'static [PermissionDef] {
    &permission_file().permissions
}

/// The permission with `id`.
pub fn permission_def(id: &str) -> &'static PermissionDef {
    permission_defs().iter().find(|d| d.id == id).unwrap_or_else(|| panic!("permissions.json lists {id}"))
}

/// The permission set the fix creates.
pub fn fix_permission_set() -> &'static PermissionSetDef {
    &permission_file().permission_set
}

/// How a permission is read and granted in this org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionPath {
    /// Through its PermissionSet field, which this org's describe lists.
    Field,
    /// Through the Metadata API's `userPermissions`, because this org has no such field.
    Metadata,
}

/// What the diagnosis found about one permission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermissionState {
    /// The permission's id in `permissions.json`.
    pub id: String,
    /// Its Setup label.
    pub label: Text,
    /// Its PermissionSet field name.
    pub field: String,
    /// Its Metadata API name.
    pub metadata: String,
    /// How it is read and granted here.
    pub path: PermissionPath,
    /// Whether the user has it; `None` when the Metadata API could not be read.
    pub granted: Option<bool>,
    /// Whether the connection needs it.
    pub needed: bool,
}

/// A user, as the wizard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    /// The user's id.
    pub id: String,
    /// Username.
    pub username: String,
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Active or not.
    pub active: bool,
    /// Last login time, as Salesforce gives it.
    pub last_login: Option<String>,
    /// The profile's name.
    pub profile: Option<String>,
}

impl UserSummary {
    pub(crate) fn from_row(row: &Value) -> UserSummary {
        let s = |k: &str| row[k].as_str().unwrap_or_default().to_string();
        UserSummary {
            id: s("Id"),
            username: s("Username"),
            name: s("Name"),
            email: s("Email"),
            active: row["IsActive"].as_bool().unwrap_or(false),
            last_login: row["LastLoginDate"].as_str().map(str::to_string),
            profile: row["Profile"]["Name"].as_str().map(str::to_string),
        }
    }
}

/// Finds users by name, username or email (at most 20).
pub async fn find_users(client: &SalesforceClient, search: &str) -> Result<Vec<UserSummary>, Error> {
    let like = soql_string(&format!("%{}%", search.trim().replace(['%', '_'], "")));
    let rows: Vec<Value> = client
        .query(&format!(
            "SELECT {USER_FIELDS} FROM User WHERE Username LIKE {like} OR Name LIKE {like} OR Email LIKE {like} ORDER BY Username LIMIT 20"
        ))
        .await?;
    Ok(rows.iter().map(UserSummary::from_row).collect())
}

/// The Gainsight connected app as installed in the org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstalledApp {
    /// Its id.
    pub id: String,
    /// Its name (e.g. `GAINSIGHTCSUS`).
    pub name: String,
    /// "Admin approved users are pre-authorized".
    pub admin_approved_only: bool,
}

/// Whether the user is frozen (`UserLogin.IsFrozen`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Frozen {
    /// Not frozen.
    No,
    /// Frozen; unfreezing patches this `UserLogin` row.
    Yes {
        /// The `UserLogin` id.
        user_login: String,
    },
    /// Could not be read (the org's answer).
    Unknown {
        /// Why.
        reason: String,
    },
}

/// Everything the diagnosis found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// The OAuth user.
    pub user: UserSummary,
    /// The connected app looked for.
    pub connected_app_name: String,
    /// The app, when installed.
    pub app: Option<InstalledApp>,
    /// Each permission Reconnect knows: how it is read here and whether the user has it.
    pub permissions: Vec<PermissionState>,
    /// The user's permission sets (profile's included).
    pub permission_set_ids: Vec<String>,
    /// Whether one of them (or the profile) is granted the app, when that matters.
    pub pre_authorized: Option<bool>,
    /// Whether the user is frozen.
    pub frozen: Frozen,
    /// The checks.
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// Whether nothing blocks the connection.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// The check with `id`.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The permission with `id`.
    pub fn permission(&self, id: &str) -> Option<&PermissionState> {
        self.permissions.iter().find(|p| p.id == id)
    }
}

fn check(id: &str, status: CheckStatus, evidence: String, args: &[(&str, &str)]) -> Check {
    let outcome = match status {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::Warn => "warn",
        CheckStatus::NotApplicable => "na",
    };
    Check {
        id: id.to_string(),
        status,
        title: text(&format!("check.{id}.title"), args),
        explanation: text(&format!("check.{id}.{outcome}"), args),
        evidence,
    }
}

/// Diagnoses the user with `username` against the connected app `app_name`: one composite
/// round trip, and the Metadata API only where a needed permission has no field here.
pub async fn diagnose(client: &SalesforceClient, username: &str, app_name: &str) -> Result<Diagnosis, Error> {
    let snapshot = Snapshot::read(client, username, app_name).await?;
    let metadata = MetadataGrants::read(client, &snapshot, metadata_needed(&snapshot)).await;
    Diagnosis::evaluate(&snapshot, &metadata, username, app_name)
}

/// Whether a permission the connection needs has no PermissionSet field in this org.
pub fn metadata_needed(snapshot: &Snapshot) -> bool {
    permission_defs().iter().any(|d| needed(d, snapshot.app.is_some()) && !snapshot.has_field(&d.field))
}

fn needed(def: &PermissionDef, app_installed: bool) -> bool {
    match def.needed {
        Needed::Always => true,
        Needed::WhenAppNotInstalled => !app_installed,
        Needed::Never => false,
    }
}

impl Diagnosis {
    /// Evaluates what a snapshot (and, where read, the metadata) says, as Salesforce decides:
    /// effective permissions are the union over the assigned sets and the profile.
    pub fn evaluate(
        snapshot: &Snapshot,
        metadata: &MetadataGrants,
        username: &str,
        app_name: &str,
    ) -> Result<Diagnosis, Error> {
        let user = snapshot
            .user
            .as_ref()
            .map(UserSummary::from_row)
            .ok_or_else(|| reconnect_engine::Error::UserNotFound { username: username.to_string() })?;
        let sets = &snapshot.permission_sets;
        let app = snapshot.app.as_ref().map(|a| InstalledApp {
            id: a["Id"].as_str().unwrap_or_default().to_string(),
            name: a["Name"].as_str().unwrap_or_default().to_string(),
            admin_approved_only: a["OptionsAllowAdminApprovedUsersOnly"].as_bool().unwrap_or(false),
        });
        let permissions: Vec<PermissionState> = permission_defs()
            .iter()
            .map(|d| {
                let (path, granted) = if snapshot.has_field(&d.field) {
                    (PermissionPath::Field, Some(sets.iter().any(|p| p[d.field.as_str()].as_bool() == Some(true))))
                } else {
                    (PermissionPath::Metadata, metadata.grants(&d.metadata))
                };
                PermissionState {
                    id: d.id.clone(),
                    label: d.label.clone(),
                    field: d.field.clone(),
                    metadata: d.metadata.clone(),
                    path,
                    granted,
                    needed: needed(d, app.is_some()),
                }
            })
            .collect();
        let permission_set_ids: Vec<String> =
            sets.iter().filter_map(|p| p["Id"].as_str().map(str::to_string)).collect();
        let pre_authorized = match &app {
            Some(a) if a.admin_approved_only => Some(snapshot.grants.iter().any(|g| {
                g["SetupEntityId"].as_str().is_some_and(|e| same_id(e, &a.id))
                    && g["ParentId"].as_str().is_some_and(|p| permission_set_ids.iter().any(|id| same_id(id, p)))
            })),
            _ => None,
        };
        let frozen = match &snapshot.user_login {
            Ok(Some(row)) if row["IsFrozen"] == Value::Bool(true) => {
                Frozen::Yes { user_login: row["Id"].as_str().unwrap_or_default().to_string() }
            }
            Ok(_) => Frozen::No,
            Err(reason) => Frozen::Unknown { reason: reason.clone() },
        };
        let mut d = Diagnosis {
            user,
            connected_app_name: app_name.to_string(),
            app,
            permissions,
            permission_set_ids,
            pre_authorized,
            frozen,
            checks: Vec::new(),
        };
        d.checks = d.judge(metadata);
        Ok(d)
    }

    fn judge(&self, metadata: &MetadataGrants) -> Vec<Check> {
        let mut checks = Vec::new();
        let status = |ok: bool| if ok { CheckStatus::Pass } else { CheckStatus::Fail };
        let user = self.user.username.as_str();
        let app_name = self.connected_app_name.as_str();
        let user_arg = [("user", user), ("app", app_name)];
        checks.push(check("active", status(self.user.active), format!("IsActive = {}", self.user.active), &user_arg));
        checks.push(match &self.frozen {
            Frozen::No => check("not_frozen", CheckStatus::Pass, "UserLogin.IsFrozen = false".into(), &user_arg),
            Frozen::Yes { user_login } => {
                check("not_frozen", CheckStatus::Fail, format!("UserLogin {user_login}: IsFrozen = true"), &user_arg)
            }
            Frozen::Unknown { reason } => {
                check("not_frozen", CheckStatus::Warn, format!("UserLogin: {reason}"), &user_arg)
            }
        });
        let api = self.permission("api_enabled").expect("permissions.json lists api_enabled");
        checks.push(match api.granted {
            Some(v) => check("api_enabled", status(v), format!("{} = {v}", api.field), &user_arg),
            None => check("api_enabled", CheckStatus::Warn, metadata.evidence(&api.metadata), &user_arg),
        });
        let approve = self.permission("approve_uninstalled").expect("permissions.json lists approve_uninstalled");
        let names = [
            ("user", user),
            ("app", app_name),
            ("field", approve.field.as_str()),
            ("metadata", approve.metadata.as_str()),
        ];
        let approved_anyway = approve.granted == Some(true);
        checks.push(check(
            "app_installed",
            match (&self.app, approved_anyway) {
                (Some(_), _) => CheckStatus::Pass,
                // The alternative path: the user may use the app uninstalled.
                (None, true) => CheckStatus::Warn,
                (None, false) => CheckStatus::Fail,
            },
            match &self.app {
                Some(a) => format!("ConnectedApplication {} ({})", a.name, a.id),
                None => format!("ConnectedApplication {app_name}: none"),
            },
            &user_arg,
        ));
        checks.push(match self.pre_authorized {
            Some(p) => check(
                "pre_authorized",
                status(p),
                format!("SetupEntityAccess for the user's permission sets: {p}"),
                &user_arg,
            ),
            None => check(
                "pre_authorized",
                CheckStatus::NotApplicable,
                "OptionsAllowAdminApprovedUsersOnly = false or app missing".into(),
                &user_arg,
            ),
        });
        checks.push(if self.app.is_some() {
            check("approve_uninstalled", CheckStatus::NotApplicable, "the app is installed".into(), &names)
        } else {
            let mut c = match approve.granted {
                Some(v) => check("approve_uninstalled", status(v), approve_evidence(approve, metadata), &names),
                None => check("approve_uninstalled", CheckStatus::Warn, approve_evidence(approve, metadata), &names),
            };
            // Which path was used, and why, in the admin's words.
            let path = match approve.path {
                PermissionPath::Field => text("check.permission_path.field", &names),
                PermissionPath::Metadata => text("check.permission_path.metadata", &names),
            };
            c.explanation = c.explanation.then(path);
            c
        });
        let sysadmin = self.user.profile.as_deref() == Some("System Administrator");
        checks.push(check(
            "dedicated_user",
            if sysadmin { CheckStatus::Warn } else { CheckStatus::Pass },
            format!("Profile = {}", self.user.profile.clone().unwrap_or_default()),
            &user_arg,
        ));
        checks
    }
}

fn approve_evidence(p: &PermissionState, metadata: &MetadataGrants) -> String {
    match p.path {
        PermissionPath::Field => format!("{} = {}", p.field, p.granted.unwrap_or(false)),
        PermissionPath::Metadata => format!(
            "PermissionSet describe has no {}; userPermissions {} through the Metadata API: {}",
            p.field,
            p.metadata,
            metadata.evidence(&p.metadata)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_file_names_both_forms_and_marks_the_unconfirmed_field() {
        let approve = permission_def("approve_uninstalled");
        assert_eq!(approve.metadata, "CanApproveUninstalledApps");
        assert_eq!(approve.field, "PermissionsCanApproveUninstalledApps");
        assert!(!approve.field_confirmed);
        assert_eq!(approve.needed, Needed::WhenAppNotInstalled);
        for d in permission_defs() {
            assert_eq!(d.field, format!("Permissions{}", d.metadata), "{}", d.id);
            assert!(!d.source.is_empty());
        }
    }

    #[test]
    fn every_confirmed_field_is_in_the_recorded_describe() {
        let recorded: serde_json::Value =
            serde_json::from_str(include_str!("../../../../../corpus/salesforce/describe-permissionset.json")).unwrap();
        let fields: Vec<&str> = recorded["response"]["body"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        for d in permission_defs() {
            assert_eq!(fields.contains(&d.field.as_str()), d.field_confirmed, "{}", d.field);
        }
    }
}
