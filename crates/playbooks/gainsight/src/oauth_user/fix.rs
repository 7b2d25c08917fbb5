//! The fix for Gainsight's OAuth user: unfreeze it if Salesforce froze it, and a permission
//! set named for its purpose holding only the missing permissions, assigned to the user, and
//! granted the connected app when the app admits only approved users. Permissions this org has
//! a PermissionSet field for are set through REST; one it lacks a field for (Approve
//! Uninstalled Connected Apps, in every org recorded so far) makes the set be created through
//! the Metadata API with that `userPermissions` entry. The plan is shown before anything
//! changes; applying it writes every step to the journal before and after it happens, so a
//! failure halfway leaves a true record that a rerun finishes and undo reverses. A second run
//! plans nothing.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Error;
use crate::language::{text, text_localized, Text};
use crate::oauth_user::diagnosis::{
    diagnose, fix_permission_set, Diagnosis, Frozen, InstalledApp, PermissionPath, UserSummary,
};
use crate::oauth_user::snapshot::same_id;
use reconnect_engine::clock::Clock;
use reconnect_engine::journal::{Event, Journal, RunLog, Via};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::metadata::{MetadataKind, PermissionSetSpec, UserPermission};
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::salesforce_id::SalesforceId;
use reconnect_engine::write::{create, update, updated};
use reconnect_engine::Error as EngineError;

/// Which permission set a step works on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "set", rename_all = "snake_case")]
pub enum SetRef {
    /// The one this plan creates.
    New,
    /// One that exists (created by an earlier run).
    Existing {
        /// Its id.
        id: String,
    },
}

/// One change to the org.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// Unfreeze the user (`UserLogin.IsFrozen` to false).
    Unfreeze {
        /// The `UserLogin` row.
        user_login: String,
    },
    /// Create the permission set with the missing permissions, through REST.
    CreatePermissionSet {
        /// API name.
        name: String,
        /// Label.
        label: String,
        /// Description.
        description: String,
        /// Permission fields set to true.
        permissions: Vec<String>,
    },
    /// Create the permission set through the Metadata API, for permissions this org has no
    /// field for.
    CreatePermissionSetMetadata {
        /// API name (the metadata full name).
        name: String,
        /// Label.
        label: String,
        /// Description.
        description: String,
        /// `userPermissions` names turned on.
        user_permissions: Vec<String>,
    },
    /// Turn on permission fields in Reconnect's existing permission set.
    AddPermissions {
        /// The set's id.
        id: String,
        /// Permission fields set to true.
        permissions: Vec<String>,
    },
    /// Turn on `userPermissions` in Reconnect's existing permission set, through the Metadata
    /// API (the ones it already has are sent again, as the update replaces the set).
    AddUserPermissions {
        /// The set's id.
        id: String,
        /// Its metadata name.
        name: String,
        /// Label, kept.
        label: String,
        /// Description, kept.
        description: String,
        /// `userPermissions` names turned on.
        user_permissions: Vec<String>,
        /// Those it already has, kept on.
        kept: Vec<String>,
    },
    /// Assign the permission set to the user.
    Assign {
        /// The set.
        permission_set: SetRef,
        /// The user's id.
        user_id: String,
    },
    /// Grant the connected app to the permission set (pre-authorization).
    GrantApp {
        /// The set.
        permission_set: SetRef,
        /// The connected app's id.
        app_id: String,
    },
}

/// A change as the preview shows it: the object, what happens, and every field and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewRow {
    /// The Salesforce object.
    pub object: String,
    /// What happens, in both languages.
    pub action: Text,
    /// Field and value pairs.
    pub fields: Vec<(String, String)>,
}

impl Change {
    /// The object the change writes.
    pub fn object(&self) -> &'static str {
        match self {
            Change::Unfreeze { .. } => "UserLogin",
            Change::CreatePermissionSet { .. }
            | Change::CreatePermissionSetMetadata { .. }
            | Change::AddPermissions { .. }
            | Change::AddUserPermissions { .. } => "PermissionSet",
            Change::Assign { .. } => "PermissionSetAssignment",
            Change::GrantApp { .. } => "SetupEntityAccess",
        }
    }

    /// What the preview shows.
    pub fn preview(&self, set_name: &str) -> PreviewRow {
        let set = |r: &SetRef| match r {
            SetRef::New => format!("{set_name} (new)"),
            SetRef::Existing { id } => format!("{set_name} ({id})"),
        };
        let named = |name: &String, label: &String, description: &String| {
            vec![
                ("Name".to_string(), name.clone()),
                ("Label".into(), label.clone()),
                ("Description".into(), description.clone()),
            ]
        };
        let (action, fields): (Text, Vec<(String, String)>) = match self {
            Change::Unfreeze { user_login } => (
                text("fix.action.unfreeze", &[]),
                vec![("Id".into(), user_login.clone()), ("IsFrozen".into(), "true → false".into())],
            ),
            Change::CreatePermissionSet { name, label, description, permissions } => (
                text("fix.action.create_set", &[]),
                named(name, label, description)
                    .into_iter()
                    .chain(permissions.iter().map(|p| (p.clone(), "true".to_string())))
                    .collect(),
            ),
            Change::CreatePermissionSetMetadata { name, label, description, user_permissions } => (
                text("fix.action.create_set_metadata", &[]),
                named(name, label, description)
                    .into_iter()
                    .chain(user_permissions.iter().map(|p| (format!("userPermissions {p}"), "true".to_string())))
                    .collect(),
            ),
            Change::AddPermissions { id, permissions } => (
                text("fix.action.add_permissions", &[]),
                std::iter::once(("Id".to_string(), id.clone()))
                    .chain(permissions.iter().map(|p| (p.clone(), "false → true".to_string())))
                    .collect(),
            ),
            Change::AddUserPermissions { id, name, user_permissions, .. } => (
                text("fix.action.add_user_permissions", &[]),
                [("Id".to_string(), id.clone()), ("Name".to_string(), name.clone())]
                    .into_iter()
                    .chain(
                        user_permissions.iter().map(|p| (format!("userPermissions {p}"), "false → true".to_string())),
                    )
                    .collect(),
            ),
            Change::Assign { permission_set, user_id } => (
                text("fix.action.assign", &[]),
                vec![("AssigneeId".into(), user_id.clone()), ("PermissionSetId".into(), set(permission_set))],
            ),
            Change::GrantApp { permission_set, app_id } => (
                text("fix.action.grant_app", &[]),
                vec![
                    ("ParentId".into(), set(permission_set)),
                    ("SetupEntityId".into(), app_id.clone()),
                    ("SetupEntityType".into(), "ConnectedApplication".into()),
                ],
            ),
        };
        PreviewRow { object: self.object().to_string(), action, fields }
    }

    fn creates_the_set(&self) -> bool {
        matches!(self, Change::CreatePermissionSet { .. } | Change::CreatePermissionSetMetadata { .. })
    }
}

/// What the fix will do, computed from the org as it is now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixPlan {
    /// The org's id.
    pub org_id: String,
    /// The OAuth user.
    pub user: UserSummary,
    /// The connected app, when installed.
    pub app: Option<InstalledApp>,
    /// The permission set's API name.
    pub permission_set_name: String,
    /// The changes, in order; empty when nothing is missing.
    pub changes: Vec<Change>,
    /// Problems a permission set cannot solve, explained.
    pub cannot_fix: Vec<Text>,
}

impl FixPlan {
    /// The preview rows.
    pub fn preview(&self) -> Vec<PreviewRow> {
        self.changes.iter().map(|c| c.preview(&self.permission_set_name)).collect()
    }
}

/// Plans the fix for `username`: what is missing, against Reconnect's permission set if an
/// earlier run created it.
pub async fn plan(
    client: &SalesforceClient,
    org_id: &SalesforceId,
    username: &str,
    app_name: &str,
) -> Result<(Diagnosis, FixPlan), Error> {
    let d = diagnose(client, username, app_name).await?;
    let def = fix_permission_set();
    let mut cannot_fix = Vec::new();
    if !d.user.active {
        cannot_fix.push(text("fix.inactive", &[("user", &d.user.username)]));
    }
    let mut changes = Vec::new();
    if let Frozen::Yes { user_login } = &d.frozen {
        changes.push(Change::Unfreeze { user_login: user_login.clone() });
    }
    let missing: Vec<_> = d.permissions.iter().filter(|p| p.needed && p.granted == Some(false)).collect();
    for unread in d.permissions.iter().filter(|p| p.needed && p.granted.is_none()) {
        cannot_fix.push(text_localized(
            "fix.permission_unread",
            &[("metadata", &unread.metadata)],
            &[("label", &unread.label)],
        ));
    }
    let by_field: Vec<String> =
        missing.iter().filter(|p| p.path == PermissionPath::Field).map(|p| p.field.clone()).collect();
    let by_metadata: Vec<String> =
        missing.iter().filter(|p| p.path == PermissionPath::Metadata).map(|p| p.metadata.clone()).collect();
    let needs_grant = d.pre_authorized == Some(false);
    if !missing.is_empty() || needs_grant {
        let ours: Option<Value> = client
            .query::<Value>(&format!(
                "SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Name = {}",
                soql_string(&def.name)
            ))
            .await?
            .into_iter()
            .next();
        match ours {
            None => {
                if by_metadata.is_empty() {
                    changes.push(Change::CreatePermissionSet {
                        name: def.name.clone(),
                        label: def.label.clone(),
                        description: def.description.clone(),
                        permissions: by_field,
                    });
                } else {
                    // Metadata can also name the permissions that have fields, so one create
                    // through the Metadata API holds them all.
                    let all = missing.iter().map(|p| p.metadata.clone()).collect();
                    changes.push(Change::CreatePermissionSetMetadata {
                        name: def.name.clone(),
                        label: def.label.clone(),
                        description: def.description.clone(),
                        user_permissions: all,
                    });
                }
                changes.push(Change::Assign { permission_set: SetRef::New, user_id: d.user.id.clone() });
                if let (true, Some(app)) = (needs_grant, &d.app) {
                    changes.push(Change::GrantApp { permission_set: SetRef::New, app_id: app.id.clone() });
                }
            }
            Some(set) => {
                let id = set["Id"].as_str().unwrap_or_default().to_string();
                let lacking: Vec<String> =
                    by_field.into_iter().filter(|f| set[f.as_str()].as_bool() != Some(true)).collect();
                if !lacking.is_empty() {
                    changes.push(Change::AddPermissions { id: id.clone(), permissions: lacking });
                }
                if !by_metadata.is_empty() {
                    let read = client
                        .read_permission_metadata(MetadataKind::PermissionSet, std::slice::from_ref(&def.name))
                        .await?;
                    let current = read.into_iter().next();
                    let kept: Vec<String> = current
                        .as_ref()
                        .map(|m| m.user_permissions.iter().filter(|p| p.enabled).map(|p| p.name.clone()).collect())
                        .unwrap_or_default();
                    let adding: Vec<String> = by_metadata.into_iter().filter(|n| !kept.contains(n)).collect();
                    if !adding.is_empty() {
                        changes.push(Change::AddUserPermissions {
                            id: id.clone(),
                            name: def.name.clone(),
                            label: current.as_ref().and_then(|m| m.label.clone()).unwrap_or_else(|| def.label.clone()),
                            description: current
                                .as_ref()
                                .and_then(|m| m.description.clone())
                                .unwrap_or_else(|| def.description.clone()),
                            user_permissions: adding,
                            kept,
                        });
                    }
                }
                if !d.permission_set_ids.iter().any(|p| same_id(p, &id)) {
                    changes.push(Change::Assign {
                        permission_set: SetRef::Existing { id: id.clone() },
                        user_id: d.user.id.clone(),
                    });
                }
                if let (true, Some(app)) = (needs_grant, &d.app) {
                    let granted: Vec<Value> = client
                        .query(&format!(
                            "SELECT Id FROM SetupEntityAccess WHERE ParentId = {} AND SetupEntityId = {}",
                            soql_string(&id),
                            soql_string(&app.id)
                        ))
                        .await?;
                    if granted.is_empty() {
                        changes
                            .push(Change::GrantApp { permission_set: SetRef::Existing { id }, app_id: app.id.clone() });
                    }
                }
            }
        }
    }
    let plan = FixPlan {
        org_id: org_id.to_string(),
        user: d.user.clone(),
        app: d.app.clone(),
        permission_set_name: def.name.clone(),
        changes,
        cannot_fix,
    };
    Ok((d, plan))
}

/// One step that went through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    /// The change.
    pub change: Change,
    /// The record written.
    pub record: String,
}

/// What applying a plan did.
#[derive(Debug, Serialize)]
pub struct FixOutcome {
    /// The run's id in the journal.
    pub run: String,
    /// Steps that went through, in order.
    pub applied: Vec<Applied>,
    /// The step that failed and why; later steps were not tried.
    #[serde(skip)]
    pub failure: Option<(Change, Error)>,
}

fn as_map(pairs: Vec<(&str, Value)>) -> BTreeMap<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Applies a plan step by step, journaling each step before and after.
pub async fn apply(
    client: &SalesforceClient,
    plan: &FixPlan,
    journal: &Journal,
    clock: &dyn Clock,
    by: &str,
) -> Result<FixOutcome, Error> {
    let mut log = RunLog::new(journal, clock, crate::ID, &plan.org_id, by);
    log.user = Some(plan.user.id.clone());
    let mut outcome = FixOutcome { run: log.run.clone(), applied: Vec::new(), failure: None };
    let mut new_set: Option<String> = None;
    for (i, change) in plan.changes.iter().enumerate() {
        let step = i as u32 + 1;
        let set_id = |r: &SetRef| match r {
            SetRef::New => new_set.clone().unwrap_or_default(),
            SetRef::Existing { id } => id.clone(),
        };
        let object = change.object();
        let result = match change {
            Change::Unfreeze { user_login } => {
                let after = as_map(vec![("IsFrozen", json!(false))]);
                let before = as_map(vec![("IsFrozen", json!(true))]);
                update(client, &log, step, object, user_login, after, before).await
            }
            Change::CreatePermissionSet { name, label, description, permissions } => {
                let mut fields =
                    as_map(vec![("Name", json!(name)), ("Label", json!(label)), ("Description", json!(description))]);
                fields.extend(permissions.iter().map(|p| (p.clone(), json!(true))));
                let key = as_map(vec![("Name", json!(name))]);
                create(client, &log, step, object, key, fields).await
            }
            Change::CreatePermissionSetMetadata { name, label, description, user_permissions } => {
                let spec = PermissionSetSpec {
                    full_name: name.clone(),
                    label: label.clone(),
                    description: description.clone(),
                    user_permissions: user_permissions
                        .iter()
                        .map(|n| UserPermission { name: n.clone(), enabled: true })
                        .collect(),
                };
                create_through_metadata(client, &log, step, &spec).await
            }
            Change::AddPermissions { id, permissions } => {
                let after: BTreeMap<String, Value> = permissions.iter().map(|p| (p.clone(), json!(true))).collect();
                let before: BTreeMap<String, Value> = permissions.iter().map(|p| (p.clone(), json!(false))).collect();
                update(client, &log, step, object, id, after, before).await
            }
            Change::AddUserPermissions { id, name, label, description, user_permissions, kept } => {
                let spec = PermissionSetSpec {
                    full_name: name.clone(),
                    label: label.clone(),
                    description: description.clone(),
                    user_permissions: kept
                        .iter()
                        .chain(user_permissions)
                        .map(|n| UserPermission { name: n.clone(), enabled: true })
                        .collect(),
                };
                let after: BTreeMap<String, Value> =
                    user_permissions.iter().map(|p| (p.clone(), json!(true))).collect();
                let before: BTreeMap<String, Value> =
                    user_permissions.iter().map(|p| (p.clone(), json!(false))).collect();
                update_through_metadata(client, &log, step, id, &spec, after, before).await
            }
            Change::Assign { permission_set, user_id } => {
                let set = set_id(permission_set);
                let fields = as_map(vec![("AssigneeId", json!(user_id)), ("PermissionSetId", json!(set))]);
                create(client, &log, step, object, fields.clone(), fields).await
            }
            Change::GrantApp { permission_set, app_id } => {
                let set = set_id(permission_set);
                let key = as_map(vec![("ParentId", json!(set)), ("SetupEntityId", json!(app_id))]);
                let mut fields = key.clone();
                fields.insert("SetupEntityType".into(), json!("ConnectedApplication"));
                create(client, &log, step, object, key, fields).await
            }
        };
        match result {
            Ok(record) => {
                if change.creates_the_set() {
                    new_set = Some(record.clone());
                }
                outcome.applied.push(Applied { change: change.clone(), record });
            }
            Err(e) => {
                outcome.failure = Some((change.clone(), e.into()));
                break;
            }
        }
    }
    Ok(outcome)
}

/// Updates Reconnect's permission set through the Metadata API with journal entries around it.
async fn update_through_metadata(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    id: &str,
    spec: &PermissionSetSpec,
    after: BTreeMap<String, Value>,
    before: BTreeMap<String, Value>,
) -> Result<String, EngineError> {
    let key = as_map(vec![("Name", json!(spec.full_name))]);
    log.write(step, Event::Intent, "PermissionSet", |e| {
        e.record = Some(id.to_string());
        e.key = key.clone();
        e.fields = after.clone();
        e.before = before.clone();
        e.via = Via::Metadata;
    })?;
    let result = client.update_permission_set(spec).await;
    updated(log, step, "PermissionSet", id, key, after, before, Via::Metadata, result)
}

/// Creates Reconnect's permission set through the Metadata API, then finds its record id by
/// name (the Metadata API answers with the name only). A create whose outcome is unknown, or
/// whose id cannot be read, is journaled as maybe applied: undo finds it by its name.
async fn create_through_metadata(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    spec: &PermissionSetSpec,
) -> Result<String, EngineError> {
    let key = as_map(vec![("Name", json!(spec.full_name))]);
    let fields: BTreeMap<String, Value> =
        spec.user_permissions.iter().map(|p| (p.name.clone(), json!(p.enabled))).collect();
    log.write(step, Event::Intent, "PermissionSet", |e| {
        e.key = key.clone();
        e.fields = fields.clone();
        e.via = Via::Metadata;
    })?;
    if let Err(err) = client.create_permission_set(spec).await {
        log.failed(step, "PermissionSet", &err)?;
        return Err(err);
    }
    let found: Result<Vec<Value>, EngineError> =
        client.query(&format!("SELECT Id FROM PermissionSet WHERE Name = {}", soql_string(&spec.full_name))).await;
    match found.map(|rows| rows.first().and_then(|r| r["Id"].as_str()).map(str::to_string)) {
        Ok(Some(id)) => {
            log.write(step, Event::Created, "PermissionSet", |e| {
                e.record = Some(id.clone());
                e.key = key;
                e.via = Via::Metadata;
            })?;
            Ok(id)
        }
        Ok(None) => {
            let err = EngineError::UnexpectedResponse {
                what: format!("PermissionSet {} not found after its create", spec.full_name),
            };
            log.write(step, Event::Failed, "PermissionSet", |e| {
                e.error = Some(err.to_string());
                e.maybe_applied = true;
            })?;
            Err(err)
        }
        Err(err) => {
            log.write(step, Event::Failed, "PermissionSet", |e| {
                e.error = Some(err.to_string());
                e.maybe_applied = true;
            })?;
            Err(err)
        }
    }
}
