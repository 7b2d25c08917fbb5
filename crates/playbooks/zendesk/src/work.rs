//! What the Zendesk playbook read while the app runs (read again after a restart).

use serde::Serialize;
use ts_rs::TS;

use crate::inventory::Inventory;
use crate::rotation::RotationPlan;
use crate::tokens::Tokens;

/// Which long operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskBusy")]
pub enum Busy {
    /// Signing in.
    SignIn,
    /// Reading the installations.
    Apps,
    /// Writing new values.
    Rotate,
    /// Reading the tokens.
    Tokens,
    /// Revoking tokens.
    Revoke,
    /// Signing out.
    SignOut,
}

/// The running playbook's findings.
#[derive(Debug, Default)]
pub struct Work {
    /// The operation running.
    pub busy: Option<Busy>,
    /// The installations last read.
    pub inventory: Option<Inventory>,
    /// The tokens last read.
    pub tokens: Option<Tokens>,
    /// The rotation on preview.
    pub plan: Option<RotationPlan>,
    /// The tokens chosen for revocation, on preview.
    pub revoke: Vec<u64>,
    /// The practice Zendesk's address, while the app runs one.
    pub practice_url: Option<String>,
    /// Its practice users, as its shell reported them.
    pub practice_logins: Vec<String>,
}

impl Work {
    /// Forgets what was read and chosen; the practice Zendesk, which outlives a session, stays.
    pub fn forget_findings(&mut self) {
        *self = Work {
            practice_url: self.practice_url.take(),
            practice_logins: std::mem::take(&mut self.practice_logins),
            ..Work::default()
        };
    }
}
