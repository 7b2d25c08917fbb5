//! Salesforce's REST error shape: a JSON array of `{message, errorCode}` with the status code
//! Salesforce uses for each code. `fields` comes only with errors about named fields
//! (`["Name"]` in the recorded REQUIRED_FIELD_MISSING); the recorded INVALID_SESSION_ID,
//! NOT_FOUND, API_DISABLED_FOR_ORG and INVALID_FIELD answers have none
//! (`corpus/salesforce/rest-error-*.json`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::api::Api;

/// One REST API error.
#[derive(Debug, Clone, PartialEq)]
pub struct SfError {
    /// HTTP status.
    pub status: u16,
    /// Salesforce's `errorCode`.
    pub code: &'static str,
    /// Salesforce's `message`.
    pub message: String,
    /// The fields the error is about, for errors that name them.
    pub fields: Option<Vec<String>>,
}

impl SfError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        SfError { status, code, message: message.into(), fields: None }
    }

    /// Unknown object. The Tooling API's message is recorded
    /// (`corpus/salesforce/rest-error-invalid-type-tooling.json`); the data API's longer one was
    /// seen pasted with its SOQL excerpt but not recorded reliably, so only its sentence is kept.
    pub fn invalid_type(object: &str, api: Api) -> Self {
        let message = match api {
            Api::Tooling => format!("sObject type '{object}' is not supported."),
            Api::Data => format!("sObject type '{object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."),
        };
        Self::new(400, "INVALID_TYPE", message)
    }

    /// Unknown child relationship in a sub-select.
    pub fn invalid_type_child(name: &str, object: &str) -> Self {
        Self::new(
            400,
            "INVALID_TYPE",
            format!("Didn't understand relationship '{name}' in FROM part of query call on entity '{object}'."),
        )
    }

    /// Unknown field in a query.
    pub fn invalid_field(field: &str, object: &str) -> Self {
        Self::new(400, "INVALID_FIELD", format!("No such column '{field}' on entity '{object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."))
    }

    /// A field a WHERE clause may not name. The wording follows a public report of the same
    /// answer for `LoginHistory.Status` ("field 'Status' can not be filtered in a query call");
    /// which `LoginHistory` fields Salesforce refuses is documented only in part.
    pub fn not_filterable(field: &str) -> Self {
        Self::new(400, "INVALID_FIELD", format!("field '{field}' can not be filtered in a query call"))
    }

    /// Unknown field in a create or an update.
    pub fn invalid_field_write(field: &str, object: &str) -> Self {
        Self::new(400, "INVALID_FIELD", format!("No such column '{field}' on sobject of type {object}"))
    }

    /// A query that does not parse.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(400, "MALFORMED_QUERY", message)
    }

    /// An id field holding something else.
    pub fn malformed_id(field: &str, value: &str) -> Self {
        Self::new(400, "MALFORMED_ID", format!("{field}: id value of incorrect type: {value}"))
    }

    /// A reference to a record that does not exist.
    pub fn invalid_cross_reference(field: &str, value: &str) -> Self {
        Self::new(400, "INVALID_CROSS_REFERENCE_KEY", format!("invalid cross reference id: {field} = {value}"))
    }

    /// A write to an object the API never writes; `done` is `inserted`, `updated` or `deleted`.
    pub fn invalid_type_for_operation(done: &str, object: &str) -> Self {
        Self::new(400, "INVALID_TYPE_FOR_OPERATION", format!("entity type cannot be {done}: {object}"))
    }

    /// A field the org sets itself (not createable or updateable in describe).
    pub fn not_writable(field: &str) -> Self {
        Self::new(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!("Unable to create/update fields: {field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set."),
        )
    }

    /// The caller lacks the permission a write needs.
    pub fn insufficient_access() -> Self {
        Self::new(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
    }

    /// A delete that other records prevent.
    pub fn delete_failed(message: impl Into<String>) -> Self {
        Self::new(400, "DELETE_FAILED", message)
    }

    /// A write that would break the org's integrity rules.
    pub fn field_integrity(message: impl Into<String>) -> Self {
        Self::new(400, "FIELD_INTEGRITY_EXCEPTION", message)
    }

    /// A duplicate.
    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(400, "DUPLICATE_VALUE", message)
    }

    /// A missing required field.
    pub fn required_field_missing(field: &str) -> Self {
        SfError {
            fields: Some(vec![field.to_string()]),
            ..Self::new(400, "REQUIRED_FIELD_MISSING", format!("Required fields are missing: [{field}]"))
        }
    }

    /// No such resource.
    pub fn not_found() -> Self {
        Self::new(404, "NOT_FOUND", "The requested resource does not exist")
    }

    /// Missing, expired or revoked session.
    pub fn invalid_session() -> Self {
        Self::new(401, "INVALID_SESSION_ID", "Session expired or invalid")
    }

    /// The caller's permission sets do not grant API Enabled.
    pub fn api_disabled() -> Self {
        // The recorded wording (`corpus/salesforce/rest-error-api-disabled-for-org.json`).
        Self::new(403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
    }

    /// The org's API request limit is reached.
    pub fn request_limit() -> Self {
        Self::new(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    }

    /// A server fault (injected by the practice org's fault knobs).
    pub fn server_error() -> Self {
        Self::new(
            500,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred (practice org fault injection). Please try again.",
        )
    }

    /// The error as Salesforce's JSON array.
    pub fn body(&self) -> serde_json::Value {
        let mut error = json!({ "message": self.message, "errorCode": self.code });
        if let Some(fields) = &self.fields {
            error["fields"] = json!(fields);
        }
        json!([error])
    }
}

impl IntoResponse for SfError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.body())).into_response()
    }
}
