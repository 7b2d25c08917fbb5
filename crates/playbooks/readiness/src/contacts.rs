//! Who Salesforce tells in an incident: every active user with Modify All Data, through a
//! profile, a permission set or a permission set group, with the warnings that make a holder
//! unlikely to hear (never or long ago logged in, an address outside the org's domains, a
//! no-reply or shared mailbox, frozen) and the one that makes the org fragile (a single
//! holder). It reads and never changes users: the fix is in Setup, linked from each holder.
//!
//! A permission set group grants through its own permission set (type `Group`), which holds
//! the group's combined permissions, so one `PermissionSetAssignment` query finds every path
//! [secondary: sfdx-hardis, Salesforce Labs' OrgCheck]. `PermissionSet.Type` and
//! `PermissionSetAssignment.PermissionSetGroupId` are read only where the org's describe has
//! them. The org's e-mail domains are its allowlist (`AllowedEmailDomain`) where it keeps one,
//! otherwise the signed-in admin's own domain.

use std::collections::{BTreeMap, BTreeSet};

use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::timestamp::parse_ms;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::{contact_rules, domain_of};
use crate::error::Error;

/// How a holder has Modify All Data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum Grant {
    /// Its profile.
    Profile {
        /// The profile's name.
        name: String,
    },
    /// A permission set.
    PermissionSet {
        /// The permission set's label.
        name: String,
    },
    /// A permission set group.
    Group {
        /// The group's label.
        name: String,
    },
}

/// Why a holder may not hear from Salesforce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// Has never logged in.
    NeverLoggedIn,
    /// Last logged in more than the rule's days ago.
    Inactive {
        /// Days since.
        days: i64,
    },
    /// The address is outside the org's e-mail domains.
    OutsideDomains {
        /// Its domain.
        domain: String,
    },
    /// The address takes no mail.
    NoReply,
    /// A shared mailbox: someone must read it.
    Shared,
    /// Salesforce froze the user.
    Frozen,
}

/// A Modify All Data holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    /// The user's id.
    pub user_id: String,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Last login, as Salesforce wrote it.
    pub last_login: Option<String>,
    /// How the user has Modify All Data.
    pub grants: Vec<Grant>,
    /// What may keep Salesforce's e-mails from reaching them.
    pub warnings: Vec<Warning>,
}

/// Where the org's e-mail domains came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainSource {
    /// Setup's allowlist of e-mail domains.
    Allowlist,
    /// The signed-in admin's own address.
    SignedInUser,
}

/// Everyone Salesforce tells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contacts {
    /// The holders, those with warnings first.
    pub holders: Vec<Holder>,
    /// The org's e-mail domains.
    pub domains: Vec<String>,
    /// Where they came from.
    pub domains_from: DomainSource,
}

impl Contacts {
    /// Whether only one user would hear.
    pub fn only_one(&self) -> bool {
        self.holders.len() == 1
    }

    /// What needs doing: each warning, and a single holder.
    pub fn findings(&self) -> usize {
        self.holders.iter().map(|h| h.warnings.len()).sum::<usize>() + usize::from(self.holders.len() <= 1)
    }
}

fn in_list(ids: &[String]) -> String {
    ids.iter().map(|i| soql_string(i)).collect::<Vec<_>>().join(", ")
}

async fn described(client: &SalesforceClient, object: &str) -> Result<BTreeSet<String>, Error> {
    Ok(client.describe_fields(object).await?.into_iter().map(|f| f.name).collect())
}

/// The org's e-mail domains: Setup's allowlist where the org keeps one, else `own_email`'s.
async fn org_domains(client: &SalesforceClient, own_email: &str) -> Result<(Vec<String>, DomainSource), Error> {
    let global: Value = client.get("sobjects").await?;
    let has_allowlist = global["sobjects"]
        .as_array()
        .is_some_and(|a| a.iter().any(|o| o["name"] == "AllowedEmailDomain" && o["queryable"] != false));
    if has_allowlist {
        let rows: Vec<Value> = client.query("SELECT Domain FROM AllowedEmailDomain").await?;
        let domains: BTreeSet<String> =
            rows.iter().filter_map(|r| r["Domain"].as_str()).map(|d| d.trim().to_ascii_lowercase()).collect();
        if !domains.is_empty() {
            return Ok((domains.into_iter().collect(), DomainSource::Allowlist));
        }
    }
    Ok((domain_of(own_email).into_iter().collect(), DomainSource::SignedInUser))
}

/// Whether `domain` is one of `domains` or under one of them.
fn within(domain: &str, domains: &[String]) -> bool {
    domains.iter().any(|d| domain == d || domain.ends_with(&format!(".{d}")))
}

/// Reads every active Modify All Data holder; `own_username` is the signed-in admin's.
pub async fn read(client: &SalesforceClient, own_username: &str, now_ms: i64) -> Result<Contacts, Error> {
    let own: Vec<Value> =
        client.query(&format!("SELECT Email FROM User WHERE Username = {}", soql_string(own_username))).await?;
    let own_email = own.first().and_then(|u| u["Email"].as_str()).unwrap_or(own_username).to_string();
    let (set_fields, assignment_fields) =
        (described(client, "PermissionSet").await?, described(client, "PermissionSetAssignment").await?);
    let mut select = vec![
        "AssigneeId",
        "Assignee.Username",
        "Assignee.Name",
        "Assignee.Email",
        "Assignee.LastLoginDate",
        "PermissionSet.Label",
        "PermissionSet.IsOwnedByProfile",
        "PermissionSet.Profile.Name",
    ];
    if set_fields.contains("Type") {
        select.push("PermissionSet.Type");
    }
    let groups = assignment_fields.contains("PermissionSetGroupId");
    if groups {
        select.extend(["PermissionSetGroupId", "PermissionSetGroup.MasterLabel"]);
    }
    let rows: Vec<Value> = client
        .query(&format!(
            "SELECT {} FROM PermissionSetAssignment WHERE PermissionSet.PermissionsModifyAllData = true AND Assignee.IsActive = true",
            select.join(", ")
        ))
        .await?;
    let mut holders: BTreeMap<String, Holder> = BTreeMap::new();
    for r in &rows {
        let Some(id) = r["AssigneeId"].as_str() else { continue };
        let a = &r["Assignee"];
        let set = &r["PermissionSet"];
        let grant = if set["IsOwnedByProfile"] == true {
            Grant::Profile {
                name: set["Profile"]["Name"].as_str().or(set["Label"].as_str()).unwrap_or_default().into(),
            }
        } else if (groups && r["PermissionSetGroupId"].is_string()) || set["Type"] == "Group" {
            let name = r["PermissionSetGroup"]["MasterLabel"].as_str().or(set["Label"].as_str()).unwrap_or_default();
            Grant::Group { name: name.into() }
        } else {
            Grant::PermissionSet { name: set["Label"].as_str().unwrap_or_default().into() }
        };
        let h = holders.entry(id.to_string()).or_insert_with(|| Holder {
            user_id: id.to_string(),
            username: a["Username"].as_str().unwrap_or_default().into(),
            name: a["Name"].as_str().unwrap_or_default().into(),
            email: a["Email"].as_str().unwrap_or_default().into(),
            last_login: a["LastLoginDate"].as_str().map(str::to_string),
            grants: Vec::new(),
            warnings: Vec::new(),
        });
        if !h.grants.contains(&grant) {
            h.grants.push(grant);
        }
    }
    let ids: Vec<String> = holders.keys().cloned().collect();
    let mut frozen = BTreeSet::new();
    for chunk in ids.chunks(200) {
        let rows: Vec<Value> = client
            .query(&format!("SELECT UserId, IsFrozen FROM UserLogin WHERE UserId IN ({})", in_list(chunk)))
            .await?;
        frozen.extend(
            rows.iter().filter(|r| r["IsFrozen"] == true).filter_map(|r| r["UserId"].as_str().map(str::to_string)),
        );
    }
    let (domains, domains_from) = org_domains(client, &own_email).await?;
    let rules = contact_rules();
    let mut holders: Vec<Holder> = holders
        .into_values()
        .map(|mut h| {
            h.grants.sort();
            h.warnings = warnings(&h, frozen.iter().any(|f| same_user(f, &h.user_id)), &domains, now_ms, rules);
            h
        })
        .collect();
    holders.sort_by(|a, b| b.warnings.len().cmp(&a.warnings.len()).then_with(|| a.username.cmp(&b.username)));
    Ok(Contacts { holders, domains, domains_from })
}

fn same_user(a: &str, b: &str) -> bool {
    a.get(..15) == b.get(..15)
}

fn warnings(
    h: &Holder,
    frozen: bool,
    domains: &[String],
    now_ms: i64,
    rules: &crate::data::ContactRules,
) -> Vec<Warning> {
    let mut out = Vec::new();
    match h.last_login.as_deref().and_then(parse_ms) {
        None => out.push(Warning::NeverLoggedIn),
        Some(at) => {
            let days = (now_ms - at) / 86_400_000;
            if days > i64::from(rules.inactive_days) {
                out.push(Warning::Inactive { days });
            }
        }
    }
    if let Some(domain) = domain_of(&h.email).filter(|d| !domains.is_empty() && !within(d, domains)) {
        out.push(Warning::OutsideDomains { domain });
    }
    if rules.no_reply(&h.email) {
        out.push(Warning::NoReply);
    } else if rules.shared(&h.email) {
        out.push(Warning::Shared);
    }
    if frozen {
        out.push(Warning::Frozen);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(email: &str, last_login: Option<&str>) -> Holder {
        Holder {
            user_id: "005000000000001".into(),
            username: "u@x".into(),
            name: "U".into(),
            email: email.into(),
            last_login: last_login.map(str::to_string),
            grants: vec![],
            warnings: vec![],
        }
    }

    #[test]
    fn each_warning_has_its_cause() {
        let now = parse_ms("2026-12-01T00:00:00Z").unwrap();
        let rules = contact_rules();
        let domains = vec!["acme.example".to_string()];
        let fine = holder("alex@eu.acme.example", Some("2026-11-30T00:00:00.000+0000"));
        assert!(warnings(&fine, false, &domains, now, rules).is_empty(), "a subdomain is the org's");
        let stale = holder("noreply@acme.example", Some("2026-05-01T00:00:00.000+0000"));
        assert_eq!(
            warnings(&stale, true, &domains, now, rules),
            vec![Warning::Inactive { days: 214 }, Warning::NoReply, Warning::Frozen]
        );
        let outside = holder("it-admins@partner.example", None);
        assert_eq!(
            warnings(&outside, false, &domains, now, rules),
            vec![Warning::NeverLoggedIn, Warning::OutsideDomains { domain: "partner.example".into() }, Warning::Shared]
        );
    }
}
