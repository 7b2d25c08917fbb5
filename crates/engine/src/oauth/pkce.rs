//! PKCE (RFC 7636, S256) and the `state` value that ties a callback to its sign-in.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

fn random_urlsafe(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    URL_SAFE_NO_PAD.encode(buf)
}

/// A code verifier and its S256 challenge.
#[derive(Clone)]
pub struct Pkce {
    verifier: String,
    challenge: String,
}

impl Pkce {
    /// A fresh verifier from 32 random bytes (43 characters, the RFC's minimum entropy).
    pub fn new() -> Self {
        let verifier = random_urlsafe(32);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier, challenge }
    }

    /// The verifier, sent only to the token endpoint.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// The challenge, sent in the authorize URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce").field("challenge", &self.challenge).finish_non_exhaustive()
    }
}

/// A fresh, unguessable `state` value.
pub fn new_state() -> String {
    random_urlsafe(24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_the_s256_of_the_verifier() {
        let p = Pkce::new();
        assert_eq!(p.verifier().len(), 43);
        assert_eq!(p.challenge(), URL_SAFE_NO_PAD.encode(Sha256::digest(p.verifier().as_bytes())));
        assert_ne!(Pkce::new().verifier(), p.verifier());
        assert!(!format!("{p:?}").contains(p.verifier()));
    }

    #[test]
    fn rfc_7636_appendix_b_vector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
