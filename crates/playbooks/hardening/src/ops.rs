//! The hardening playbook's long operations, one API for the app and the CLI: a [`Job`] holds
//! every input; [`run`] does the I/O against the signed-in org with progress, and says what it
//! [`Finished`] with. `reconnect audit`, `ioc` and `revoke` run exactly these.

use std::time::Instant;

use reconnect_engine::job::JobEnv;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce_id::SalesforceId;
use reconnect_engine::undo::{self, UndoOutcome};
use serde::Serialize;

use crate::access::{access, AppAccess};
use crate::data::integrations;
use crate::error::Error;
use crate::health::{health, Health};
use crate::inventory::{inventory, Inventory};
use crate::ioc::{search, IocResult};
use crate::restrict::{self, AfterRestriction, RestrictionOutcome, RestrictionPlan};
use crate::revoke::{self, RevokeOutcome, RevokePlan};
use crate::users::{integration_holders, users, Users};

/// Everything the audit found.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// The token inventory.
    pub inventory: Inventory,
    /// Connected-app access.
    pub access: Vec<AppAccess>,
    /// Integration users.
    pub users: Users,
    /// Health Check.
    pub health: Health,
    /// HTTP round trips to Salesforce.
    pub round_trips: u64,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

impl Audit {
    /// How many things need a look.
    pub fn findings(&self) -> usize {
        self.inventory.findings()
            + self.access.iter().filter(|a| a.finding()).count()
            + self.users.findings()
            + self.health.findings()
    }
}

/// An operation with its inputs.
#[derive(Debug, Clone)]
pub enum Job {
    /// The token inventory alone.
    Inventory {
        /// Days without use after which a token is stale.
        stale_days: u32,
    },
    /// The whole audit: inventory, access, users (with `extra_users` by id), Health Check.
    Audit {
        /// Days without use after which a token is stale.
        stale_days: u32,
        /// Users to check beside those behind tokens.
        extra_users: Vec<String>,
    },
    /// The indicator search.
    Ioc {
        /// From when, instead of each incident's first activity.
        since_ms: Option<i64>,
    },
    /// Revoke a previewed plan.
    Revoke {
        /// The plan.
        plan: Box<RevokePlan>,
    },
    /// Restrict an integration user.
    Restrict {
        /// The plan.
        plan: Box<RestrictionPlan>,
    },
    /// Look whether the integration still connects.
    CheckRestriction {
        /// The user's id.
        user_id: String,
        /// From when.
        since_ms: i64,
    },
    /// Undo this playbook's changes (revocations cannot be undone and are left).
    Undo {
        /// The org.
        org: SalesforceId,
    },
}

/// What a job found.
#[derive(Debug)]
pub enum Finished {
    /// The inventory.
    Inventory(Result<Inventory, Error>),
    /// The audit.
    Audit(Result<Box<Audit>, Error>),
    /// The indicator search.
    Ioc(Result<IocResult, Error>),
    /// A revocation.
    Revoked(Result<RevokeOutcome, Error>),
    /// A restriction.
    Restricted(Result<RestrictionOutcome, Error>),
    /// Whether the integration still connects.
    Checked(Result<AfterRestriction, Error>),
    /// An undo.
    Undone(Result<UndoOutcome, Error>),
}

impl Finished {
    /// The job could not start: `error` is its answer.
    pub fn failed(job: &Job, error: Error) -> Finished {
        match job {
            Job::Inventory { .. } => Finished::Inventory(Err(error)),
            Job::Audit { .. } => Finished::Audit(Err(error)),
            Job::Ioc { .. } => Finished::Ioc(Err(error)),
            Job::Revoke { .. } => Finished::Revoked(Err(error)),
            Job::Restrict { .. } => Finished::Restricted(Err(error)),
            Job::CheckRestriction { .. } => Finished::Checked(Err(error)),
            Job::Undo { .. } => Finished::Undone(Err(error)),
        }
    }
}

async fn audit(
    client: &SalesforceClient,
    stale_days: u32,
    extra_users: &[String],
    now_ms: i64,
    env: &mut JobEnv,
) -> Result<Box<Audit>, Error> {
    let started = Instant::now();
    let before = client.round_trips();
    let inventory = inventory(client, stale_days, now_ms, &mut *env.progress).await?;
    let access = access(client, &inventory.connected_apps).await?;
    let holders = integration_holders(&inventory.tokens, integrations().integration_users.max_users);
    let users = users(client, holders, extra_users).await?;
    let health = health(client).await?;
    Ok(Box::new(Audit {
        inventory,
        access,
        users,
        health,
        round_trips: client.round_trips() - before,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }))
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
            Job::Inventory { .. } => "inventory",
            Job::Audit { .. } => "audit",
            Job::Ioc { .. } => "ioc",
            Job::Revoke { .. } => "revoke",
            Job::Restrict { .. } => "restrict",
            Job::CheckRestriction { .. } => "check_restriction",
            Job::Undo { .. } => "undo",
        }
    }
}

impl Finished {
    /// What went wrong, in English (for the log; never a value).
    pub fn error(&self) -> Option<String> {
        match self {
            Finished::Inventory(Err(e))
            | Finished::Audit(Err(e))
            | Finished::Ioc(Err(e))
            | Finished::Revoked(Err(e))
            | Finished::Restricted(Err(e))
            | Finished::Checked(Err(e))
            | Finished::Undone(Err(e)) => Some(e.user_message().what.en.clone()),
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
    let now = clock.now_ms();
    match job {
        Job::Inventory { stale_days } => {
            Finished::Inventory(inventory(&client, stale_days, now, &mut *env.progress).await)
        }
        Job::Audit { stale_days, extra_users } => {
            Finished::Audit(audit(&client, stale_days, &extra_users, now, env).await)
        }
        Job::Ioc { since_ms } => Finished::Ioc(search(&client, since_ms, now, &mut *env.progress).await),
        Job::Revoke { plan } => Finished::Revoked(
            revoke::apply(&client, &plan, &env.journal, clock.as_ref(), &by, &mut *env.progress).await,
        ),
        Job::Restrict { plan } => {
            Finished::Restricted(restrict::apply(&client, &plan, &env.journal, clock.as_ref(), &by).await)
        }
        Job::CheckRestriction { user_id, since_ms } => {
            Finished::Checked(restrict::check_after(&client, &user_id, since_ms).await)
        }
        Job::Undo { org } => Finished::Undone(
            undo::undo(&client, &env.journal, clock.as_ref(), crate::ID, &org, &by).await.map_err(Error::from),
        ),
    }
}
