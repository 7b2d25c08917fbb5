//! The reconnection's long operations as data: the UI names one ([`Operation`]), the session
//! turns it into a [`Job`] with everything it needs (or says why it cannot run), [`run`] does
//! the I/O, and the session records what [`Finished`]. The desktop shell only carries them.

use std::sync::Arc;

use serde::Deserialize;

use crate::accounts::Accounts;
use crate::catalog::PackageEdition;
use crate::clock::Clock;
use crate::error::Error;
use crate::journal::Journal;
use crate::oauth_user::diagnosis::{diagnose, find_users, Diagnosis, UserSummary};
use crate::oauth_user::fix::{self, FixOutcome, FixPlan};
use crate::oauth_user::undo::{self, UndoOutcome};
use crate::package::api_install::install_via_api;
use crate::package::installed::{assess, installed_packages, ui_package_installed, PackageState};
use crate::package::polling::{Polling, Progress};
use crate::package::watch::watch_for_install;
use crate::salesforce_id::SalesforceId;
use crate::verify::{verify, Verification};

/// What the admin asks for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Operation {
    /// Find users by name, username or email.
    SearchUsers {
        /// The search text.
        query: String,
    },
    /// Diagnose the chosen OAuth user.
    Diagnose,
    /// Show what the fix would change.
    PreviewFix,
    /// Apply the previewed fix.
    ApplyFix,
    /// Undo what Reconnect changed in this org.
    Undo,
    /// Look at the installed packages.
    CheckPackage,
    /// Install through the Tooling API.
    InstallViaApi,
    /// Watch for an install through the link.
    WatchLinkInstall,
    /// Verify the connection.
    Verify,
}

/// An operation with its inputs.
#[derive(Debug, Clone)]
pub enum Job {
    /// Search users.
    Search {
        /// Text.
        query: String,
    },
    /// Diagnose.
    Diagnose {
        /// Username.
        username: String,
        /// Connected app.
        app: String,
    },
    /// Plan the fix.
    Preview {
        /// Org id.
        org: SalesforceId,
        /// Username.
        username: String,
        /// Connected app.
        app: String,
    },
    /// Apply a plan.
    Fix {
        /// The plan shown to the admin.
        plan: Box<FixPlan>,
        /// Username, to diagnose again afterwards.
        username: String,
        /// Connected app.
        app: String,
    },
    /// Undo.
    Undo {
        /// Org id.
        org: SalesforceId,
        /// Username, to diagnose again afterwards, when chosen.
        username: Option<String>,
        /// Connected app.
        app: String,
    },
    /// Look at the packages.
    CheckPackage {
        /// The edition.
        edition: &'static PackageEdition,
    },
    /// Install through the API.
    Install {
        /// The edition.
        edition: &'static PackageEdition,
    },
    /// Watch for the package.
    Watch {
        /// The edition.
        edition: &'static PackageEdition,
    },
    /// Verify.
    Verify {
        /// Username.
        username: String,
        /// The edition.
        edition: &'static PackageEdition,
        /// Token use counts from here.
        since_ms: Option<i64>,
    },
}

/// What a job found.
#[derive(Debug)]
pub enum Finished {
    /// Users found.
    Users(Result<Vec<UserSummary>, Error>),
    /// A diagnosis.
    Diagnosis(Result<Diagnosis, Error>),
    /// A plan, with the diagnosis it came from.
    Plan(Result<(Diagnosis, FixPlan), Error>),
    /// A fix ran; the diagnosis after it.
    Fixed(Result<(FixOutcome, Diagnosis), Error>),
    /// An undo ran; the diagnosis after it, when a user is chosen.
    Undone(Result<(UndoOutcome, Option<Diagnosis>), Error>),
    /// The package as the org has it, and whether Gainsight's UI package is there.
    Package(Result<(PackageState, bool), Error>),
    /// A verification.
    Verified(Result<Verification, Error>),
}

/// What jobs run with.
pub struct Env {
    /// The signed-in session's accounts.
    pub accounts: Accounts,
    /// The journal of changes.
    pub journal: Journal,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Polling for API installs.
    pub api_polling: Polling,
    /// Polling while watching for a link install.
    pub link_polling: Polling,
}

async fn package_now(
    client: &crate::salesforce::client::SalesforceClient,
    state: PackageState,
) -> Result<(PackageState, bool), Error> {
    let installed = installed_packages(client).await?;
    Ok((state, ui_package_installed(&installed)))
}

impl Finished {
    /// The job could not start: `error` is its answer.
    pub fn failed(job: &Job, error: Error) -> Finished {
        match job {
            Job::Search { .. } => Finished::Users(Err(error)),
            Job::Diagnose { .. } => Finished::Diagnosis(Err(error)),
            Job::Preview { .. } => Finished::Plan(Err(error)),
            Job::Fix { .. } => Finished::Fixed(Err(error)),
            Job::Undo { .. } => Finished::Undone(Err(error)),
            Job::CheckPackage { .. } | Job::Install { .. } | Job::Watch { .. } => Finished::Package(Err(error)),
            Job::Verify { .. } => Finished::Verified(Err(error)),
        }
    }
}

/// Runs a job against the signed-in org.
pub async fn run(job: Job, env: &Env, progress: &mut (dyn FnMut(Progress) + Send)) -> Finished {
    let (record, client) = match env.accounts.connect().await {
        Ok(x) => x,
        Err(e) => return Finished::failed(&job, e),
    };
    let by = record.username.clone();
    match job {
        Job::Search { query } => Finished::Users(find_users(&client, &query).await),
        Job::Diagnose { username, app } => Finished::Diagnosis(diagnose(&client, &username, &app).await),
        Job::Preview { org, username, app } => Finished::Plan(fix::plan(&client, &org, &username, &app).await),
        Job::Fix { plan, username, app } => Finished::Fixed(
            async {
                let outcome = fix::apply(&client, &plan, &env.journal, env.clock.as_ref(), &by).await?;
                Ok((outcome, diagnose(&client, &username, &app).await?))
            }
            .await,
        ),
        Job::Undo { org, username, app } => Finished::Undone(
            async {
                let outcome = undo::undo(&client, &env.journal, env.clock.as_ref(), &org, &by).await?;
                let after = match username {
                    Some(u) => Some(diagnose(&client, &u, &app).await?),
                    None => None,
                };
                Ok((outcome, after))
            }
            .await,
        ),
        Job::CheckPackage { edition } => Finished::Package(
            async {
                let installed = installed_packages(&client).await?;
                let state = assess(&client, &installed, edition).await?;
                Ok((state, ui_package_installed(&installed)))
            }
            .await,
        ),
        Job::Install { edition } => Finished::Package(
            async {
                let state = install_via_api(&client, edition, env.api_polling, progress).await?;
                package_now(&client, state).await
            }
            .await,
        ),
        Job::Watch { edition } => Finished::Package(
            async {
                let state = watch_for_install(&client, edition, env.link_polling, progress).await?;
                package_now(&client, state).await
            }
            .await,
        ),
        Job::Verify { username, edition, since_ms } => {
            Finished::Verified(verify(&client, &username, edition, since_ms, env.clock.as_ref()).await)
        }
    }
}
