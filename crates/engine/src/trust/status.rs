//! What the Trust status API says about one instance, read defensively: the contract is not
//! documented, so every field may be missing, null or of another type, and an unknown status
//! word is kept as it came. Shapes follow `corpus/trust/` (key case is mixed: relation arrays
//! are PascalCase, scalars camelCase; times are ISO 8601 in UTC with milliseconds).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::timestamp::parse_ms;

/// The instance's overall status word (the recorded `OK` and `MINOR_INCIDENT_CORE`, and the
/// others Salesforce-owned code lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "word", rename_all = "snake_case")]
pub enum StatusWord {
    /// `OK`.
    Ok,
    /// `MAJOR_INCIDENT_*`.
    MajorIncident {
        /// Whether the core service is affected (`*_CORE`).
        core: bool,
    },
    /// `MINOR_INCIDENT_*`.
    MinorIncident {
        /// Whether the core service is affected.
        core: bool,
    },
    /// `MAINTENANCE_*`.
    Maintenance {
        /// Whether the core service is affected.
        core: bool,
    },
    /// `INFORMATIONAL_*`.
    Informational {
        /// Whether the core service is affected.
        core: bool,
    },
    /// A word this version does not know, as it came.
    Other {
        /// The word.
        value: String,
    },
}

impl StatusWord {
    /// Reads a status word.
    pub fn parse(s: &str) -> StatusWord {
        let core = !s.ends_with("_NONCORE");
        match s {
            "OK" => StatusWord::Ok,
            _ if s.starts_with("MAJOR_INCIDENT") => StatusWord::MajorIncident { core },
            _ if s.starts_with("MINOR_INCIDENT") => StatusWord::MinorIncident { core },
            _ if s.starts_with("MAINTENANCE") => StatusWord::Maintenance { core },
            _ if s.starts_with("INFORMATIONAL") => StatusWord::Informational { core },
            other => StatusWord::Other { value: other.to_string() },
        }
    }
}

/// One impact of an incident or a maintenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// The impact type's key (a localization key, e.g. `performanceDegradationAsynchronousProcessingSubset`).
    pub kind: String,
    /// Trust's own words for it, when its localizations were read.
    pub text: Option<String>,
    /// `minor`, `major`, `maintenance`, …
    pub severity: String,
    /// When it started (milliseconds).
    pub start_ms: Option<i64>,
    /// When it ended; `None` while it lasts.
    pub end_ms: Option<i64>,
}

/// An update posted on an incident or a maintenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventNote {
    /// When.
    pub at_ms: Option<i64>,
    /// What it says.
    pub message: String,
}

/// An incident on the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Its id (for its page on the Trust site).
    pub id: Option<i64>,
    /// Whether it affects the core service.
    pub is_core: bool,
    /// Its impacts.
    pub impacts: Vec<Impact>,
    /// Its updates.
    pub events: Vec<EventNote>,
}

impl Incident {
    /// Whether an impact still lasts.
    pub fn open(&self) -> bool {
        self.impacts.is_empty() || self.impacts.iter().any(|i| i.end_ms.is_none())
    }

    /// When it started.
    pub fn start_ms(&self) -> Option<i64> {
        self.impacts.iter().filter_map(|i| i.start_ms).min()
    }
}

/// A maintenance of the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Maintenance {
    /// Its id (for its page on the Trust site).
    pub id: Option<i64>,
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Planned start (milliseconds).
    pub planned_start_ms: Option<i64>,
    /// Planned end.
    pub planned_end_ms: Option<i64>,
    /// `message.availability` (e.g. `available`), as it came.
    pub availability: Option<String>,
    /// `message.eventStatus` (e.g. `confirmed`, `resolved`), as it came.
    pub event_status: Option<String>,
    /// `message.maintenanceType`, as it came.
    pub maintenance_type: Option<String>,
    /// Its impacts.
    pub impacts: Vec<Impact>,
}

/// A general message (such as Salesforce's Gainsight advisory). No recorded answer of
/// `/v1/generalMessages` was found: the fields are those public code reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneralMessage {
    /// Its id (for its page on the Trust site).
    pub id: Option<i64>,
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub body: String,
    /// Since when it shows.
    pub start_ms: Option<i64>,
    /// Until when; `None` while it shows.
    pub end_ms: Option<i64>,
}

/// One instance's status as Trust answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceStatus {
    /// The instance's key as answered (`NA224`).
    pub key: String,
    /// Its status word.
    pub status: StatusWord,
    /// `production` or `sandbox`, as it came.
    pub environment: Option<String>,
    /// The release it runs.
    pub release: Option<String>,
    /// Its incidents.
    pub incidents: Vec<Incident>,
    /// Its maintenances.
    pub maintenances: Vec<Maintenance>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

fn time(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_str).and_then(parse_ms)
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default().iter()
}

fn impacts(v: &Value, key: &str) -> Vec<Impact> {
    items(v, key)
        .map(|i| Impact {
            kind: text(i, "type").unwrap_or_default(),
            text: None,
            severity: text(i, "severity").unwrap_or_default(),
            start_ms: time(i, "startTime"),
            end_ms: time(i, "endTime"),
        })
        .collect()
}

/// Reads one instance's status; `None` when the answer is not one (no `key`, no `status`).
pub fn parse_instance(v: &Value) -> Option<InstanceStatus> {
    let key = text(v, "key")?;
    let status = StatusWord::parse(&text(v, "status")?);
    Some(InstanceStatus {
        key,
        status,
        environment: text(v, "environment"),
        release: text(v, "releaseVersion"),
        incidents: items(v, "Incidents")
            .map(|i| Incident {
                id: i.get("id").and_then(Value::as_i64),
                is_core: i.get("isCore").and_then(Value::as_bool).unwrap_or(true),
                impacts: impacts(i, "IncidentImpacts"),
                events: items(i, "IncidentEvents")
                    .filter_map(|e| Some(EventNote { at_ms: time(e, "createdAt"), message: text(e, "message")? }))
                    .collect(),
            })
            .collect(),
        maintenances: items(v, "Maintenances")
            .map(|m| {
                let message = m.get("message").cloned().unwrap_or(Value::Null);
                Maintenance {
                    id: m.get("id").and_then(Value::as_i64),
                    name: text(m, "name"),
                    planned_start_ms: time(m, "plannedStartTime"),
                    planned_end_ms: time(m, "plannedEndTime"),
                    availability: text(&message, "availability"),
                    event_status: text(&message, "eventStatus"),
                    maintenance_type: text(&message, "maintenanceType"),
                    impacts: impacts(m, "MaintenanceImpacts"),
                }
            })
            .collect(),
    })
}

/// Reads `/v1/generalMessages`: an array of messages; items that are not objects with a
/// subject are skipped. `None` when the answer is not an array.
pub fn parse_general_messages(v: &Value) -> Option<Vec<GeneralMessage>> {
    Some(
        v.as_array()?
            .iter()
            .filter_map(|m| {
                Some(GeneralMessage {
                    id: m.get("id").and_then(Value::as_i64),
                    subject: text(m, "subject")?,
                    body: text(m, "body").unwrap_or_default(),
                    start_ms: time(m, "startDate"),
                    end_ms: time(m, "endDate"),
                })
            })
            .collect(),
    )
}

/// Reads `/v1/localizations` into `(modelName, modelKey, modelAttribute)` → text in the
/// asked `locale`, else in English. The recorded list mixes every language with a `locale` on
/// each entry, and whether the `locale` parameter filters it is not confirmed, so it is
/// filtered here; an entry without a `locale` counts as English.
pub fn parse_localizations(v: &Value, locale: &str) -> BTreeMap<(String, String, String), String> {
    let mut words = BTreeMap::new();
    let entries = v.as_array().map(|a| a.as_slice()).unwrap_or_default();
    for wanted in ["en", locale] {
        for l in entries {
            if text(l, "locale").as_deref().unwrap_or("en") != wanted {
                continue;
            }
            if let (Some(name), Some(key), Some(attribute), Some(t)) =
                (text(l, "modelName"), text(l, "modelKey"), text(l, "modelAttribute"), text(l, "text"))
            {
                words.insert((name, key, attribute), t);
            }
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_keep_core_and_unknown_words() {
        assert_eq!(StatusWord::parse("OK"), StatusWord::Ok);
        assert_eq!(StatusWord::parse("MINOR_INCIDENT_CORE"), StatusWord::MinorIncident { core: true });
        assert_eq!(StatusWord::parse("MAINTENANCE_NONCORE"), StatusWord::Maintenance { core: false });
        assert_eq!(StatusWord::parse("SOMETHING_NEW"), StatusWord::Other { value: "SOMETHING_NEW".into() });
    }

    #[test]
    fn localizations_take_the_asked_language_and_fall_back_to_english() {
        let all = serde_json::json!([
            {"modelName": "m", "modelKey": "a", "modelAttribute": "label", "text": "A", "locale": "en"},
            {"modelName": "m", "modelKey": "a", "modelAttribute": "label", "text": "エー", "locale": "ja"},
            {"modelName": "m", "modelKey": "b", "modelAttribute": "label", "text": "B", "locale": "en"},
            {"modelName": "m", "modelKey": "c", "modelAttribute": "label", "text": "C-de", "locale": "de"},
        ]);
        let key = |k: &str| ("m".to_string(), k.to_string(), "label".to_string());
        let ja = parse_localizations(&all, "ja");
        assert_eq!(ja.get(&key("a")).map(String::as_str), Some("エー"));
        assert_eq!(ja.get(&key("b")).map(String::as_str), Some("B"));
        assert_eq!(ja.get(&key("c")), None);
        assert_eq!(parse_localizations(&all, "en").get(&key("a")).map(String::as_str), Some("A"));
    }

    #[test]
    fn odd_answers_read_as_nothing_rather_than_panicking() {
        for v in [Value::Null, serde_json::json!([]), serde_json::json!({"key": 5}), serde_json::json!("OK")] {
            assert_eq!(parse_instance(&v), None);
        }
        let odd = serde_json::json!({"key": "NA1", "status": "OK", "Incidents": "none", "Maintenances": [1, null, {}]});
        let s = parse_instance(&odd).unwrap();
        assert!(s.incidents.is_empty());
        assert_eq!(s.maintenances.len(), 3);
        assert_eq!(parse_general_messages(&serde_json::json!({"messages": []})), None);
    }
}
