//! A check: one thing looked at in an org, its outcome, what was found and what it means
//! (with what to do next), in both languages. Every playbook reports its findings as checks,
//! so the screens, the CLI and the reports show them one way.

use serde::{Deserialize, Serialize};

use crate::language::{text, Language, Text};

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Blocks the connection, or something the admin must act on.
    Fail,
    /// Works, but not as recommended.
    Warn,
    /// Does not apply to this org or user.
    NotApplicable,
}

impl CheckStatus {
    /// A stable short name (`pass`, `fail`, `warn`, `na`), for CSS classes and keys.
    pub fn code(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Warn => "warn",
            CheckStatus::NotApplicable => "na",
        }
    }

    /// The outcome as a short word (PASS, FAIL, …) in both languages.
    pub fn label(self) -> Text {
        text(&format!("check.status.{}", self.code()), &[])
    }
}

/// One check, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Stable id within its playbook.
    pub id: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What is checked.
    pub title: Text,
    /// What the outcome means and what to do.
    pub explanation: Text,
    /// What was found (ids, names, counts: never a secret).
    pub evidence: String,
}

/// Whether none of `checks` failed.
pub fn none_failed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != CheckStatus::Fail)
}

/// A check in one language, for a screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
pub struct CheckView {
    /// Stable id.
    pub id: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What is checked.
    pub title: String,
    /// What it means.
    pub explanation: String,
    /// What was found.
    pub evidence: String,
}

impl CheckView {
    /// `check` in `l`.
    pub fn of(check: &Check, l: Language) -> CheckView {
        CheckView {
            id: check.id.clone(),
            status: check.status,
            title: check.title.get(l).to_string(),
            explanation: check.explanation.get(l).to_string(),
            evidence: check.evidence.clone(),
        }
    }
}
