//! One answer for any pasted address: a Salesforce org, a Gainsight tenant, or neither
//! (with both reasons), as `reconnect detect` reports it.

use serde::Serialize;

use crate::error::Error;
use crate::language::{Text, UserMessage};
use crate::region::{detect_region_from_host, RegionDetection};
use reconnect_engine::pasted_host::PastedHost;
use reconnect_engine::salesforce_host::{detect_org_from_host, OrgDetection};

/// What an address is.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AddressDetection {
    /// A Salesforce org address.
    Salesforce(OrgDetection),
    /// A Gainsight address that reveals the data center.
    Gainsight(RegionDetection),
    /// Neither: why it is not a Salesforce org, and why it shows no Gainsight data center.
    Unrecognized {
        /// The host.
        host: String,
        /// Why it is not a Salesforce org address.
        salesforce: UserMessage,
        /// Why it shows no data center, and where to look.
        gainsight: Text,
    },
}

/// Reads any pasted address. Errors only when the text is not an address at all, or is one
/// that must not be trusted (user-info disguise, non-web scheme).
pub fn detect_address(input: &str) -> Result<AddressDetection, Error> {
    let host = PastedHost::parse(input)?;
    let org_error = match detect_org_from_host(&host) {
        Ok(org) => return Ok(AddressDetection::Salesforce(org)),
        Err(e) => e,
    };
    match detect_region_from_host(&host) {
        found @ RegionDetection::Found { .. } => Ok(AddressDetection::Gainsight(found)),
        RegionDetection::Unknown { reason } => Ok(AddressDetection::Unrecognized {
            host: host.to_string(),
            salesforce: org_error.user_message(),
            gainsight: reason,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::Region;
    use reconnect_engine::salesforce_host::Environment;

    #[test]
    fn salesforce_gainsight_and_neither_are_told_apart() {
        let AddressDetection::Salesforce(o) = detect_address("acme--uat.sandbox.my.salesforce.com").unwrap() else {
            panic!()
        };
        assert_eq!(o.environment, Environment::Sandbox);
        let AddressDetection::Gainsight(r) = detect_address("acme.eu.gainsightcloud.com").unwrap() else { panic!() };
        assert_eq!(r.region(), Some(Region::Eu));
        assert!(matches!(
            detect_address("salesforce.com.evil.example").unwrap(),
            AddressDetection::Unrecognized { .. }
        ));
        assert!(detect_address("my.salesforce.com@evil.example").is_err());
    }
}
