//! How sure an answer read from an address is.

use serde::{Deserialize, Serialize};

/// How sure a detection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The address says so by a documented rule.
    Certain,
    /// The address suggests it, by an undocumented pattern or an indirect sign: confirm it.
    Likely,
}
