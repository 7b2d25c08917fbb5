//! Where in the reconnection the embedded practice org starts: each role practises its own
//! part. A Salesforce admin starts right after the revocation; a Gainsight admin starts where
//! the Salesforce admin left off, with the package installed and the OAuth user fixed.

use reconnect_engine::connection::PracticeOrg;

use crate::language::text;

/// Right after Salesforce revoked the tokens: nothing fixed yet.
pub const REVOKED: &str = "production-us-revoked";
/// The Salesforce admin's part is done; the connector still needs re-authorizing.
pub const SALESFORCE_FIXED: &str = "already-fixed";

/// The practice org's starting points, in the order they are offered.
pub fn practice_orgs() -> Vec<PracticeOrg> {
    vec![
        PracticeOrg {
            scenario: REVOKED,
            name: text("practice.stage.revoked", &[]),
            hint: text("practice.stage.revoked.hint", &[]),
        },
        PracticeOrg {
            scenario: SALESFORCE_FIXED,
            name: text("practice.stage.salesforce_fixed", &[]),
            hint: text("practice.stage.salesforce_fixed.hint", &[]),
        },
    ]
}

/// The scenario of a starting point as state files before the engine saved it (`stage`):
/// files without one practised the first.
pub fn scenario_of_stage(stage: Option<&str>) -> &'static str {
    match stage {
        Some("salesforce_fixed") => SALESFORCE_FIXED,
        _ => REVOKED,
    }
}
