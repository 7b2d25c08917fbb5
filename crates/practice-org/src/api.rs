//! The two query APIs the practice org serves objects under.

use serde::Deserialize;

/// Which API an object is served under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// `/services/data/vNN.0/…`
    Data,
    /// `/services/data/vNN.0/tooling/…`
    Tooling,
}
