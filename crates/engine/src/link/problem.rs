//! Why a wizard link was refused. Each reason names what was wrong, never echoing more of the
//! link than a field name the app knows, so a crafted link cannot put its own words on screen.

use serde::Serialize;

use crate::language::{text, Text, UserMessage};

/// A field of the link format, by its name in the link: the engine's own, or one a
/// playbook's vocabulary adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    /// `v`: the format version.
    Version,
    /// `playbook`: which playbook the link opens (absent: the first registered one).
    Playbook,
    /// `env`: the org's environment.
    Environment,
    /// `org`: the org's My Domain host.
    Org,
    /// `practice`: the practice org's scenario, for training and for hand-offs made on it.
    Practice,
    /// `step`: the step to open.
    Step,
    /// `lang`: the language.
    Language,
    /// `ticket`: the support ticket reference.
    Ticket,
    /// `exp`: when the link expires.
    Expires,
    /// `kid`: the signing key's id.
    KeyId,
    /// `sig`: the signature.
    Signature,
    /// A field of a playbook's vocabulary, by its key.
    Extra(&'static str),
}

impl FieldName {
    /// The engine's own fields.
    pub const OWN: [FieldName; 11] = [
        FieldName::Version,
        FieldName::Playbook,
        FieldName::Environment,
        FieldName::Org,
        FieldName::Practice,
        FieldName::Step,
        FieldName::Language,
        FieldName::Ticket,
        FieldName::Expires,
        FieldName::KeyId,
        FieldName::Signature,
    ];

    /// The name as written in the link.
    pub fn key(self) -> &'static str {
        match self {
            FieldName::Version => "v",
            FieldName::Playbook => "playbook",
            FieldName::Environment => "env",
            FieldName::Org => "org",
            FieldName::Practice => "practice",
            FieldName::Step => "step",
            FieldName::Language => "lang",
            FieldName::Ticket => "ticket",
            FieldName::Expires => "exp",
            FieldName::KeyId => "kid",
            FieldName::Signature => "sig",
            FieldName::Extra(key) => key,
        }
    }

    /// The engine's field written as `key`, if it has one.
    pub fn own(key: &str) -> Option<FieldName> {
        Self::OWN.into_iter().find(|f| f.key() == key)
    }
}

impl Serialize for FieldName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkProblem {
    /// Not a `reconnect://wizard?…` link at all.
    NotAWizardLink,
    /// Longer than any link Reconnect makes.
    TooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// Broken percent-encoding, an empty field, or a field without `=`.
    BadEncoding,
    /// Bytes that are not UTF-8 text (raw or after percent-decoding).
    NotUtf8,
    /// A playbook this app does not have.
    UnknownPlaybook,
    /// A field the format does not have.
    UnknownField {
        /// The field's name when it is short and plain; otherwise `None`.
        name: Option<String>,
    },
    /// The same field twice.
    RepeatedField {
        /// Which one.
        field: FieldName,
    },
    /// No `v` field.
    MissingVersion,
    /// A format version this app does not read.
    UnsupportedVersion,
    /// No `exp` field: every link must expire.
    MissingExpiry,
    /// A web address (or part of one) inside a field.
    UrlInField {
        /// Which field.
        field: FieldName,
    },
    /// A value that is not one the field allows.
    InvalidValue {
        /// Which field.
        field: FieldName,
    },
    /// The link's environment and My Domain disagree.
    Contradiction,
    /// The link has expired.
    Expired {
        /// When, as an ISO-8601 UTC time.
        at: String,
    },
    /// The expiry is further ahead than any link may live.
    ExpiryTooFar {
        /// The limit in days.
        max_days: u32,
    },
    /// A key id without a signature or a signature without a key id.
    SignatureIncomplete,
    /// A key id no trusted issuer has.
    UnknownIssuer,
    /// The signature does not match the link: it was changed after signing.
    SignatureMismatch,
}

impl LinkProblem {
    /// What was wrong and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        let field = |f: &FieldName| f.key().to_string();
        let (what, next): (Text, Text) = match self {
            LinkProblem::NotAWizardLink => (text("link.err.not_link.what", &[]), text("link.err.not_link.next", &[])),
            LinkProblem::TooLong { max } => {
                (text("link.err.too_long.what", &[("max", &max.to_string())]), text("link.err.ask_again.next", &[]))
            }
            LinkProblem::BadEncoding => (text("link.err.encoding.what", &[]), text("link.err.copy_whole.next", &[])),
            LinkProblem::NotUtf8 => (text("link.err.not_utf8.what", &[]), text("link.err.copy_whole.next", &[])),
            LinkProblem::UnknownPlaybook => {
                (text("link.err.unknown_playbook.what", &[]), text("link.err.update.next", &[]))
            }
            LinkProblem::UnknownField { name: Some(name) } => {
                (text("link.err.unknown_field.what", &[("field", name)]), text("link.err.update.next", &[]))
            }
            LinkProblem::UnknownField { name: None } => {
                (text("link.err.unknown_field_unnamed.what", &[]), text("link.err.update.next", &[]))
            }
            LinkProblem::RepeatedField { field: f } => {
                (text("link.err.repeated.what", &[("field", &field(f))]), text("link.err.ask_again.next", &[]))
            }
            LinkProblem::MissingVersion => {
                (text("link.err.no_version.what", &[]), text("link.err.copy_whole.next", &[]))
            }
            LinkProblem::UnsupportedVersion => (text("link.err.version.what", &[]), text("link.err.update.next", &[])),
            LinkProblem::MissingExpiry => (text("link.err.no_expiry.what", &[]), text("link.err.ask_again.next", &[])),
            LinkProblem::UrlInField { field: f } => {
                (text("link.err.url.what", &[("field", &field(f))]), text("link.err.ask_again.next", &[]))
            }
            LinkProblem::InvalidValue { field: f } => {
                (text("link.err.value.what", &[("field", &field(f))]), text("link.err.ask_again.next", &[]))
            }
            LinkProblem::Contradiction => {
                (text("link.err.contradiction.what", &[]), text("link.err.ask_again.next", &[]))
            }
            LinkProblem::Expired { at } => {
                (text("link.err.expired.what", &[("at", at)]), text("link.err.expired.next", &[]))
            }
            LinkProblem::ExpiryTooFar { max_days } => (
                text("link.err.expiry_far.what", &[("days", &max_days.to_string())]),
                text("link.err.ask_again.next", &[]),
            ),
            LinkProblem::SignatureIncomplete => {
                (text("link.err.signature_incomplete.what", &[]), text("link.err.copy_whole.next", &[]))
            }
            LinkProblem::UnknownIssuer => {
                (text("link.err.unknown_issuer.what", &[]), text("link.err.unknown_issuer.next", &[]))
            }
            LinkProblem::SignatureMismatch => {
                (text("link.err.tampered.what", &[]), text("link.err.tampered.next", &[]))
            }
        };
        UserMessage { what, next }
    }
}
