//! Restricting an integration user to known addresses. Login IP Ranges belong to the profile,
//! so the plan lists every other active user on it and, when there are any, proposes a
//! dedicated profile (a copy of the profile's permissions, restricted to the ranges) and
//! moves only this user there. The preview warns that a wrong range stops the integration;
//! afterwards the playbook looks whether the integration still connects. Every change is
//! journaled and undone by the engine's undo.

use std::collections::BTreeMap;

use reconnect_engine::clock::Clock;
use reconnect_engine::journal::{Event, Journal, RunLog, Via};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::metadata::{LoginIpRange, ProfileSpec};
use reconnect_engine::salesforce::soql_string;
use reconnect_engine::timestamp::format_ms;
use reconnect_engine::write;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::data::integrations;
use crate::error::Error;
use crate::ip_range::IpRange;
use crate::language::text;
use crate::users::{IntegrationUser, ProfileInfo};
use reconnect_engine::language::Text;

/// What the restriction changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Set the profile's Login IP Ranges.
    SetRanges {
        /// The profile's id.
        profile_id: String,
        /// Its metadata name.
        full_name: String,
        /// The ranges before.
        before: Vec<LoginIpRange>,
        /// The ranges after.
        after: Vec<LoginIpRange>,
    },
    /// Create a dedicated profile: the permissions of `copy_of`, restricted to `ranges`.
    CreateProfile {
        /// Its name.
        full_name: String,
        /// The profile whose permissions it copies.
        copy_of: String,
        /// Its ranges.
        ranges: Vec<LoginIpRange>,
    },
    /// Move the user to the dedicated profile.
    MoveUser {
        /// The user's id.
        user_id: String,
        /// The profile it leaves.
        from_profile_id: String,
        /// The dedicated profile's name.
        to: String,
    },
}

/// The restriction, previewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestrictionPlan {
    /// The org.
    pub org_id: String,
    /// The user.
    pub user: IntegrationUser,
    /// The user's profile now.
    pub profile: ProfileInfo,
    /// The ranges asked for.
    pub ranges: Vec<IpRange>,
    /// Other active users on the profile.
    pub others: Vec<String>,
    /// The changes, in order.
    pub changes: Vec<Change>,
    /// What the admin must know first, in both languages.
    pub warnings: Vec<Text>,
}

/// The name of the dedicated profile for `username`.
pub fn dedicated_name(username: &str) -> String {
    let local = username.split('@').next().unwrap_or(username);
    let clean: String = local.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    format!("Integration {} (Reconnect)", clean.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn as_login(r: &IpRange) -> LoginIpRange {
    LoginIpRange { start: r.start.clone(), end: r.end.clone(), description: Some("Reconnect".into()) }
}

/// Plans the restriction of `user` to `ranges`; `shared` says to change the shared profile
/// even though others are on it (the admin's choice after reading the preview).
pub fn plan(
    org_id: &str,
    user: &IntegrationUser,
    profile: &ProfileInfo,
    ranges: Vec<IpRange>,
    shared: bool,
) -> Result<RestrictionPlan, Error> {
    if ranges.is_empty() {
        return Err(Error::NoRanges);
    }
    let full_name =
        profile.full_name.clone().ok_or_else(|| Error::RangesUnreadable { profile: profile.name.clone() })?;
    let before = profile.ranges.clone().ok_or_else(|| Error::RangesUnreadable { profile: profile.name.clone() })?;
    let after: Vec<LoginIpRange> = ranges.iter().map(as_login).collect();
    let others: Vec<String> =
        profile.active_users.iter().filter(|u| !u.eq_ignore_ascii_case(&user.username)).cloned().collect();
    let mut warnings = vec![text("restrict.warn.wrong_range", &[])];
    if ranges.iter().any(IpRange::private) {
        warnings.push(text("restrict.warn.private", &[]));
    }
    if let Some(v) = user.apps.iter().find_map(|a| integrations().vendor_of(a)) {
        if !v.egress.published {
            warnings.push(v.egress.finding.clone());
        }
    }
    let changes = if others.is_empty() || shared {
        if !others.is_empty() {
            warnings
                .push(text("restrict.warn.shared", &[("profile", &profile.name), ("n", &others.len().to_string())]));
        }
        vec![Change::SetRanges { profile_id: profile.id.clone(), full_name, before, after }]
    } else {
        let name = dedicated_name(&user.username);
        vec![
            Change::CreateProfile { full_name: name.clone(), copy_of: full_name, ranges: after },
            Change::MoveUser { user_id: user.id.clone(), from_profile_id: profile.id.clone(), to: name },
        ]
    };
    Ok(RestrictionPlan {
        org_id: org_id.to_string(),
        user: user.clone(),
        profile: profile.clone(),
        ranges,
        others,
        changes,
        warnings,
    })
}

/// What the restriction did.
#[derive(Debug, Serialize)]
pub struct RestrictionOutcome {
    /// The journal run.
    pub run: String,
    /// When it was applied (the connection is checked from then on).
    pub applied_at_ms: i64,
    /// The changes made, in order.
    pub applied: Vec<Change>,
    /// The change that failed and why; later ones were not tried.
    #[serde(skip)]
    pub failure: Option<(Change, Error)>,
}

fn ranges_json(r: &[LoginIpRange]) -> Value {
    serde_json::to_value(r).expect("ranges serialize")
}

/// Applies the plan step by step, journaling each step before and after, and reads the
/// profile back after setting its ranges (whether `updateMetadata` replaces the whole list is
/// not documented).
pub async fn apply(
    client: &SalesforceClient,
    plan: &RestrictionPlan,
    journal: &Journal,
    clock: &dyn Clock,
    by: &str,
) -> Result<RestrictionOutcome, Error> {
    let mut log = RunLog::new(journal, clock, crate::ID, &plan.org_id, by);
    log.user = Some(plan.user.id.clone());
    let mut outcome =
        RestrictionOutcome { run: log.run.clone(), applied_at_ms: clock.now_ms(), applied: Vec::new(), failure: None };
    let mut created: Option<String> = None;
    for (i, change) in plan.changes.iter().enumerate() {
        let step = i as u32 + 1;
        let result = match change {
            Change::SetRanges { profile_id, full_name, before, after } => {
                set_ranges(client, &log, step, profile_id, full_name, before, after).await
            }
            Change::CreateProfile { full_name, copy_of, ranges } => {
                create_profile(client, &log, step, full_name, copy_of, ranges).await.map(|id| {
                    created = Some(id.clone());
                })
            }
            Change::MoveUser { user_id, from_profile_id, .. } => {
                let to = created.clone().unwrap_or_default();
                let after = BTreeMap::from([("ProfileId".to_string(), json!(to))]);
                let before = BTreeMap::from([("ProfileId".to_string(), json!(from_profile_id))]);
                write::update(client, &log, step, "User", user_id, after, before).await.map(|_| ()).map_err(Error::from)
            }
        };
        match result {
            Ok(()) => outcome.applied.push(change.clone()),
            Err(e) => {
                outcome.failure = Some((change.clone(), e));
                break;
            }
        }
    }
    Ok(outcome)
}

async fn set_ranges(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    profile_id: &str,
    full_name: &str,
    before: &[LoginIpRange],
    after: &[LoginIpRange],
) -> Result<(), Error> {
    let key = BTreeMap::from([("FullName".to_string(), json!(full_name))]);
    let fields = BTreeMap::from([("loginIpRanges".to_string(), ranges_json(after))]);
    let old = BTreeMap::from([("loginIpRanges".to_string(), ranges_json(before))]);
    log.write(step, Event::Intent, "Profile", |e| {
        e.record = Some(profile_id.to_string());
        e.key = key.clone();
        e.fields = fields.clone();
        e.before = old.clone();
        e.via = Via::Metadata;
    })?;
    let result = async {
        client.update_profile_ranges(full_name, after).await?;
        let back = client.read_profile_ranges(&[full_name.to_string()]).await?;
        let held: Vec<(String, String)> = back
            .first()
            .map(|p| p.ranges.iter().map(|r| (r.start.clone(), r.end.clone())).collect())
            .unwrap_or_default();
        let want: Vec<(String, String)> = after.iter().map(|r| (r.start.clone(), r.end.clone())).collect();
        if held != want {
            return Err(reconnect_engine::Error::UnexpectedResponse {
                what: format!(
                    "profile {full_name} holds other Login IP Ranges than were sent; check them in Setup › Profiles"
                ),
            });
        }
        Ok(())
    }
    .await;
    // A change that may have landed is journaled as made, so undo puts the old ranges back.
    write::updated(log, step, "Profile", profile_id, key, fields, old, Via::Metadata, result)?;
    Ok(())
}

async fn create_profile(
    client: &SalesforceClient,
    log: &RunLog<'_>,
    step: u32,
    full_name: &str,
    copy_of: &str,
    ranges: &[LoginIpRange],
) -> Result<String, Error> {
    let key = BTreeMap::from([("FullName".to_string(), json!(full_name))]);
    let source = client.read_profile_ranges(&[copy_of.to_string()]).await?;
    let source = source.into_iter().next().ok_or_else(|| Error::RangesUnreadable { profile: copy_of.to_string() })?;
    let spec = ProfileSpec {
        full_name: full_name.to_string(),
        description: format!(
            "A copy of {copy_of}'s permissions, restricted to its integration's addresses (Reconnect)"
        ),
        user_license: source.user_license.clone().unwrap_or_else(|| "Salesforce".into()),
        ranges: ranges.to_vec(),
        user_permissions: source.user_permissions.clone(),
    };
    log.write(step, Event::Intent, "Profile", |e| {
        e.key = key.clone();
        e.fields = BTreeMap::from([("loginIpRanges".to_string(), ranges_json(ranges))]);
        e.via = Via::Metadata;
    })?;
    if let Err(err) = client.create_profile(&spec).await {
        log.failed(step, "Profile", &err)?;
        return Err(err.into());
    }
    let found: Result<Vec<Value>, _> =
        client.query(&format!("SELECT Id FROM Profile WHERE Name = {}", soql_string(full_name))).await;
    match found.map(|rows| rows.first().and_then(|r| r["Id"].as_str()).map(str::to_string)) {
        Ok(Some(id)) => {
            log.write(step, Event::Created, "Profile", |e| {
                e.record = Some(id.clone());
                e.key = key;
                e.via = Via::Metadata;
            })?;
            Ok(id)
        }
        other => {
            let err = match other {
                Err(e) => e,
                _ => reconnect_engine::Error::UnexpectedResponse {
                    what: format!("profile {full_name} not found after its create"),
                },
            };
            log.write(step, Event::Failed, "Profile", |e| {
                e.error = Some(err.to_string());
                e.maybe_applied = true;
            })?;
            Err(err.into())
        }
    }
}

/// Whether the integration still connects after the restriction, from `since_ms` on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AfterRestriction {
    /// The check.
    pub check: reconnect_engine::check::Check,
}

/// Looks whether the user signed in or used a token since `since_ms`, and whether sign-ins
/// were refused. The refusal wording in `LoginHistory.Status` is not documented: any status
/// other than `Success` that names an IP or a range counts as one.
pub async fn check_after(client: &SalesforceClient, user_id: &str, since_ms: i64) -> Result<AfterRestriction, Error> {
    use reconnect_engine::check::{Check, CheckStatus};
    let since = format_ms(since_ms).replace("+0000", "Z");
    let logins: Vec<Value> = client
        .query(&format!(
            "SELECT LoginTime, Status, SourceIp FROM LoginHistory WHERE UserId = {} AND LoginTime >= {since} ORDER BY LoginTime DESC LIMIT 200",
            soql_string(user_id)
        ))
        .await?;
    let refused = logins.iter().filter(|l| {
        let s = l["Status"].as_str().unwrap_or_default().to_ascii_lowercase();
        s != "success" && (s.contains("ip") || s.contains("range"))
    });
    let refused: Vec<String> = refused
        .map(|l| {
            format!(
                "{} {} {}",
                l["LoginTime"].as_str().unwrap_or_default(),
                l["SourceIp"].as_str().unwrap_or_default(),
                l["Status"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let used: Vec<Value> = client
        .query(&format!(
            "SELECT AppName, LastUsedDate FROM OauthToken WHERE UserId = {} AND LastUsedDate >= {since}",
            soql_string(user_id)
        ))
        .await?;
    let succeeded = logins.iter().any(|l| l["Status"] == "Success");
    let (status, key, evidence) = if !refused.is_empty() {
        (CheckStatus::Fail, "fail", refused.join("; "))
    } else if succeeded || !used.is_empty() {
        (CheckStatus::Pass, "pass", format!("{} sign-ins, {} tokens used since {since}", logins.len(), used.len()))
    } else {
        (CheckStatus::Warn, "warn", format!("nothing since {since}"))
    };
    Ok(AfterRestriction {
        check: Check {
            id: "still_connects".into(),
            status,
            title: text("restrict.after.title", &[]),
            explanation: text(&format!("restrict.after.{key}"), &[]),
            evidence,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> IntegrationUser {
        IntegrationUser {
            id: "0055g00000GSINT".into(),
            username: "gainsight.integration@acme-practice.example".into(),
            name: "Gainsight Integration".into(),
            active: true,
            profile_id: "00e5g000000ADMN".into(),
            apps: vec!["GAINSIGHTCSUS".into()],
            all_powerful: true,
            api_only: false,
            frozen: false,
            checks: vec![],
        }
    }

    fn profile(users: &[&str]) -> ProfileInfo {
        ProfileInfo {
            id: "00e5g000000ADMN".into(),
            name: "System Administrator".into(),
            full_name: Some("Admin".into()),
            ranges: Some(vec![]),
            source: None,
            active_users: users.iter().map(|u| u.to_string()).collect(),
        }
    }

    #[test]
    fn a_profile_the_user_has_alone_gets_the_ranges() {
        let p = plan(
            "00D",
            &user(),
            &profile(&["gainsight.integration@acme-practice.example"]),
            vec![IpRange::parse("52.35.87.209").unwrap()],
            false,
        )
        .unwrap();
        assert!(matches!(&p.changes[..], [Change::SetRanges { full_name, .. }] if full_name == "Admin"));
        assert!(p.others.is_empty());
        assert!(p.warnings.iter().any(|w| w.en.contains("35.166.202.113")), "the vendor publishes no list");
    }

    #[test]
    fn a_shared_profile_is_left_alone_and_a_dedicated_one_proposed() {
        let shared = profile(&["admin@acme-practice.example", "gainsight.integration@acme-practice.example"]);
        let p = plan("00D", &user(), &shared, vec![IpRange::parse("52.35.87.209").unwrap()], false).unwrap();
        assert_eq!(p.others, vec!["admin@acme-practice.example".to_string()]);
        assert!(
            matches!(&p.changes[..], [Change::CreateProfile { copy_of, .. }, Change::MoveUser { .. }] if copy_of == "Admin")
        );
        assert_eq!(dedicated_name(&user().username), "Integration gainsight integration (Reconnect)");
        let anyway = plan("00D", &user(), &shared, vec![IpRange::parse("52.35.87.209").unwrap()], true).unwrap();
        assert!(matches!(&anyway.changes[..], [Change::SetRanges { .. }]));
        assert!(anyway.warnings.len() > p.warnings.len());
    }

    #[test]
    fn ranges_that_cannot_be_read_are_not_changed_blindly() {
        let unreadable = ProfileInfo { ranges: None, ..profile(&[]) };
        assert!(matches!(
            plan("00D", &user(), &unreadable, vec![IpRange::parse("52.35.87.209").unwrap()], false),
            Err(Error::RangesUnreadable { .. })
        ));
        assert!(matches!(plan("00D", &user(), &profile(&[]), vec![], false), Err(Error::NoRanges)));
    }
}
