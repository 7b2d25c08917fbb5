//! What an org's own API says about it: environment, instance, and the outside addresses its
//! Remote Site Settings and CSP Trusted Sites let it call (a playbook reads its vendor's
//! hosts there, the Gainsight playbook its data center).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::salesforce::client::SalesforceClient;
use crate::salesforce_host::Environment;

/// The org, as its API describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgFacts {
    /// The org's id.
    pub org_id: String,
    /// The org's name.
    pub name: String,
    /// The instance (pod) name, e.g. `NA224`.
    pub instance_name: String,
    /// Salesforce's `OrganizationType`, e.g. `Enterprise Edition`.
    pub organization_type: String,
    /// The environment, decided from `IsSandbox`, `TrialExpirationDate` and the type.
    pub environment: Environment,
    /// The signed-in user.
    pub username: String,
    /// The active endpoints of the org's Remote Site Settings and CSP Trusted Sites.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// The trust status page for the org's instance.
    pub status_url: String,
}

/// One outside address the org's settings allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// `RemoteProxy` (Remote Site Settings) or `CspTrustedSite`.
    pub source: String,
    /// The endpoint URL.
    pub url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrganizationRow {
    id: String,
    name: String,
    instance_name: Option<String>,
    is_sandbox: bool,
    trial_expiration_date: Option<String>,
    organization_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EndpointRow {
    endpoint_url: Option<String>,
    is_active: Option<bool>,
}

/// How Salesforce's `Organization` fields decide the environment.
pub fn environment_from(is_sandbox: bool, has_trial_date: bool, organization_type: &str) -> Environment {
    match (is_sandbox, has_trial_date) {
        (true, true) => Environment::Scratch,
        (true, false) => Environment::Sandbox,
        _ if organization_type.eq_ignore_ascii_case("Developer Edition") => Environment::Developer,
        _ => Environment::Production,
    }
}

impl OrgFacts {
    /// Reads the org's facts with the signed-in client.
    pub async fn load(client: &SalesforceClient, username: &str) -> Result<OrgFacts, Error> {
        let orgs: Vec<OrganizationRow> = client
            .query("SELECT Id, Name, InstanceName, IsSandbox, TrialExpirationDate, OrganizationType FROM Organization")
            .await?;
        let org = orgs.into_iter().next().ok_or(Error::UnexpectedResponse { what: "no Organization row".into() })?;
        let mut endpoints = Vec::new();
        // Orgs may hide either object from the user; a missing source is not a failure.
        let sources = [
            ("RemoteProxy", client.tooling_query::<EndpointRow>("SELECT EndpointUrl, IsActive FROM RemoteProxy").await),
            ("CspTrustedSite", client.query::<EndpointRow>("SELECT EndpointUrl, IsActive FROM CspTrustedSite").await),
        ];
        for (source, rows) in sources {
            let rows = match rows {
                Ok(rows) => rows,
                Err(Error::SalesforceApi { .. }) => continue,
                Err(e) => return Err(e),
            };
            for row in rows.into_iter().filter(|r| r.is_active != Some(false)) {
                if let Some(url) = row.endpoint_url {
                    endpoints.push(Endpoint { source: source.to_string(), url });
                }
            }
        }
        let organization_type = org.organization_type.unwrap_or_default();
        let instance_name = org.instance_name.unwrap_or_default();
        Ok(OrgFacts {
            org_id: org.id,
            name: org.name,
            environment: environment_from(org.is_sandbox, org.trial_expiration_date.is_some(), &organization_type),
            status_url: format!("https://status.salesforce.com/instances/{instance_name}"),
            instance_name,
            organization_type,
            username: username.to_string(),
            endpoints,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_fields_decide_the_environment() {
        assert_eq!(environment_from(true, true, "Developer Edition"), Environment::Scratch);
        assert_eq!(environment_from(true, false, "Enterprise Edition"), Environment::Sandbox);
        assert_eq!(environment_from(false, false, "Developer Edition"), Environment::Developer);
        assert_eq!(environment_from(false, true, "Enterprise Edition"), Environment::Production);
    }
}
