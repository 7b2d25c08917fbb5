//! Reconnect's rules, free of any UI: where a Gainsight tenant lives, which Salesforce org an
//! address names, which package serves which need, how to install it, and the wizard that
//! walks an admin through it. The desktop app and the CLI are thin layers over this crate.

pub mod accounts;
pub mod address;
pub mod browser;
pub mod catalog;
pub mod checklist;
pub mod clipboard;
pub mod clock;
pub mod error;
pub mod gainsight;
mod html;
pub mod install_link;
pub mod journal;
pub mod keychain;
pub mod language;
pub mod link_view;
pub mod oauth;
pub mod oauth_user;
pub mod operations;
pub mod package;
pub mod pasted_host;
pub mod paths;
pub mod practice;
pub mod reconnection;
pub mod region;
pub mod report;
pub mod salesforce;
pub mod salesforce_host;
pub mod salesforce_id;
pub mod secret;
pub mod session;
pub mod state_file;
pub mod timestamp;
pub mod verify;
pub mod wizard;
pub mod wizard_link;
pub mod wizard_view;
mod work_view;

pub use error::Error;
