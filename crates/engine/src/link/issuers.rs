//! The issuers whose signed links are trusted: the list shipped with the app, plus the
//! machine's own list in the config folder for an organisation's own support desk.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::signature::{KeyId, LinkSigner, PublicKey};
use crate::error::Error;

const FORMAT: &str = "reconnect-link-issuers/1";
const SHIPPED: &str = include_str!("../../data/link_issuers.json");

/// The file name of the machine's own list, in the config folder.
pub const LOCAL_FILE: &str = "link-issuers.json";

/// The longest issuer name shown.
const MAX_NAME_CHARS: usize = 60;

/// A trusted issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// Its key's id.
    pub key_id: KeyId,
    /// Its name, as "Pre-filled by <name>" shows it.
    pub name: String,
    /// Its public key.
    pub public_key: PublicKey,
}

/// An issuer as the files write it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuerEntry {
    /// The key's id.
    pub key_id: KeyId,
    /// The issuer's name.
    pub name: String,
    /// The public key, unpadded base64url.
    pub public_key: String,
}

impl IssuerEntry {
    /// The entry for a signing key's public half.
    pub fn for_signer(signer: &LinkSigner) -> IssuerEntry {
        IssuerEntry {
            key_id: signer.key_id().clone(),
            name: signer.issuer().to_string(),
            public_key: signer.public_key().encoded(),
        }
    }

    fn issuer(&self) -> Option<Issuer> {
        Some(Issuer {
            key_id: self.key_id.clone(),
            name: issuer_name(&self.name).ok()?,
            public_key: PublicKey::parse(&self.public_key)?,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct IssuersFile {
    format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    about: Option<String>,
    issuers: Vec<IssuerEntry>,
}

/// The trusted issuers.
#[derive(Debug, Clone, Default)]
pub struct TrustedIssuers {
    issuers: Vec<Issuer>,
}

impl TrustedIssuers {
    /// The list shipped with the app.
    pub fn shipped() -> TrustedIssuers {
        let list = parse(SHIPPED, "link_issuers.json").expect("the shipped issuers file is valid");
        TrustedIssuers { issuers: list }
    }

    /// Only the issuer of `entry` (to check a link just signed with its key).
    pub fn with(entry: IssuerEntry) -> TrustedIssuers {
        TrustedIssuers { issuers: entry.issuer().into_iter().collect() }
    }

    /// The shipped list plus the machine's own list in `config_dir` (when there is one).
    /// A key id in both keeps the shipped issuer.
    pub fn load(config_dir: &Path) -> Result<TrustedIssuers, Error> {
        let mut all = Self::shipped();
        let path = config_dir.join(LOCAL_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                for issuer in parse(&text, &path.display().to_string())? {
                    if all.get(&issuer.key_id).is_none() {
                        all.issuers.push(issuer);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::IssuersFile { path: path.display().to_string(), problem: e.to_string() }),
        }
        Ok(all)
    }

    /// The issuer of a key id.
    pub fn get(&self, key_id: &KeyId) -> Option<&Issuer> {
        self.issuers.iter().find(|i| &i.key_id == key_id)
    }

    /// Adds an issuer to the machine's own list in `config_dir`, replacing an entry with the
    /// same key id. Returns the file written.
    pub fn trust_locally(config_dir: &Path, entry: IssuerEntry) -> Result<PathBuf, Error> {
        let path = config_dir.join(LOCAL_FILE);
        let fail = |problem: String| Error::IssuersFile { path: path.display().to_string(), problem };
        let mut file = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str::<IssuersFile>(&text).map_err(|e| fail(e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                IssuersFile { format: FORMAT.into(), about: None, issuers: Vec::new() }
            }
            Err(e) => return Err(fail(e.to_string())),
        };
        file.issuers.retain(|i| i.key_id != entry.key_id);
        file.issuers.push(entry);
        let json = serde_json::to_string_pretty(&file).map_err(|e| fail(e.to_string()))?;
        std::fs::create_dir_all(config_dir).map_err(|e| fail(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, format!("{json}\n")).map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| fail(e.to_string()))?;
        Ok(path)
    }
}

fn parse(text: &str, file: &str) -> Result<Vec<Issuer>, Error> {
    let fail = |problem: String| Error::IssuersFile { path: file.to_string(), problem };
    let parsed: IssuersFile = serde_json::from_str(text).map_err(|e| fail(e.to_string()))?;
    if parsed.format != FORMAT {
        return Err(fail(format!("format is {:?}, expected {FORMAT:?}", parsed.format)));
    }
    parsed
        .issuers
        .iter()
        .map(|e| e.issuer().ok_or_else(|| fail(format!("the entry for {} is damaged", e.key_id.as_str()))))
        .collect()
}

/// An issuer's name: trimmed, 1 to 60 characters, no control characters.
pub(super) fn issuer_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let count = name.chars().count();
    if (1..=MAX_NAME_CHARS).contains(&count) && !name.chars().any(char::is_control) {
        Ok(name.to_string())
    } else {
        Err(Error::InvalidIssuerName { max: MAX_NAME_CHARS })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_reads() {
        let _ = TrustedIssuers::shipped();
    }

    #[test]
    fn a_locally_trusted_issuer_is_found_and_a_damaged_list_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let signer = LinkSigner::generate(KeyId::parse("desk").unwrap(), "Acme IT desk").unwrap();
        assert!(TrustedIssuers::load(dir.path()).unwrap().get(signer.key_id()).is_none());
        TrustedIssuers::trust_locally(dir.path(), IssuerEntry::for_signer(&signer)).unwrap();
        let trusted = TrustedIssuers::load(dir.path()).unwrap();
        let issuer = trusted.get(signer.key_id()).unwrap();
        assert_eq!(issuer.name, "Acme IT desk");
        assert_eq!(issuer.public_key, signer.public_key());
        std::fs::write(dir.path().join(LOCAL_FILE), "{").unwrap();
        assert!(matches!(TrustedIssuers::load(dir.path()), Err(Error::IssuersFile { .. })));
    }

    #[test]
    fn issuer_names_are_bounded_plain_text() {
        assert_eq!(issuer_name("  Gainsight Support ").unwrap(), "Gainsight Support");
        assert!(issuer_name("").is_err());
        assert!(issuer_name("a\nb").is_err());
        assert!(issuer_name(&"x".repeat(61)).is_err());
    }
}
