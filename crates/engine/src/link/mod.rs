//! Links: `reconnect://wizard?v=1&…` carries a few bounded answers (the playbook, the org's
//! environment and My Domain, the step, the language, a ticket, the expiry, and the fields a
//! playbook's vocabulary adds) so a support engineer or another admin can open Reconnect at
//! the right step. A link never carries a URL, a secret or free text; it may be signed with
//! Ed25519 by a trusted issuer. The format is documented in `docs/wizard-links.md`.

mod fields;
mod issuers;
mod problem;
mod query;
mod signature;
#[cfg(test)]
mod tests;

use serde::Serialize;

pub use fields::{rank, Allowed, ExtraField, LinkFields, TicketRef, Vocabularies, Vocabulary};
pub use issuers::{Issuer, IssuerEntry, TrustedIssuers, LOCAL_FILE as LOCAL_ISSUERS_FILE};
pub use problem::{FieldName, LinkProblem};
pub use query::{MAX_LINK_BYTES, PREFIX};
pub use signature::{KeyId, LinkSigner, PublicKey};

/// The longest a link may live, in days.
pub const MAX_LIFETIME_DAYS: u32 = 90;

/// How long a link lives unless its maker says otherwise, in seconds.
pub const DEFAULT_LIFETIME_SECS: i64 = 7 * 86_400;

/// Clocks of the maker and the reader may differ by this much, in seconds.
const CLOCK_SKEW_SECS: i64 = 300;

/// Who vouches for a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "trust", rename_all = "snake_case")]
pub enum Trust {
    /// Signed by a trusted issuer, and the signature matches.
    Verified {
        /// The key's id.
        key_id: KeyId,
        /// The issuer's name, from the trusted list (never from the link).
        issuer: String,
    },
    /// Not signed: anyone could have made it.
    Unverified,
}

/// A link that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedLink {
    /// Its answers.
    pub fields: LinkFields,
    /// Who vouches for it.
    pub trust: Trust,
}

/// Checks a link given as raw bytes (command-line arguments need not be UTF-8) at
/// `now_secs` against the trusted issuers and the registered playbooks' vocabularies.
pub fn check(
    raw: &[u8],
    now_secs: i64,
    issuers: &TrustedIssuers,
    vocabularies: Vocabularies<'_>,
) -> Result<CheckedLink, LinkProblem> {
    let raw_pairs = query::fields(raw)?;
    let raw_value = |key: &str| raw_pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match raw_value("v") {
        None => return Err(LinkProblem::MissingVersion),
        Some("1") => {}
        Some(_) => return Err(LinkProblem::UnsupportedVersion),
    }
    let vocabulary = vocabularies.of(raw_value("playbook")).ok_or(LinkProblem::UnknownPlaybook)?;
    // Every name is one of the engine's fields or of the playbook's, and none comes twice.
    let mut pairs: Vec<(FieldName, &str)> = Vec::new();
    let own_rule = |f: &FieldName| match f {
        FieldName::Extra(key) => vocabulary.extras.iter().any(|e| e.key == *key && e.checks_its_own_values()),
        _ => false,
    };
    for (key, v) in &raw_pairs {
        let field = FieldName::own(key)
            .or_else(|| vocabulary.extras.iter().find(|e| e.key == key).map(|e| FieldName::Extra(e.key)))
            .ok_or_else(|| LinkProblem::UnknownField { name: query::shown_name(key) })?;
        if pairs.iter().any(|(f, _)| *f == field) {
            return Err(LinkProblem::RepeatedField { field });
        }
        pairs.push((field, v.as_str()));
    }
    let value = |f: FieldName| pairs.iter().find(|(n, _)| *n == f).map(|(_, v)| *v);
    let mut fields = LinkFields::expiring_at(0);
    for (field, v) in &pairs {
        if looks_like_url(v) && !own_rule(field) {
            return Err(LinkProblem::UrlInField { field: *field });
        }
        match field {
            FieldName::Version | FieldName::KeyId | FieldName::Signature => {}
            FieldName::Playbook => fields.playbook = Some(vocabulary.playbook),
            FieldName::Step => fields.set_step(vocabulary, v)?,
            FieldName::Practice => fields.set_practice(vocabulary, v)?,
            FieldName::Extra(key) => fields.set_extra(vocabulary, key, v)?,
            own => fields.set(*own, v)?,
        }
    }
    if value(FieldName::Expires).is_none() {
        return Err(LinkProblem::MissingExpiry);
    }
    fields.check_consistent()?;
    let trust = match (value(FieldName::KeyId), value(FieldName::Signature)) {
        (None, None) => Trust::Unverified,
        (Some(kid), Some(sig)) => {
            let key_id = KeyId::parse(kid).map_err(|_| LinkProblem::InvalidValue { field: FieldName::KeyId })?;
            let issuer = issuers.get(&key_id).ok_or(LinkProblem::UnknownIssuer)?;
            let message = signature::canonical_bytes(&fields.pairs(), &key_id);
            if !issuer.public_key.verifies(&message, sig) {
                return Err(LinkProblem::SignatureMismatch);
            }
            Trust::Verified { key_id, issuer: issuer.name.clone() }
        }
        _ => return Err(LinkProblem::SignatureIncomplete),
    };
    if fields.expires <= now_secs {
        return Err(LinkProblem::Expired { at: crate::timestamp::format_ms(fields.expires.saturating_mul(1000)) });
    }
    if fields.expires > now_secs + i64::from(MAX_LIFETIME_DAYS) * 86_400 + CLOCK_SKEW_SECS {
        return Err(LinkProblem::ExpiryTooFar { max_days: MAX_LIFETIME_DAYS });
    }
    Ok(CheckedLink { fields, trust })
}

/// The command-line arguments meant as wizard links: those starting with the scheme, kept as
/// raw bytes so a link that is not UTF-8 is refused with its reason, not dropped.
pub fn links_in_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<Vec<u8>> {
    let scheme = &PREFIX.as_bytes()[..PREFIX.find(':').expect("the prefix has a scheme") + 1];
    args.into_iter()
        .map(std::ffi::OsString::into_encoded_bytes)
        .filter(|a| a.get(..scheme.len()).is_some_and(|head| head.eq_ignore_ascii_case(scheme)))
        .collect()
}

/// Writes a link for `fields`, signed when a signer is given. The same fields always give
/// the same text.
pub fn render(fields: &LinkFields, signer: Option<&LinkSigner>) -> String {
    let pairs = fields.pairs();
    let mut link = String::from(PREFIX);
    link.push_str("v=1");
    for (f, v) in &pairs {
        link.push('&');
        link.push_str(f.key());
        link.push('=');
        link.push_str(v);
    }
    if let Some(signer) = signer {
        let signature = signer.sign(&signature::canonical_bytes(&pairs, signer.key_id()));
        link.push_str("&kid=");
        link.push_str(signer.key_id().as_str());
        link.push_str("&sig=");
        link.push_str(&signature);
    }
    link
}

/// Reads how long a link should live (`7d`, `12h`, `30m`) into seconds, within the limit.
pub fn lifetime_secs(s: &str) -> Result<i64, crate::Error> {
    let secs = crate::timestamp::parse_duration_ms(s)? / 1000;
    if secs > i64::from(MAX_LIFETIME_DAYS) * 86_400 {
        return Err(crate::Error::Link(LinkProblem::ExpiryTooFar { max_days: MAX_LIFETIME_DAYS }));
    }
    Ok(secs)
}

/// Whether a value carries a web address or part of one. No engine field's value has any of
/// these characters, so a value with one was put there to smuggle something in. (A playbook
/// field with its own rule, such as a username, is held to that rule instead.)
fn looks_like_url(v: &str) -> bool {
    v.contains(['/', ':', '\\', '@', '?', '#']) || v.to_ascii_lowercase().starts_with("www.")
}
