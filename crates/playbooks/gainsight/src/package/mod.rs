//! Gainsight's packages in an org: what is installed, installing through the Tooling API, and
//! watching for an install started from the link.

pub mod api_install;
pub mod installed;
pub mod watch;

use std::time::Duration;

use reconnect_engine::progress::Polling;

/// Polling for a Tooling API install: installs of a small package take seconds to minutes.
pub const API_INSTALL: Polling = Polling { interval: Duration::from_secs(3), timeout: Duration::from_secs(20 * 60) };

/// Polling while watching for an install through the link: the admin clicks through
/// Salesforce's pages first.
pub const LINK_INSTALL: Polling = Polling { interval: Duration::from_secs(5), timeout: Duration::from_secs(30 * 60) };
