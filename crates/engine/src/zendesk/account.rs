//! Which Zendesk account: its subdomain, parsed from whatever the admin pastes, and the base
//! address the API lives at (`https://<subdomain>.zendesk.com`, or a loopback practice service).

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The longest input read; an address longer than this is not a Zendesk account's.
const MAX_INPUT: usize = 300;

/// A Zendesk subdomain: 1 to 63 lowercase letters, digits and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Subdomain(String);

impl Subdomain {
    /// Reads `acme`, `acme.zendesk.com` or any `https://acme.zendesk.com/...` address.
    pub fn parse(input: &str) -> Result<Subdomain, Error> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::EmptyInput);
        }
        if input.len() > MAX_INPUT {
            return Err(Error::InputTooLong { max: MAX_INPUT });
        }
        let host = match url::Url::parse(input) {
            Ok(u) if u.has_host() => u.host_str().unwrap_or_default().to_ascii_lowercase(),
            _ => input.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase(),
        };
        let label = match host.strip_suffix(".zendesk.com") {
            Some(sub) => sub,
            None if !host.contains('.') => host.as_str(),
            None => return Err(Error::NotZendesk { input: host }),
        };
        Subdomain::label(label).ok_or_else(|| Error::NotZendesk { input: host.clone() })
    }

    fn label(label: &str) -> Option<Subdomain> {
        let ok = (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        ok.then(|| Subdomain(label.to_string()))
    }

    /// The subdomain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Subdomain {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Subdomain::label(&s).ok_or(s)
    }
}

impl From<Subdomain> for String {
    fn from(s: Subdomain) -> String {
        s.0
    }
}

impl std::fmt::Display for Subdomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a Zendesk account's API and OAuth pages are: `https://<subdomain>.zendesk.com`, or
/// `http://127.0.0.1:<port>` for the practice Zendesk. No other address is accepted, so a
/// token is never sent anywhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ZendeskBase(String);

impl ZendeskBase {
    /// The account's own address.
    pub fn for_subdomain(subdomain: &Subdomain) -> ZendeskBase {
        ZendeskBase(format!("https://{subdomain}.zendesk.com"))
    }

    /// A practice service on loopback (`http://127.0.0.1:<port>`).
    pub fn loopback(url: &str) -> Result<ZendeskBase, Error> {
        let parsed = url::Url::parse(url).map_err(|_| Error::NotAnAddress)?;
        let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
        if parsed.scheme() != "http" || !loopback || parsed.port().is_none() {
            return Err(Error::HostNotAllowed { url: url.to_string() });
        }
        Ok(ZendeskBase(url.trim_end_matches('/').to_string()))
    }

    /// The base for a subdomain, or the practice service's address when one is given.
    pub fn parse(input: &str) -> Result<ZendeskBase, Error> {
        if input.starts_with("http://") {
            ZendeskBase::loopback(input)
        } else {
            Ok(ZendeskBase::for_subdomain(&Subdomain::parse(input)?))
        }
    }

    /// Whether this is a practice service on loopback.
    pub fn is_loopback(&self) -> bool {
        self.0.starts_with("http://")
    }

    /// The account's subdomain (`practice` for a loopback service).
    pub fn subdomain(&self) -> String {
        self.0.strip_prefix("https://").and_then(|h| h.strip_suffix(".zendesk.com")).unwrap_or("practice").to_string()
    }

    /// The base address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An address under the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// Admin Center's page at `path` (such as `/admin/apps-integrations/apis/zendesk-api/oauth_clients`).
    pub fn admin_center(&self, path: &str) -> String {
        self.join(path)
    }
}

impl TryFrom<String> for ZendeskBase {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ZendeskBase::parse(&s).map_err(|_| s)
    }
}

impl From<ZendeskBase> for String {
    fn from(b: ZendeskBase) -> String {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_addresses_give_the_subdomain() {
        for input in [
            "acme",
            "ACME",
            " acme.zendesk.com ",
            "https://acme.zendesk.com/agent/tickets/12",
            "acme.zendesk.com/admin/home",
            "https://acme.zendesk.com",
        ] {
            assert_eq!(Subdomain::parse(input).unwrap().as_str(), "acme", "{input}");
        }
        assert_eq!(ZendeskBase::parse("acme-support").unwrap().as_str(), "https://acme-support.zendesk.com");
    }

    #[test]
    fn other_hosts_and_bad_labels_are_refused() {
        for input in ["acme.example.com", "-acme", "acme-", "ac_me", "https://evil.com/acme.zendesk.com", "a b"] {
            assert!(Subdomain::parse(input).is_err(), "{input}");
        }
        assert!(matches!(Subdomain::parse(""), Err(Error::EmptyInput)));
        assert!(ZendeskBase::loopback("http://example.com:80").is_err());
        assert!(ZendeskBase::loopback("https://127.0.0.1:9").is_err());
        assert!(ZendeskBase::loopback("http://127.0.0.1:4321/").unwrap().is_loopback());
    }
}
