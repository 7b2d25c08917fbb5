//! Scenarios: an org's data and sign-in set-up, as data files in `data/scenarios/`.

use std::collections::BTreeMap;

use reconnect_engine::language::Text;
use serde::Deserialize;

use crate::store::{Record, Schema, Store};

/// The scenarios shipped with the practice org, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("production-us-revoked", include_str!("../data/scenarios/production-us-revoked.json")),
    ("eu-sandbox", include_str!("../data/scenarios/eu-sandbox.json")),
    ("already-fixed", include_str!("../data/scenarios/already-fixed.json")),
    ("app-admin-approved", include_str!("../data/scenarios/app-admin-approved.json")),
    ("install-fails", include_str!("../data/scenarios/install-fails.json")),
    ("production-us-revoked-field", include_str!("../data/scenarios/production-us-revoked-field.json")),
    ("integration-user-frozen", include_str!("../data/scenarios/integration-user-frozen.json")),
    ("hardening-large", include_str!("../data/scenarios/hardening-large.json")),
    ("hardening-small", include_str!("../data/scenarios/hardening-small.json")),
];

/// The scenario a newcomer starts with.
pub const DEFAULT: &str = "production-us-revoked";

/// An OAuth client the org knows, by how its install state is decided.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ClientDef {
    /// A connected app that a package brings: installed while a `ConnectedApplication` record
    /// with this name exists (it appears when the package installs).
    ConnectedApp {
        /// The `ConnectedApplication` name, also shown as the `OauthToken` `AppName`.
        connected_app: String,
    },
    /// An app whose install state the scenario fixes; uninstalled apps need Approve
    /// Uninstalled Connected Apps.
    Fixed {
        /// Installed in the org.
        installed: bool,
    },
}

/// The practice Gainsight tenant served beside the org.
#[derive(Debug, Clone, Deserialize)]
pub struct GainsightDef {
    /// The tenant's name, as in `<tenant>.gainsightcloud.com`.
    pub tenant: String,
    /// The OAuth client (a [`ClientDef::ConnectedApp`]) its Salesforce connector signs in with.
    pub connected_app: String,
    /// The tenant's API access key (a practice credential, printed by `reconnect practice-org`).
    pub access_key: String,
}

/// What only the Metadata API sees of the org.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetadataDef {
    /// User permissions by permission set id (metadata names, e.g. `CanApproveUninstalledApps`);
    /// where the org has a field for one, it is set through the field.
    #[serde(default)]
    pub user_permissions: BTreeMap<String, Vec<String>>,
    /// Profiles whose metadata name is not their label, by id (System Administrator is `Admin`).
    #[serde(default)]
    pub profile_names: BTreeMap<String, String>,
}

/// A field this scenario's org has that the recorded describe lacks.
#[derive(Debug, Clone, Deserialize)]
pub struct AddedField {
    /// API name.
    pub name: String,
    /// Label.
    pub label: String,
    /// The recorded field whose properties it shares.
    pub like: String,
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
    /// The practice Gainsight tenant.
    pub gainsight: GainsightDef,
    /// What the Metadata API sees.
    #[serde(default)]
    pub metadata: MetadataDef,
    /// Fields this org has beyond the recorded describes, by object.
    #[serde(default)]
    pub describe_adds: BTreeMap<String, Vec<AddedField>>,
    /// Objects this org's API does not have (kept for the Metadata API where it reads them).
    #[serde(default)]
    pub hidden_objects: Vec<String>,
    /// Fields this org lets a WHERE clause name although the schema says not, by object.
    #[serde(default)]
    pub filterable: BTreeMap<String, Vec<String>>,
    /// Bulk data made at start.
    #[serde(default)]
    pub generate: Option<crate::generate::GenerateDef>,
}

/// What a scenario's org holds beside its records.
#[derive(Debug, Default)]
pub struct Extras {
    /// Event log files' contents by id (15 characters).
    pub log_files: std::collections::HashMap<String, String>,
    /// Connected apps local to the org, as the Metadata API reads them.
    pub connected_apps: Vec<ConnectedAppMetadata>,
}

/// A connected app local to the org, as the Metadata API reads it.
#[derive(Debug, Clone)]
pub struct ConnectedAppMetadata {
    /// Its `ConnectedApplication` id.
    pub id: String,
    /// Its metadata name.
    pub full_name: String,
    /// Its label (the `ConnectedApplication` name).
    pub label: String,
    /// `oauthPolicy.ipRelaxation`.
    pub ip_relaxation: String,
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
        if !matches!(s.oauth_clients.get(&s.gainsight.connected_app), Some(ClientDef::ConnectedApp { .. })) {
            return Err(format!(
                "scenario {name}: Gainsight's client {} is not a connected-app client",
                s.gainsight.connected_app
            ));
        }
        Ok(s)
    }

    /// The scenario's records in a fresh store, over the recorded schema with this org's own
    /// added fields.
    pub fn store(&self) -> Result<Store, String> {
        self.org_data(crate::time::now_ms()).map(|(store, _)| store)
    }

    /// The scenario's records and bulk data, with times of generated data relative to `now_ms`.
    pub fn org_data(&self, now_ms: i64) -> Result<(Store, Extras), String> {
        let mut schema = Schema::shipped();
        for name in &self.hidden_objects {
            schema.def_mut(name).ok_or_else(|| format!("hidden_objects: no object {name}"))?.hidden = true;
        }
        for (object, fields) in &self.filterable {
            let def = schema.def_mut(object).ok_or_else(|| format!("filterable: no object {object}"))?;
            def.unfilterable.retain(|f| !fields.contains(f));
        }
        for (object, fields) in &self.describe_adds {
            let def = schema.objects.get_mut(object).ok_or_else(|| format!("describe_adds: no object {object}"))?;
            for f in fields {
                def.add_described_field(&f.name, &f.label, &f.like)?;
            }
        }
        let mut records = self.records.clone();
        relative_times(&mut records, now_ms)?;
        let mut store = Store::new(schema, records)?;
        for (set, names) in &self.metadata.user_permissions {
            if store.get("PermissionSet", set).is_none() {
                return Err(format!("metadata.user_permissions: no permission set {set}"));
            }
            for name in names {
                store.grant_user_permission(set, name, true);
            }
        }
        let mut extras = Extras::default();
        if let Some(g) = &self.generate {
            extras = crate::generate::apply(g, &mut store, now_ms)?;
        }
        Ok((store, extras))
    }

    /// A profile's metadata name: the scenario's, else its label.
    pub fn profile_metadata_name(&self, id: &str, label: &str) -> String {
        self.metadata
            .profile_names
            .iter()
            .find(|(k, _)| k.get(..15) == id.get(..15))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| label.to_string())
    }
}

/// A record value `now-200d` (or `now-2h`, `now-30m`) is that long before `now_ms`, so a
/// scenario's "last logged in 200 days ago" stays true whenever it runs.
fn relative_times(
    records: &mut std::collections::BTreeMap<String, Vec<crate::store::Record>>,
    now_ms: i64,
) -> Result<(), String> {
    for rows in records.values_mut() {
        for row in rows {
            for value in row.values_mut() {
                let Some(ago) = value.as_str().and_then(|s| s.strip_prefix("now-")) else { continue };
                let ms = reconnect_engine::timestamp::parse_duration_ms(ago).map_err(|e| e.to_string())?;
                *value = serde_json::Value::String(crate::time::format_ms(now_ms - ms));
            }
        }
    }
    Ok(())
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

    #[test]
    fn every_scenario_serves_gainsight_and_its_connected_apps() {
        for (name, _) in SHIPPED {
            let s = Scenario::named(name).unwrap();
            for app in ["GAINSIGHTCSUS", "GAINSIGHTCSEU"] {
                assert!(
                    matches!(&s.oauth_clients[app], ClientDef::ConnectedApp { connected_app } if connected_app == app),
                    "{name}: {app}"
                );
            }
            assert!(!s.gainsight.access_key.is_empty() && !s.gainsight.tenant.is_empty(), "{name}");
        }
        assert_eq!(Scenario::named("eu-sandbox").unwrap().gainsight.connected_app, "GAINSIGHTCSEU");
        let failing = Scenario::named("install-fails").unwrap().install.error.unwrap();
        assert!(failing.starts_with("This package can't be installed."));
    }
}
