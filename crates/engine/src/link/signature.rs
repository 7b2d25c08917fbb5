//! Ed25519 signatures over a link's canonical form, the issuer's key file, and key ids.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::problem::FieldName;
use crate::error::Error;

/// What the signature covers before the fields, so a signature made for something else can
/// never pass as a link's.
const DOMAIN: &str = "reconnect-wizard-link\n";

/// The format tag of a key file.
const KEY_FILE_FORMAT: &str = "reconnect-link-key/1";

/// The id of a signing key: 1 to 32 lowercase letters, digits or hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// Parses a key id.
    pub fn parse(s: &str) -> Result<KeyId, Error> {
        let ok = (1..=32).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(KeyId(s.to_string()))
        } else {
            Err(Error::InvalidKeyId { input: s.chars().take(40).collect() })
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for KeyId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        KeyId::parse(&s)
    }
}

impl From<KeyId> for String {
    fn from(k: KeyId) -> String {
        k.0
    }
}

/// The bytes a signature covers: a fixed prefix, then `name=value` lines in canonical order,
/// the key id included so a signature cannot be moved to another issuer.
pub(super) fn canonical_bytes(pairs: &[(FieldName, String)], key_id: &KeyId) -> Vec<u8> {
    let mut out = String::from(DOMAIN);
    out.push_str("v=1\n");
    for (f, v) in pairs {
        out.push_str(f.key());
        out.push('=');
        out.push_str(v);
        out.push('\n');
    }
    out.push_str("kid=");
    out.push_str(key_id.as_str());
    out.push('\n');
    out.into_bytes()
}

/// A trusted issuer's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a key written as unpadded base64url of its 32 bytes.
    pub fn parse(s: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD.decode(s).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok().map(PublicKey)
    }

    /// The key as unpadded base64url.
    pub fn encoded(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.as_bytes())
    }

    /// Whether `signature` (unpadded base64url of 64 bytes) signs `message` with this key.
    pub(super) fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Some(bytes) = URL_SAFE_NO_PAD.decode(signature).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        // Strict verification refuses malleable and small-order signatures.
        self.0.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&bytes)).is_ok()
    }
}

/// An issuer's private signing key, read from its key file. It is only ever used by the
/// command line; `Debug` never shows the key.
pub struct LinkSigner {
    key_id: KeyId,
    issuer: String,
    key: SigningKey,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner").field("key_id", &self.key_id).field("key", &"[redacted]").finish()
    }
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    key_id: KeyId,
    issuer: String,
    secret_key: String,
}

impl LinkSigner {
    /// A new random key.
    pub fn generate(key_id: KeyId, issuer: &str) -> Result<LinkSigner, Error> {
        let issuer = super::issuers::issuer_name(issuer)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::LinkKeyFile { path: String::new(), reason: e.to_string() })?;
        let key = SigningKey::from_bytes(&seed);
        seed.fill(0);
        Ok(LinkSigner { key_id, issuer, key })
    }

    /// The key's id.
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The issuer's name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public half, for the trusted issuers file.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// Signs `message`; the signature as unpadded base64url.
    pub(super) fn sign(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(message).to_bytes())
    }

    /// Writes the key file, readable by its owner only. An existing file is never replaced:
    /// losing a key means every link it signed stops verifying.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let file = KeyFile {
            format: KEY_FILE_FORMAT.into(),
            key_id: self.key_id.clone(),
            issuer: self.issuer.clone(),
            secret_key: URL_SAFE_NO_PAD.encode(self.key.to_bytes()),
        };
        let fail = |reason: String| Error::LinkKeyFile { path: path.display().to_string(), reason };
        let json = serde_json::to_string_pretty(&file).map_err(|e| fail(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::LinkKeyExists { path: path.display().to_string() },
            _ => fail(e.to_string()),
        })?;
        std::io::Write::write_all(&mut f, format!("{json}\n").as_bytes()).map_err(|e| fail(e.to_string()))?;
        f.sync_all().map_err(|e| fail(e.to_string()))
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<LinkSigner, Error> {
        let fail = |reason: &str| Error::LinkKeyFile { path: path.display().to_string(), reason: reason.into() };
        let text = std::fs::read_to_string(path).map_err(|e| fail(&e.to_string()))?;
        let file: KeyFile = serde_json::from_str(&text).map_err(|_| fail("not a Reconnect link key file"))?;
        if file.format != KEY_FILE_FORMAT {
            return Err(fail("not a Reconnect link key file"));
        }
        let seed: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&file.secret_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| fail("the key inside is damaged"))?;
        let issuer = super::issuers::issuer_name(&file.issuer)?;
        Ok(LinkSigner { key_id: file.key_id, issuer, key: SigningKey::from_bytes(&seed) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_short_and_plain() {
        assert!(KeyId::parse("acme-support-2026").is_ok());
        for bad in ["", "-a", "a-", "Acme", "a b", "a/b", &"a".repeat(33)] {
            assert!(KeyId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_saved_key_loads_signs_the_same_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        let signer = LinkSigner::generate(KeyId::parse("k1").unwrap(), "Acme IT").unwrap();
        signer.save(&path).unwrap();
        let loaded = LinkSigner::load(&path).unwrap();
        assert_eq!(loaded.public_key(), signer.public_key());
        assert_eq!(loaded.sign(b"m"), signer.sign(b"m"));
        assert!(signer.public_key().verifies(b"m", &loaded.sign(b"m")));
        assert!(!signer.public_key().verifies(b"n", &loaded.sign(b"m")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(matches!(signer.save(&path), Err(Error::LinkKeyExists { .. })));
        assert!(!format!("{signer:?}").contains(&URL_SAFE_NO_PAD.encode(signer.key.to_bytes())));
    }
}
