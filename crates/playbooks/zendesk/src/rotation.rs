//! Rotating an installation's secrets: a preview that says what changes and that it cannot be
//! undone (the old value was never read and cannot be read back), then the new values written
//! with `PUT /api/v2/apps/installations/{id}`. The journal records the installation, the
//! setting names, when and by whom; never a value.

use std::collections::BTreeMap;

use reconnect_engine::clock::Clock;
use reconnect_engine::journal::{Event, Journal, RunLog};
use reconnect_engine::language::Text;
use reconnect_engine::secret::Secret;
use reconnect_engine::zendesk::api::update_installation;
use reconnect_engine::zendesk::session::ZendeskRecord;
use reconnect_engine::zendesk::ZendeskClient;
use serde::Serialize;
use serde_json::Value;

use crate::data::data;
use crate::error::Error;
use crate::inventory::Inventory;
use crate::language::text;

/// What a rotation will change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RotationPlan {
    /// The installation.
    pub installation: u64,
    /// Its name.
    pub name: String,
    /// The app's name.
    pub app_name: String,
    /// The settings that get new values.
    pub settings: Vec<String>,
    /// Where the new credential is made, when the service is known.
    pub vendor: Option<(String, Text, String)>,
    /// What happens, line by line, for the preview.
    pub preview: Vec<Text>,
}

/// The journal's name for a Zendesk account (its entries never mix with a Salesforce org's).
pub fn journal_org(record: &ZendeskRecord) -> String {
    format!("zendesk:{}", record.base.subdomain())
}

/// Plans new values for `settings` of installation `id` (all its secrets when empty).
pub fn plan(inventory: &Inventory, id: u64, settings: &[String]) -> Result<RotationPlan, Error> {
    let app = inventory.app(id)?;
    let known: Vec<String> = app.secrets.clone();
    let chosen: Vec<String> = if settings.is_empty() { known.clone() } else { settings.to_vec() };
    for s in &chosen {
        if !known.contains(s) {
            return Err(Error::UnknownSetting {
                installation: app.name.clone(),
                setting: s.clone(),
                known: known.join(", "),
            });
        }
    }
    if chosen.is_empty() {
        return Err(Error::UnknownSetting {
            installation: app.name.clone(),
            setting: String::new(),
            known: String::new(),
        });
    }
    let vendor = data().vendor_for(&app.app_name).map(|v| (v.service.clone(), v.place.clone(), v.url.clone()));
    let mut preview = vec![text(
        "rotate.preview.write",
        &[("installation", &app.name), ("id", &id.to_string()), ("settings", &chosen.join(", "))],
    )];
    if !app.enabled {
        preview.push(text("rotate.preview.disabled", &[]));
    }
    preview.push(text("rotate.preview.irreversible", &[]));
    preview.push(text("rotate.preview.journal", &[]));
    Ok(RotationPlan {
        installation: id,
        name: app.name.clone(),
        app_name: app.app_name.clone(),
        settings: chosen,
        vendor,
        preview,
    })
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rotated {
    /// The installation.
    pub installation: u64,
    /// The settings replaced.
    pub settings: Vec<String>,
    /// When (as the journal writes it).
    pub at: String,
}

/// Writes the new values. Each planned setting needs exactly one non-empty value; the values
/// go to Zendesk and nowhere else.
pub async fn apply(
    client: &ZendeskClient,
    journal: &Journal,
    clock: &dyn Clock,
    record: &ZendeskRecord,
    plan: &RotationPlan,
    values: Vec<(String, Secret)>,
) -> Result<Rotated, Error> {
    if !record.is_admin() {
        return Err(Error::NotAdmin);
    }
    for s in &plan.settings {
        let given = values.iter().filter(|(n, _)| n == s).collect::<Vec<_>>();
        if given.len() != 1 || given[0].1.expose().trim().is_empty() {
            return Err(Error::BadValue { setting: s.clone() });
        }
    }
    if let Some((n, _)) = values.iter().find(|(n, _)| !plan.settings.contains(n)) {
        return Err(Error::UnknownSetting {
            installation: plan.name.clone(),
            setting: n.clone(),
            known: plan.settings.join(", "),
        });
    }
    let log = RunLog::new(journal, clock, crate::ID, &journal_org(record), &record.email);
    let key: BTreeMap<String, Value> = BTreeMap::from([
        ("installation".to_string(), Value::String(plan.name.clone())),
        ("app".to_string(), Value::String(plan.app_name.clone())),
    ]);
    let fields: BTreeMap<String, Value> =
        plan.settings.iter().map(|s| (s.clone(), Value::String("new value (not recorded)".into()))).collect();
    let fill = |e: &mut reconnect_engine::journal::Entry| {
        e.record = Some(plan.installation.to_string());
        e.key = key.clone();
        e.fields = fields.clone();
    };
    log.write(1, Event::Intent, "AppInstallation", fill)?;
    match update_installation(client, plan.installation, &values).await {
        Ok(_) => {
            log.write(1, Event::Rotated, "AppInstallation", fill)?;
            Ok(Rotated { installation: plan.installation, settings: plan.settings.clone(), at: clock.now_text() })
        }
        Err(e) => {
            log.failed(1, "AppInstallation", &e)?;
            Err(e.into())
        }
    }
}
