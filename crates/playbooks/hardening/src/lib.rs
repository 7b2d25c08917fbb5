//! The playbook that hardens OAuth access after token theft (Salesloft Drift, Aug 2025;
//! Gainsight, Nov 2025): which integrations hold live tokens to the org and which anyone may
//! self-authorize, revoking the ones that should go, which integration users are locked to
//! known addresses (and restricting the Gainsight one), whether the published indicators of
//! compromise ever touched the org, and Security Health Check; then the report. It reaches the
//! engine only through `reconnect-engine`'s public API.

pub mod access;
pub mod data;
pub mod error;
pub mod health;
pub mod inventory;
pub mod ioc;
pub mod ip_range;
pub mod language;
pub mod ops;
pub mod playbook;
pub mod report;
pub mod restrict;
pub mod revoke;
pub mod screens;
pub mod steps;
pub mod users;
pub mod work;

pub use error::Error;
pub use playbook::REGISTRATION;

/// The playbook's id in saved state, links, the journal, the CLI and reports.
pub const ID: &str = "hardening";

/// The practice org's scenario for this playbook: an org with many tokens, apps and logins.
pub const PRACTICE_SCENARIO: &str = "hardening-large";
