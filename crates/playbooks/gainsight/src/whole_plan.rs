//! The whole Salesforce side as one plan: who Gainsight's OAuth user is, the package to
//! install, and the user's fix (unfreeze, permissions, the app's grant), each previewed; one
//! confirmation applies it with progress. The fix is journaled and undoable as when it is
//! applied on its own; the install is Salesforce's own request, watched to the end.

use reconnect_engine::clock::Clock;
use reconnect_engine::journal::Journal;
use reconnect_engine::progress::{Polling, Progress};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce_id::SalesforceId;

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::language::text;
use crate::oauth_user::candidates::{find_candidates, Candidates, Evidence};
use crate::oauth_user::diagnosis::{diagnose, Diagnosis};
use crate::oauth_user::fix::{self, Change, FixOutcome, FixPlan, PreviewRow};
use crate::package::api_install::{install_request, install_via_api};
use crate::package::installed::{assess, installed_packages, ui_package_installed, PackageState};

/// How the OAuth user became known.
#[derive(Debug, Clone, PartialEq)]
pub enum UserSource {
    /// Named before the plan: by a link or by the admin.
    Given,
    /// The only user the org points at, and why.
    Found(Vec<Evidence>),
}

/// The plan for the Salesforce side.
#[derive(Debug, Clone, PartialEq)]
pub struct WholePlan {
    /// The OAuth user, when known, and how.
    pub user: Option<(String, UserSource)>,
    /// The candidates, when the org was asked who the user is.
    pub candidates: Option<Candidates>,
    /// The user's diagnosis, when the user is known.
    pub diagnosis: Option<Diagnosis>,
    /// The user's fix, when the user is known.
    pub fix: Option<FixPlan>,
    /// The package as the org has it, and whether Gainsight's UI package is there.
    pub package: (PackageState, bool),
}

impl WholePlan {
    /// Whether the package is to be installed.
    pub fn installs(&self) -> bool {
        !self.package.0.ok()
    }

    /// Whether there is anything to apply.
    pub fn has_changes(&self) -> bool {
        self.installs() || self.fix.as_ref().is_some_and(|f| !f.changes.is_empty())
    }

    /// Whether a grant of the app may follow the install: the app is not there yet, so the
    /// fix cannot name it, and its policy may ask for admin approval.
    pub fn grant_may_follow(&self) -> bool {
        self.installs() && self.fix.as_ref().is_some_and(|f| f.app.is_none())
    }

    /// Every change in the order it is applied, each with its object and fields: the install
    /// request first when the package is missing, then the user's fix.
    pub fn preview(&self, edition: &PackageEdition) -> Vec<PreviewRow> {
        let mut rows = Vec::new();
        if self.installs() {
            rows.push(PreviewRow {
                object: "PackageInstallRequest".to_string(),
                action: text("plan.install", &[("package", &edition.package_name)]),
                fields: install_request(edition).into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            });
        }
        rows.extend(self.fix.iter().flat_map(FixPlan::preview));
        rows
    }
}

/// What applying the plan did.
#[derive(Debug)]
pub struct PlanOutcome {
    /// The fixes applied: the planned one, then the grant that followed the install.
    pub fixes: Vec<FixOutcome>,
    /// The package afterwards.
    pub package: (PackageState, bool),
    /// The user's diagnosis afterwards.
    pub diagnosis: Diagnosis,
    /// When it finished, in milliseconds since the epoch.
    pub finished_ms: i64,
}

/// Works out the plan: the user (given, else looked for), the package, the fix.
pub async fn plan(
    client: &SalesforceClient,
    org: &SalesforceId,
    username: Option<String>,
    edition: &PackageEdition,
) -> Result<WholePlan, Error> {
    let app = &edition.connected_app;
    let (user, candidates) = match username {
        Some(u) => (Some((u, UserSource::Given)), None),
        None => {
            let c = find_candidates(client, app).await?;
            let found =
                c.clear.map(|i| (c.users[i].user.username.clone(), UserSource::Found(c.users[i].evidence.clone())));
            (found, Some(c))
        }
    };
    let installed = installed_packages(client).await?;
    let package = (assess(client, &installed, edition).await?, ui_package_installed(&installed));
    let (diagnosis, fix) = match &user {
        Some((u, _)) => {
            let (d, f) = fix::plan(client, org, u, app).await?;
            (Some(d), Some(f))
        }
        None => (None, None),
    };
    Ok(WholePlan { user, candidates, diagnosis, fix, package })
}

/// Everything `apply` needs besides the org.
pub struct Apply<'a> {
    /// The plan the admin confirmed.
    pub plan: &'a WholePlan,
    /// The package edition to install.
    pub edition: &'a PackageEdition,
    /// How often and how long to watch the install.
    pub polling: Polling,
    /// The journal.
    pub journal: &'a Journal,
    /// The clock.
    pub clock: &'a dyn Clock,
    /// Who applies it (the signed-in admin's username).
    pub by: &'a str,
}

/// Applies the confirmed plan: the fix as previewed, then the install, then the app's grant
/// when the install brought an app whose policy asks for it (the one change the preview
/// announced without its id). Anything else the org needs afterwards is shown, not done.
pub async fn apply(
    client: &SalesforceClient,
    org: &SalesforceId,
    a: Apply<'_>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<PlanOutcome, Error> {
    let username =
        a.plan.user.as_ref().map(|(u, _)| u.clone()).ok_or(Error::from(reconnect_engine::Error::StepIncomplete {
            missing: crate::language::text("wizard.missing.oauth_user", &[]),
        }))?;
    let app = &a.edition.connected_app;
    let mut fixes = Vec::new();
    if let Some(f) = a.plan.fix.as_ref().filter(|f| !f.changes.is_empty()) {
        let outcome = fix::apply(client, f, a.journal, a.clock, a.by).await?;
        if let Some((_, e)) = outcome.failure {
            return Err(e);
        }
        fixes.push(outcome);
    }
    let mut state = a.plan.package.0.clone();
    if a.plan.installs() {
        state = install_via_api(client, a.edition, a.polling, progress).await?;
    }
    if a.plan.grant_may_follow() {
        let (_, follow) = fix::plan(client, org, &username, app).await?;
        if !follow.changes.is_empty() && follow.changes.iter().all(|c| matches!(c, Change::GrantApp { .. })) {
            let outcome = fix::apply(client, &follow, a.journal, a.clock, a.by).await?;
            if let Some((_, e)) = outcome.failure {
                return Err(e);
            }
            fixes.push(outcome);
        }
    }
    let installed = installed_packages(client).await?;
    let package = (state, ui_package_installed(&installed));
    let diagnosis = diagnose(client, &username, app).await?;
    Ok(PlanOutcome { fixes, package, diagnosis, finished_ms: a.clock.now_ms() })
}
