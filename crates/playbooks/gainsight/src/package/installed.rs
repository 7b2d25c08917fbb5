//! What is installed (the engine reads `InstalledSubscriberPackage`), compared with the
//! catalog's version of the connected-app package.

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{Catalog, PackageEdition};
use crate::error::Error;
use crate::oauth_user::snapshot::same_id;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;

pub use reconnect_engine::salesforce::installed_packages::{installed_packages, InstalledPackage, INSTALLED_QUERY};

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
