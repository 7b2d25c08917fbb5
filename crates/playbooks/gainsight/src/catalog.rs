//! The catalog of Gainsight's Salesforce packages, loaded from the versioned data file
//! `data/catalog.json` and checked on load.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::language::Text;
use crate::region::{Edition, Region};
use reconnect_engine::salesforce_id::{KeyPrefix, SalesforceId};

/// What an admin wants working again; each is served by one package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "kebab-case")]
pub enum UseCase {
    /// Data sync between Salesforce and Gainsight.
    DataSync,
    /// Gainsight screens inside Salesforce.
    EmbeddedUi,
    /// Sign-in of the Chrome extension, Outlook add-in, mobile and Zoom apps.
    ExtensionLogin,
}

impl UseCase {
    /// Every use case, in display order.
    pub const ALL: [UseCase; 3] = [UseCase::DataSync, UseCase::EmbeddedUi, UseCase::ExtensionLogin];

    /// The kebab-case code used in files, links and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            UseCase::DataSync => "data-sync",
            UseCase::EmbeddedUi => "embedded-ui",
            UseCase::ExtensionLogin => "extension-login",
        }
    }
}

impl fmt::Display for UseCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for UseCase {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL.into_iter().find(|u| u.code() == s).ok_or(Error::UnknownUseCase { input: s })
    }
}

/// Whether a package can be installed today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "snake_case")]
pub enum PackageStatus {
    /// Published.
    Available,
    /// Announced, not published.
    ComingSoon,
}

/// A use case as the catalog describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UseCaseEntry {
    /// Which one.
    pub id: UseCase,
    /// Short title.
    pub title: Text,
    /// What it covers.
    pub summary: Text,
}

/// One edition of a package (the Connected App comes as US and EU).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageEdition {
    /// Which edition.
    pub edition: Edition,
    /// The regions it serves.
    pub regions: Vec<Region>,
    /// The package's name in Salesforce.
    pub package_name: String,
    /// The connected app's name in Salesforce.
    pub connected_app: String,
    /// The `04t` package version id to install.
    pub package_version_id: SalesforceId,
    /// Where this comes from.
    pub source: String,
}

/// A package as the catalog describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Package {
    /// Stable id used in files, links and the CLI.
    pub id: String,
    /// The name admins see: the published name, or what it is while it has none.
    #[serde(deserialize_with = "crate::language::same_or_both")]
    pub name: Text,
    /// Published or not.
    pub status: PackageStatus,
    /// The use cases it serves.
    pub serves: Vec<UseCase>,
    /// Where this comes from.
    pub source: String,
    /// What it does.
    pub does: Text,
    /// What it does not do.
    pub does_not: Text,
    /// The installable editions; empty when no install id is published.
    pub editions: Vec<PackageEdition>,
    /// Why there is no install id, when there is none.
    #[serde(default)]
    pub no_id_reason: Option<Text>,
}

impl Package {
    /// The use cases this package does not serve.
    pub fn does_not_serve(&self) -> Vec<UseCase> {
        UseCase::ALL.into_iter().filter(|u| !self.serves.contains(u)).collect()
    }

    /// Whether an install link can be built for it.
    pub fn installable(&self) -> bool {
        self.status == PackageStatus::Available && !self.editions.is_empty()
    }

    /// Whether choosing an edition needs the Gainsight region.
    pub fn needs_region(&self) -> bool {
        self.editions.len() > 1
    }

    /// The edition for a region; with a single edition, the region does not matter.
    pub fn edition_for(&self, region: Option<Region>) -> Result<&PackageEdition, Error> {
        if !self.installable() {
            return Err(Error::PackageNotInstallable { package: self.name.clone() });
        }
        match (self.editions.as_slice(), region) {
            ([only], _) => Ok(only),
            (_, Some(r)) => self
                .editions
                .iter()
                .find(|e| e.regions.contains(&r))
                .ok_or(Error::RegionNeeded { package: self.name.clone() }),
            (_, None) => Err(Error::RegionNeeded { package: self.name.clone() }),
        }
    }

    /// The edition for a connected-app edition (US or EU).
    pub fn edition(&self, edition: Edition) -> Option<&PackageEdition> {
        self.editions.iter().find(|e| e.edition == edition)
    }
}

/// Where the generic install link points.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstallLinkRule {
    /// Host for production-type orgs.
    pub production_host: String,
    /// Host for sandboxes and scratch orgs.
    pub sandbox_host: String,
    /// Path of the installer page.
    pub path: String,
    /// Query parameter that carries the package version id.
    pub parameter: String,
    /// Where this comes from.
    pub source: String,
    /// Whether the same path on an org's My Domain is documented.
    pub my_domain_path: Confirmation,
}

/// A fact and whether a public source confirms it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Confirmation {
    /// Confirmed by a public document.
    pub confirmed: bool,
    /// Where it comes from.
    pub source: String,
}

/// The whole catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    /// Data file schema.
    pub schema: u32,
    /// Version of the catalog's content.
    pub version: String,
    /// How install links are built.
    pub install_link: InstallLinkRule,
    /// The use cases.
    pub use_cases: Vec<UseCaseEntry>,
    /// The packages.
    pub packages: Vec<Package>,
    /// Facts that no public source confirmed.
    pub unconfirmed: Vec<Text>,
}

impl Catalog {
    /// The catalog shipped with this build.
    pub fn shipped() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::from_json(include_str!("../data/catalog.json")).expect("catalog.json is checked by a unit test")
        })
    }

    /// Parses and checks a catalog: every use case served by exactly one package, install ids
    /// that are package version ids, editions covering every region for multi-edition
    /// packages, and no install id on a package that is not published.
    pub fn from_json(src: &str) -> Result<Catalog, Error> {
        let bad = |problem: String| Error::from(reconnect_engine::Error::DataFile { file: "catalog.json", problem });
        let catalog: Catalog = serde_json::from_str(src).map_err(|e| bad(e.to_string()))?;
        if catalog.schema != 1 {
            return Err(bad(format!("schema {} is not 1", catalog.schema)));
        }
        for use_case in UseCase::ALL {
            let servers = catalog.packages.iter().filter(|p| p.serves.contains(&use_case)).count();
            if servers != 1 {
                return Err(bad(format!("{use_case} is served by {servers} packages, not 1")));
            }
            if !catalog.use_cases.iter().any(|u| u.id == use_case) {
                return Err(bad(format!("{use_case} has no description")));
            }
        }
        for p in &catalog.packages {
            for e in &p.editions {
                if e.package_version_id.key_prefix() != Some(KeyPrefix::PackageVersion) {
                    return Err(bad(format!("{}: {} is not a package version id", p.id, e.package_version_id)));
                }
            }
            if p.status == PackageStatus::ComingSoon && !p.editions.is_empty() {
                return Err(bad(format!("{} is coming soon but has an install id", p.id)));
            }
            if p.editions.is_empty() && p.no_id_reason.is_none() {
                return Err(bad(format!("{} has no install id and no reason", p.id)));
            }
            if p.needs_region() {
                for r in Region::ALL {
                    let n = p.editions.iter().filter(|e| e.regions.contains(&r)).count();
                    if n != 1 {
                        return Err(bad(format!("{}: region {r} is in {n} editions", p.id)));
                    }
                }
            }
        }
        Ok(catalog)
    }

    /// The package that serves a use case.
    pub fn package_for(&self, use_case: UseCase) -> &Package {
        self.packages
            .iter()
            .find(|p| p.serves.contains(&use_case))
            .expect("every use case has a package (checked at load)")
    }

    /// The edition of the data-sync package (the Gainsight CS Connected App) for a connected-app
    /// edition, when one is known.
    pub fn connected_app_edition(&self, edition: Option<Edition>) -> Result<&PackageEdition, Error> {
        let package = self.package_for(UseCase::DataSync);
        edition.and_then(|e| package.edition(e)).ok_or_else(|| Error::RegionNeeded { package: package.name.clone() })
    }

    /// The description of a use case.
    pub fn use_case(&self, use_case: UseCase) -> &UseCaseEntry {
        self.use_cases.iter().find(|u| u.id == use_case).expect("checked at load")
    }

    /// Resolves what the CLI was given into one installable edition: `package` may be a
    /// package id, a package name or a connected-app name (which names the edition itself);
    /// the region picks the edition of a package that has several. The default is the
    /// package that serves data sync.
    pub fn resolve_edition(
        &self,
        package: Option<&str>,
        region: Option<Region>,
    ) -> Result<(&Package, &PackageEdition), Error> {
        let wanted = package.map(str::trim);
        if let Some(w) = wanted {
            for p in &self.packages {
                if let Some(e) = p
                    .editions
                    .iter()
                    .find(|e| e.connected_app.eq_ignore_ascii_case(w) || e.package_name.eq_ignore_ascii_case(w))
                {
                    return Ok((p, e));
                }
            }
        }
        let p = match wanted {
            Some(w) => self
                .packages
                .iter()
                .find(|p| {
                    p.id.eq_ignore_ascii_case(w) || [&p.name.en, &p.name.ja].iter().any(|n| n.eq_ignore_ascii_case(w))
                })
                .ok_or_else(|| Error::UnknownPackage { input: w.to_string() })?,
            None => self.package_for(UseCase::DataSync),
        };
        Ok((p, p.edition_for(region)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../data/catalog.json");

    #[test]
    fn shipped_catalog_has_the_three_packages_of_the_advisory() {
        let c = Catalog::shipped();
        let app = c.package_for(UseCase::DataSync);
        assert_eq!(app.id, "cs-connected-app");
        assert_eq!(app.edition_for(Some(Region::Us1)).unwrap().connected_app, "GAINSIGHTCSUS");
        assert_eq!(app.edition_for(Some(Region::Us2)).unwrap().package_version_id.to_15(), "04tg50000000tZD");
        assert_eq!(app.edition_for(Some(Region::Eu)).unwrap().package_version_id.to_15(), "04tJ9000000Hgiz");
        assert_eq!(app.edition_for(Some(Region::Eu)).unwrap().connected_app, "GAINSIGHTCSEU");
        assert!(app.needs_region());
        let ui = c.package_for(UseCase::EmbeddedUi);
        // A published name is the same in both languages; an unpublished package is described.
        assert_eq!(
            (ui.name.en.as_str(), ui.name.ja.as_str()),
            ("Gainsight Customer Success", "Gainsight Customer Success")
        );
        assert!(!ui.installable());
        let ext = c.package_for(UseCase::ExtensionLogin);
        assert_eq!(ext.status, PackageStatus::ComingSoon);
        assert!(ext.editions.is_empty());
        let refusal = ext.edition_for(None).unwrap_err().user_message();
        assert!(refusal.what.ja.contains("拡張機能・アプリ向け Gainsight ログインパッケージ"), "{}", refusal.what.ja);
        assert!(refusal.what.en.contains("Gainsight login package for extensions and apps"), "{}", refusal.what.en);
    }

    #[test]
    fn connected_app_needs_a_region_to_pick_its_edition() {
        let app = Catalog::shipped().package_for(UseCase::DataSync);
        assert!(matches!(app.edition_for(None), Err(Error::RegionNeeded { .. })));
    }

    #[test]
    fn each_package_knows_what_it_does_not_serve() {
        let app = Catalog::shipped().package_for(UseCase::DataSync);
        assert_eq!(app.does_not_serve(), vec![UseCase::EmbeddedUi, UseCase::ExtensionLogin]);
    }

    #[test]
    fn broken_catalogs_are_refused_with_the_reason() {
        let cases = [
            (SHIPPED.replace("04tJ9000000Hgiz", "005J9000000Hgiz"), "not a package version id"),
            (SHIPPED.replace("04tJ9000000Hgiz", "04tJ9000000HgizXYZ"), "catalog.json"),
            (SHIPPED.replace(r#""serves": ["embedded-ui"]"#, r#""serves": ["data-sync"]"#), "served by"),
            (SHIPPED.replace(r#""regions": ["us1", "us2"]"#, r#""regions": ["us1"]"#), "region US2"),
            (SHIPPED.replace(r#""schema": 1"#, r#""schema": 2"#), "schema"),
        ];
        for (src, needle) in cases {
            let err = Catalog::from_json(&src).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn cli_package_names_resolve_to_one_edition() {
        let c = Catalog::shipped();
        let (_, e) = c.resolve_edition(Some("GAINSIGHTCSEU"), None).unwrap();
        assert_eq!(e.package_version_id.to_15(), "04tJ9000000Hgiz");
        let (_, e) = c.resolve_edition(Some("gainsight cs us connected app"), None).unwrap();
        assert_eq!(e.connected_app, "GAINSIGHTCSUS");
        let (_, e) = c.resolve_edition(None, Some(Region::Us2)).unwrap();
        assert_eq!(e.connected_app, "GAINSIGHTCSUS");
        assert!(matches!(c.resolve_edition(None, None), Err(Error::RegionNeeded { .. })));
        assert!(matches!(c.resolve_edition(Some("extension-login"), None), Err(Error::PackageNotInstallable { .. })));
        assert!(matches!(c.resolve_edition(Some("nope"), None), Err(Error::UnknownPackage { .. })));
    }

    #[test]
    fn use_case_codes_round_trip() {
        for u in UseCase::ALL {
            assert_eq!(u.code().parse::<UseCase>().unwrap(), u);
        }
        assert!("everything".parse::<UseCase>().is_err());
    }
}
