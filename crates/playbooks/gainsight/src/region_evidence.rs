//! The Gainsight data center an org's own settings point at: its Remote Site Settings and CSP
//! Trusted Sites (read at sign-in) name the tenant's host when the connector was set up.

use reconnect_engine::salesforce::org_facts::OrgFacts;
use serde::{Deserialize, Serialize};

use crate::region::{detect_region, Edition, Region, RegionDetection};

/// One endpoint setting that names a Gainsight host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointFinding {
    /// `RemoteProxy` (Remote Site Settings) or `CspTrustedSite`.
    pub source: String,
    /// The endpoint URL.
    pub url: String,
    /// The regions it points at.
    pub regions: Vec<Region>,
    /// The package edition.
    pub edition: Edition,
}

/// What the endpoint settings say about the Gainsight data center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionEvidence {
    /// Every finding.
    pub findings: Vec<EndpointFinding>,
}

impl RegionEvidence {
    /// The findings among an org's allowed endpoints.
    pub fn of(facts: &OrgFacts) -> RegionEvidence {
        let findings = facts
            .endpoints
            .iter()
            .filter_map(|e| match detect_region(&e.url) {
                Ok(RegionDetection::Found { regions, edition, .. }) => {
                    Some(EndpointFinding { source: e.source.clone(), url: e.url.clone(), regions, edition })
                }
                _ => None,
            })
            .collect();
        RegionEvidence { findings }
    }

    /// The edition, when every finding agrees on one.
    pub fn edition(&self) -> Option<Edition> {
        let first = self.findings.first()?.edition;
        self.findings.iter().all(|f| f.edition == first).then_some(first)
    }

    /// The region, when every finding names the same single one.
    pub fn region(&self) -> Option<Region> {
        let first = self.findings.first()?;
        let [r] = first.regions.as_slice() else { return None };
        self.findings.iter().all(|f| f.regions == [*r]).then_some(*r)
    }

    /// Whether the findings disagree.
    pub fn conflicting(&self) -> bool {
        self.findings.windows(2).any(|w| w[0].regions != w[1].regions)
    }

    /// The region's label, else the edition's, when the findings agree on one.
    pub fn label(&self) -> Option<String> {
        self.region().map(|r| r.label().to_string()).or_else(|| self.edition().map(|e| e.label().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::salesforce::org_facts::Endpoint;
    use reconnect_engine::salesforce_host::Environment;

    fn facts(urls: &[&str]) -> OrgFacts {
        OrgFacts {
            org_id: "00D5g00000PRACTEA5".into(),
            name: "Acme".into(),
            instance_name: "NA224".into(),
            organization_type: "Enterprise Edition".into(),
            environment: Environment::Production,
            username: "admin@acme.example".into(),
            endpoints: urls.iter().map(|u| Endpoint { source: "RemoteProxy".into(), url: u.to_string() }).collect(),
            status_url: String::new(),
        }
    }

    #[test]
    fn only_gainsight_hosts_count_and_agreeing_ones_name_the_region() {
        let e = RegionEvidence::of(&facts(&[
            "https://acme.eu.gainsightcloud.com",
            "https://api.example.com",
            "https://acme.eu.gainsightcloud.com/v1",
        ]));
        assert_eq!(e.findings.len(), 2);
        assert_eq!(e.region(), Some(Region::Eu));
        assert!(!e.conflicting());
    }

    #[test]
    fn disagreeing_endpoints_are_a_conflict() {
        let e = RegionEvidence::of(&facts(&["https://acme.eu.gainsightcloud.com", "https://acme.gainsightcloud.com"]));
        assert!(e.conflicting());
        assert_eq!(e.edition(), None);
        assert_eq!(e.label(), None);
    }
}
