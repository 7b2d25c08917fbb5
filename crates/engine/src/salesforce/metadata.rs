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
    /// Reads components of a type by metadata name, as their `records` elements; names that
    /// do not exist (empty `xsi:nil` records, not faults) are left out.
    pub async fn read_metadata(&self, kind: MetadataKind, names: &[String]) -> Result<Vec<Element>, Error> {
        let mut out = Vec::new();
        for batch in names.chunks(READ_BATCH) {
            let names: String = batch.iter().map(|n| format!("<fullNames>{}</fullNames>", escape(n))).collect();
            let body = format!("<readMetadata><type>{}</type>{names}</readMetadata>", kind.type_name());
            let answer = self.metadata_call(&body, true).await?;
            let call = response_body(&answer)?;
            let result = call
                .child("result")
                .ok_or_else(|| Error::UnexpectedResponse { what: "readMetadata without a result".into() })?;
            out.extend(
                result
                    .all("records")
                    .filter(|r| !r.is_nil() && r.text_of("fullName").is_some_and(|n| !n.is_empty()))
                    .cloned(),
            );
        }
        Ok(out)
    }

    /// Reads permission sets (`PermissionSet`) or profiles (`Profile`) by metadata name; names
    /// that do not exist are left out.
    pub async fn read_permission_metadata(
        &self,
        kind: MetadataKind,
        names: &[String],
    ) -> Result<Vec<PermissionMetadata>, Error> {
        Ok(self.read_metadata(kind, names).await?.iter().filter_map(PermissionMetadata::from_record).collect())
    }

    /// Reads profiles' Login IP Ranges by metadata name; profiles that do not exist are left
    /// out.
    pub async fn read_profile_ranges(&self, names: &[String]) -> Result<Vec<ProfileRanges>, Error> {
        Ok(self
            .read_metadata(MetadataKind::Profile, names)
            .await?
            .iter()
            .filter_map(ProfileRanges::from_record)
            .collect())
    }

    /// Sets a profile's Login IP Ranges (`updateMetadata` of `fullName` and `loginIpRanges`
    /// only). Whether Salesforce replaces the whole list this way is not documented: read the
    /// profile back to know.
    pub async fn update_profile_ranges(&self, full_name: &str, ranges: &[LoginIpRange]) -> Result<(), Error> {
        let xml = format!(
            r#"<metadata xsi:type="Profile"><fullName>{}</fullName>{}</metadata>"#,
            escape(full_name),
            ranges_xml(ranges)
        );
        let answer = self.metadata_call(&format!("<updateMetadata>{xml}</updateMetadata>"), false).await?;
        result(response_body(&answer)?)
    }

    /// Creates a custom profile (never retried: a second create of the same name fails rather
    /// than doubling it).
    pub async fn create_profile(&self, spec: &ProfileSpec) -> Result<(), Error> {
        let answer = self.metadata_call(&format!("<createMetadata>{}</createMetadata>", spec.xml()), false).await?;
        result(response_body(&answer)?)
    }

    /// Deletes a component by metadata name.
    pub async fn delete_metadata(&self, kind: MetadataKind, full_name: &str) -> Result<(), Error> {
        let body = format!(
            "<deleteMetadata><type>{}</type><fullNames>{}</fullNames></deleteMetadata>",
            kind.type_name(),
            escape(full_name)
        );
        let answer = self.metadata_call(&body, false).await?;
        result(response_body(&answer)?)
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
    /// `ConnectedApp`.
    ConnectedApp,
}

impl MetadataKind {
    /// The type's name in the Metadata API.
    pub fn type_name(self) -> &'static str {
        match self {
            MetadataKind::PermissionSet => "PermissionSet",
            MetadataKind::Profile => "Profile",
            MetadataKind::ConnectedApp => "ConnectedApp",
        }
    }
}

/// One of a profile's Login IP Ranges (`ProfileLoginIpRange` in the Metadata API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LoginIpRange {
    /// The first address.
    pub start: String,
    /// The last address.
    pub end: String,
    /// Why it is there.
    pub description: Option<String>,
}

/// A profile's Login IP Ranges as readMetadata gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileRanges {
    /// The profile's metadata name.
    pub full_name: String,
    /// Its user license.
    pub user_license: Option<String>,
    /// Its ranges.
    pub ranges: Vec<LoginIpRange>,
    /// Its user permissions.
    pub user_permissions: Vec<UserPermission>,
}

impl ProfileRanges {
    fn from_record(record: &Element) -> Option<ProfileRanges> {
        let full_name = record.text_of("fullName").filter(|n| !n.is_empty())?.to_string();
        let ranges = record
            .all("loginIpRanges")
            .filter_map(|r| {
                Some(LoginIpRange {
                    start: r.text_of("startAddress")?.to_string(),
                    end: r.text_of("endAddress")?.to_string(),
                    description: r.text_of("description").map(str::to_string),
                })
            })
            .collect();
        let permissions = PermissionMetadata::from_record(record).map(|p| p.user_permissions).unwrap_or_default();
        Some(ProfileRanges {
            full_name,
            user_license: record.text_of("userLicense").map(str::to_string),
            ranges,
            user_permissions: permissions,
        })
    }
}

/// `loginIpRanges` elements, children in the WSDL's order (description, endAddress,
/// startAddress).
fn ranges_xml(ranges: &[LoginIpRange]) -> String {
    ranges
        .iter()
        .map(|r| {
            format!(
                "<loginIpRanges>{}<endAddress>{}</endAddress><startAddress>{}</startAddress></loginIpRanges>",
                r.description
                    .as_deref()
                    .map(|d| format!("<description>{}</description>", escape(d)))
                    .unwrap_or_default(),
                escape(&r.end),
                escape(&r.start)
            )
        })
        .collect()
}

/// A custom profile to create through the Metadata API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileSpec {
    /// Its name.
    pub full_name: String,
    /// Its description.
    pub description: String,
    /// Its user license (the same as the profile it copies).
    pub user_license: String,
    /// Its Login IP Ranges.
    pub ranges: Vec<LoginIpRange>,
    /// Its user permissions.
    pub user_permissions: Vec<UserPermission>,
}

impl ProfileSpec {
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
            r#"<metadata xsi:type="Profile"><fullName>{}</fullName><custom>true</custom><description>{}</description>{}<userLicense>{}</userLicense>{permissions}</metadata>"#,
            escape(&self.full_name),
            escape(&self.description),
            ranges_xml(&self.ranges),
            escape(&self.user_license)
        )
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
