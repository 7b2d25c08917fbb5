//! Writes to an org with journal entries around them: the intent before, the outcome after,
//! so a failure halfway leaves a true record that a rerun finishes and undo reverses. A write
//! whose answer never came is journaled as maybe applied.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::journal::{Entry, Event, RunLog, Via};
use crate::salesforce::client::SalesforceClient;

/// Creates a record with journal entries around it.
pub async fn create(
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

/// PATCHes fields of a record with journal entries around it; `before` is what undo puts back.
pub async fn update(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    object: &str,
    id: &str,
    after: BTreeMap<String, Value>,
    before: BTreeMap<String, Value>,
) -> Result<String, Error> {
    log.write(step, Event::Intent, object, |e| {
        e.record = Some(id.to_string());
        e.fields = after.clone();
        e.before = before.clone();
    })?;
    let body: Map<String, Value> = after.clone().into_iter().collect();
    let result = client.patch(&format!("sobjects/{object}/{id}"), &Value::Object(body)).await;
    updated(log, step, object, id, BTreeMap::new(), after, before, Via::Rest, result)
}

/// Journals the outcome of an update. An update that may have landed is still recorded, so
/// undo puts the old values back either way.
#[allow(clippy::too_many_arguments)]
pub fn updated(
    log: &RunLog<'_>,
    step: u32,
    object: &str,
    id: &str,
    key: BTreeMap<String, Value>,
    after: BTreeMap<String, Value>,
    before: BTreeMap<String, Value>,
    via: Via,
    result: Result<(), Error>,
) -> Result<String, Error> {
    let record = |e: &mut Entry, error: Option<String>| {
        e.record = Some(id.to_string());
        e.key = key.clone();
        e.fields = after.clone();
        e.before = before.clone();
        e.via = via;
        e.error = error;
    };
    match result {
        Ok(()) => {
            log.write(step, Event::Updated, object, |e| record(e, None))?;
            Ok(id.to_string())
        }
        Err(err) => {
            if err.may_have_landed() {
                log.write(step, Event::Updated, object, |e| record(e, Some(err.to_string())))?;
            } else {
                log.failed(step, object, &err)?;
            }
            Err(err)
        }
    }
}
