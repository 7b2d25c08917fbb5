//! The answers a wizard link carries, each a validated type, and their one canonical text form.

use serde::Serialize;

use super::problem::{FieldName, LinkProblem};
use crate::catalog::UseCase;
use crate::language::Language;
use crate::region::Region;
use crate::salesforce_host::{Environment, MyDomain};
use crate::wizard::Step;

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

/// The answers of a link. Every field is optional except the expiry: a link that never
/// expires could be replayed forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkFields {
    /// The Gainsight data center.
    pub region: Option<Region>,
    /// The org's environment.
    pub environment: Option<Environment>,
    /// The org's My Domain.
    pub org: Option<MyDomain>,
    /// What stopped working.
    pub use_case: Option<UseCase>,
    /// The step to open.
    pub step: Option<Step>,
    /// The language to show.
    pub language: Option<Language>,
    /// The support ticket.
    pub ticket: Option<TicketRef>,
    /// When the link stops working, in seconds since the Unix epoch.
    pub expires: i64,
}

impl LinkFields {
    /// Fields with nothing but an expiry.
    pub fn expiring_at(expires: i64) -> LinkFields {
        LinkFields {
            region: None,
            environment: None,
            org: None,
            use_case: None,
            step: None,
            language: None,
            ticket: None,
            expires,
        }
    }

    /// The fields as `(name, value)` pairs in canonical order, without version or signature.
    pub fn pairs(&self) -> Vec<(FieldName, String)> {
        let mut out = Vec::new();
        let mut push = |f, v: Option<String>| {
            if let Some(v) = v {
                out.push((f, v));
            }
        };
        push(FieldName::Region, self.region.map(|r| r.code().to_string()));
        push(FieldName::Environment, self.environment.map(|e| e.code().to_string()));
        push(FieldName::Org, self.org.as_ref().map(MyDomain::host));
        push(FieldName::UseCase, self.use_case.map(|u| u.code().to_string()));
        push(FieldName::Step, self.step.map(|s| s.code().to_string()));
        push(FieldName::Language, self.language.map(|l| l.code().to_string()));
        push(FieldName::Ticket, self.ticket.as_ref().map(|t| t.as_str().to_string()));
        push(FieldName::Expires, Some(self.expires.to_string()));
        out
    }

    /// Sets one field from its text; the text must be the field's canonical spelling, so a
    /// link has exactly one way to say each thing.
    pub(super) fn set(&mut self, field: FieldName, value: &str) -> Result<(), LinkProblem> {
        let invalid = LinkProblem::InvalidValue { field };
        match field {
            FieldName::Region => self.region = Some(canonical(value, Region::code).ok_or(invalid)?),
            FieldName::Environment => self.environment = Some(canonical(value, Environment::code).ok_or(invalid)?),
            FieldName::Org => self.org = Some(my_domain(value).ok_or(invalid)?),
            FieldName::UseCase => self.use_case = Some(canonical(value, UseCase::code).ok_or(invalid)?),
            FieldName::Step => self.step = Some(Step::ALL.into_iter().find(|s| s.code() == value).ok_or(invalid)?),
            FieldName::Language => {
                self.language =
                    Some([Language::En, Language::Ja].into_iter().find(|l| l.code() == value).ok_or(invalid)?)
            }
            FieldName::Ticket => self.ticket = Some(TicketRef::parse(value).ok_or(invalid)?),
            FieldName::Expires => self.expires = seconds(value).ok_or(invalid)?,
            FieldName::Version | FieldName::KeyId | FieldName::Signature => return Err(invalid),
        }
        Ok(())
    }

    /// The link's answers must agree with each other: a sandbox My Domain cannot be a
    /// production org.
    pub(super) fn check_consistent(&self) -> Result<(), LinkProblem> {
        match (&self.org, self.environment) {
            (Some(org), Some(env)) if org.environment() != env => Err(LinkProblem::Contradiction),
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
