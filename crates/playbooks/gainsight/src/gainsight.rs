//! The optional Gainsight-side check: with a tenant's access key (pasted once, kept only in
//! the keychain), one cheap read-only call proves the tenant's API answers. Gainsight has no
//! public API for connector health, so this shows the tenant side works, not the connector.

use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Error;
use crate::region::{detect_region_from_host, RegionDetection};
use reconnect_engine::keychain::SecretStore;
use reconnect_engine::pasted_host::PastedHost;
use reconnect_engine::secret::Secret;

/// A Gainsight tenant Reconnect may send the access key to: an https host the region rules
/// recognize as Gainsight, or the practice tenant on loopback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GainsightTenant {
    origin: String,
    host: String,
}

impl GainsightTenant {
    /// Parses a tenant address (`acme.gainsightcloud.com`, `https://acme.eu.gainsightcloud.com/…`,
    /// or the practice org's loopback URL).
    pub fn parse(input: &str) -> Result<GainsightTenant, Error> {
        let trimmed = input.trim();
        let refuse =
            || Error::from(reconnect_engine::Error::HostNotAllowed { url: reconnect_engine::secret::redact(trimmed) });
        if let Ok(url) = url::Url::parse(trimmed) {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                _ => false,
            };
            if loopback && url.scheme() == "http" && url.port().is_some() && url.username().is_empty() {
                let origin = url.origin().ascii_serialization();
                return Ok(GainsightTenant { host: origin.trim_start_matches("http://").to_string(), origin });
            }
        }
        let host = PastedHost::parse(trimmed)?;
        match detect_region_from_host(&host) {
            RegionDetection::Found { tenant: Some(t), .. } => {
                Ok(GainsightTenant { origin: format!("https://{}", t.as_str()), host: t.as_str().to_string() })
            }
            _ => Err(refuse()),
        }
    }

    /// The origin, e.g. `https://acme.gainsightcloud.com`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The keychain account holding this tenant's access key.
    pub fn keychain_account(&self) -> String {
        format!("gainsight/{}", self.host)
    }

    /// Keeps the access key in the keychain.
    pub fn store_key(&self, keychain: &dyn SecretStore, key: &Secret) -> Result<(), Error> {
        Ok(keychain.put(&self.keychain_account(), key)?)
    }

    /// The stored access key, if any.
    pub fn stored_key(&self, keychain: &dyn SecretStore) -> Result<Option<Secret>, Error> {
        Ok(keychain.get(&self.keychain_account())?)
    }
}

/// What the Gainsight side answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GainsightCheck {
    /// The tenant.
    pub tenant: String,
    /// Company records returned (at most one).
    pub records: usize,
}

/// `POST /v1/data/objects/query/Company` with `{"select":["Gsid"],"limit":1}`.
pub async fn check_tenant(tenant: &GainsightTenant, key: &Secret) -> Result<GainsightCheck, Error> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client builds");
    let url = format!("{}/v1/data/objects/query/Company", tenant.origin);
    let started = std::time::Instant::now();
    let response = http
        .post(&url)
        .header("Accesskey", key.expose())
        .json(&json!({ "select": ["Gsid"], "limit": 1 }))
        .send()
        .await
        .map_err(|e| {
            reconnect_engine::support_log::http("gainsight", "POST", &url, None, started.elapsed(), None);
            reconnect_engine::Error::network(&e)
        })?;
    let status = response.status().as_u16();
    reconnect_engine::support_log::http("gainsight", "POST", &url, Some(status), started.elapsed(), None);
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status == 401 || status == 403 {
        return Err(Error::GainsightAccessKey);
    }
    if status >= 400 || body["result"] != true {
        let message = body["errorDesc"].as_str().or(body["errorCode"].as_str()).unwrap_or("").to_string();
        return Err(Error::GainsightApi { status, message: reconnect_engine::secret::redact(&message) });
    }
    let records = body["data"]["records"].as_array().map(Vec::len).unwrap_or(0);
    Ok(GainsightCheck { tenant: tenant.origin.clone(), records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gainsight_hosts_and_loopback_get_the_key() {
        let t = GainsightTenant::parse("https://acme.eu.gainsightcloud.com/v1/ui/home").unwrap();
        assert_eq!(t.origin(), "https://acme.eu.gainsightcloud.com");
        assert_eq!(t.keychain_account(), "gainsight/acme.eu.gainsightcloud.com");
        assert!(GainsightTenant::parse("http://127.0.0.1:4000").is_ok());
        for bad in ["https://gainsightcloud.com.evil.example", "http://acme.gainsightcloud.com@evil.example", "ftp://x"]
        {
            assert!(GainsightTenant::parse(bad).is_err(), "{bad}");
        }
    }
}
