//! Integration users: every user behind an integration's tokens (a known vendor's app, or an
//! app few users have authorized; see [`integration_holders`]), checked for what makes a
//! stolen token worst (System Administrator or Modify All Data), what limits it (API Only,
//! Login IP Ranges on the profile), and whether Salesforce froze the user. Permissions are
//! read from the user's permission set assignments, which include the profile's own set.
//!
//! Login IP Ranges are read through `ProfileLoginIpRange` where the org's describe has that
//! object (public code queries it; the object reference found does not list it), else through
//! the Metadata API (`Profile.loginIpRanges`, whose shape jsforce's schema confirms).

use std::collections::{BTreeMap, BTreeSet};

use reconnect_engine::check::{Check, CheckStatus};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::metadata::{LoginIpRange, MetadataKind};
use reconnect_engine::salesforce::soql_string;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::integrations;
use crate::error::Error;
use crate::inventory::Token;
use crate::language::text;

/// Where a profile's ranges were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeSource {
    /// The `ProfileLoginIpRange` object.
    ProfileLoginIpRange,
    /// The Metadata API.
    Metadata,
}

/// A profile, as far as the restriction goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its metadata name, when the Metadata API lists it.
    pub full_name: Option<String>,
    /// Its Login IP Ranges (`None`: not readable).
    pub ranges: Option<Vec<LoginIpRange>>,
    /// Where they were read.
    pub source: Option<RangeSource>,
    /// Active users on it.
    pub active_users: Vec<String>,
}

/// An integration user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationUser {
    /// Its id.
    pub id: String,
    /// Its username.
    pub username: String,
    /// Its name.
    pub name: String,
    /// Whether it is active.
    pub active: bool,
    /// Its profile's id.
    pub profile_id: String,
    /// The apps whose tokens it holds.
    pub apps: Vec<String>,
    /// System Administrator, or Modify All Data through its profile or a permission set.
    pub all_powerful: bool,
    /// API Only (through its profile or a permission set).
    pub api_only: bool,
    /// Frozen by an admin or by Salesforce.
    pub frozen: bool,
    /// The checks.
    pub checks: Vec<Check>,
}

/// The integration users and their profiles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Users {
    /// The users, by username.
    pub users: Vec<IntegrationUser>,
    /// Their profiles, by id (15 characters).
    pub profiles: BTreeMap<String, ProfileInfo>,
}

fn id15(id: &str) -> String {
    id[..id.len().min(15)].to_string()
}

fn check(id: &str, status: CheckStatus, evidence: String, args: &[(&str, &str)]) -> Check {
    Check {
        id: id.to_string(),
        status,
        title: text(&format!("users.check.{id}.title"), args),
        explanation: text(&format!("users.check.{id}.{}", status.code()), args),
        evidence,
    }
}

fn in_list(ids: &[String]) -> String {
    ids.iter().map(|i| soql_string(i)).collect::<Vec<_>>().join(", ")
}

/// Reads the users behind `tokens` (plus `extra` user ids), their permissions, whether they
/// are frozen, and their profiles' Login IP Ranges and active users.
/// The users behind integrations' tokens (15-character ids), with the apps each holds: the
/// tokens of a known vendor's app, and of any app that at most `max_users` users have
/// authorized. An integration authorizes once as a dedicated user, while apps people use
/// themselves are authorized by many; Salesforce's own apps are tools people use.
pub fn integration_holders(tokens: &[Token], max_users: usize) -> BTreeMap<String, BTreeSet<String>> {
    let data = integrations();
    let mut holders_of: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for t in tokens {
        holders_of.entry(t.app.as_str()).or_default().insert(id15(&t.user_id));
    }
    let mut apps_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (app, holders) in holders_of {
        let integration = data.vendor_of(app).is_some() || (!data.first_party(app) && holders.len() <= max_users);
        if integration {
            for h in holders {
                apps_of.entry(h).or_default().insert(app.to_string());
            }
        }
    }
    apps_of
}

/// Reads and checks the integration users `apps_of` names (see [`integration_holders`]) and
/// `extra` users by id.
pub async fn users(
    client: &SalesforceClient,
    mut apps_of: BTreeMap<String, BTreeSet<String>>,
    extra: &[String],
) -> Result<Users, Error> {
    for e in extra {
        apps_of.entry(id15(e)).or_default();
    }
    let ids: Vec<String> = apps_of.keys().cloned().collect();
    if ids.is_empty() {
        return Ok(Users { users: Vec::new(), profiles: BTreeMap::new() });
    }
    let mut rows: Vec<Value> = Vec::new();
    let mut assignments: Vec<Value> = Vec::new();
    let mut logins: Vec<Value> = Vec::new();
    for chunk in ids.chunks(200) {
        let list = in_list(chunk);
        rows.extend(
            client
                .query::<Value>(&format!(
                    "SELECT Id, Username, Name, IsActive, ProfileId, Profile.Name FROM User WHERE Id IN ({list})"
                ))
                .await?,
        );
        assignments.extend(
            client
                .query::<Value>(&format!(
                    // The profile's own permission set is assigned too, so this covers both.
                    "SELECT AssigneeId, PermissionSet.PermissionsModifyAllData, PermissionSet.PermissionsApiUserOnly \
                     FROM PermissionSetAssignment WHERE AssigneeId IN ({list})"
                ))
                .await?,
        );
        logins.extend(
            client.query::<Value>(&format!("SELECT UserId, IsFrozen FROM UserLogin WHERE UserId IN ({list})")).await?,
        );
    }
    let set_grants = |user: &str, field: &str| {
        assignments
            .iter()
            .any(|a| a["AssigneeId"].as_str().map(id15).as_deref() == Some(user) && a["PermissionSet"][field] == true)
    };
    let frozen: BTreeSet<String> =
        logins.iter().filter(|l| l["IsFrozen"] == true).filter_map(|l| l["UserId"].as_str().map(id15)).collect();
    let profile_ids: Vec<String> =
        rows.iter().filter_map(|r| r["ProfileId"].as_str().map(id15)).collect::<BTreeSet<_>>().into_iter().collect();
    let names: BTreeMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((id15(r["ProfileId"].as_str()?), r["Profile"]["Name"].as_str()?.to_string())))
        .collect();
    let profiles = profiles(client, &profile_ids, &names).await?;
    let mut users: Vec<IntegrationUser> = rows
        .iter()
        .map(|r| {
            let id = id15(r["Id"].as_str().unwrap_or_default());
            let profile_id = id15(r["ProfileId"].as_str().unwrap_or_default());
            let profile_name = r["Profile"]["Name"].as_str().unwrap_or_default();
            let all_powerful = profile_name == "System Administrator" || set_grants(&id, "PermissionsModifyAllData");
            let api_only = set_grants(&id, "PermissionsApiUserOnly");
            let mut u = IntegrationUser {
                username: r["Username"].as_str().unwrap_or_default().to_string(),
                name: r["Name"].as_str().unwrap_or_default().to_string(),
                active: r["IsActive"] == true,
                apps: apps_of.get(&id).map(|a| a.iter().cloned().collect()).unwrap_or_default(),
                frozen: frozen.contains(&id),
                id,
                profile_id,
                all_powerful,
                api_only,
                checks: Vec::new(),
            };
            u.checks = checks(&u, profile_name, profiles.get(&u.profile_id));
            u
        })
        .collect();
    // A known vendor's user first, then the most failed checks: what needs a look leads.
    let fails = |u: &IntegrationUser| u.checks.iter().filter(|c| c.status == CheckStatus::Fail).count();
    let vendor = |u: &IntegrationUser| u.apps.iter().any(|a| integrations().vendor_of(a).is_some());
    users.sort_by(|a, b| {
        vendor(b).cmp(&vendor(a)).then(fails(b).cmp(&fails(a))).then_with(|| a.username.cmp(&b.username))
    });
    Ok(Users { users, profiles })
}

fn checks(u: &IntegrationUser, profile: &str, info: Option<&ProfileInfo>) -> Vec<Check> {
    let mut out = vec![
        if u.all_powerful {
            check("all_powerful", CheckStatus::Fail, format!("Profile: {profile}"), &[("profile", profile)])
        } else {
            check("all_powerful", CheckStatus::Pass, format!("Profile: {profile}"), &[("profile", profile)])
        },
        check(
            "api_only",
            if u.api_only { CheckStatus::Pass } else { CheckStatus::Warn },
            format!("API Only: {}", u.api_only),
            &[],
        ),
        check(
            "frozen",
            if u.frozen { CheckStatus::Fail } else { CheckStatus::Pass },
            format!("UserLogin.IsFrozen: {}", u.frozen),
            &[],
        ),
    ];
    let ranges = info.and_then(|p| p.ranges.as_ref());
    out.push(match ranges {
        None => check("ip_ranges", CheckStatus::Warn, "Login IP Ranges: not readable".into(), &[("profile", profile)]),
        Some(r) if r.is_empty() => {
            check("ip_ranges", CheckStatus::Fail, "Login IP Ranges: none".into(), &[("profile", profile)])
        }
        Some(r) => check(
            "ip_ranges",
            CheckStatus::Pass,
            format!(
                "Login IP Ranges: {}",
                r.iter().map(|x| format!("{}–{}", x.start, x.end)).collect::<Vec<_>>().join(", ")
            ),
            &[("profile", profile)],
        ),
    });
    out
}

/// Each profile's ranges and active users.
async fn profiles(
    client: &SalesforceClient,
    ids: &[String],
    names: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, ProfileInfo>, Error> {
    let mut out: BTreeMap<String, ProfileInfo> = ids
        .iter()
        .map(|id| {
            (
                id.clone(),
                ProfileInfo {
                    id: id.clone(),
                    name: names.get(id).cloned().unwrap_or_default(),
                    full_name: None,
                    ranges: None,
                    source: None,
                    active_users: Vec::new(),
                },
            )
        })
        .collect();
    let list = in_list(ids);
    let active: Vec<Value> = client
        .query(&format!("SELECT Username, ProfileId FROM User WHERE IsActive = true AND ProfileId IN ({list})"))
        .await?;
    for u in &active {
        if let (Some(p), Some(name)) = (u["ProfileId"].as_str().map(id15), u["Username"].as_str()) {
            if let Some(info) = out.get_mut(&p) {
                info.active_users.push(name.to_string());
            }
        }
    }
    // Metadata names, for reading ranges and for the fix.
    if let Ok(listed) = client.list_metadata(MetadataKind::Profile).await {
        for l in listed {
            if let Some(info) = out.get_mut(&id15(&l.id)) {
                info.full_name = Some(l.full_name);
            }
        }
    }
    if has_profile_login_ip_range(client).await? {
        let rows: Vec<Value> = client
            .query(&format!(
                "SELECT ProfileId, StartAddress, EndAddress, Description FROM ProfileLoginIpRange WHERE ProfileId IN ({list})"
            ))
            .await?;
        for info in out.values_mut() {
            info.ranges = Some(Vec::new());
            info.source = Some(RangeSource::ProfileLoginIpRange);
        }
        for r in &rows {
            if let Some(info) = r["ProfileId"].as_str().and_then(|p| out.get_mut(&id15(p))) {
                info.ranges.get_or_insert_with(Vec::new).push(LoginIpRange {
                    start: r["StartAddress"].as_str().unwrap_or_default().to_string(),
                    end: r["EndAddress"].as_str().unwrap_or_default().to_string(),
                    description: r["Description"].as_str().map(str::to_string),
                });
            }
        }
    } else {
        let full_names: Vec<String> = out.values().filter_map(|p| p.full_name.clone()).collect();
        let read = client.read_profile_ranges(&full_names).await?;
        for p in read {
            if let Some(info) = out.values_mut().find(|i| i.full_name.as_deref() == Some(p.full_name.as_str())) {
                info.ranges = Some(p.ranges);
                info.source = Some(RangeSource::Metadata);
            }
        }
    }
    Ok(out)
}

/// Whether the org's global describe lists `ProfileLoginIpRange`.
pub async fn has_profile_login_ip_range(client: &SalesforceClient) -> Result<bool, Error> {
    let described: Value = client.get("sobjects").await?;
    Ok(described["sobjects"]
        .as_array()
        .is_some_and(|objects| objects.iter().any(|o| o["name"] == "ProfileLoginIpRange")))
}

impl Users {
    /// The user with `username` (case-insensitive).
    pub fn find(&self, username: &str) -> Option<&IntegrationUser> {
        self.users.iter().find(|u| u.username.eq_ignore_ascii_case(username.trim()))
    }

    /// How many checks failed.
    pub fn findings(&self) -> usize {
        self.users.iter().flat_map(|u| &u.checks).filter(|c| c.status == CheckStatus::Fail).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(app: &str, user: &str) -> Token {
        Token {
            id: format!("0Ci{app}{user}"),
            app: app.into(),
            user_id: user.into(),
            username: None,
            created: "2026-01-01T00:00:00.000+0000".into(),
            last_used: None,
            use_count: 0,
            admin_approved: None,
        }
    }

    #[test]
    fn integration_users_are_a_vendors_users_and_those_of_apps_few_users_authorized() {
        let mut tokens = vec![
            token("GAINSIGHTCSUS", "005000000000001"),
            token("Nightly Export", "005000000000002"),
            token("Salesforce CLI", "005000000000003"),
        ];
        // An app people use themselves: authorized by many.
        for n in 10..20 {
            tokens.push(token("Partner App", &format!("0050000000000{n}")));
        }
        // A vendor's app stays an integration however many users hold it.
        for n in 20..30 {
            tokens.push(token("GAINSIGHTCSUS", &format!("0050000000000{n}")));
        }
        let holders = integration_holders(&tokens, 3);
        assert!(holders["005000000000001"].contains("GAINSIGHTCSUS"));
        assert!(holders["005000000000002"].contains("Nightly Export"));
        assert!(!holders.contains_key("005000000000003"), "Salesforce's own app");
        assert!(!holders.contains_key("005000000000010"), "an app many users authorized");
        assert_eq!(holders.len(), 12);
    }
}
