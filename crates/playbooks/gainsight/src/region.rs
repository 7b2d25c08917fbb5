//! Which Gainsight data center (region) a tenant lives in, from any address a Gainsight admin
//! pastes. The host patterns come from `data/regions.json`; nothing here guesses.

pub use reconnect_engine::confidence::Confidence;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::language::{text, Text};
use reconnect_engine::pasted_host::PastedHost;

/// A Gainsight data center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// United States 1.
    Us1,
    /// United States 2.
    Us2,
    /// Europe.
    Eu,
}

impl Region {
    /// All regions, in display order.
    pub const ALL: [Region; 3] = [Region::Us1, Region::Us2, Region::Eu];

    /// The short code (`us1`, `us2`, `eu`).
    pub fn code(self) -> &'static str {
        match self {
            Region::Us1 => "us1",
            Region::Us2 => "us2",
            Region::Eu => "eu",
        }
    }

    /// The name Gainsight shows (`US1`, `US2`, `EU`).
    pub fn label(self) -> &'static str {
        match self {
            Region::Us1 => "US1",
            Region::Us2 => "US2",
            Region::Eu => "EU",
        }
    }

    /// The connected-app edition that serves this region, per the region data file.
    pub fn edition(self) -> Edition {
        data()
            .data_centers
            .iter()
            .find(|dc| dc.region == self)
            .map(|dc| dc.edition)
            .expect("every region is in regions.json (checked at load)")
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us1" | "us" => Ok(Region::Us1),
            "us2" => Ok(Region::Us2),
            "eu" | "eu1" => Ok(Region::Eu),
            _ => Err(Error::UnknownRegion { input: s.to_string() }),
        }
    }
}

/// The edition of the Gainsight CS Connected App package; one serves several regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// For the US data centers.
    Us,
    /// For the EU data center.
    Eu,
}

impl Edition {
    /// `US` or `EU`.
    pub fn label(self) -> &'static str {
        match self {
            Edition::Us => "US",
            Edition::Eu => "EU",
        }
    }
}

/// A tenant's host name on a Gainsight data center, e.g. `acme.eu.gainsightcloud.com`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantHost(String);

impl TenantHost {
    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an address says about the data center.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RegionDetection {
    /// The data center is known (one region), or narrowed to regions that share an edition.
    Found {
        /// The candidate regions: one, or several that the address cannot tell apart.
        regions: Vec<Region>,
        /// The connected-app edition they share.
        edition: Edition,
        /// The tenant's own host, when the address was one.
        tenant: Option<TenantHost>,
        /// How sure this is.
        confidence: Confidence,
        /// Why, in both languages.
        basis: Text,
    },
    /// The address does not reveal the data center.
    Unknown {
        /// Why not and where to look instead, in both languages.
        reason: Text,
    },
}

impl RegionDetection {
    /// The single region, when the detection names exactly one.
    pub fn region(&self) -> Option<Region> {
        match self {
            RegionDetection::Found { regions, .. } if regions.len() == 1 => Some(regions[0]),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct RegionData {
    schema: u32,
    base_domain: String,
    data_centers: Vec<DataCenter>,
    sso_hosts: Vec<SsoHost>,
    reserved_labels: Vec<String>,
}

#[derive(Deserialize)]
struct DataCenter {
    region: Region,
    edition: Edition,
    tenant_suffix: String,
    confirmed: bool,
}

#[derive(Deserialize)]
struct SsoHost {
    host: String,
    regions: Vec<Region>,
}

fn data() -> &'static RegionData {
    static DATA: OnceLock<RegionData> = OnceLock::new();
    DATA.get_or_init(|| load(include_str!("../data/regions.json")).expect("regions.json is checked by a unit test"))
}

fn load(src: &str) -> Result<RegionData, Error> {
    let bad = |problem: String| Error::from(reconnect_engine::Error::DataFile { file: "regions.json", problem });
    let data: RegionData = serde_json::from_str(src).map_err(|e| bad(e.to_string()))?;
    if data.schema != 1 {
        return Err(bad(format!("schema {} is not 1", data.schema)));
    }
    for region in Region::ALL {
        if !data.data_centers.iter().any(|dc| dc.region == region) {
            return Err(bad(format!("no data center for {region}")));
        }
    }
    for sso in &data.sso_hosts {
        let editions: Vec<Edition> = sso
            .regions
            .iter()
            .filter_map(|r| data.data_centers.iter().find(|dc| dc.region == *r).map(|dc| dc.edition))
            .collect();
        if editions.is_empty() || editions.iter().any(|e| *e != editions[0]) {
            return Err(bad(format!("SSO host {} spans editions", sso.host)));
        }
    }
    Ok(data)
}

/// Reads the data center from pasted text. Fails only when the text is not an address at
/// all; any address gives a detection, `Unknown` with the reason when it reveals nothing.
pub fn detect_region(input: &str) -> Result<RegionDetection, Error> {
    let host = PastedHost::parse(input)?;
    Ok(detect_region_from_host(&host))
}

/// Reads the data center from an already validated host.
pub(crate) fn detect_region_from_host(host: &PastedHost) -> RegionDetection {
    let data = data();
    let h = host.as_str();
    if let Some(sso) = data.sso_hosts.iter().find(|s| s.host == h) {
        let edition = sso.regions[0].edition();
        return RegionDetection::Found {
            regions: sso.regions.clone(),
            edition,
            tenant: None,
            confidence: Confidence::Certain,
            basis: if sso.regions.len() == 1 {
                text("region.basis.sso_one", &[("host", h), ("region", sso.regions[0].label())])
            } else {
                text("region.basis.sso_many", &[("host", h), ("edition", edition.label())])
            },
        };
    }
    let Some(_) = host.labels_before(&data.base_domain) else {
        return unknown_foreign(host);
    };
    // The longest matching suffix wins: `acme.eu.gainsightcloud.com` is EU, not a US1
    // tenant called `acme.eu`.
    let mut centers: Vec<&DataCenter> = data.data_centers.iter().collect();
    centers.sort_by_key(|dc| std::cmp::Reverse(dc.tenant_suffix.len()));
    for dc in centers {
        let Some(labels) = host.labels_before(&dc.tenant_suffix) else { continue };
        let [tenant] = labels.as_slice() else {
            return RegionDetection::Unknown { reason: text("region.unknown.deep_host", &[("host", h)]) };
        };
        if is_reserved(tenant, data) {
            return RegionDetection::Unknown { reason: text("region.unknown.service_host", &[("host", h)]) };
        }
        let basis = if dc.confirmed {
            text("region.basis.tenant", &[("host", h), ("region", dc.region.label())])
        } else {
            text("region.basis.tenant_unconfirmed", &[("host", h), ("region", dc.region.label())])
        };
        return RegionDetection::Found {
            regions: vec![dc.region],
            edition: dc.edition,
            tenant: Some(TenantHost(h.to_string())),
            confidence: if dc.confirmed { Confidence::Certain } else { Confidence::Likely },
            basis,
        };
    }
    RegionDetection::Unknown { reason: text("region.unknown.service_host", &[("host", h)]) }
}

/// Labels that name a service or a data center rather than a tenant.
fn is_reserved(label: &str, data: &RegionData) -> bool {
    data.reserved_labels.iter().any(|r| r == label)
        || data
            .data_centers
            .iter()
            .filter_map(|dc| dc.tenant_suffix.strip_suffix(&format!(".{}", data.base_domain)))
            .any(|region_label| region_label == label)
}

fn unknown_foreign(host: &PastedHost) -> RegionDetection {
    let h = host.as_str();
    let reason = if reconnect_engine::salesforce_host::detect_org_from_host(host).is_ok() {
        text("region.unknown.salesforce_host", &[("host", h)])
    } else {
        text("region.unknown.custom_domain", &[("host", h)])
    };
    RegionDetection::Unknown { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(input: &str) -> (Vec<Region>, Confidence, Option<String>) {
        match detect_region(input).unwrap() {
            RegionDetection::Found { regions, confidence, tenant, .. } => (regions, confidence, tenant.map(|t| t.0)),
            other => panic!("{input}: {other:?}"),
        }
    }

    fn is_unknown(input: &str) -> bool {
        matches!(detect_region(input).unwrap(), RegionDetection::Unknown { .. })
    }

    /// Real-world pastes: (input, expected region or None for unknown).
    const TABLE: &[(&str, Option<Region>)] = &[
        ("acme.gainsightcloud.com", Some(Region::Us1)),
        ("https://acme.gainsightcloud.com/v1/ui/home", Some(Region::Us1)),
        ("HTTPS://ACME.GAINSIGHTCLOUD.COM", Some(Region::Us1)),
        ("  acme.gainsightcloud.com.  ", Some(Region::Us1)),
        ("acme.gainsightcloud.com:443", Some(Region::Us1)),
        ("http://acme-demo.gainsightcloud.com/v1/ui/administration#/connectors", Some(Region::Us1)),
        ("acme.us2.gainsightcloud.com", Some(Region::Us2)),
        ("https://acme.us2.gainsightcloud.com/v1/ui/home#/", Some(Region::Us2)),
        ("ACME.US2.GAINSIGHTCLOUD.COM.", Some(Region::Us2)),
        ("acme.eu.gainsightcloud.com", Some(Region::Eu)),
        ("https://acme.eu.gainsightcloud.com/v1/ui/home", Some(Region::Eu)),
        ("acme-sandbox.eu.gainsightcloud.com:8443/x", Some(Region::Eu)),
        ("secured.eu.gainsightcloud.com", Some(Region::Eu)),
        ("https://secured.eu.gainsightcloud.com/v1/ui/login", Some(Region::Eu)),
        ("cs.acme.com", None),
        ("https://gainsight.acme.co.jp/v1/ui/home", None),
        ("gainsightcloud.com.evil.example", None),
        ("acmegainsightcloud.com", None),
        ("www.gainsightcloud.com", None),
        ("us2.gainsightcloud.com", None),
        ("eu.gainsightcloud.com", None),
        ("a.b.gainsightcloud.com", None),
        ("acme.my.salesforce.com", None),
        ("www.gainsight.com", None),
    ];

    #[test]
    fn real_world_pastes_give_the_right_region() {
        for (input, expected) in TABLE {
            match expected {
                Some(region) => assert_eq!(found(input).0, vec![*region], "{input}"),
                None => assert!(is_unknown(input), "{input} should be unknown"),
            }
        }
    }

    #[test]
    fn us_sso_host_narrows_to_the_us_edition_without_guessing_the_data_center() {
        let d = detect_region("https://secured.gainsightcloud.com/v1/ui/login").unwrap();
        assert_eq!(d.region(), None);
        let RegionDetection::Found { regions, edition, .. } = d else { panic!() };
        assert_eq!(regions, vec![Region::Us1, Region::Us2]);
        assert_eq!(edition, Edition::Us);
    }

    #[test]
    fn unconfirmed_us2_pattern_is_only_likely() {
        assert_eq!(found("acme.us2.gainsightcloud.com").1, Confidence::Likely);
        assert_eq!(found("acme.gainsightcloud.com").1, Confidence::Certain);
        assert_eq!(found("acme.eu.gainsightcloud.com").1, Confidence::Certain);
    }

    #[test]
    fn tenant_host_is_kept_for_later_steps() {
        assert_eq!(found("https://Acme.EU.gainsightcloud.com/x").2.as_deref(), Some("acme.eu.gainsightcloud.com"));
    }

    #[test]
    fn custom_domain_says_where_to_look() {
        let RegionDetection::Unknown { reason } = detect_region("cs.acme.com").unwrap() else { panic!() };
        assert!(reason.en.contains("Administration"), "{}", reason.en);
        assert!(reason.ja.contains("管理"), "{}", reason.ja);
    }

    #[test]
    fn salesforce_address_in_the_region_box_is_named_as_such() {
        let RegionDetection::Unknown { reason } = detect_region("acme.lightning.force.com").unwrap() else { panic!() };
        assert!(reason.en.contains("Salesforce"), "{}", reason.en);
    }

    #[test]
    fn non_addresses_are_errors() {
        assert!(detect_region("").is_err());
        assert!(detect_region("javascript:alert(1)").is_err());
        assert!(detect_region("https://acme.gainsightcloud.com@evil.example").is_err());
    }

    #[test]
    fn region_data_file_loads_and_rejects_broken_copies() {
        assert!(load(include_str!("../data/regions.json")).is_ok());
        assert!(load("{}").is_err());
        let spanning = include_str!("../data/regions.json").replace(r#"["us1", "us2"]"#, r#"["us1", "eu"]"#);
        assert!(load(&spanning).is_err());
    }

    #[test]
    fn region_codes_round_trip() {
        for r in Region::ALL {
            assert_eq!(r.code().parse::<Region>().unwrap(), r);
        }
        assert!("ap1".parse::<Region>().is_err());
    }

    proptest::proptest! {
        #[test]
        fn detection_never_panics_on_any_text(s in "\\PC{0,80}") {
            let _ = detect_region(&s);
        }

        #[test]
        fn detection_never_panics_on_host_like_text(s in "[a-z0-9.@:/-]{0,60}(gainsightcloud|gainsight)[a-z0-9.@:/-]{0,30}") {
            let _ = detect_region(&s);
        }
    }
}
