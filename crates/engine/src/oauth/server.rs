//! Where to sign in, from what the admin gave: the org's My Domain when the address names
//! one, the generic production or sandbox login otherwise, or the practice org on loopback.

use crate::error::Error;
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce_host::{detect_org, LoginKind};

/// The generic production login.
pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";
/// The generic sandbox login.
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";

/// The authorization server for an org address (or loopback URL); `None` means production.
pub fn sign_in_server(org: Option<&str>) -> Result<InstanceUrl, Error> {
    let Some(input) = org.map(str::trim).filter(|s| !s.is_empty()) else {
        return InstanceUrl::parse(PRODUCTION_LOGIN);
    };
    if let Ok(url) = InstanceUrl::parse(input) {
        if url.is_loopback() {
            return Ok(url);
        }
    }
    let d = detect_org(input)?;
    match d.my_domain {
        Some(m) => InstanceUrl::parse(&format!("https://{}", m.host())),
        None => InstanceUrl::parse(match d.environment.login() {
            LoginKind::Production => PRODUCTION_LOGIN,
            LoginKind::Sandbox => SANDBOX_LOGIN,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn my_domain_first_then_the_generic_login() {
        assert_eq!(sign_in_server(None).unwrap().as_str(), PRODUCTION_LOGIN);
        assert_eq!(
            sign_in_server(Some("https://acme--uat.sandbox.lightning.force.com/x")).unwrap().as_str(),
            "https://acme--uat.sandbox.my.salesforce.com"
        );
        assert_eq!(sign_in_server(Some("cs42.salesforce.com")).unwrap().as_str(), SANDBOX_LOGIN);
        assert_eq!(sign_in_server(Some("http://127.0.0.1:4100")).unwrap().as_str(), "http://127.0.0.1:4100");
        assert!(sign_in_server(Some("salesforce.com.evil.example")).is_err());
    }
}
