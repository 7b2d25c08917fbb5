//! Watching for an install started from the install link: the admin clicks through
//! Salesforce's pages in the browser while Reconnect looks for the package to appear.

use std::time::Instant;

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::package::installed::{assess, installed_packages, PackageState};
use crate::package::polling::{Polling, Progress};
use crate::salesforce::client::SalesforceClient;

/// Polls the installed packages until the edition's package is there.
pub async fn watch_for_install(
    client: &SalesforceClient,
    edition: &PackageEdition,
    polling: Polling,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<PackageState, Error> {
    let started = Instant::now();
    loop {
        let installed = installed_packages(client).await?;
        let state = assess(client, &installed, edition).await?;
        if state != PackageState::Missing {
            return Ok(state);
        }
        if started.elapsed() >= polling.timeout {
            return Err(Error::PackageNotSeen { minutes: polling.minutes() });
        }
        progress(Progress::Waiting {
            status: "NOT_YET".into(),
            elapsed_secs: started.elapsed().as_secs(),
            timeout_secs: polling.timeout.as_secs(),
        });
        tokio::time::sleep(polling.interval).await;
    }
}
