//! Diagnosis of the OAuth user: active, API Enabled, the Gainsight connected app installed,
//! pre-authorization when the app admits only approved users, Approve Uninstalled Connected
//! Apps when it is not installed, and a dedicated (not System Administrator) user. Effective
//! permissions are the union over every permission set assignment, the profile's own
//! permission set included; which permission fields exist is read from the org first.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::language::{text, Text};
use crate::oauth_user::snapshot::{same_id, soql_string, Snapshot, USER_FIELDS};
use crate::salesforce::client::SalesforceClient;

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
    /// The PermissionSet field.
    pub field: String,
    /// Its name in Setup.
    pub label: Text,
    /// When it is needed.
    pub needed: Needed,
    /// Whether a public document confirms the field name.
    pub confirmed: bool,
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
        assert_eq!(f.schema, 1, "permissions.json schema");
        f
    })
}

/// The permissions Reconnect checks.
pub fn permission_defs() -> &'static [PermissionDef] {
    &permission_file().permissions
}

/// The permission set the fix creates.
pub fn fix_permission_set() -> &'static PermissionSetDef {
    &permission_file().permission_set
}

/// The field names Reconnect reads.
pub const API_ENABLED: &str = "PermissionsApiEnabled";
/// Approve Uninstalled Connected Apps.
pub const APPROVE_UNINSTALLED: &str = "PermissionsApproveUninstalledConnectedApps";

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
    fn from_row(row: &Value) -> UserSummary {
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

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Blocks the connection.
    Fail,
    /// Works, but not as recommended.
    Warn,
    /// Does not apply to this org or user.
    NotApplicable,
}

/// One check, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Stable id (`active`, `api_enabled`, `app_installed`, `pre_authorized`,
    /// `approve_uninstalled`, `dedicated_user`).
    pub id: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What is checked.
    pub title: Text,
    /// What the outcome means and what to do.
    pub explanation: Text,
    /// What was found.
    pub evidence: String,
}

/// Everything the diagnosis found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The OAuth user.
    pub user: UserSummary,
    /// The connected app looked for.
    pub connected_app_name: String,
    /// The app, when installed.
    pub app: Option<InstalledApp>,
    /// Permission fields the org has (from describe).
    pub available_fields: Vec<String>,
    /// Effective value of each available field Reconnect knows.
    pub effective: BTreeMap<String, bool>,
    /// The user's permission sets (profile's included).
    pub permission_set_ids: Vec<String>,
    /// Whether one of them (or the profile) is granted the app, when that matters.
    pub pre_authorized: Option<bool>,
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
}

fn check(id: &str, status: CheckStatus, evidence: String, args: &[(&str, &str)]) -> Check {
    let (title, explanation) = match id {
        "active" => (
            text("check.active.title", &[]),
            text(if status == CheckStatus::Pass { "check.active.pass" } else { "check.active.fail" }, args),
        ),
        "api_enabled" => (
            text("check.api_enabled.title", &[]),
            text(
                match status {
                    CheckStatus::Pass => "check.api_enabled.pass",
                    CheckStatus::Fail => "check.api_enabled.fail",
                    _ => "check.field_missing",
                },
                args,
            ),
        ),
        "app_installed" => (
            text("check.app_installed.title", args),
            text(
                match status {
                    CheckStatus::Pass => "check.app_installed.pass",
                    CheckStatus::Warn => "check.app_installed.warn",
                    _ => "check.app_installed.fail",
                },
                args,
            ),
        ),
        "pre_authorized" => (
            text("check.pre_authorized.title", args),
            text(
                match status {
                    CheckStatus::Pass => "check.pre_authorized.pass",
                    CheckStatus::Fail => "check.pre_authorized.fail",
                    _ => "check.pre_authorized.na",
                },
                args,
            ),
        ),
        "approve_uninstalled" => (
            text("check.approve_uninstalled.title", &[]),
            text(
                match status {
                    CheckStatus::Pass => "check.approve_uninstalled.pass",
                    CheckStatus::Fail => "check.approve_uninstalled.fail",
                    _ => "check.approve_uninstalled.na",
                },
                args,
            ),
        ),
        _ => (
            text("check.dedicated_user.title", &[]),
            text(
                if status == CheckStatus::Warn { "check.dedicated_user.warn" } else { "check.dedicated_user.pass" },
                args,
            ),
        ),
    };
    Check { id: id.to_string(), status, title, explanation, evidence }
}

/// Diagnoses the user with `username` against the connected app `app_name`, in one round
/// trip.
pub async fn diagnose(client: &SalesforceClient, username: &str, app_name: &str) -> Result<Diagnosis, Error> {
    let snapshot = Snapshot::read(client, username, app_name).await?;
    Diagnosis::evaluate(&snapshot, username, app_name)
}

impl Diagnosis {
    /// Evaluates what a snapshot says, as Salesforce decides: effective permissions are the
    /// union over the assigned sets; only fields the org's describe lists are judged.
    pub fn evaluate(snapshot: &Snapshot, username: &str, app_name: &str) -> Result<Diagnosis, Error> {
        let user = snapshot
            .user
            .as_ref()
            .map(UserSummary::from_row)
            .ok_or_else(|| Error::UserNotFound { username: username.to_string() })?;
        let available: Vec<String> = permission_defs()
            .iter()
            .map(|d| d.field.clone())
            .filter(|f| snapshot.permission_fields.contains(f))
            .collect();
        let sets = &snapshot.permission_sets;
        let effective: BTreeMap<String, bool> =
            available.iter().map(|f| (f.clone(), sets.iter().any(|p| p[f.as_str()].as_bool() == Some(true)))).collect();
        let permission_set_ids: Vec<String> =
            sets.iter().filter_map(|p| p["Id"].as_str().map(str::to_string)).collect();
        let app = snapshot.app.as_ref().map(|a| InstalledApp {
            id: a["Id"].as_str().unwrap_or_default().to_string(),
            name: a["Name"].as_str().unwrap_or_default().to_string(),
            admin_approved_only: a["OptionsAllowAdminApprovedUsersOnly"].as_bool().unwrap_or(false),
        });
        let pre_authorized = match &app {
            Some(a) if a.admin_approved_only => Some(snapshot.grants.iter().any(|g| {
                g["SetupEntityId"].as_str().is_some_and(|e| same_id(e, &a.id))
                    && g["ParentId"].as_str().is_some_and(|p| permission_set_ids.iter().any(|id| same_id(id, p)))
            })),
            _ => None,
        };
        Ok(Self::judge(user, app_name, app, available, effective, permission_set_ids, pre_authorized))
    }

    fn judge(
        user: UserSummary,
        app_name: &str,
        app: Option<InstalledApp>,
        available: Vec<String>,
        effective: BTreeMap<String, bool>,
        permission_set_ids: Vec<String>,
        pre_authorized: Option<bool>,
    ) -> Diagnosis {
        let mut checks = Vec::new();
        let status = |ok: bool| if ok { CheckStatus::Pass } else { CheckStatus::Fail };
        let user_arg = [("user", user.username.as_str()), ("app", app_name)];
        checks.push(check("active", status(user.active), format!("IsActive = {}", user.active), &user_arg));
        checks.push(match effective.get(API_ENABLED) {
            Some(v) => check("api_enabled", status(*v), format!("{API_ENABLED} = {v}"), &user_arg),
            None => check(
                "api_enabled",
                CheckStatus::NotApplicable,
                format!("{API_ENABLED}: not in this org"),
                &[("field", API_ENABLED)],
            ),
        });
        let approved_anyway = effective.get(APPROVE_UNINSTALLED) == Some(&true);
        checks.push(check(
            "app_installed",
            match (&app, approved_anyway) {
                (Some(_), _) => CheckStatus::Pass,
                // The alternative path: the user may use the app uninstalled.
                (None, true) => CheckStatus::Warn,
                (None, false) => CheckStatus::Fail,
            },
            match &app {
                Some(a) => format!("ConnectedApplication {} ({})", a.name, a.id),
                None => format!("ConnectedApplication {app_name}: none"),
            },
            &user_arg,
        ));
        checks.push(match pre_authorized {
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
        checks.push(match (&app, effective.get(APPROVE_UNINSTALLED)) {
            (Some(_), _) => {
                check("approve_uninstalled", CheckStatus::NotApplicable, "the app is installed".into(), &user_arg)
            }
            (None, Some(v)) => {
                check("approve_uninstalled", status(*v), format!("{APPROVE_UNINSTALLED} = {v}"), &user_arg)
            }
            (None, None) => check(
                "approve_uninstalled",
                CheckStatus::Fail,
                format!("{APPROVE_UNINSTALLED}: not in this org"),
                &user_arg,
            ),
        });
        let sysadmin = user.profile.as_deref() == Some("System Administrator");
        checks.push(check(
            "dedicated_user",
            if sysadmin { CheckStatus::Warn } else { CheckStatus::Pass },
            format!("Profile = {}", user.profile.clone().unwrap_or_default()),
            &user_arg,
        ));
        Diagnosis {
            user,
            connected_app_name: app_name.to_string(),
            app,
            available_fields: available,
            effective,
            permission_set_ids,
            pre_authorized,
            checks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_file_loads() {
        assert!(permission_defs()
            .iter()
            .any(|d| d.field == APPROVE_UNINSTALLED && d.needed == Needed::WhenAppNotInstalled));
    }
}
