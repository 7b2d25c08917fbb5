//! What is installed: the Tooling API's `InstalledSubscriberPackage`, compared with the
//! catalog's version of the connected-app package.

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{Catalog, PackageEdition};
use crate::error::Error;
use crate::oauth_user::snapshot::same_id;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;

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

/// How the installed connected-app package compares with the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PackageState {
    /// Not installed.
    Missing,
    /// The catalog's version.
    Current {
        /// What is installed.
        installed: InstalledPackage,
    },
    /// A newer version of the same package.
    Newer {
        /// What is installed.
        installed: InstalledPackage,
    },
    /// An older version, or one that could not be compared.
    Other {
        /// What is installed.
        installed: InstalledPackage,
    },
}

impl PackageState {
    /// Whether the package serves the connection.
    pub fn ok(&self) -> bool {
        matches!(self, PackageState::Current { .. } | PackageState::Newer { .. })
    }

    /// The installed package, if any.
    pub fn installed(&self) -> Option<&InstalledPackage> {
        match self {
            PackageState::Missing => None,
            PackageState::Current { installed }
            | PackageState::Newer { installed }
            | PackageState::Other { installed } => Some(installed),
        }
    }
}

/// Compares what is installed with the catalog's edition. When another version than the
/// catalog's is installed, the catalog version's numbers are read from the org (one more
/// round trip) to tell newer from older.
pub async fn assess(
    client: &SalesforceClient,
    installed: &[InstalledPackage],
    edition: &PackageEdition,
) -> Result<PackageState, Error> {
    let Some(found) = installed.iter().find(|p| p.name.eq_ignore_ascii_case(&edition.package_name)) else {
        return Ok(PackageState::Missing);
    };
    let wanted = edition.package_version_id.to_string();
    if same_id(&found.version_id, &wanted) {
        return Ok(PackageState::Current { installed: found.clone() });
    }
    let rows: Vec<Value> = client
        .tooling_query(&format!(
            "SELECT MajorVersion, MinorVersion, PatchVersion, BuildNumber FROM SubscriberPackageVersion WHERE Id = {}",
            soql_string(&wanted)
        ))
        .await?;
    let catalog_version = rows.first().map(|r| {
        let n = |k: &str| r[k].as_u64().unwrap_or(0) as u32;
        [n("MajorVersion"), n("MinorVersion"), n("PatchVersion"), n("BuildNumber")]
    });
    Ok(match catalog_version {
        Some(v) if found.version > v => PackageState::Newer { installed: found.clone() },
        _ => PackageState::Other { installed: found.clone() },
    })
}

/// Whether the Gainsight Customer Success managed package (Gainsight's UI inside Salesforce)
/// is installed; its absence does not affect data sync.
pub fn ui_package_installed(installed: &[InstalledPackage]) -> bool {
    // The org lists a published package by its one name.
    let name = &Catalog::shipped().package_for(crate::catalog::UseCase::EmbeddedUi).name.en;
    installed.iter().any(|p| p.name.eq_ignore_ascii_case(name))
}
