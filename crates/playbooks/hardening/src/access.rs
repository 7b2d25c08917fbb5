//! Connected-app access: which apps admit only admin-approved users, and which profiles and
//! permission sets they are granted to (`SetupEntityAccess`); and each app's IP relaxation
//! where its metadata is readable (`ConnectedApp` `oauthPolicy.ipRelaxation`, read through the
//! Metadata API). Installed managed apps are not readable that way: for them the Setup path to
//! look is given instead. The relaxation values are in `data/integrations.json`, marked as no
//! Salesforce document confirms them.

use std::collections::BTreeMap;

use reconnect_engine::language::Text;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::metadata::MetadataKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::{integrations, Label};
use crate::error::Error;
use crate::inventory::ConnectedApp;
use crate::language::text;

/// A profile or permission set an app is granted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Whether it is a profile (else a permission set).
    pub profile: bool,
    /// Its name.
    pub name: String,
}

/// What the app's metadata says about IP restrictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IpPolicy {
    /// Read from the app's metadata.
    Read {
        /// The metadata value.
        value: String,
        /// What it means, when known.
        meaning: Option<Text>,
        /// Whether it relaxes the org's IP restrictions (`None`: an unknown value).
        relaxed: Option<bool>,
        /// Whether a Salesforce document confirms the value.
        confirmed: bool,
    },
    /// Not readable (an installed managed app): where to look in Setup.
    NotReadable {
        /// The Setup path.
        setup_path: Text,
    },
}

/// One connected app's access.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppAccess {
    /// The app.
    pub app: ConnectedApp,
    /// Who it is granted to.
    pub grants: Vec<Grant>,
    /// Its IP relaxation.
    pub ip_policy: IpPolicy,
}

impl AppAccess {
    /// Whether something here needs a look: anyone may self-authorize, or IP restrictions are
    /// relaxed.
    pub fn finding(&self) -> bool {
        !self.app.admin_approved_only || matches!(self.ip_policy, IpPolicy::Read { relaxed: Some(true), .. })
    }
}

/// Reads every app's grants and, where readable, its IP relaxation.
pub async fn access(client: &SalesforceClient, apps: &[ConnectedApp]) -> Result<Vec<AppAccess>, Error> {
    let rows: Vec<Value> = client
        .query(
            "SELECT SetupEntityId, ParentId, Parent.Name, Parent.IsOwnedByProfile, Parent.Profile.Name \
             FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'",
        )
        .await?;
    let mut grants: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
    for r in &rows {
        let app = r["SetupEntityId"].as_str().unwrap_or_default();
        let profile = r["Parent"]["IsOwnedByProfile"].as_bool().unwrap_or(false);
        let name = if profile { &r["Parent"]["Profile"]["Name"] } else { &r["Parent"]["Name"] };
        grants
            .entry(app[..app.len().min(15)].to_string())
            .or_default()
            .push(Grant { profile, name: name.as_str().unwrap_or_default().to_string() });
    }
    let policies = ip_policies(client).await?;
    Ok(apps
        .iter()
        .map(|a| AppAccess {
            app: a.clone(),
            grants: grants.get(&a.id[..a.id.len().min(15)]).cloned().unwrap_or_default(),
            ip_policy: policies.get(&a.name.to_ascii_lowercase()).cloned().unwrap_or_else(|| IpPolicy::NotReadable {
                setup_path: text("access.setup_path", &[("app", &a.name)]),
            }),
        })
        .collect())
}

/// The IP relaxation of every connected app whose metadata the org lets be read, by label.
async fn ip_policies(client: &SalesforceClient) -> Result<BTreeMap<String, IpPolicy>, Error> {
    let listed = match client.list_metadata(MetadataKind::ConnectedApp).await {
        Ok(l) => l,
        // An org (or a user) without Metadata API access: nothing is readable, each app says
        // where to look instead.
        Err(reconnect_engine::Error::InsufficientAccess { .. } | reconnect_engine::Error::SalesforceApi { .. }) => {
            return Ok(BTreeMap::new())
        }
        Err(e) => return Err(e.into()),
    };
    let names: Vec<String> = listed.into_iter().map(|l| l.full_name).collect();
    let records = client.read_metadata(MetadataKind::ConnectedApp, &names).await?;
    Ok(records
        .iter()
        .filter_map(|r| {
            let label = r.text_of("label").or(r.text_of("fullName"))?.to_ascii_lowercase();
            let value = r.child("oauthPolicy").and_then(|p| p.text_of("ipRelaxation"))?.to_string();
            let known = integrations().relaxation(&value);
            Some((
                label,
                IpPolicy::Read {
                    meaning: known.map(|k| k.meaning.clone()),
                    relaxed: known.map(|k| k.relaxed),
                    confirmed: known.is_some_and(|k| k.label == Label::Confirmed),
                    value,
                },
            ))
        })
        .collect())
}
