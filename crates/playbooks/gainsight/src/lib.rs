//! The playbook that reconnects Gainsight CS and Salesforce after Salesforce revoked every
//! Gainsight token (Nov 2025): find the data center and the org, install the right managed
//! package, fix the OAuth user's permissions, re-authorize and prove the connection works.
//! It reaches the engine only through `reconnect-engine`'s public API.

pub mod address;
pub mod catalog;
pub mod checklist;
pub mod error;
pub mod gainsight;
pub mod install_link;
pub mod language;
pub mod link_fields;
pub mod oauth_user;
pub mod ops;
pub mod package;
pub mod playbook;
pub mod practice;
pub mod reconnection;
pub mod region;
pub mod region_evidence;
pub mod report;
pub mod screens;
pub mod verify;
pub mod whole_plan;
pub mod wizard;
pub mod work;

pub use error::Error;
pub use playbook::REGISTRATION;

/// The playbook's id in saved state, links, the journal, the CLI and reports.
pub const ID: &str = "gainsight";
