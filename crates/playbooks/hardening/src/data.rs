//! The playbook's data files: the incidents' indicators (`data/indicators.json`) and what is
//! known about integrations (`data/integrations.json`: first-party apps, vendors' apps and
//! egress addresses, IP relaxation values), each value with its source and how sure it is.

use std::sync::OnceLock;

use reconnect_engine::language::{same_or_both, Text};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// How sure a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// A primary source (the vendor's own page or code) says it.
    Confirmed,
    /// A third party quotes or compiles it.
    Secondary,
    /// Not verified.
    Unconfirmed,
}

/// One indicator: an address or a user agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// The value.
    pub value: String,
    /// What it was seen doing.
    pub note: String,
    /// How sure.
    pub label: Label,
    /// Where it comes from.
    pub sources: Vec<String>,
}

/// One incident's indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable id.
    pub id: String,
    /// Its name.
    #[serde(deserialize_with = "same_or_both")]
    pub name: Text,
    /// When its first activity was seen (UTC).
    pub from: String,
    /// Connected-app names tied to it.
    pub apps: Vec<String>,
    /// Addresses.
    pub ips: Vec<Indicator>,
    /// User agents.
    pub user_agents: Vec<Indicator>,
    /// What the list leaves out.
    #[serde(deserialize_with = "same_or_both")]
    pub not_listed: Text,
}

/// The indicators file.
#[derive(Debug, Clone, Deserialize)]
pub struct Indicators {
    /// The file's version.
    pub version: String,
    /// The incidents.
    pub incidents: Vec<Incident>,
}

/// What is known about a vendor's integration.
#[derive(Debug, Clone, Deserialize)]
pub struct Vendor {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its connected apps' names.
    pub apps: Vec<String>,
    /// The Reconnect playbook that reconnects it, when one does.
    #[serde(default)]
    pub playbook: Option<String>,
    /// The addresses it calls Salesforce from.
    pub egress: Egress,
}

/// A vendor's published egress addresses.
#[derive(Debug, Clone, Deserialize)]
pub struct Egress {
    /// Whether the vendor publishes them.
    pub published: bool,
    /// The ranges, when published.
    pub ranges: Vec<String>,
    /// How sure the finding is.
    pub label: Label,
    /// What was found, and where the admin gets the addresses instead.
    #[serde(deserialize_with = "same_or_both")]
    pub finding: Text,
    /// Sources.
    pub sources: Vec<String>,
}

/// A value of `ConnectedApp` `oauthPolicy.ipRelaxation`.
#[derive(Debug, Clone, Deserialize)]
pub struct Relaxation {
    /// The metadata value.
    pub value: String,
    /// What it means.
    #[serde(deserialize_with = "same_or_both")]
    pub meaning: Text,
    /// Whether it relaxes the org's IP restrictions.
    pub relaxed: bool,
    /// How sure.
    pub label: Label,
}

#[derive(Debug, Clone, Deserialize)]
struct FirstParty {
    names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RelaxationValues {
    values: Vec<Relaxation>,
}

/// Who counts as an integration user (a rule of this playbook, kept with its reasons).
#[derive(Debug, Clone, Deserialize)]
pub struct IntegrationUsers {
    /// Apps authorized by at most this many users are taken for integrations.
    pub max_users: usize,
}

/// The integrations file.
#[derive(Debug, Clone, Deserialize)]
pub struct Integrations {
    /// Days without use after which a token is stale.
    pub stale_days: u32,
    /// Who counts as an integration user.
    pub integration_users: IntegrationUsers,
    first_party: FirstParty,
    /// Vendors.
    pub vendors: Vec<Vendor>,
    ip_relaxation: RelaxationValues,
}

impl Integrations {
    /// Whether `app` is one of Salesforce's own apps (never a ghost).
    pub fn first_party(&self, app: &str) -> bool {
        self.first_party.names.iter().any(|n| n.eq_ignore_ascii_case(app.trim()))
    }

    /// The vendor whose app `app` is.
    pub fn vendor_of(&self, app: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.apps.iter().any(|a| a.eq_ignore_ascii_case(app.trim())))
    }

    /// What an `ipRelaxation` value means, when it is one this file knows.
    pub fn relaxation(&self, value: &str) -> Option<&Relaxation> {
        self.ip_relaxation.values.iter().find(|r| r.value.eq_ignore_ascii_case(value))
    }
}

fn load<T: serde::de::DeserializeOwned>(file: &'static str, src: &str) -> Result<T, Error> {
    serde_json::from_str(src).map_err(|e| Error::DataFile { file, problem: e.to_string() })
}

/// The shipped indicators.
pub fn indicators() -> &'static Indicators {
    static DATA: OnceLock<Indicators> = OnceLock::new();
    DATA.get_or_init(|| {
        load("indicators.json", include_str!("../data/indicators.json")).expect("indicators.json is checked by a test")
    })
}

/// The shipped integrations file.
pub fn integrations() -> &'static Integrations {
    static DATA: OnceLock<Integrations> = OnceLock::new();
    DATA.get_or_init(|| {
        load("integrations.json", include_str!("../data/integrations.json"))
            .expect("integrations.json is checked by a test")
    })
}

/// The incident that names `app`, if any.
pub fn incident_of(app: &str) -> Option<&'static Incident> {
    indicators().incidents.iter().find(|i| i.apps.iter().any(|a| a.eq_ignore_ascii_case(app.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_read_and_every_indicator_has_a_source() {
        let i = indicators();
        assert!(i.incidents.len() >= 2);
        for incident in &i.incidents {
            for ind in incident.ips.iter().chain(&incident.user_agents) {
                assert!(!ind.sources.is_empty(), "{}: {}", incident.id, ind.value);
                assert_ne!(ind.label, Label::Confirmed, "no primary copy of an indicator was found: {}", ind.value);
            }
            for ip in &incident.ips {
                assert!(ip.value.parse::<std::net::IpAddr>().is_ok(), "{}", ip.value);
            }
            assert!(reconnect_engine::timestamp::parse_ms(&incident.from).is_some(), "{}", incident.from);
        }
        let drift = i.incidents.iter().find(|x| x.id == "salesloft-drift-2025-08").unwrap();
        assert_eq!(drift.ips.len(), 20, "the 20 addresses GTIG lists");
        assert!(drift.user_agents.iter().any(|u| u.value == "Salesforce-CLI/1.0"));
        let gainsight = i.incidents.iter().find(|x| x.id == "gainsight-2025-11").unwrap();
        assert_eq!(gainsight.ips[0].value, "3.239.45.43");
        assert!(gainsight.from.starts_with("2025-10-23"));
    }

    #[test]
    fn gainsight_publishes_no_egress_list_and_the_circulating_one_is_not_shipped() {
        let g = integrations().vendors.iter().find(|v| v.id == "gainsight").unwrap();
        assert!(!g.egress.published && g.egress.ranges.is_empty());
        assert!(g.egress.finding.en.contains("35.166.202.113"), "the finding warns about the circulating list");
        assert!(integrations().vendor_of("GAINSIGHTCSUS").is_some());
        assert!(integrations().first_party("salesforce cli"));
        assert!(integrations().relaxation("bypass").unwrap().relaxed);
        assert_eq!(integrations().relaxation("ENFORCE_ACTIVATED_USERS").unwrap().label, Label::Unconfirmed);
    }
}
