//! Long operations: how often and how long Reconnect polls the org while something runs there,
//! and the progress it reports meanwhile.

use std::time::{Duration, Instant};

/// Poll interval and deadline.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// Between two looks.
    pub interval: Duration,
    /// When to give up and say what to do next.
    pub timeout: Duration,
}

impl Polling {
    /// Starts the clock for one wait.
    pub fn start(self) -> Wait {
        Wait { polling: self, started: Instant::now() }
    }

    /// The timeout in whole minutes, rounded up, for messages.
    pub fn minutes(&self) -> u64 {
        (self.timeout.as_millis() as u64).div_ceil(60_000)
    }
}

/// One wait for the org, from its start.
pub struct Wait {
    polling: Polling,
    started: Instant,
}

impl Wait {
    /// After a look that found the org not there yet (`status`): past the deadline the answer
    /// is `timed_out`, else progress is reported and the next look waits its interval.
    pub async fn not_yet<E>(
        &self,
        status: String,
        progress: &mut (dyn FnMut(Progress) + Send),
        timed_out: impl FnOnce(u64) -> E,
    ) -> Result<(), E> {
        if self.started.elapsed() >= self.polling.timeout {
            return Err(timed_out(self.polling.minutes()));
        }
        progress(Progress::Waiting {
            status,
            elapsed_secs: self.started.elapsed().as_secs(),
            timeout_secs: self.polling.timeout.as_secs(),
        });
        tokio::time::sleep(self.polling.interval).await;
        Ok(())
    }
}

/// Where a long operation stands, for a progress display.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Progress {
    /// The install request was filed.
    Requested {
        /// The `PackageInstallRequest` id.
        request: String,
    },
    /// Still running (or, when watching, not there yet).
    Waiting {
        /// Salesforce's status, e.g. `IN_PROGRESS`; `NOT_YET` when watching.
        status: String,
        /// Seconds since the start.
        elapsed_secs: u64,
        /// Seconds until Reconnect gives up.
        timeout_secs: u64,
    },
    /// Reading many records: how many so far, of how many when the org said.
    Counting {
        /// What is read, e.g. `OauthToken`.
        what: String,
        /// Read so far.
        done: u64,
        /// All there are, when known.
        total: Option<u64>,
    },
    /// The service's rate limit asked to wait before the next request.
    RateLimited {
        /// Seconds waited.
        seconds: u64,
    },
}

impl Progress {
    /// Share done, 0 to 100, when it can be told.
    pub fn percent(&self) -> Option<u8> {
        match self {
            Progress::Requested { .. } => Some(0),
            Progress::Waiting { elapsed_secs, timeout_secs, .. } => {
                Some((elapsed_secs * 100).checked_div(*timeout_secs).unwrap_or(0).min(99) as u8)
            }
            Progress::Counting { done, total, .. } => {
                total.map(|t| (done * 100).checked_div(t).unwrap_or(100).min(100) as u8)
            }
            Progress::RateLimited { .. } => None,
        }
    }
}

/// Where progress goes: the app's window, the CLI's standard error, or a test.
pub type ProgressSink = Box<dyn FnMut(Progress) + Send>;
