//! Zendesk: the account's address, signing in (OAuth with PKCE, or an API token until Zendesk
//! retires them), the API client (errors, rate limits, refresh) and the answers Reconnect reads
//! (apps, installations, OAuth and API tokens). Shapes follow `corpus/zendesk/`; what no
//! recording shows is parsed defensively and named where it is used.

pub mod account;
pub mod api;
pub mod client;
pub mod session;
pub mod sign_in;

pub use account::{Subdomain, ZendeskBase};
pub use client::{Credential, ZendeskClient};
