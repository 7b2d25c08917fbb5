//! Salesforce record ids: 15 case-sensitive characters, or 18 with a case-safe suffix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// A validated Salesforce id, always held in its 18-character form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SalesforceId([u8; 18]);

/// The kinds of record Reconnect deals with, by key prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPrefix {
    /// `04t`: a package version.
    PackageVersion,
    /// `00D`: an org.
    Organization,
    /// `005`: a user.
    User,
    /// `0PS`: a permission set.
    PermissionSet,
    /// `0Hf`: a package install request.
    PackageInstallRequest,
}

impl KeyPrefix {
    /// Every prefix Reconnect knows.
    pub const ALL: [KeyPrefix; 5] = [
        KeyPrefix::PackageVersion,
        KeyPrefix::Organization,
        KeyPrefix::User,
        KeyPrefix::PermissionSet,
        KeyPrefix::PackageInstallRequest,
    ];

    /// The three characters.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPrefix::PackageVersion => "04t",
            KeyPrefix::Organization => "00D",
            KeyPrefix::User => "005",
            KeyPrefix::PermissionSet => "0PS",
            KeyPrefix::PackageInstallRequest => "0Hf",
        }
    }
}

/// The three-character suffix that makes a 15-character id safe in case-insensitive places.
pub fn case_safe_suffix(id15: &[u8; 15]) -> [u8; 3] {
    let mut out = [0u8; 3];
    for (group, chunk) in id15.chunks(5).enumerate() {
        let bits =
            chunk.iter().enumerate().filter(|(_, c)| c.is_ascii_uppercase()).fold(0usize, |acc, (j, _)| acc | (1 << j));
        out[group] = SUFFIX_ALPHABET[bits];
    }
    out
}

impl SalesforceId {
    /// Parses a 15- or 18-character id. An 18-character id must carry the suffix its first
    /// fifteen characters call for; one whose letters were all upper- or lower-cased on the
    /// way (spreadsheets do that) is restored from its suffix.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let s = input.trim();
        let invalid = || Error::InvalidId { input: s.to_string() };
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid());
        }
        let bytes = s.as_bytes();
        match bytes.len() {
            15 => {
                let id15: [u8; 15] = bytes.try_into().expect("length checked");
                Ok(Self::from_15(id15))
            }
            18 => {
                let id15: [u8; 15] = bytes[..15].try_into().expect("length checked");
                let suffix = [bytes[15], bytes[16], bytes[17]];
                let expected = case_safe_suffix(&id15);
                if suffix == expected {
                    return Ok(Self::from_15(id15));
                }
                let letters = id15.iter().filter(|b| b.is_ascii_alphabetic());
                let one_case =
                    letters.clone().all(u8::is_ascii_lowercase) || letters.clone().all(u8::is_ascii_uppercase);
                if one_case {
                    if let Some(restored) = restore_case(&id15, &suffix.map(|b| b.to_ascii_uppercase())) {
                        return Ok(Self::from_15(restored));
                    }
                }
                Err(Error::IdChecksumMismatch {
                    input: s.to_string(),
                    expected: String::from_utf8_lossy(&expected).into_owned(),
                })
            }
            _ => Err(invalid()),
        }
    }

    /// Parses an id and checks that it is of the `expected` kind.
    pub fn parse_kind(input: &str, expected: KeyPrefix) -> Result<Self, Error> {
        let id = Self::parse(input)?;
        if id.key_prefix() != Some(expected) {
            return Err(Error::WrongIdKind { input: input.trim().to_string(), expected: expected.as_str() });
        }
        Ok(id)
    }

    fn from_15(id15: [u8; 15]) -> Self {
        let mut full = [0u8; 18];
        full[..15].copy_from_slice(&id15);
        full[15..].copy_from_slice(&case_safe_suffix(&id15));
        Self(full)
    }

    /// The 18-character form.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ids are ASCII")
    }

    /// The 15-character, case-sensitive form.
    pub fn to_15(&self) -> &str {
        &self.as_str()[..15]
    }

    /// The first three characters.
    pub fn prefix(&self) -> &str {
        &self.as_str()[..3]
    }

    /// The kind of record, when Reconnect knows the prefix.
    pub fn key_prefix(&self) -> Option<KeyPrefix> {
        KeyPrefix::ALL.into_iter().find(|k| k.as_str() == self.prefix())
    }
}

/// Rebuilds letter case from the suffix; `None` when the suffix contradicts the characters
/// (a digit whose bit says upper case, or a character outside the alphabet).
fn restore_case(id15: &[u8; 15], suffix: &[u8; 3]) -> Option<[u8; 15]> {
    let mut out = *id15;
    for (group, s) in suffix.iter().enumerate() {
        let bits = SUFFIX_ALPHABET.iter().position(|a| a == s)?;
        for j in 0..5 {
            let c = &mut out[group * 5 + j];
            let upper = bits & (1 << j) != 0;
            match (c.is_ascii_alphabetic(), upper) {
                (true, true) => *c = c.to_ascii_uppercase(),
                (true, false) => *c = c.to_ascii_lowercase(),
                (false, true) => return None,
                (false, false) => {}
            }
        }
    }
    Some(out)
}

impl fmt::Display for SalesforceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SalesforceId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl Serialize for SalesforceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SalesforceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_checksum_vectors() {
        for (id15, suffix) in [
            ("a0RE000000IJmcN", "MAT"),
            ("001M000000qfPyS", "IAU"),
            ("AbCdEfGhIjKlMnO", "VKV"),
            ("aBcDEfgHIJKLMNO", "025"),
            ("aaaaaaaaaaaaaaa", "AAA"),
        ] {
            let id = SalesforceId::parse(id15).unwrap();
            assert_eq!(&id.as_str()[15..], suffix, "{id15}");
            assert_eq!(id.to_15(), id15);
            assert_eq!(SalesforceId::parse(id.as_str()).unwrap(), id);
        }
    }

    #[test]
    fn wrong_suffix_is_rejected_with_the_expected_one() {
        let err = SalesforceId::parse("001M000000qfPySIAA").unwrap_err();
        assert!(matches!(err, Error::IdChecksumMismatch { ref expected, .. } if expected == "IAU"), "{err:?}");
    }

    #[test]
    fn case_mangled_18_character_ids_are_restored() {
        let id = SalesforceId::parse("001m000000qfpysiau").unwrap();
        assert_eq!(id.as_str(), "001M000000qfPySIAU");
        let id = SalesforceId::parse("A0RE000000IJMCNMAT").unwrap();
        assert_eq!(id.as_str(), "a0RE000000IJmcNMAT");
    }

    #[test]
    fn key_prefixes_are_known() {
        assert_eq!(SalesforceId::parse("04tg50000000tZD").unwrap().key_prefix(), Some(KeyPrefix::PackageVersion));
        assert_eq!(SalesforceId::parse("04tJ9000000Hgiz").unwrap().key_prefix(), Some(KeyPrefix::PackageVersion));
        assert_eq!(SalesforceId::parse("00D000000000001").unwrap().key_prefix(), Some(KeyPrefix::Organization));
        assert_eq!(SalesforceId::parse("005000000000001").unwrap().key_prefix(), Some(KeyPrefix::User));
        assert_eq!(SalesforceId::parse("0PS000000000001").unwrap().key_prefix(), Some(KeyPrefix::PermissionSet));
        assert_eq!(
            SalesforceId::parse("0Hf000000000001").unwrap().key_prefix(),
            Some(KeyPrefix::PackageInstallRequest)
        );
        assert_eq!(SalesforceId::parse("001000000000001").unwrap().key_prefix(), None);
        assert!(matches!(
            SalesforceId::parse_kind("005000000000001", KeyPrefix::PackageVersion),
            Err(Error::WrongIdKind { expected: "04t", .. })
        ));
    }

    #[test]
    fn bad_shapes_are_rejected() {
        for bad in [
            "",
            "04t",
            "04tg50000000tZ",
            "04tg50000000tZD1",
            "04tg5000-000tZD",
            "04tg50000000tZDü",
            "04tg50000000tZDXYZW",
        ] {
            assert!(SalesforceId::parse(bad).is_err(), "{bad}");
        }
    }

    fn id15() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9]{15}"
    }

    proptest! {
        #[test]
        fn every_15_character_id_round_trips_through_18(s in id15()) {
            let id = SalesforceId::parse(&s).unwrap();
            prop_assert_eq!(id.to_15(), s.as_str());
            prop_assert_eq!(SalesforceId::parse(id.as_str()).unwrap(), id.clone());
            prop_assert_eq!(SalesforceId::parse(&id.as_str().to_ascii_lowercase()).unwrap(), id.clone());
            prop_assert_eq!(SalesforceId::parse(&id.as_str().to_ascii_uppercase()).unwrap(), id);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = SalesforceId::parse(&s);
        }
    }
}
