//! What the readiness playbook read while the app runs (read again after a restart).

use serde::Serialize;
use ts_rs::TS;

use crate::contacts::Contacts;
use crate::runbook::Runbook;

/// Which long operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "readiness/", rename = "ReadinessBusy")]
pub enum Busy {
    /// Reading the contacts.
    Contacts,
    /// Making the runbook.
    Runbook,
}

/// The running playbook's findings.
#[derive(Debug, Default)]
pub struct Work {
    /// The operation running.
    pub busy: Option<Busy>,
    /// The last contacts read.
    pub contacts: Option<Contacts>,
    /// The last runbook made.
    pub runbook: Option<Box<Runbook>>,
}
