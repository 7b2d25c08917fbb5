//! What the hardening playbook found while the app runs (read again from the org after a
//! restart).

use reconnect_engine::language::Text;
use serde::Serialize;
use ts_rs::TS;

use crate::ioc::IocResult;
use crate::ops::Audit;
use crate::restrict::{AfterRestriction, RestrictionPlan};
use crate::revoke::RevokePlan;

/// Which long operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "hardening/", rename = "HardeningBusy")]
pub enum Busy {
    /// The audit.
    Audit,
    /// A revocation.
    Revoke,
    /// A restriction.
    Restrict,
    /// The check after a restriction.
    Check,
    /// The indicator search.
    Search,
    /// An undo.
    Undo,
}

/// The running playbook's findings.
#[derive(Debug, Default)]
pub struct Work {
    /// The operation running.
    pub busy: Option<Busy>,
    /// The last audit.
    pub audit: Option<Box<Audit>>,
    /// The last indicator search.
    pub ioc: Option<IocResult>,
    /// The revocation waiting for confirmation.
    pub revoke_plan: Option<RevokePlan>,
    /// What the last revocation did.
    pub done: Vec<Text>,
    /// The restriction waiting for confirmation.
    pub restriction_plan: Option<RestrictionPlan>,
    /// What the last restriction or undo did.
    pub restriction_done: Vec<Text>,
    /// Whether the integration still connects.
    pub after: Option<AfterRestriction>,
    /// This playbook's changes still in the org (undo can remove them).
    pub live_changes: usize,
}
