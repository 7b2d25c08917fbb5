//! The rules Salesforce applies to the writes Reconnect makes, before the store takes them:
//! the caller's permissions, required fields, duplicates, and what blocks a delete.

use serde_json::{Map, Value};

use crate::permissions::has_permission;
use crate::sf_error::SfError;
use crate::Org;

/// A write through the REST API.
pub(crate) enum Write<'a> {
    /// `POST` with these fields.
    Create(&'a Map<String, Value>),
    /// `PATCH` of a record.
    Update,
    /// `DELETE` of the record with this id.
    Delete(&'a str),
}

/// The permission a caller needs to write an object, when it needs one.
fn required_permission(object: &str, write: &Write) -> Option<&'static str> {
    match (object, write) {
        ("PermissionSet" | "PermissionSetAssignment" | "SetupEntityAccess", _) => Some("ManageUsers"),
        ("PackageInstallRequest", Write::Create(_)) => Some("CustomizeApplication"),
        _ => None,
    }
}

/// Checks a write by `caller` to `object` (its canonical name).
pub(crate) fn check(org: &Org, caller: &str, object: &str, write: &Write) -> Result<(), SfError> {
    if required_permission(object, write).is_some_and(|p| !has_permission(&org.store, caller, p)) {
        return Err(SfError::insufficient_access());
    }
    match write {
        Write::Create(fields) => check_create(org, object, fields),
        Write::Update => Ok(()),
        Write::Delete(id) => check_delete(org, object, id),
    }
}

fn same_id(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => a.get(..15) == b.get(..15),
        _ => false,
    }
}

fn check_create(org: &Org, object: &str, fields: &Map<String, Value>) -> Result<(), SfError> {
    let field =
        |f: &str| fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(f)).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
    let require = |names: &[&str]| match names.iter().find(|n| field(n).is_null()) {
        Some(missing) => Err(SfError::required_field_missing(missing)),
        None => Ok(()),
    };
    match object {
        "PermissionSet" => {
            require(&["Name", "Label"])?;
            if org.store.all("PermissionSet").iter().any(|p| {
                p["Name"].as_str().map(str::to_ascii_lowercase) == field("Name").as_str().map(str::to_ascii_lowercase)
            }) {
                return Err(SfError::duplicate("The permission set name already exists."));
            }
        }
        "PermissionSetAssignment" => {
            require(&["AssigneeId", "PermissionSetId"])?;
            if org.store.all("PermissionSetAssignment").iter().any(|a| {
                same_id(&a["AssigneeId"], &field("AssigneeId"))
                    && same_id(&a["PermissionSetId"], &field("PermissionSetId"))
            }) {
                return Err(SfError::duplicate("Duplicate PermissionSetAssignment"));
            }
            // The practice org's rule: permission sets go to active users only, so a fix
            // aimed at a deactivated integration user fails where the admin can see it.
            let assignee = field("AssigneeId");
            let user = assignee.as_str().and_then(|id| org.store.get("User", id));
            if user.is_some_and(|u| u["IsActive"] == false) {
                return Err(SfError::field_integrity("The user is inactive"));
            }
        }
        "SetupEntityAccess" => {
            require(&["ParentId", "SetupEntityId"])?;
            if org.store.all("SetupEntityAccess").iter().any(|a| {
                same_id(&a["ParentId"], &field("ParentId")) && same_id(&a["SetupEntityId"], &field("SetupEntityId"))
            }) {
                return Err(SfError::duplicate("duplicate value found: SetupEntityId duplicates value on record"));
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_delete(org: &Org, object: &str, id: &str) -> Result<(), SfError> {
    // A missing record is the store's NOT_FOUND.
    let Some(record) = org.store.get(object, id) else { return Ok(()) };
    if object == "PermissionSet" {
        if record["IsOwnedByProfile"] == true {
            return Err(SfError::delete_failed("Cannot delete a permission set that is owned by a profile"));
        }
        if org.store.all("PermissionSetAssignment").iter().any(|a| a["PermissionSetId"] == record["Id"]) {
            return Err(SfError::delete_failed("Cannot delete a permission set that is assigned to users"));
        }
    }
    Ok(())
}
