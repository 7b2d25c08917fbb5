//! Undo: removes exactly what the journal says Reconnect created in an org, newest first, and
//! puts back fields it changed. Creates whose outcome was never known are looked up by their
//! key and removed only if they exist. Each step is journaled, so an undo cut short can be
//! run again.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::error::Error;
use crate::journal::{Event, Journal, LiveChange, RunLog, Via};
use crate::salesforce::client::SalesforceClient;
use crate::salesforce::metadata::{LoginIpRange, MetadataKind, PermissionSetSpec, UserPermission};
use crate::salesforce::soql_string;
use crate::salesforce_id::SalesforceId;

/// How one change was undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// The record was deleted.
    Deleted,
    /// The old field values were put back.
    Restored,
    /// Someone had removed it already.
    AlreadyGone,
}

/// One undone change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undone {
    /// The object.
    pub object: String,
    /// The record.
    pub record: Option<String>,
    /// How.
    pub how: How,
}

/// What undo did.
#[derive(Debug, Serialize)]
pub struct UndoOutcome {
    /// Changes undone, newest first.
    pub undone: Vec<Undone>,
    /// The change that could not be undone, and why; older ones were left as they are.
    #[serde(skip)]
    pub failure: Option<(LiveChange, Error)>,
}

fn gone(e: &Error) -> bool {
    matches!(e, Error::SalesforceApi { code, .. } if code == "NOT_FOUND" || code == "ENTITY_IS_DELETED")
}

/// Undoes every live change `playbook` made in `org_id`, newest first; the undo run is
/// journaled as the playbook's.
pub async fn undo(
    client: &SalesforceClient,
    journal: &Journal,
    clock: &dyn Clock,
    playbook: &'static str,
    org_id: &SalesforceId,
    by: &str,
) -> Result<UndoOutcome, Error> {
    let org_id = org_id.to_string();
    let live = journal.live_of(&org_id, playbook)?;
    let log = RunLog::new(journal, clock, playbook, &org_id, by);
    let mut outcome = UndoOutcome { undone: Vec::new(), failure: None };
    for (i, change) in live.into_iter().rev().enumerate() {
        let step = i as u32 + 1;
        let result = undo_one(client, &log, step, &change).await;
        match result {
            Ok(done) => outcome.undone.push(done),
            Err(e) => {
                outcome.failure = Some((change, e));
                break;
            }
        }
    }
    Ok(outcome)
}

async fn undo_one(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    change: &LiveChange,
) -> Result<Undone, Error> {
    match change {
        LiveChange::Created { object, record, key, via: Via::Metadata } if object == "Profile" => {
            delete_profile(client, log, step, record, key).await
        }
        LiveChange::Created { object, record, key, .. } => delete(client, log, step, object, record, key).await,
        LiveChange::Uncertain { object, key } => {
            let filter: Vec<String> =
                key.iter().map(|(k, v)| format!("{k} = {}", soql_string(v.as_str().unwrap_or_default()))).collect();
            let found: Vec<Value> =
                client.query(&format!("SELECT Id FROM {object} WHERE {}", filter.join(" AND "))).await?;
            match found.first().and_then(|r| r["Id"].as_str()) {
                Some(id) => delete(client, log, step, object, id, key).await,
                None => {
                    log.write(step, Event::Deleted, object, |e| {
                        e.key = key.clone();
                        e.error = Some("never created".into());
                    })?;
                    Ok(Undone { object: object.clone(), record: None, how: How::AlreadyGone })
                }
            }
        }
        LiveChange::Updated { object, record, key, before, via: Via::Metadata } if object == "Profile" => {
            restore_login_ip_ranges(client, log, step, record, key, before).await
        }
        LiveChange::Updated { object, record, key, before, via: Via::Metadata } => {
            restore_user_permissions(client, log, step, object, record, key, before).await
        }
        LiveChange::Updated { object, record, before, via: Via::Rest, .. } => {
            log.write(step, Event::Intent, object, |e| {
                e.record = Some(record.clone());
                e.fields = before.clone();
            })?;
            let body: Map<String, Value> = before.clone().into_iter().collect();
            match client.patch(&format!("sobjects/{object}/{record}"), &Value::Object(body)).await {
                Ok(()) => {
                    log.write(step, Event::Restored, object, |e| e.record = Some(record.clone()))?;
                    Ok(Undone { object: object.clone(), record: Some(record.clone()), how: How::Restored })
                }
                Err(e) if gone(&e) => {
                    log.write(step, Event::Restored, object, |en| {
                        en.record = Some(record.clone());
                        en.error = Some("already gone".into());
                    })?;
                    Ok(Undone { object: object.clone(), record: Some(record.clone()), how: How::AlreadyGone })
                }
                Err(e) => {
                    log.failed(step, object, &e)?;
                    Err(e)
                }
            }
        }
    }
}

/// Puts back `userPermissions` that a Metadata API update turned on: reads the set as it is
/// now and sends it again with those permissions as they were, so nothing else changes.
async fn restore_user_permissions(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    object: &str,
    record: &str,
    key: &BTreeMap<String, Value>,
    before: &BTreeMap<String, Value>,
) -> Result<Undone, Error> {
    let name = key.get("Name").and_then(Value::as_str).unwrap_or_default().to_string();
    log.write(step, Event::Intent, object, |e| {
        e.record = Some(record.to_string());
        e.key = key.clone();
        e.fields = before.clone();
        e.via = Via::Metadata;
    })?;
    let current = match client.read_permission_metadata(MetadataKind::PermissionSet, std::slice::from_ref(&name)).await
    {
        Ok(read) => read.into_iter().next(),
        Err(e) => {
            log.failed(step, object, &e)?;
            return Err(e);
        }
    };
    let Some(current) = current else {
        log.write(step, Event::Restored, object, |e| {
            e.record = Some(record.to_string());
            e.error = Some("already gone".into());
        })?;
        return Ok(Undone { object: object.to_string(), record: Some(record.to_string()), how: How::AlreadyGone });
    };
    let mut permissions: Vec<UserPermission> =
        current.user_permissions.iter().filter(|p| !before.contains_key(&p.name)).cloned().collect();
    permissions.extend(
        before.iter().map(|(name, was)| UserPermission { name: name.clone(), enabled: was.as_bool().unwrap_or(false) }),
    );
    let spec = PermissionSetSpec {
        full_name: name,
        label: current.label.clone().unwrap_or_default(),
        description: current.description.clone().unwrap_or_default(),
        user_permissions: permissions,
    };
    match client.update_permission_set(&spec).await {
        Ok(()) => {
            log.write(step, Event::Restored, object, |e| {
                e.record = Some(record.to_string());
                e.via = Via::Metadata;
            })?;
            Ok(Undone { object: object.to_string(), record: Some(record.to_string()), how: How::Restored })
        }
        Err(e) => {
            log.failed(step, object, &e)?;
            Err(e)
        }
    }
}

/// Puts a profile's Login IP Ranges back as they were, then reads them back: whether
/// `updateMetadata` replaces the whole list is not documented, so what the org holds decides.
async fn restore_login_ip_ranges(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    record: &str,
    key: &BTreeMap<String, Value>,
    before: &BTreeMap<String, Value>,
) -> Result<Undone, Error> {
    let name = key.get("FullName").and_then(Value::as_str).unwrap_or_default().to_string();
    let ranges: Vec<LoginIpRange> =
        serde_json::from_value(before.get("loginIpRanges").cloned().unwrap_or(Value::Array(vec![])))
            .unwrap_or_default();
    log.write(step, Event::Intent, "Profile", |e| {
        e.record = Some(record.to_string());
        e.key = key.clone();
        e.fields = before.clone();
        e.via = Via::Metadata;
    })?;
    let restored = async {
        client.update_profile_ranges(&name, &ranges).await?;
        let now = client.read_profile_ranges(std::slice::from_ref(&name)).await?;
        let held = now.first().map(|p| p.ranges.clone()).unwrap_or_default();
        if held != ranges {
            return Err(Error::UnexpectedResponse {
                what: format!(
                    "profile {name} still has other Login IP Ranges after the undo; set them in Setup › Profiles"
                ),
            });
        }
        Ok(())
    }
    .await;
    match restored {
        Ok(()) => {
            log.write(step, Event::Restored, "Profile", |e| {
                e.record = Some(record.to_string());
                e.via = Via::Metadata;
            })?;
            Ok(Undone { object: "Profile".into(), record: Some(record.to_string()), how: How::Restored })
        }
        Err(e) => {
            log.failed(step, "Profile", &e)?;
            Err(e)
        }
    }
}

/// Deletes a profile Reconnect created through the Metadata API.
async fn delete_profile(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    record: &str,
    key: &BTreeMap<String, Value>,
) -> Result<Undone, Error> {
    let name = key.get("FullName").and_then(Value::as_str).unwrap_or_default();
    log.write(step, Event::Intent, "Profile", |e| {
        e.record = Some(record.to_string());
        e.via = Via::Metadata;
    })?;
    let how = match client.delete_metadata(MetadataKind::Profile, name).await {
        Ok(()) => How::Deleted,
        Err(e) if gone(&e) => How::AlreadyGone,
        Err(e) => {
            log.failed(step, "Profile", &e)?;
            return Err(e);
        }
    };
    log.write(step, Event::Deleted, "Profile", |e| {
        e.record = Some(record.to_string());
        e.key = key.clone();
        e.via = Via::Metadata;
        if how == How::AlreadyGone {
            e.error = Some("already gone".into());
        }
    })?;
    Ok(Undone { object: "Profile".into(), record: Some(record.to_string()), how })
}

async fn delete(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    object: &str,
    record: &str,
    key: &BTreeMap<String, Value>,
) -> Result<Undone, Error> {
    log.write(step, Event::Intent, object, |e| e.record = Some(record.to_string()))?;
    let how = match client.delete(&format!("sobjects/{object}/{record}")).await {
        Ok(()) => How::Deleted,
        Err(e) if gone(&e) => How::AlreadyGone,
        Err(e) => {
            log.failed(step, object, &e)?;
            return Err(e);
        }
    };
    log.write(step, Event::Deleted, object, |e| {
        e.record = Some(record.to_string());
        e.key = key.clone();
        if how == How::AlreadyGone {
            e.error = Some("already gone".into());
        }
    })?;
    Ok(Undone { object: object.to_string(), record: Some(record.to_string()), how })
}
