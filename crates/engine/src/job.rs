//! Long operations: a playbook turns what the admin asked for into a [`Job`] that owns its
//! inputs; the app or the CLI runs it with a [`JobEnv`] (off the UI's thread, with progress)
//! and hands what it found back to the playbook, which alone knows its type.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::accounts::Accounts;
use crate::browser::BrowserOpener;
use crate::clock::Clock;
use crate::journal::Journal;
use crate::progress::{Progress, ProgressSink};

/// What jobs run with.
pub struct JobEnv {
    /// The signed-in session's accounts.
    pub accounts: Accounts,
    /// The journal of changes.
    pub journal: Journal,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Where progress goes.
    pub progress: ProgressSink,
    /// Opens pages (a sign-in's authorization page).
    pub browser: Arc<dyn BrowserOpener + Send + Sync>,
}

impl JobEnv {
    /// Reports progress.
    pub fn progress(&mut self, p: Progress) {
        (self.progress)(p)
    }
}

type Run = Box<dyn FnOnce(JobEnv) -> Pin<Box<dyn Future<Output = Done> + Send>> + Send>;

/// A long operation with everything it needs, ready to run once.
pub struct Job {
    run: Run,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Job {
    /// A job that runs `f` and hands its output back as [`Done`].
    pub fn new<F, Fut, T>(f: F) -> Job
    where
        F: FnOnce(JobEnv) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Any + Send,
    {
        Job { run: Box::new(move |env| Box::pin(async move { Done(Box::new(f(env).await)) })) }
    }

    /// Runs the job.
    pub async fn run(self, env: JobEnv) -> Done {
        (self.run)(env).await
    }
}

/// What a job found, for the playbook that made it.
pub struct Done(Box<dyn Any + Send>);

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Done")
    }
}

impl Done {
    /// The output as the type the job produced; `None` for another playbook's job.
    pub fn take<T: Any>(self) -> Option<T> {
        self.0.downcast::<T>().ok().map(|b| *b)
    }
}
