//! Turns whatever an admin pastes (a URL, a host, with or without scheme, path, port,
//! odd case, trailing dot or whitespace) into one validated, lower-case DNS host name.

use std::fmt;

use crate::error::Error;

/// Longest text accepted from a paste; addresses bars never hold more, and a bound keeps
/// parsing cheap for anything pasted by mistake.
const MAX_INPUT_LEN: usize = 2048;

/// A DNS host name taken from pasted text: lower case, ASCII (IDNA-encoded), no trailing
/// dot, at least two labels, every label a valid LDH label. Never an IP address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PastedHost(String);

impl PastedHost {
    /// Parses pasted text. Accepts `https://`/`http://` URLs and bare hosts; rejects other
    /// schemes, user-info (`user@host`, a common way to disguise a host) and IP addresses.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::EmptyInput);
        }
        if trimmed.len() > MAX_INPUT_LEN {
            return Err(Error::InputTooLong { max: MAX_INPUT_LEN });
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(Error::NotAnAddress);
        }
        let with_scheme = match trimmed.find("://") {
            Some(pos) => {
                let scheme = trimmed[..pos].to_ascii_lowercase();
                if scheme != "https" && scheme != "http" {
                    return Err(Error::UnsupportedScheme { scheme });
                }
                trimmed.to_string()
            }
            None => {
                if let Some((scheme, _)) = trimmed.split_once(':') {
                    // `javascript:…`, `mailto:…` and the like; `host:port` is still allowed.
                    let looks_like_port = trimmed
                        .split_once(':')
                        .map(|(_, rest)| rest.chars().take_while(|c| *c != '/').all(|c| c.is_ascii_digit()))
                        .unwrap_or(false);
                    if !looks_like_port {
                        return Err(Error::UnsupportedScheme { scheme: scheme.to_ascii_lowercase() });
                    }
                }
                format!("https://{trimmed}")
            }
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| Error::NotAnAddress)?;
        if !url.username().is_empty() || url.password().is_some() {
            let host = url.host_str().unwrap_or_default().to_string();
            return Err(Error::UserInfoInAddress { host });
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(_)) | Some(url::Host::Ipv6(_)) => return Err(Error::IpAddress),
            None => return Err(Error::NotAnAddress),
        };
        Self::from_domain(host.trim_end_matches('.'))
    }

    fn from_domain(host: &str) -> Result<Self, Error> {
        let host = host.to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        let valid_label = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if labels.len() < 2 || host.len() > 253 || !labels.iter().all(valid_label) {
            return Err(Error::NotAnAddress);
        }
        if labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::IpAddress);
        }
        Ok(Self(host))
    }

    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels in front of `suffix` when the host ends in `.suffix`; `None` otherwise.
    /// Compares whole labels, so `evilsalesforce.com` never matches `salesforce.com`.
    pub fn labels_before(&self, suffix: &str) -> Option<Vec<&str>> {
        let front = self.0.strip_suffix(suffix)?.strip_suffix('.')?;
        Some(front.split('.').collect())
    }
}

impl fmt::Display for PastedHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(input: &str) -> Result<String, Error> {
        PastedHost::parse(input).map(|h| h.0)
    }

    #[test]
    fn accepts_urls_and_bare_hosts_in_any_dress() {
        for input in [
            "acme.my.salesforce.com",
            "https://acme.my.salesforce.com/",
            "HTTPS://ACME.MY.SALESFORCE.COM/lightning/setup/SetupOneHome/home",
            "  acme.my.salesforce.com.  ",
            "http://acme.my.salesforce.com:443/x?y=z#frag",
            "acme.my.salesforce.com:8443",
            "acme.my.salesforce.com/some/path",
        ] {
            assert_eq!(host(input).unwrap(), "acme.my.salesforce.com", "{input}");
        }
    }

    #[test]
    fn rejects_user_info_that_disguises_the_real_host() {
        assert!(matches!(
            host("https://my.salesforce.com@evil.example/"),
            Err(Error::UserInfoInAddress { host }) if host == "evil.example"
        ));
        assert!(matches!(host("my.salesforce.com@evil.example"), Err(Error::UserInfoInAddress { .. })));
    }

    #[test]
    fn rejects_other_schemes_ips_and_garbage() {
        assert!(matches!(host("javascript:alert(1)"), Err(Error::UnsupportedScheme { .. })));
        assert!(matches!(host("ftp://acme.my.salesforce.com"), Err(Error::UnsupportedScheme { .. })));
        assert!(matches!(host("https://10.0.0.1/"), Err(Error::IpAddress)));
        assert!(matches!(host("https://[::1]:8080/"), Err(Error::IpAddress)));
        assert!(matches!(host(""), Err(Error::EmptyInput)));
        assert!(matches!(host("   "), Err(Error::EmptyInput)));
        assert!(matches!(host("localhost"), Err(Error::NotAnAddress)));
        assert!(matches!(host("acme my salesforce"), Err(Error::NotAnAddress)));
        assert!(matches!(host(&"a".repeat(5000)), Err(Error::InputTooLong { .. })));
    }

    #[test]
    fn encodes_lookalike_unicode_hosts_so_they_never_match_ascii_suffixes() {
        let h = host("acme.my.sаlesforce.com").unwrap(); // Cyrillic 'а'
        assert!(h.contains("xn--"), "{h}");
    }

    #[test]
    fn labels_before_compares_whole_labels() {
        let h = PastedHost::parse("evilsalesforce.com").unwrap();
        assert_eq!(h.labels_before("salesforce.com"), None);
        let h = PastedHost::parse("a.b.salesforce.com").unwrap();
        assert_eq!(h.labels_before("salesforce.com"), Some(vec!["a", "b"]));
    }
}
