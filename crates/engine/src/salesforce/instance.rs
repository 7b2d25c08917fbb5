//! The only places Reconnect sends a token: https hosts that the detection rules accept as
//! Salesforce, and loopback (the practice org).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::pasted_host::PastedHost;
use crate::salesforce_host::detect_org_from_host;

/// A validated org or login origin, e.g. `https://acme.my.salesforce.com` or
/// `http://127.0.0.1:40123`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceUrl {
    origin: String,
    loopback: bool,
}

impl InstanceUrl {
    /// Accepts `https://<Salesforce host>` and `http(s)://127.0.0.1|localhost|[::1]:<port>`.
    pub fn parse(input: &str) -> Result<InstanceUrl, Error> {
        let refuse = || Error::HostNotAllowed { url: crate::secret::redact(input.trim()) };
        let url = url::Url::parse(input.trim()).map_err(|_| refuse())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse());
        }
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        let origin = url.origin().ascii_serialization();
        if loopback && matches!(url.scheme(), "http" | "https") && url.port().is_some() {
            return Ok(InstanceUrl { origin, loopback });
        }
        if url.scheme() != "https" || url.port().is_some_and(|p| p != 443) {
            return Err(refuse());
        }
        let host = PastedHost::parse(url.host_str().unwrap_or_default()).map_err(|_| refuse())?;
        detect_org_from_host(&host).map_err(|_| refuse())?;
        Ok(InstanceUrl { origin: format!("https://{host}"), loopback: false })
    }

    /// The origin, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    /// Whether this is the practice org on loopback.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// `origin + path` (path starting with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl fmt::Display for InstanceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

impl Serialize for InstanceUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.origin)
    }
}

impl<'de> Deserialize<'de> for InstanceUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        InstanceUrl::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_hosts_and_loopback_only() {
        for ok in [
            "https://acme.my.salesforce.com",
            "https://acme.my.salesforce.com/",
            "https://acme--uat.sandbox.my.salesforce.com/services/data",
            "https://login.salesforce.com",
            "https://test.salesforce.com",
            "http://127.0.0.1:40123",
            "http://localhost:1717",
        ] {
            assert!(InstanceUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://acme.my.salesforce.com",
            "https://salesforce.com.evil.example",
            "https://acme.my.salesforce.com:8443",
            "https://user@acme.my.salesforce.com",
            "http://10.0.0.5:8080",
            "http://127.0.0.1",
            "ftp://127.0.0.1:21",
            "https://www.salesforce.com",
        ] {
            assert!(InstanceUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            InstanceUrl::parse("https://ACME.my.salesforce.com/x?y").unwrap().as_str(),
            "https://acme.my.salesforce.com"
        );
    }
}
