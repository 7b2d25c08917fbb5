//! Signing in to Salesforce: the OAuth 2.0 authorization-code flow with PKCE, in the system
//! browser, answered on a loopback listener.

pub mod error_page;
pub mod flow;
pub mod loopback;
pub mod pkce;
pub mod server;
pub mod settings;
