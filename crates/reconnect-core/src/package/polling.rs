//! How often and how long Reconnect polls the org while an install runs.

use std::time::{Duration, Instant};

use crate::error::Error;

/// Poll interval and deadline.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// Between two looks.
    pub interval: Duration,
    /// When to give up and say what to do next.
    pub timeout: Duration,
}

impl Polling {
    /// For a Tooling API install: installs of a small package take seconds to minutes.
    pub const API_INSTALL: Polling =
        Polling { interval: Duration::from_secs(3), timeout: Duration::from_secs(20 * 60) };
    /// For an install through the link: the admin clicks through Salesforce's pages first.
    pub const LINK_INSTALL: Polling =
        Polling { interval: Duration::from_secs(5), timeout: Duration::from_secs(30 * 60) };

    /// Starts the clock for one wait.
    pub(crate) fn start(self) -> Wait {
        Wait { polling: self, started: Instant::now() }
    }

    /// The timeout in whole minutes, rounded up, for messages.
    pub fn minutes(&self) -> u64 {
        (self.timeout.as_millis() as u64).div_ceil(60_000)
    }
}

/// One wait for the org, from its start.
pub(crate) struct Wait {
    polling: Polling,
    started: Instant,
}

impl Wait {
    /// After a look that found the org not there yet (`status`): past the deadline the answer
    /// is `timed_out`, else progress is reported and the next look waits its interval.
    pub(crate) async fn not_yet(
        &self,
        status: String,
        progress: &mut (dyn FnMut(Progress) + Send),
        timed_out: impl FnOnce(u64) -> Error,
    ) -> Result<(), Error> {
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

/// Where an install stands, for a progress display.
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
}
