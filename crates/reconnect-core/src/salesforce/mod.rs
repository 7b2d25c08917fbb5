//! Talking to a Salesforce org: where tokens may go, the tokens themselves, the REST client
//! and the facts Reconnect reads about an org.

pub mod client;
pub mod instance;
pub mod org_facts;
pub mod tokens;
