//! The reconnection's long operations, one API for the app and the CLI: an [`Operation`] is
//! what the admin asks for on screen; a [`Job`] is an operation with every input it needs
//! (the app fills them from the answers, the CLI from its arguments); [`run`] does the I/O
//! against the signed-in org and says what it [`Finished`] with. Both faces call exactly
//! this, with the same progress events.

use reconnect_engine::job::JobEnv;
use reconnect_engine::progress::Polling;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce_id::SalesforceId;
use reconnect_engine::secret::Secret;
use reconnect_engine::undo::{self, UndoOutcome};
use serde::Deserialize;
use ts_rs::TS;

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::gainsight::{check_tenant, GainsightCheck, GainsightTenant};
use crate::oauth_user::diagnosis::{diagnose, find_users, Diagnosis, UserSummary};
use crate::oauth_user::fix::{self, FixOutcome, FixPlan};
use crate::package::api_install::install_via_api;
use crate::package::installed::{assess, installed_packages, ui_package_installed, PackageState};
use crate::package::watch::watch_for_install;
use crate::verify::{verify, Verification};
use crate::whole_plan::{self, Apply, PlanOutcome, WholePlan};

/// What the admin asks for on screen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
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
    /// Undo what this playbook changed in this org.
    Undo,
    /// Look at the installed packages.
    CheckPackage,
    /// Install through the Tooling API.
    InstallViaApi,
    /// Watch for an install through the link.
    WatchLinkInstall,
    /// Verify the connection.
    Verify,
    /// Work out the whole Salesforce side as one plan (finding the OAuth user if unnamed).
    Plan,
    /// Apply the whole plan shown.
    ApplyPlan,
}

/// The Gainsight tenant to check beside Salesforce, with its access key.
#[derive(Debug, Clone)]
pub struct TenantCheck {
    /// The tenant.
    pub tenant: GainsightTenant,
    /// Its access key (from the keychain).
    pub key: Secret,
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
        /// How often and how long to look.
        polling: Polling,
    },
    /// Watch for the package.
    Watch {
        /// The edition.
        edition: &'static PackageEdition,
        /// How often and how long to look.
        polling: Polling,
    },
    /// Verify.
    Verify {
        /// Username.
        username: String,
        /// The edition.
        edition: &'static PackageEdition,
        /// Token use counts from here.
        since_ms: Option<i64>,
        /// Also ask the Gainsight tenant's API.
        tenant: Option<TenantCheck>,
    },
    /// Plan the whole Salesforce side.
    Plan {
        /// Org id.
        org: SalesforceId,
        /// The OAuth user, when named.
        username: Option<String>,
        /// The edition.
        edition: &'static PackageEdition,
    },
    /// Apply the whole plan.
    ApplyPlan {
        /// Org id.
        org: SalesforceId,
        /// The plan shown to the admin.
        plan: Box<WholePlan>,
        /// The edition.
        edition: &'static PackageEdition,
        /// How often and how long to watch the install.
        polling: Polling,
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
    /// A verification, and the Gainsight tenant's answer when it was asked.
    Verified(Result<(Verification, Option<GainsightCheck>), Error>),
    /// The whole plan.
    Planned(Result<WholePlan, Error>),
    /// The whole plan was applied.
    PlanApplied(Result<PlanOutcome, Error>),
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
            Job::Plan { .. } => Finished::Planned(Err(error)),
            Job::ApplyPlan { .. } => Finished::PlanApplied(Err(error)),
        }
    }
}

async fn package_now(client: &SalesforceClient, state: PackageState) -> Result<(PackageState, bool), Error> {
    let installed = installed_packages(client).await?;
    Ok((state, ui_package_installed(&installed)))
}

/// Runs a job against the signed-in org.
pub async fn run(job: Job, env: &mut JobEnv) -> Finished {
    let name = job.name();
    reconnect_engine::support_log::logged(crate::ID, name, run_job(job, env), Finished::error).await
}

impl Job {
    /// The operation's name in the log.
    pub fn name(&self) -> &'static str {
        match self {
            Job::Search { .. } => "search",
            Job::Diagnose { .. } => "diagnose",
            Job::Preview { .. } => "preview_fix",
            Job::Fix { .. } => "fix",
            Job::Undo { .. } => "undo",
            Job::CheckPackage { .. } => "check_package",
            Job::Install { .. } => "install",
            Job::Watch { .. } => "watch_install",
            Job::Verify { .. } => "verify",
            Job::Plan { .. } => "plan",
            Job::ApplyPlan { .. } => "apply_plan",
        }
    }
}

impl Finished {
    /// What went wrong, in English (for the log; never a value).
    pub fn error(&self) -> Option<String> {
        match self {
            Finished::Users(Err(e))
            | Finished::Diagnosis(Err(e))
            | Finished::Plan(Err(e))
            | Finished::Fixed(Err(e))
            | Finished::Undone(Err(e))
            | Finished::Package(Err(e))
            | Finished::Verified(Err(e))
            | Finished::Planned(Err(e))
            | Finished::PlanApplied(Err(e)) => Some(e.user_message().what.en.clone()),
            _ => None,
        }
    }
}

async fn run_job(job: Job, env: &mut JobEnv) -> Finished {
    let (record, client) = match env.accounts.connect().await {
        Ok(x) => x,
        Err(e) => return Finished::failed(&job, e.into()),
    };
    let by = record.username.clone();
    let clock = env.clock.clone();
    match job {
        Job::Search { query } => Finished::Users(find_users(&client, &query).await),
        Job::Diagnose { username, app } => Finished::Diagnosis(diagnose(&client, &username, &app).await),
        Job::Preview { org, username, app } => Finished::Plan(fix::plan(&client, &org, &username, &app).await),
        Job::Fix { plan, username, app } => Finished::Fixed(
            async {
                let outcome = fix::apply(&client, &plan, &env.journal, clock.as_ref(), &by).await?;
                Ok((outcome, diagnose(&client, &username, &app).await?))
            }
            .await,
        ),
        Job::Undo { org, username, app } => Finished::Undone(
            async {
                let outcome = undo::undo(&client, &env.journal, clock.as_ref(), crate::ID, &org, &by).await?;
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
        Job::Install { edition, polling } => Finished::Package(
            async {
                let state = install_via_api(&client, edition, polling, &mut *env.progress).await?;
                package_now(&client, state).await
            }
            .await,
        ),
        Job::Watch { edition, polling } => Finished::Package(
            async {
                let state = watch_for_install(&client, edition, polling, &mut *env.progress).await?;
                package_now(&client, state).await
            }
            .await,
        ),
        Job::Verify { username, edition, since_ms, tenant } => Finished::Verified(
            async {
                let v = verify(&client, &username, edition, since_ms, clock.as_ref()).await?;
                let g = match tenant {
                    Some(t) => Some(check_tenant(&t.tenant, &t.key).await?),
                    None => None,
                };
                Ok((v, g))
            }
            .await,
        ),
        Job::Plan { org, username, edition } => {
            Finished::Planned(whole_plan::plan(&client, &org, username, edition).await)
        }
        Job::ApplyPlan { org, plan, edition, polling } => {
            let apply = Apply { plan: &plan, edition, polling, journal: &env.journal, clock: clock.as_ref(), by: &by };
            Finished::PlanApplied(whole_plan::apply(&client, &org, apply, &mut *env.progress).await)
        }
    }
}
