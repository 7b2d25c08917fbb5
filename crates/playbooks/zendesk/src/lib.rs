//! The playbook that rotates the credentials Zendesk apps keep (Zendesk's 2019 notice, seed
//! 001, and any incident like it): signing in to Zendesk, the app installations whose apps
//! declare secure settings, flagged by the incident's cutoff date, their rotation (new values
//! taken from the admin, written with a journal that never holds one, and never undoable
//! because the old value cannot be read back), the account's OAuth and API tokens with
//! revocation, the TLS certificates to replace by hand, and a report. It reaches the engine
//! only through `reconnect-engine`'s public API.

pub mod data;
pub mod error;
pub mod inventory;
pub mod language;
pub mod ops;
pub mod playbook;
pub mod report;
pub mod rotation;
pub mod screens;
pub mod steps;
pub mod tokens;
pub mod work;

pub use error::Error;
pub use playbook::REGISTRATION;

/// The playbook's id in saved state, links, the journal, the CLI and reports.
pub const ID: &str = "zendesk";
