//! The readiness playbook's long operations, one API for the app and the CLI: a [`Job`] holds
//! every input; [`run`] reads the signed-in org with progress and says what it [`Finished`]
//! with. `reconnect readiness` and `reconnect runbook` run exactly these.

use reconnect_engine::job::JobEnv;

use crate::contacts::{self, Contacts};
use crate::error::Error;
use crate::runbook::{self, Runbook};

/// An operation with its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Read the Modify All Data holders.
    Contacts,
    /// Read what the runbook needs.
    Runbook,
}

/// What a job found.
#[derive(Debug)]
pub enum Finished {
    /// The contacts.
    Contacts(Result<Contacts, Error>),
    /// The runbook.
    Runbook(Result<Box<Runbook>, Error>),
}

impl Finished {
    /// The job could not start: `error` is its answer.
    pub fn failed(job: &Job, error: Error) -> Finished {
        match job {
            Job::Contacts => Finished::Contacts(Err(error)),
            Job::Runbook => Finished::Runbook(Err(error)),
        }
    }
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
            Job::Contacts => "contacts",
            Job::Runbook => "runbook",
        }
    }
}

impl Finished {
    /// What went wrong, in English (for the log; never a value).
    pub fn error(&self) -> Option<String> {
        match self {
            Finished::Contacts(Err(e)) | Finished::Runbook(Err(e)) => Some(e.user_message().what.en.clone()),
            _ => None,
        }
    }
}

async fn run_job(job: Job, env: &mut JobEnv) -> Finished {
    let (record, client) = match env.accounts.connect().await {
        Ok(x) => x,
        Err(e) => return Finished::failed(&job, e.into()),
    };
    let now = env.clock.now_ms();
    match job {
        Job::Contacts => Finished::Contacts(contacts::read(&client, &record.username, now).await),
        Job::Runbook => {
            Finished::Runbook(runbook::build(&client, &record.username, now, &mut *env.progress).await.map(Box::new))
        }
    }
}
