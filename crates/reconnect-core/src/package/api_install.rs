//! Installing through the Tooling API, as `sf package install` does: file a
//! `PackageInstallRequest` for admins only, then poll it until `SUCCESS` or `ERROR`, showing
//! progress and giving up after a deadline with what to do next.

use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::package::installed::{assess, installed_packages, PackageState};
use crate::package::polling::{Polling, Progress};
use crate::salesforce::client::SalesforceClient;

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// Installs the edition's package version and waits for it; returns how it compares with
/// the catalog once installed.
pub async fn install_via_api(
    client: &SalesforceClient,
    edition: &PackageEdition,
    polling: Polling,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<PackageState, Error> {
    let body = json!({
        "SubscriberPackageVersionKey": edition.package_version_id.to_string(),
        // "None" is Salesforce's value for "install for admins only".
        "SecurityType": "None",
        "NameConflictResolution": "Block",
    });
    let created: Created = client.post("tooling/sobjects/PackageInstallRequest", &body, false).await?;
    progress(Progress::Requested { request: created.id.clone() });
    let started = Instant::now();
    loop {
        let request: Value =
            client.get(&format!("tooling/sobjects/PackageInstallRequest/{}?fields=Status,Errors", created.id)).await?;
        let status = request["Status"].as_str().unwrap_or("UNKNOWN").to_string();
        match status.as_str() {
            "SUCCESS" => {
                let installed = installed_packages(client).await?;
                return assess(client, &installed, edition).await;
            }
            "ERROR" => {
                let messages: Vec<String> = request["Errors"]["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["message"].as_str().map(crate::secret::redact))
                    .collect();
                return Err(Error::InstallFailed { message: messages.join(" ") });
            }
            _ => {}
        }
        if started.elapsed() >= polling.timeout {
            return Err(Error::InstallTimedOut { minutes: polling.minutes() });
        }
        progress(Progress::Waiting {
            status,
            elapsed_secs: started.elapsed().as_secs(),
            timeout_secs: polling.timeout.as_secs(),
        });
        tokio::time::sleep(polling.interval).await;
    }
}
