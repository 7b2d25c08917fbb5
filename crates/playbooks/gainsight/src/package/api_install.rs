//! Installing through the Tooling API, as `sf package install` does: file a
//! `PackageInstallRequest` for admins only, then poll it until `SUCCESS` or `ERROR`, showing
//! progress and giving up after a deadline with what to do next.

use serde_json::Value;

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::package::installed::{assess, installed_packages, PackageState};
use reconnect_engine::progress::{Polling, Progress};
use reconnect_engine::salesforce::client::SalesforceClient;

/// The `PackageInstallRequest` fields: the edition's version, for admins only ("None" is
/// Salesforce's value for that), refusing to rename anything that clashes. The preview shows
/// exactly these.
pub fn install_request(edition: &PackageEdition) -> Vec<(&'static str, String)> {
    vec![
        ("SubscriberPackageVersionKey", edition.package_version_id.to_string()),
        ("SecurityType", "None".to_string()),
        ("NameConflictResolution", "Block".to_string()),
    ]
}

/// Installs the edition's package version and waits for it; returns how it compares with
/// the catalog once installed.
pub async fn install_via_api(
    client: &SalesforceClient,
    edition: &PackageEdition,
    polling: Polling,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<PackageState, Error> {
    let body: serde_json::Map<String, Value> =
        install_request(edition).into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect();
    let body = Value::Object(body);
    let request_id = client.create("tooling/sobjects/PackageInstallRequest", &body).await?;
    progress(Progress::Requested { request: request_id.clone() });
    let wait = polling.start();
    loop {
        let request: Value =
            client.get(&format!("tooling/sobjects/PackageInstallRequest/{request_id}?fields=Status,Errors")).await?;
        match InstallStatus::of(&request) {
            InstallStatus::Succeeded => {
                let installed = installed_packages(client).await?;
                return assess(client, &installed, edition).await;
            }
            InstallStatus::Failed(message) => return Err(Error::InstallFailed { message }),
            InstallStatus::Pending(status) => {
                wait.not_yet(status, progress, |minutes| Error::InstallTimedOut { minutes }).await?
            }
        }
    }
}

/// Where a `PackageInstallRequest` is, as its record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallStatus {
    /// `SUCCESS`.
    Succeeded,
    /// `ERROR`, with the installer's messages (`Errors` is `{ "errors": [{ "message" }] }`, as
    /// `corpus/salesforce/packaging-package-install-request-poll-error.json` records).
    Failed(String),
    /// Anything else (`IN_PROGRESS`, `UNKNOWN`), by name.
    Pending(String),
}

impl InstallStatus {
    /// Reads a request's `Status` and `Errors`.
    pub fn of(request: &Value) -> InstallStatus {
        match request["Status"].as_str().unwrap_or("UNKNOWN") {
            "SUCCESS" => InstallStatus::Succeeded,
            "ERROR" => InstallStatus::Failed(
                request["Errors"]["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["message"].as_str().map(reconnect_engine::secret::redact))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            other => InstallStatus::Pending(other.to_string()),
        }
    }
}
