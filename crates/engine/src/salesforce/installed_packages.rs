//! What is installed in an org: the Tooling API's `InstalledSubscriberPackage`, with each
//! package's name, namespace and version (the recorded query's fields,
//! `corpus/salesforce/tooling-installedsubscriberpackage-query.json`).

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::salesforce::client::SalesforceClient;

/// The Tooling query for installed packages.
pub const INSTALLED_QUERY: &str = "SELECT Id, SubscriberPackageId, SubscriberPackage.Name, SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.Id, SubscriberPackageVersion.Name, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber FROM InstalledSubscriberPackage";

/// A package installed in the org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstalledPackage {
    /// The package's name.
    pub name: String,
    /// Its namespace, when it has one.
    pub namespace: Option<String>,
    /// The installed `04t` version id.
    pub version_id: String,
    /// The version's name.
    pub version_name: String,
    /// Major, minor, patch, build.
    pub version: [u32; 4],
}

impl InstalledPackage {
    /// Reads one `InstalledSubscriberPackage` record.
    fn from_row(row: &Value) -> InstalledPackage {
        let v = &row["SubscriberPackageVersion"];
        let n = |k: &str| v[k].as_u64().unwrap_or(0) as u32;
        InstalledPackage {
            name: row["SubscriberPackage"]["Name"].as_str().unwrap_or_default().to_string(),
            namespace: row["SubscriberPackage"]["NamespacePrefix"].as_str().map(str::to_string),
            version_id: v["Id"].as_str().unwrap_or_default().to_string(),
            version_name: v["Name"].as_str().unwrap_or_default().to_string(),
            version: [n("MajorVersion"), n("MinorVersion"), n("PatchVersion"), n("BuildNumber")],
        }
    }

    /// `1.0.0.1`.
    pub fn version_number(&self) -> String {
        self.version.map(|n| n.to_string()).join(".")
    }
}

/// Every package installed in the org (one round trip).
pub async fn installed_packages(client: &SalesforceClient) -> Result<Vec<InstalledPackage>, Error> {
    let rows: Vec<Value> = client.tooling_query(INSTALLED_QUERY).await?;
    Ok(rows.iter().map(InstalledPackage::from_row).collect())
}
