//! The playbook that gets an org ready for the next incident (Salesforce's incident-response
//! guidance, seed 003): the status of its instance on Salesforce Trust, a Trust subscription
//! for that instance, the Modify All Data holders Salesforce e-mails in an incident (their
//! addresses current, more than one of them), and a runbook: each integration with its
//! connected app, user, package, how to revoke it and how to reconnect it, who to call. It
//! reaches the engine only through `reconnect-engine`'s public API, and reads the token
//! inventory through the hardening playbook's.

pub mod contacts;
pub mod data;
pub mod error;
pub mod language;
pub mod ops;
pub mod playbook;
pub mod runbook;
pub mod screens;
pub mod status;
pub mod steps;
pub mod work;

pub use error::Error;
pub use playbook::REGISTRATION;

/// The playbook's id in saved state, links, the journal, the CLI and reports.
pub const ID: &str = "readiness";
