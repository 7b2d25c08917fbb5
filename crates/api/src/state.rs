//! What survives a restart: the language, the playbook on screen, the shared org and sign-in,
//! who filled answers in by link, and each playbook's own answers (as it saves them). Holds no
//! secrets by construction.

use std::collections::BTreeMap;

use reconnect_engine::connection::Connection;
use reconnect_engine::language::Language;
use reconnect_engine::state_file::Saved;
use reconnect_engine::view::PrefillView;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The state file's name in the app's config folder.
pub const STATE_FILE: &str = "wizard-state.json";

/// One playbook's saved answers, read without touching the file (the CLI reads what the app
/// recorded; a file it cannot read is the app's to set aside, so this gives `None`).
pub fn peek_playbook(dir: &std::path::Path, id: &str) -> Option<Value> {
    let file: Value = serde_json::from_slice(&std::fs::read(dir.join(STATE_FILE)).ok()?).ok()?;
    (file["schema"] == SavedState::SCHEMA).then(|| file["playbooks"][id].clone()).filter(|v| !v.is_null())
}

/// The saved state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedState {
    /// The language the admin picked; `None` follows the operating system.
    #[serde(default)]
    pub language: Option<Language>,
    /// The playbook on screen; `None` is the home screen.
    #[serde(default)]
    pub active: Option<String>,
    /// The org and the sign-in, shared by the playbooks.
    #[serde(default)]
    pub connection: Connection,
    /// Who filled in the answers, when a link did.
    #[serde(default)]
    pub prefill: Option<PrefillView>,
    /// Each playbook's answers, by id.
    #[serde(default)]
    pub playbooks: BTreeMap<String, Value>,
}

impl Saved for SavedState {
    const SCHEMA: u32 = 2;

    /// Schema 1 was the Gainsight wizard alone: its org, sign-in and link answers move to the
    /// shared connection, the rest stays the Gainsight playbook's, which stays on screen.
    fn migrate(schema: u32, file: Value) -> Option<Self> {
        if schema != 1 {
            return None;
        }
        let mut wizard = file.get("wizard")?.as_object()?.clone();
        let prefill = wizard.remove("prefill").filter(|p| !p.is_null());
        let mut org = wizard.remove("org").unwrap_or(Value::Null);
        if org["source"] == "practice" {
            let stage = org["stage"].as_str().map(str::to_string);
            org = json!({ "source": "practice", "scenario": reconnect_gainsight::practice::scenario_of_stage(stage.as_deref()) });
        }
        let mut signed_in = wizard.remove("signed_in").unwrap_or(Value::Null);
        if let Some(facts) = signed_in.get_mut("facts").and_then(Value::as_object_mut) {
            // The facts kept the Gainsight findings; the engine keeps the endpoints they came from.
            let endpoints: Vec<Value> = facts
                .remove("region")
                .and_then(|r| r.get("findings").and_then(Value::as_array).cloned())
                .unwrap_or_default()
                .iter()
                .map(|f| json!({ "source": f["source"], "url": f["url"] }))
                .collect();
            facts.insert("endpoints".into(), Value::Array(endpoints));
        }
        let linked = prefill.as_ref().and_then(|p| {
            (!p["environment"].is_null() || !p["org"].is_null())
                .then(|| json!({ "environment": p["environment"], "org": p["org"] }))
        });
        let connection = serde_json::from_value(json!({
            "org": org,
            "sign_in_settings": wizard.remove("sign_in_settings").unwrap_or(json!({})),
            "signed_in": signed_in,
            "linked": linked,
        }))
        .ok()?;
        if let Some(region) = prefill.as_ref().map(|p| p["region"].clone()) {
            wizard.insert("linked_region".into(), region);
        }
        let prefill = prefill.map(|p| PrefillView {
            verified: p["issuer"].is_string(),
            issuer: p["issuer"].as_str().map(str::to_string),
            ticket: p["ticket"].as_str().map(str::to_string),
        });
        Some(SavedState {
            language: serde_json::from_value(file.get("language").cloned().unwrap_or(Value::Null)).ok()?,
            active: Some(reconnect_gainsight::ID.to_string()),
            connection,
            prefill,
            playbooks: BTreeMap::from([(reconnect_gainsight::ID.to_string(), Value::Object(wizard))]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::connection::{OrgAnswer, SignInTarget};
    use reconnect_engine::state_file::{Loaded, StateFile};

    /// A state file as the wizard before playbooks wrote it (signed in to the practice org's
    /// second stage, with a link's answers).
    const SCHEMA_1: &str = r#"{
  "schema": 1,
  "language": "ja",
  "wizard": {
    "current": "install",
    "use_case": "data-sync",
    "region": { "source": "chosen", "region": "eu" },
    "org": { "source": "practice", "stage": "salesforce_fixed" },
    "sign_in_settings": { "client_id": "3MVG9my.app", "port": 8765 },
    "signed_in": {
      "instance": "http://127.0.0.1:4100",
      "facts": {
        "org_id": "00D5g00000PRACTEA5", "name": "Acme", "instance_name": "NA224",
        "organization_type": "Enterprise Edition", "environment": "production",
        "username": "admin@acme-practice.example",
        "region": { "findings": [ { "source": "RemoteProxy", "url": "https://acme.eu.gainsightcloud.com", "regions": ["eu"], "edition": "eu" } ] },
        "status_url": "https://status.salesforce.com/instances/NA224"
      }
    },
    "oauth_user": "gs@acme.example",
    "installed": null,
    "reauthorization_started_ms": null,
    "verified_at": null,
    "checklist": ["hubspot"],
    "prefill": { "issuer": "Acme Support", "ticket": "CS-1", "region": "eu", "environment": null, "org": null }
  }
}"#;

    #[test]
    fn a_state_file_from_before_playbooks_keeps_its_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wizard-state.json");
        std::fs::write(&path, SCHEMA_1).unwrap();
        let Loaded::Restored(s) = StateFile::new(&path).load::<SavedState>() else { panic!("not migrated") };
        assert_eq!(s.language, Some(Language::Ja));
        assert_eq!(s.active.as_deref(), Some("gainsight"));
        assert_eq!(s.connection.org(), Some(&OrgAnswer::Practice { scenario: "already-fixed".into() }));
        assert_eq!(s.connection.sign_in_target().unwrap(), SignInTarget::Practice("already-fixed".into()));
        assert_eq!(s.connection.sign_in_settings().port, 8765);
        let facts = &s.connection.signed_in().unwrap().facts;
        assert_eq!(facts.endpoints[0].url, "https://acme.eu.gainsightcloud.com");
        assert_eq!(s.prefill.as_ref().unwrap().issuer.as_deref(), Some("Acme Support"));
        let wizard: reconnect_gainsight::wizard::Wizard =
            serde_json::from_value(s.playbooks["gainsight"].clone()).unwrap();
        assert_eq!(wizard.oauth_user(), Some("gs@acme.example"));
        assert!(wizard.region_from_link());
        assert!(wizard.checklist().contains("hubspot"));
    }
}
