//! Scenarios: an org's data and sign-in set-up, as data files in `data/scenarios/`.

use std::collections::BTreeMap;

use reconnect_core::language::Text;
use serde::Deserialize;

use crate::store::{Record, Schema, Store};

/// The scenarios shipped with the practice org, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("production-us-revoked", include_str!("../data/scenarios/production-us-revoked.json")),
    ("eu-sandbox", include_str!("../data/scenarios/eu-sandbox.json")),
    ("already-fixed", include_str!("../data/scenarios/already-fixed.json")),
];

/// The scenario a newcomer starts with.
pub const DEFAULT: &str = "production-us-revoked";

/// An OAuth client the org knows.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientDef {
    /// Installed in the org; uninstalled apps need Approve Uninstalled Connected Apps.
    pub installed: bool,
}

/// A user's practice credentials.
#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    /// Username.
    pub username: String,
    /// Password (a practice credential, printed by `reconnect practice-org`).
    pub password: String,
}

/// A scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    schema: u32,
    /// Its name.
    pub name: String,
    /// Short title.
    pub title: Text,
    /// What it sets up.
    pub description: Text,
    /// The org's My Domain name (shown on the login page).
    pub my_domain: String,
    /// OAuth clients by client id.
    pub oauth_clients: BTreeMap<String, ClientDef>,
    /// Who can sign in.
    pub logins: Vec<Login>,
    /// The org's records by object.
    pub records: BTreeMap<String, Vec<Record>>,
    /// How package installs end.
    #[serde(default)]
    pub install: crate::install::InstallBehaviour,
}

impl Scenario {
    /// A shipped scenario by name.
    pub fn named(name: &str) -> Result<Scenario, String> {
        let (_, src) = SHIPPED.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
            format!("no scenario called '{name}'; choose one of: {}", names.join(", "))
        })?;
        let s: Scenario = serde_json::from_str(src).map_err(|e| format!("scenario {name}: {e}"))?;
        if s.schema != 1 {
            return Err(format!("scenario {name}: schema {} is not 1", s.schema));
        }
        Ok(s)
    }

    /// The scenario's records in a fresh store.
    pub fn store(&self) -> Result<Store, String> {
        Store::new(Schema::shipped(), self.records.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_loads_against_the_schema() {
        for (name, _) in SHIPPED {
            let s = Scenario::named(name).unwrap();
            assert_eq!(s.name, *name);
            let store = s.store().unwrap();
            assert_eq!(store.all("Organization").len(), 1);
            for login in &s.logins {
                assert!(
                    store.all("User").iter().any(|u| u["Username"] == login.username.as_str()),
                    "{name}: {}",
                    login.username
                );
            }
        }
        assert!(Scenario::named("nope").unwrap_err().contains("production-us-revoked"));
    }
}
