//! Watching for an install started from the install link: the admin clicks through
//! Salesforce's pages in the browser while Reconnect looks for the package to appear.

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::package::installed::{assess, installed_packages, PackageState};
use reconnect_engine::progress::{Polling, Progress};
use reconnect_engine::salesforce::client::SalesforceClient;

/// Polls the installed packages until the edition's package is there.
pub async fn watch_for_install(
    client: &SalesforceClient,
    edition: &PackageEdition,
    polling: Polling,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<PackageState, Error> {
    let wait = polling.start();
    loop {
        let installed = installed_packages(client).await?;
        match assess(client, &installed, edition).await? {
            PackageState::Missing => {
                wait.not_yet("NOT_YET".into(), progress, |minutes| Error::PackageNotSeen { minutes }).await?
            }
            state => return Ok(state),
        }
    }
}
