//! What the Gainsight playbook found while the app runs (not saved: the org is read again
//! after a restart).

use reconnect_engine::language::Text;
use serde::Serialize;
use ts_rs::TS;

use crate::oauth_user::diagnosis::{Diagnosis, UserSummary};
use crate::oauth_user::fix::FixPlan;
use crate::package::installed::PackageState;
use crate::verify::Verification;

/// The running playbook's findings.
#[derive(Debug, Clone, Default)]
pub struct Work {
    /// The operation running.
    pub busy: Option<Busy>,
    /// The last user search.
    pub users: Option<Vec<UserSummary>>,
    /// The last diagnosis.
    pub diagnosis: Option<Diagnosis>,
    /// The last fix preview.
    pub plan: Option<FixPlan>,
    /// What the last fix or undo did.
    pub done: Vec<Text>,
    /// Changes in the journal for the signed-in org.
    pub live_changes: usize,
    /// The package as last seen, and whether Gainsight's UI package is there.
    pub package: Option<(PackageState, bool)>,
    /// The last verification.
    pub verification: Option<Verification>,
    /// Why the last pasted Gainsight address did not reveal the region.
    pub region_unknown: Option<Text>,
}

/// Which long operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "snake_case")]
pub enum Busy {
    /// Searching users.
    Search,
    /// Diagnosing the OAuth user.
    Diagnose,
    /// Planning the fix.
    Preview,
    /// Applying the fix.
    Fix,
    /// Undoing.
    Undo,
    /// Installing through the API.
    Install,
    /// Watching for an install through the link.
    Watch,
    /// Verifying.
    Verify,
}
