//! The answers a link carries, each a validated value, and their one canonical text form. The
//! engine's own fields (playbook, environment, My Domain, step, language, ticket, expiry) are
//! joined by the few that a playbook's vocabulary adds (the Gainsight playbook's data center
//! and use case), each checked by that vocabulary.

use serde::Serialize;

use super::problem::{FieldName, LinkProblem};
use crate::language::Language;
use crate::salesforce_host::{Environment, MyDomain};

/// A support ticket reference: 1 to 20 ASCII letters, digits or hyphens (not at either end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TicketRef(String);

impl TicketRef {
    /// The longest reference a link may carry.
    pub const MAX_LEN: usize = 20;

    /// Parses a reference; `None` when it breaks the rules.
    pub fn parse(s: &str) -> Option<TicketRef> {
        let ok = (1..=Self::MAX_LEN).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        ok.then(|| TicketRef(s.to_string()))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The values a playbook's field allows.
#[derive(Debug, Clone, Copy)]
pub enum Allowed {
    /// One of these, spelled exactly so.
    OneOf(&'static [&'static str]),
    /// A value of at most [`ExtraField::MAX_LEN`] bytes that this rule accepts as written (the
    /// rule also guarantees its one spelling: a username in lower case, a bare host).
    Matching(fn(&str) -> bool),
}

/// A field a playbook adds to its links: its key, where it goes in the canonical order, and
/// the values it allows (each written one way only).
#[derive(Debug, Clone, Copy)]
pub struct ExtraField {
    /// The key, as written in the link.
    pub key: &'static str,
    /// Its place in the canonical order, among the engine's fields (see [`rank`]).
    pub rank: u8,
    /// The values it allows.
    pub allowed: Allowed,
}

impl ExtraField {
    /// The longest value a [`Allowed::Matching`] field may carry.
    pub const MAX_LEN: usize = 100;

    /// Whether `value` is one this field allows.
    pub fn allows(&self, value: &str) -> bool {
        match self.allowed {
            Allowed::OneOf(values) => values.contains(&value),
            Allowed::Matching(rule) => value.len() <= Self::MAX_LEN && rule(value),
        }
    }

    /// Whether the field's own rule vouches for its values: then a value may hold characters
    /// the link otherwise refuses as parts of an address (an `@` in a username).
    pub(super) fn checks_its_own_values(&self) -> bool {
        matches!(self.allowed, Allowed::Matching(_))
    }
}

// Fields are told apart by their key: a vocabulary has each key once.
impl PartialEq for ExtraField {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for ExtraField {}

/// What one playbook's links may say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vocabulary {
    /// The playbook's id, the value of `playbook`.
    pub playbook: &'static str,
    /// The step codes a link may open.
    pub steps: &'static [&'static str],
    /// The fields it adds.
    pub extras: &'static [ExtraField],
    /// The practice org's scenarios a link may open (`practice`).
    pub practice: &'static [&'static str],
}

impl Vocabulary {
    fn extra(&self, key: &str) -> Option<&ExtraField> {
        self.extras.iter().find(|e| e.key == key)
    }
}

/// The registered playbooks' vocabularies; a link without `playbook` opens the first.
#[derive(Debug, Clone, Copy)]
pub struct Vocabularies<'a>(pub &'a [Vocabulary]);

impl<'a> Vocabularies<'a> {
    /// The vocabulary of `playbook` (the first when `None`).
    pub fn of(&self, playbook: Option<&str>) -> Option<&'a Vocabulary> {
        match playbook {
            None => self.0.first(),
            Some(id) => self.0.iter().find(|v| v.playbook == id),
        }
    }
}

/// Where each engine field goes in the canonical order; a vocabulary places its own fields
/// among these by their rank.
pub fn rank(field: FieldName) -> u8 {
    match field {
        FieldName::Version => 0,
        FieldName::Playbook => 5,
        FieldName::Environment => 20,
        FieldName::Org => 22,
        FieldName::Practice => 23,
        FieldName::Step => 30,
        FieldName::Language => 40,
        FieldName::Ticket => 50,
        FieldName::Expires => 90,
        FieldName::KeyId => 95,
        FieldName::Signature => 99,
        FieldName::Extra(_) => 60,
    }
}

/// The answers of a link. Every field is optional except the expiry: a link that never
/// expires could be replayed forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkFields {
    /// The playbook it opens, when it names one; `None` opens the default playbook.
    pub playbook: Option<&'static str>,
    /// The org's environment.
    pub environment: Option<Environment>,
    /// The org's My Domain.
    pub org: Option<MyDomain>,
    /// The practice org's scenario to open instead of a real org (one of the vocabulary's).
    pub practice: Option<&'static str>,
    /// The step to open (a code of the playbook's vocabulary).
    pub step: Option<&'static str>,
    /// The language to show.
    pub language: Option<Language>,
    /// The support ticket.
    pub ticket: Option<TicketRef>,
    /// The playbook's own fields, in canonical order (beside the engine's when serialized, as
    /// they stand in the link).
    #[serde(flatten, serialize_with = "extras_as_map")]
    pub extras: Vec<(ExtraField, String)>,
    /// When the link stops working, in seconds since the Unix epoch.
    pub expires: i64,
}

fn extras_as_map<S: serde::Serializer>(extras: &[(ExtraField, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(extras.len()))?;
    for (field, value) in extras {
        map.serialize_entry(field.key, value)?;
    }
    map.end()
}

impl LinkFields {
    /// Fields with nothing but an expiry.
    pub fn expiring_at(expires: i64) -> LinkFields {
        LinkFields {
            playbook: None,
            environment: None,
            org: None,
            practice: None,
            step: None,
            language: None,
            ticket: None,
            extras: Vec::new(),
            expires,
        }
    }

    /// The value of a playbook field.
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extras.iter().find(|(f, _)| f.key == key).map(|(_, v)| v.as_str())
    }

    /// Sets a playbook field from a vocabulary; refused when the value is not one it allows.
    pub fn set_extra(&mut self, vocabulary: &Vocabulary, key: &str, value: &str) -> Result<(), LinkProblem> {
        let field = *vocabulary.extra(key).ok_or(LinkProblem::UnknownField { name: None })?;
        if !field.allows(value) {
            return Err(LinkProblem::InvalidValue { field: FieldName::Extra(field.key) });
        }
        self.extras.retain(|(f, _)| f.key != field.key);
        self.extras.push((field, value.to_string()));
        self.extras.sort_by_key(|(f, _)| (f.rank, f.key));
        Ok(())
    }

    /// Removes a playbook field.
    pub fn clear_extra(&mut self, key: &str) {
        self.extras.retain(|(f, _)| f.key != key);
    }

    /// Sets the practice org's scenario from a vocabulary's.
    pub fn set_practice(&mut self, vocabulary: &Vocabulary, scenario: &str) -> Result<(), LinkProblem> {
        let found = vocabulary.practice.iter().find(|s| **s == scenario);
        self.practice = Some(found.ok_or(LinkProblem::InvalidValue { field: FieldName::Practice })?);
        Ok(())
    }

    /// Sets the step from a vocabulary's codes.
    pub fn set_step(&mut self, vocabulary: &Vocabulary, code: &str) -> Result<(), LinkProblem> {
        let step = vocabulary.steps.iter().find(|s| **s == code);
        self.step = Some(step.ok_or(LinkProblem::InvalidValue { field: FieldName::Step })?);
        Ok(())
    }

    /// The fields as `(name, value)` pairs in canonical order, without version or signature.
    pub fn pairs(&self) -> Vec<(FieldName, String)> {
        let mut out: Vec<(u8, FieldName, String)> = Vec::new();
        let mut push = |f: FieldName, v: Option<String>| {
            if let Some(v) = v {
                out.push((rank(f), f, v));
            }
        };
        push(FieldName::Playbook, self.playbook.map(str::to_string));
        push(FieldName::Environment, self.environment.map(|e| e.code().to_string()));
        push(FieldName::Org, self.org.as_ref().map(MyDomain::host));
        push(FieldName::Practice, self.practice.map(str::to_string));
        push(FieldName::Step, self.step.map(str::to_string));
        push(FieldName::Language, self.language.map(|l| l.code().to_string()));
        push(FieldName::Ticket, self.ticket.as_ref().map(|t| t.as_str().to_string()));
        push(FieldName::Expires, Some(self.expires.to_string()));
        for (field, value) in &self.extras {
            out.push((field.rank, FieldName::Extra(field.key), value.to_string()));
        }
        out.sort_by_key(|(r, f, _)| (*r, f.key()));
        out.into_iter().map(|(_, f, v)| (f, v)).collect()
    }

    /// Sets one of the engine's fields from its text; the text must be the field's canonical
    /// spelling, so a link has exactly one way to say each thing. (`playbook`, `step` and the
    /// playbook's fields are set against its vocabulary.)
    pub(super) fn set(&mut self, field: FieldName, value: &str) -> Result<(), LinkProblem> {
        let invalid = LinkProblem::InvalidValue { field };
        match field {
            FieldName::Environment => self.environment = Some(canonical(value, Environment::code).ok_or(invalid)?),
            FieldName::Org => self.org = Some(my_domain(value).ok_or(invalid)?),
            FieldName::Language => {
                self.language =
                    Some([Language::En, Language::Ja].into_iter().find(|l| l.code() == value).ok_or(invalid)?)
            }
            FieldName::Ticket => self.ticket = Some(TicketRef::parse(value).ok_or(invalid)?),
            FieldName::Expires => self.expires = seconds(value).ok_or(invalid)?,
            _ => return Err(invalid),
        }
        Ok(())
    }

    /// The link's answers must agree with each other: a sandbox My Domain cannot be a
    /// production org, and the practice org is no real org.
    pub(super) fn check_consistent(&self) -> Result<(), LinkProblem> {
        match (&self.org, self.environment) {
            (Some(org), Some(env)) if org.environment() != env => Err(LinkProblem::Contradiction),
            _ if self.practice.is_some() && (self.org.is_some() || self.environment.is_some()) => {
                Err(LinkProblem::Contradiction)
            }
            _ => Ok(()),
        }
    }
}

/// The value whose canonical code is exactly `value`.
fn canonical<T: std::str::FromStr + Copy>(value: &str, code: impl Fn(T) -> &'static str) -> Option<T> {
    value.parse::<T>().ok().filter(|t| code(*t) == value)
}

/// A My Domain login host, written exactly as `MyDomain` renders it.
fn my_domain(value: &str) -> Option<MyDomain> {
    let plain = value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !plain {
        return None;
    }
    value.parse::<MyDomain>().ok().filter(|d| d.host() == value)
}

/// Seconds since the epoch: plain digits, no sign, no leading zero, at most ten digits.
fn seconds(value: &str) -> Option<i64> {
    let ok = (1..=10).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with('0');
    ok.then(|| value.parse().ok()).flatten()
}
