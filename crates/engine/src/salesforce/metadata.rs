//! The Metadata API's CRUD calls Reconnect makes, as hand-written SOAP: read permission sets
//! and profiles (their `userPermissions`), list profiles (a profile's metadata name is not its
//! label: System Administrator is `Admin`), create and update a permission set. Undo deletes
//! a permission set through REST, which PermissionSet supports like any record.
//!
//! Documentation: readMetadata
//! <https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_readMetadata.htm>,
//! createMetadata / updateMetadata and their SaveResult
//! <https://developer.salesforce.com/docs/platform/api-metadata/references/crud-based-calls/meta-updatemetadata.html>,
//! listMetadata <https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_listmetadata.htm>,
//! PermissionSet <https://developer.salesforce.com/docs/platform/api-metadata/references/meta-types/metadata-permissionset.html>,
//! Profile <https://developer.salesforce.com/docs/platform/api-metadata/references/meta-types/metadata-profile.html>.
//! No public recording of these answers was found; `corpus/salesforce/metadata-*-documented.json`
//! hold the documented shapes both this client and the practice org answer to.

use serde::Serialize;

use crate::error::Error;
use crate::salesforce::client::SalesforceClient;
use crate::salesforce::soap::{escape, response_body, Element};

/// readMetadata takes at most ten names a call.
const READ_BATCH: usize = 10;

/// A user permission as metadata names it (`CanApproveUninstalledApps`), on or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserPermission {
    /// The metadata name.
    pub name: String,
    /// Whether it is granted.
    pub enabled: bool,
}

/// A permission set or profile as readMetadata gives it, as far as Reconnect reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionMetadata {
    /// The metadata name.
    pub full_name: String,
    /// Its label (permission sets).
    pub label: Option<String>,
    /// Its description (permission sets).
    pub description: Option<String>,
    /// Its user permissions.
    pub user_permissions: Vec<UserPermission>,
}

impl PermissionMetadata {
    fn from_record(record: &Element) -> Option<PermissionMetadata> {
        // A name that does not exist comes back as an empty `xsi:nil` record, not a fault.
        let full_name = record.text_of("fullName").filter(|n| !n.is_empty())?.to_string();
        let user_permissions = record
            .all("userPermissions")
            .filter_map(|p| {
                Some(UserPermission {
                    name: p.text_of("name")?.to_string(),
                    enabled: p.text_of("enabled") == Some("true"),
                })
            })
            .collect();
        Some(PermissionMetadata {
            full_name,
            label: record.text_of("label").map(str::to_string),
            description: record.text_of("description").map(str::to_string),
            user_permissions,
        })
    }

    /// Whether the permission `name` is granted.
    pub fn grants(&self, name: &str) -> bool {
        self.user_permissions.iter().any(|p| p.name == name && p.enabled)
    }
}

/// A permission set to create or update through the Metadata API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionSetSpec {
    /// API name.
    pub full_name: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: String,
    /// The user permissions it sets.
    pub user_permissions: Vec<UserPermission>,
}

impl PermissionSetSpec {
    /// The `metadata` element, its children in the WSDL's order.
    fn xml(&self) -> String {
        let permissions: String = self
            .user_permissions
            .iter()
            .map(|p| {
                format!(
                    "<userPermissions><enabled>{}</enabled><name>{}</name></userPermissions>",
                    p.enabled,
                    escape(&p.name)
                )
            })
            .collect();
        format!(
            r#"<metadata xsi:type="PermissionSet"><fullName>{}</fullName><description>{}</description><label>{}</label>{permissions}</metadata>"#,
            escape(&self.full_name),
            escape(&self.description),
            escape(&self.label)
        )
    }
}

/// A listed component: its metadata name and record id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The metadata name.
    pub full_name: String,
    /// The record's id.
    pub id: String,
}

/// The outcome of a write: a SaveResult that failed is the error it carries.
fn result(call: &Element) -> Result<(), Error> {
    let result = call
        .child("result")
        .ok_or_else(|| Error::UnexpectedResponse { what: format!("{} without a result", call.name) })?;
    if result.text_of("success") == Some("true") {
        return Ok(());
    }
    let error = result.child("errors");
    Err(Error::SalesforceApi {
        code: error.and_then(|e| e.text_of("statusCode")).unwrap_or("UNKNOWN_EXCEPTION").to_string(),
        message: crate::secret::redact(error.and_then(|e| e.text_of("message")).unwrap_or_default()),
    })
}

impl SalesforceClient {
    /// Reads permission sets (`PermissionSet`) or profiles (`Profile`) by metadata name; names
    /// that do not exist are left out.
    pub async fn read_permission_metadata(
        &self,
        kind: MetadataKind,
        names: &[String],
    ) -> Result<Vec<PermissionMetadata>, Error> {
        let mut out = Vec::new();
        for batch in names.chunks(READ_BATCH) {
            let names: String = batch.iter().map(|n| format!("<fullNames>{}</fullNames>", escape(n))).collect();
            let body = format!("<readMetadata><type>{}</type>{names}</readMetadata>", kind.type_name());
            let answer = self.metadata_call(&body, true).await?;
            let call = response_body(&answer)?;
            let result = call
                .child("result")
                .ok_or_else(|| Error::UnexpectedResponse { what: "readMetadata without a result".into() })?;
            out.extend(result.all("records").filter(|r| !r.is_nil()).filter_map(PermissionMetadata::from_record));
        }
        Ok(out)
    }

    /// Lists the components of a type with their ids (for profiles: record id to metadata name).
    pub async fn list_metadata(&self, kind: MetadataKind) -> Result<Vec<Listed>, Error> {
        let body = format!(
            "<listMetadata><queries><type>{}</type></queries><asOfVersion>{}</asOfVersion></listMetadata>",
            kind.type_name(),
            self.version()
        );
        let answer = self.metadata_call(&body, true).await?;
        Ok(response_body(&answer)?
            .all("result")
            .filter_map(|r| {
                Some(Listed { full_name: r.text_of("fullName")?.to_string(), id: r.text_of("id")?.to_string() })
            })
            .collect())
    }

    /// Creates a permission set through the Metadata API (never retried: a second create of
    /// the same name fails rather than doubling it).
    pub async fn create_permission_set(&self, spec: &PermissionSetSpec) -> Result<(), Error> {
        let answer = self.metadata_call(&format!("<createMetadata>{}</createMetadata>", spec.xml()), false).await?;
        result(response_body(&answer)?)
    }

    /// Updates a permission set's label, description and the listed user permissions (safe to
    /// repeat). Permissions not listed are sent neither way, so send both what changes and
    /// what stays.
    pub async fn update_permission_set(&self, spec: &PermissionSetSpec) -> Result<(), Error> {
        let answer = self.metadata_call(&format!("<updateMetadata>{}</updateMetadata>", spec.xml()), false).await?;
        result(response_body(&answer)?)
    }
}

/// The metadata types Reconnect reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataKind {
    /// `PermissionSet`.
    PermissionSet,
    /// `Profile`.
    Profile,
}

impl MetadataKind {
    fn type_name(self) -> &'static str {
        match self {
            MetadataKind::PermissionSet => "PermissionSet",
            MetadataKind::Profile => "Profile",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permission_set_spec_is_escaped_and_in_wsdl_order() {
        let spec = PermissionSetSpec {
            full_name: "Gainsight_OAuth_User_Reconnect".into(),
            label: "A & B".into(),
            description: "<why>".into(),
            user_permissions: vec![UserPermission { name: "CanApproveUninstalledApps".into(), enabled: true }],
        };
        let xml = spec.xml();
        assert!(xml.starts_with(r#"<metadata xsi:type="PermissionSet"><fullName>Gainsight_OAuth_User_Reconnect</fullName><description>&lt;why&gt;</description><label>A &amp; B</label>"#), "{xml}");
        assert!(xml.ends_with("<userPermissions><enabled>true</enabled><name>CanApproveUninstalledApps</name></userPermissions></metadata>"));
    }
}
