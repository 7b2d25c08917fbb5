//! Talking to a Salesforce org: where tokens may go, the tokens themselves, the REST client,
//! the Metadata API's few SOAP calls, and the facts Reconnect reads about an org.

pub mod client;
pub mod instance;
pub mod metadata;
pub mod org_facts;
pub mod soap;
pub mod tokens;
