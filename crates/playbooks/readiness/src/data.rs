//! The playbook's data: what makes a Modify All Data holder's address unlikely to be read,
//! versioned with its sources in `data/contacts.json`.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::Error;

/// The contact rules.
#[derive(Debug, Clone, Deserialize)]
pub struct ContactRules {
    /// The file's version.
    pub version: String,
    /// Days without a login after which a holder may not be reading.
    pub inactive_days: u32,
    /// Local parts of addresses that take no mail.
    pub no_reply: Vec<String>,
    /// Local parts of shared mailboxes.
    pub shared: Vec<String>,
}

impl ContactRules {
    /// Whether the address takes no mail.
    pub fn no_reply(&self, email: &str) -> bool {
        local_part(email).is_some_and(|l| self.no_reply.contains(&l))
    }

    /// Whether the address is a shared mailbox.
    pub fn shared(&self, email: &str) -> bool {
        local_part(email).is_some_and(|l| self.shared.contains(&l))
    }
}

fn local_part(email: &str) -> Option<String> {
    let (local, _) = email.trim().rsplit_once('@')?;
    // `noreply+tag@…` is the same mailbox.
    Some(local.split('+').next().unwrap_or(local).to_ascii_lowercase())
}

/// The domain of an address, in lower case.
pub fn domain_of(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

fn load() -> Result<ContactRules, Error> {
    serde_json::from_str(include_str!("../data/contacts.json"))
        .map_err(|e| Error::DataFile { file: "contacts.json", problem: e.to_string() })
}

/// The shipped contact rules.
pub fn contact_rules() -> &'static ContactRules {
    static RULES: OnceLock<ContactRules> = OnceLock::new();
    RULES.get_or_init(|| load().expect("data/contacts.json is checked by this crate's tests"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_read_and_tell_mailboxes_apart() {
        let r = load().unwrap();
        assert!(r.no_reply("NoReply+alerts@acme.example"));
        assert!(r.shared("it-admins@acme.example"));
        assert!(!r.shared("alex@acme.example") && !r.no_reply("alex@acme.example"));
        assert!(!r.no_reply("not an address"));
        assert_eq!(domain_of("A@Acme.Example").as_deref(), Some("acme.example"));
    }
}
