//! What the Gainsight playbook found while the app runs (not saved: the org is read again
//! after a restart).

use reconnect_engine::language::Text;
use serde::Serialize;
use ts_rs::TS;

use crate::oauth_user::diagnosis::{Diagnosis, UserSummary};
use crate::oauth_user::fix::FixPlan;
use crate::package::installed::PackageState;
use crate::verify::Verification;
use crate::whole_plan::WholePlan;

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
    /// The whole Salesforce side's plan, as last worked out.
    pub whole: Option<WholePlan>,
    /// The plan was asked for since the step opened (it is not asked again on its own).
    pub plan_asked: bool,
    /// Verifications run while waiting for the Gainsight admin (for the back-off).
    pub rechecks: u32,
}

impl Work {
    /// Seconds until the next verification while waiting for the Gainsight admin: 2, 4, 8,
    /// 16, 32, then every minute, so a quick re-authorization is seen at once and a slow one
    /// costs two requests a minute.
    pub fn recheck_in_secs(&self) -> u32 {
        2u32.saturating_pow(self.rechecks.saturating_add(1)).min(60)
    }
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
    /// Working out the whole plan.
    Plan,
    /// Applying the whole plan.
    ApplyPlan,
}
