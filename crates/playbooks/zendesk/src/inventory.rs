//! The app installations that hold secrets: every installation with its app's parameters
//! (secure ones are credentials), flagged when made before the incident's cutoff. Values are
//! never read: only setting names.

use std::collections::BTreeMap;

use reconnect_engine::progress::Progress;
use reconnect_engine::zendesk::api::{self, AppDefinition, Installation};
use reconnect_engine::zendesk::ZendeskClient;
use reconnect_engine::Error as EngineError;
use serde::Serialize;
use ts_rs::TS;

use crate::data::{data, Cutoff};
use crate::error::Error;

/// Where an installation's list of secret settings comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskSecretsFrom")]
pub enum SecretsFrom {
    /// The app's definition marks them `secure`.
    Definition,
    /// The definition could not be read: settings whose names say credential.
    Names,
}

/// An installation, as the playbook shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstalledApp {
    /// The installation's id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The app's name.
    pub app_name: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// When it was installed.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// The settings that hold credentials.
    pub secrets: Vec<String>,
    /// How they were found.
    pub secrets_from: SecretsFrom,
    /// Made before the cutoff and holding secrets: to rotate.
    pub flagged: bool,
}

/// Every installation, read at one time against one cutoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    /// The installations, flagged first, oldest first.
    pub apps: Vec<InstalledApp>,
    /// The cutoff used.
    pub cutoff: String,
}

impl Inventory {
    /// The installation with `id`.
    pub fn app(&self, id: u64) -> Result<&InstalledApp, Error> {
        self.apps.iter().find(|a| a.id == id).ok_or(Error::UnknownInstallation { id })
    }

    /// How many are flagged.
    pub fn flagged(&self) -> usize {
        self.apps.iter().filter(|a| a.flagged).count()
    }
}

/// Classifies installations against their apps' definitions.
pub fn classify(installations: &[Installation], apps: &BTreeMap<u64, AppDefinition>, cutoff: Cutoff) -> Inventory {
    let mut list: Vec<InstalledApp> = installations
        .iter()
        .map(|i| {
            let definition = apps.get(&i.app_id);
            let (secrets, secrets_from) = match definition {
                Some(d) => (
                    d.parameters.iter().filter(|p| p.secure).map(|p| p.name.clone()).collect(),
                    SecretsFrom::Definition,
                ),
                None => (
                    i.setting_names.iter().filter(|n| data().looks_secret(n)).cloned().collect::<Vec<_>>(),
                    SecretsFrom::Names,
                ),
            };
            let app_name =
                definition.map(|d| d.name.clone()).or_else(|| i.app_name.clone()).unwrap_or_else(|| i.name.clone());
            InstalledApp {
                id: i.id,
                name: if i.name.is_empty() { app_name.clone() } else { i.name.clone() },
                app_name,
                enabled: i.enabled,
                created_at: i.created_at.clone(),
                updated_at: i.updated_at.clone(),
                flagged: !secrets.is_empty() && cutoff.covers(&i.created_at),
                secrets,
                secrets_from,
            }
        })
        .collect();
    list.sort_by(|a, b| b.flagged.cmp(&a.flagged).then(a.created_at.cmp(&b.created_at)));
    Inventory { apps: list, cutoff: cutoff.text() }
}

/// Reads every installation and the definitions of their apps (sideloaded where Zendesk sends
/// them, else one request per app), with progress.
pub async fn read(
    client: &ZendeskClient,
    cutoff: Cutoff,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Inventory, Error> {
    let (installations, mut apps) = api::installations(client).await?;
    let missing: Vec<u64> = {
        let mut ids: Vec<u64> = installations.iter().map(|i| i.app_id).filter(|id| !apps.contains_key(id)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    for (n, id) in missing.iter().enumerate() {
        progress(Progress::Counting { what: "apps".into(), done: n as u64, total: Some(missing.len() as u64) });
        match api::app(client, *id).await {
            Ok(Some(app)) => {
                apps.insert(app.id, app);
            }
            // An app the account cannot read (another owner's): fall back to setting names.
            Ok(None) | Err(EngineError::ZendeskForbidden { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(classify(&installations, &apps, cutoff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::zendesk::api::Parameter;

    fn installation(id: u64, app_id: u64, created: &str, settings: &[&str]) -> Installation {
        Installation {
            id,
            app_id,
            name: format!("i{id}"),
            enabled: true,
            created_at: created.into(),
            updated_at: created.into(),
            setting_names: settings.iter().map(|s| s.to_string()).collect(),
            app_name: None,
        }
    }

    #[test]
    fn old_installations_with_secure_settings_are_flagged_and_unknown_apps_fall_back_to_names() {
        let mut apps = BTreeMap::new();
        apps.insert(
            1,
            AppDefinition {
                id: 1,
                name: "JIRA".into(),
                parameters: vec![
                    Parameter { name: "url".into(), kind: "url".into(), secure: false, required: true },
                    Parameter { name: "password".into(), kind: "password".into(), secure: true, required: true },
                ],
            },
        );
        let list = [
            installation(10, 1, "2015-01-01T00:00:00Z", &["name", "url"]),
            installation(11, 1, "2020-01-01T00:00:00Z", &["name", "url"]),
            installation(12, 2, "2014-01-01T00:00:00Z", &["name", "api_key", "channel"]),
            installation(13, 3, "2014-01-01T00:00:00Z", &["name", "channel"]),
        ];
        let inv = classify(&list, &apps, Cutoff::parse("2016-11-01").unwrap());
        let by = |id| inv.app(id).unwrap();
        assert!(by(10).flagged && by(10).secrets == ["password"] && by(10).secrets_from == SecretsFrom::Definition);
        assert!(!by(11).flagged, "made after the cutoff");
        assert!(by(12).flagged && by(12).secrets == ["api_key"] && by(12).secrets_from == SecretsFrom::Names);
        assert!(!by(13).flagged, "no secret to rotate");
        assert_eq!(inv.flagged(), 2);
        assert!(inv.apps[0].flagged && inv.apps[1].flagged);
    }
}
