//! Reconnect's engine. It knows no playbook: it signs in and keeps sessions, talks to
//! Salesforce, runs checks, plans with preview, applies them with a journal and undo, runs
//! long operations with progress, renders reports, saves state and reads links. Each
//! playbook (one kind of incident's procedure) is a crate on top of it that implements
//! [`playbook::Playbook`]; the app and the CLI drive them through `reconnect-api`.

pub mod accounts;
pub mod browser;
pub mod check;
pub mod clipboard;
pub mod clock;
pub mod confidence;
pub mod connection;
pub mod error;
mod html;
pub mod job;
pub mod journal;
pub mod keychain;
pub mod language;
pub mod link;
pub mod oauth;
pub mod pasted_host;
pub mod paths;
pub mod playbook;
pub mod progress;
pub mod report;
pub mod salesforce;
pub mod salesforce_host;
pub mod salesforce_id;
pub mod secret;
pub mod state_file;
pub mod support_log;
pub mod timestamp;
pub mod trust;
pub mod undo;
pub mod view;
pub mod write;
pub mod zendesk;

pub use error::Error;
