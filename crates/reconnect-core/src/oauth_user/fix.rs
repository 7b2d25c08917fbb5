//! The fix for Gainsight's OAuth user: a permission set named for its purpose holding only the
//! missing permissions, assigned to the user, and granted the connected app when the app
//! admits only approved users. The plan is shown before anything changes; applying it writes
//! every step to the journal before and after it happens, so a failure halfway leaves a true
//! record that a rerun finishes and undo reverses. A second run plans nothing.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::error::Error;
use crate::journal::{new_run_id, Entry, Event, Journal};
use crate::language::{text, Text};
use crate::oauth_user::diagnosis::{
    diagnose, fix_permission_set, permission_defs, Diagnosis, InstalledApp, Needed, UserSummary,
};
use crate::oauth_user::snapshot::{same_id, soql_string};
use crate::salesforce::client::SalesforceClient;
use crate::salesforce_id::SalesforceId;

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
    /// Create the permission set with the missing permissions.
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
    /// Turn on permissions in Reconnect's existing permission set.
    AddPermissions {
        /// The set's id.
        id: String,
        /// Permission fields set to true.
        permissions: Vec<String>,
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
            Change::CreatePermissionSet { .. } | Change::AddPermissions { .. } => "PermissionSet",
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
        let (action, fields): (Text, Vec<(String, String)>) = match self {
            Change::CreatePermissionSet { name, label, description, permissions } => (
                text("fix.action.create_set", &[]),
                [
                    ("Name".to_string(), name.clone()),
                    ("Label".into(), label.clone()),
                    ("Description".into(), description.clone()),
                ]
                .into_iter()
                .chain(permissions.iter().map(|p| (p.clone(), "true".to_string())))
                .collect(),
            ),
            Change::AddPermissions { id, permissions } => (
                text("fix.action.add_permissions", &[]),
                std::iter::once(("Id".to_string(), id.clone()))
                    .chain(permissions.iter().map(|p| (p.clone(), "false → true".to_string())))
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

/// The permission fields the user lacks and the org has.
fn missing_permissions(d: &Diagnosis) -> (Vec<String>, Vec<Text>) {
    let mut missing = Vec::new();
    let mut cannot = Vec::new();
    for def in permission_defs() {
        let needed = match def.needed {
            Needed::Always => true,
            Needed::WhenAppNotInstalled => d.app.is_none(),
            Needed::Never => false,
        };
        if !needed {
            continue;
        }
        match d.effective.get(&def.field) {
            Some(true) => {}
            Some(false) => missing.push(def.field.clone()),
            None => cannot.push(text("fix.field_missing", &[("field", &def.field)])),
        }
    }
    (missing, cannot)
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
    let (missing, mut cannot_fix) = missing_permissions(&d);
    if !d.user.active {
        cannot_fix.push(text("fix.inactive", &[("user", &d.user.username)]));
    }
    let needs_grant = d.pre_authorized == Some(false);
    let mut changes = Vec::new();
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
                changes.push(Change::CreatePermissionSet {
                    name: def.name.clone(),
                    label: def.label.clone(),
                    description: def.description.clone(),
                    permissions: missing,
                });
                changes.push(Change::Assign { permission_set: SetRef::New, user_id: d.user.id.clone() });
                if let (true, Some(app)) = (needs_grant, &d.app) {
                    changes.push(Change::GrantApp { permission_set: SetRef::New, app_id: app.id.clone() });
                }
            }
            Some(set) => {
                let id = set["Id"].as_str().unwrap_or_default().to_string();
                let lacking: Vec<String> =
                    missing.into_iter().filter(|f| set[f.as_str()].as_bool() != Some(true)).collect();
                if !lacking.is_empty() {
                    changes.push(Change::AddPermissions { id: id.clone(), permissions: lacking });
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

/// Writes journal entries for one run.
pub(crate) struct RunLog<'a> {
    pub journal: &'a Journal,
    pub clock: &'a dyn Clock,
    pub run: String,
    pub org: String,
    pub by: String,
    pub user: Option<String>,
}

impl RunLog<'_> {
    pub(crate) fn new<'a>(journal: &'a Journal, clock: &'a dyn Clock, org: &str, by: &str) -> RunLog<'a> {
        RunLog { journal, clock, run: new_run_id(clock.now_ms()), org: org.to_string(), by: by.to_string(), user: None }
    }

    pub(crate) fn write(
        &self,
        step: u32,
        event: Event,
        object: &str,
        fill: impl FnOnce(&mut Entry),
    ) -> Result<(), Error> {
        let mut e = Entry {
            at: self.clock.now_text(),
            run: self.run.clone(),
            step,
            org: self.org.clone(),
            by: self.by.clone(),
            user: self.user.clone(),
            event,
            object: object.to_string(),
            record: None,
            key: BTreeMap::new(),
            fields: BTreeMap::new(),
            before: BTreeMap::new(),
            error: None,
            maybe_applied: false,
        };
        fill(&mut e);
        self.journal.append(&e)
    }

    /// Records a failed write; the org may have done it when the answer never came.
    pub(crate) fn failed(&self, step: u32, object: &str, error: &Error) -> Result<(), Error> {
        let maybe = matches!(error, Error::Network { .. } | Error::SalesforceUnavailable { .. });
        self.write(step, Event::Failed, object, |e| {
            e.error = Some(error.to_string());
            e.maybe_applied = maybe;
        })
    }
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
    let mut log = RunLog::new(journal, clock, &plan.org_id, by);
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
            Change::CreatePermissionSet { name, label, description, permissions } => {
                let mut fields =
                    as_map(vec![("Name", json!(name)), ("Label", json!(label)), ("Description", json!(description))]);
                fields.extend(permissions.iter().map(|p| (p.clone(), json!(true))));
                let key = as_map(vec![("Name", json!(name))]);
                create(client, &log, step, object, key, fields).await
            }
            Change::AddPermissions { id, permissions } => {
                let after: BTreeMap<String, Value> = permissions.iter().map(|p| (p.clone(), json!(true))).collect();
                let before: BTreeMap<String, Value> = permissions.iter().map(|p| (p.clone(), json!(false))).collect();
                log.write(step, Event::Intent, object, |e| {
                    e.record = Some(id.clone());
                    e.fields = after.clone();
                    e.before = before.clone();
                })?;
                let body: Map<String, Value> = after.clone().into_iter().collect();
                match client.patch(&format!("sobjects/PermissionSet/{id}"), &Value::Object(body)).await {
                    Ok(()) => {
                        log.write(step, Event::Updated, object, |e| {
                            e.record = Some(id.clone());
                            e.fields = after;
                            e.before = before;
                        })?;
                        Ok(id.clone())
                    }
                    Err(err) => {
                        // A PATCH that may have landed is still recorded as an update, so undo
                        // puts the old values back either way.
                        if matches!(err, Error::Network { .. } | Error::SalesforceUnavailable { .. }) {
                            log.write(step, Event::Updated, object, |e| {
                                e.record = Some(id.clone());
                                e.fields = after;
                                e.before = before;
                                e.error = Some(err.to_string());
                            })?;
                        } else {
                            log.failed(step, object, &err)?;
                        }
                        Err(err)
                    }
                }
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
                if matches!(change, Change::CreatePermissionSet { .. }) {
                    new_set = Some(record.clone());
                }
                outcome.applied.push(Applied { change: change.clone(), record });
            }
            Err(e) => {
                outcome.failure = Some((change.clone(), e));
                break;
            }
        }
    }
    Ok(outcome)
}

/// Creates a record with journal entries around it.
async fn create(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    object: &str,
    key: BTreeMap<String, Value>,
    fields: BTreeMap<String, Value>,
) -> Result<String, Error> {
    log.write(step, Event::Intent, object, |e| {
        e.key = key.clone();
        e.fields = fields.clone();
    })?;
    let body: Map<String, Value> = fields.into_iter().collect();
    match client.create(&format!("sobjects/{object}"), &Value::Object(body)).await {
        Ok(id) => {
            log.write(step, Event::Created, object, |e| {
                e.record = Some(id.clone());
                e.key = key;
            })?;
            Ok(id)
        }
        Err(err) => {
            log.failed(step, object, &err)?;
            Err(err)
        }
    }
}
