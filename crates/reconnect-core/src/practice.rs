//! Where in the reconnection the embedded practice org starts: each role practises its own
//! part. A Salesforce admin starts right after the revocation; a Gainsight admin starts where
//! the Salesforce admin left off, with the package installed and the OAuth user fixed.

use serde::{Deserialize, Serialize};

use crate::language::{text, Text};

/// The practice org's starting point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PracticeStage {
    /// Right after Salesforce revoked the tokens: nothing fixed yet.
    #[default]
    Revoked,
    /// The Salesforce admin's part is done; the connector still needs re-authorizing.
    SalesforceFixed,
}

impl PracticeStage {
    /// Every stage, in the order they are offered.
    pub const ALL: [PracticeStage; 2] = [PracticeStage::Revoked, PracticeStage::SalesforceFixed];

    /// The practice org's scenario that starts at this stage.
    pub fn scenario(self) -> &'static str {
        match self {
            PracticeStage::Revoked => "production-us-revoked",
            PracticeStage::SalesforceFixed => "already-fixed",
        }
    }

    /// The stage's name, for the choice.
    pub fn name(self) -> Text {
        match self {
            PracticeStage::Revoked => text("practice.stage.revoked", &[]),
            PracticeStage::SalesforceFixed => text("practice.stage.salesforce_fixed", &[]),
        }
    }

    /// Who it suits and what it starts with.
    pub fn hint(self) -> Text {
        match self {
            PracticeStage::Revoked => text("practice.stage.revoked.hint", &[]),
            PracticeStage::SalesforceFixed => text("practice.stage.salesforce_fixed.hint", &[]),
        }
    }
}
