//! Gainsight's packages in an org: what is installed, installing through the Tooling API, and
//! watching for an install started from the link.

pub mod api_install;
pub mod installed;
pub mod polling;
pub mod watch;
