//! Gainsight's OAuth user: the Salesforce user its connector signs in as. Finding it, and
//! checking what Salesforce will let it do, the way Salesforce itself decides.

pub mod candidates;
pub mod diagnosis;
pub mod fix;
pub mod snapshot;
