//! The real machine's side effects, for the app and the CLI alike: accounts in the OS
//! keychain, the journal in the config folder, the system clock.

use std::sync::Arc;

use reconnect_engine::accounts::Accounts;
use reconnect_engine::browser::SystemBrowser;
use reconnect_engine::clock::SystemClock;
use reconnect_engine::error::Error;
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::Journal;
use reconnect_engine::keychain::OsKeychain;
use reconnect_engine::paths::config_dir;
use reconnect_engine::progress::ProgressSink;

/// The signed-in sessions, with tokens in the OS keychain.
pub fn accounts() -> Result<Accounts, Error> {
    Ok(Accounts::new(&config_dir(), Arc::new(OsKeychain::open()?)))
}

/// What jobs run with on this machine, progress going to `progress`.
pub fn job_env(progress: ProgressSink) -> Result<JobEnv, Error> {
    Ok(JobEnv {
        accounts: accounts()?,
        journal: Journal::in_dir(&config_dir()),
        clock: Arc::new(SystemClock),
        progress,
        browser: Arc::new(SystemBrowser),
    })
}
