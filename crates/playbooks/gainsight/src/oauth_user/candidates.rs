//! Who Gainsight's OAuth user is likely to be, from what the org says: a token of the
//! Gainsight app (gone after a revocation, but present when the connector merely broke), a
//! name or username that says Gainsight, an integration profile. One clear candidate is
//! taken; several, or none, are put to the admin.

use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::soql_string;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::Error;
use crate::language::{text, Language, Text};
use crate::oauth_user::diagnosis::UserSummary;
use crate::oauth_user::snapshot::USER_FIELDS;

/// Why a user may be Gainsight's OAuth user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The user holds an OAuth token of the Gainsight connected app.
    HoldsToken,
    /// The username or name says Gainsight.
    NamedGainsight,
    /// The user's profile is an integration profile.
    IntegrationProfile,
}

impl Evidence {
    /// One piece of evidence in words.
    fn describe(self) -> Text {
        match self {
            Evidence::HoldsToken => text("plan.evidence.holds_token", &[]),
            Evidence::NamedGainsight => text("plan.evidence.named_gainsight", &[]),
            Evidence::IntegrationProfile => text("plan.evidence.integration_profile", &[]),
        }
    }

    /// Several pieces of evidence in words, in each language's list style.
    pub fn describe_all(evidence: &[Evidence]) -> Text {
        let described: Vec<Text> = evidence.iter().map(|e| e.describe()).collect();
        let join = |l: Language, sep: &str| described.iter().map(|t| t.get(l)).collect::<Vec<_>>().join(sep);
        Text { en: join(Language::En, ", "), ja: join(Language::Ja, "、") }
    }

    /// Whether this alone names the connector's user.
    fn decisive(self) -> bool {
        matches!(self, Evidence::HoldsToken | Evidence::NamedGainsight)
    }
}

/// A user who may be Gainsight's OAuth user, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The user.
    pub user: UserSummary,
    /// What points at them, strongest first.
    pub evidence: Vec<Evidence>,
}

/// The candidates, and the one to take when the org leaves no doubt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidates {
    /// Every active candidate, the likeliest first.
    pub users: Vec<Candidate>,
    /// The one active user with decisive evidence, when there is exactly one.
    pub clear: Option<usize>,
}

/// The most users a source may add.
const LIMIT: usize = 20;

/// Looks for Gainsight's OAuth user in the org.
pub async fn find_candidates(client: &SalesforceClient, app_name: &str) -> Result<Candidates, Error> {
    // No recorded describe says `AppName` may be filtered: an org that refuses the filter
    // leaves the token out of the evidence instead of failing the plan.
    let tokens: Vec<Value> = match client
        .query(&format!("SELECT UserId FROM OauthToken WHERE AppName = {} LIMIT {LIMIT}", soql_string(app_name)))
        .await
    {
        Ok(rows) => rows,
        Err(e) if e.query_refused() => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let holders: Vec<String> = tokens.iter().filter_map(|t| t["UserId"].as_str().map(str::to_string)).collect();
    let mut filters = vec![
        "Username LIKE '%gainsight%'".to_string(),
        "Name LIKE '%gainsight%'".to_string(),
        "Profile.Name LIKE '%integration%'".to_string(),
    ];
    if !holders.is_empty() {
        let ids: Vec<String> = holders.iter().map(|id| soql_string(id)).collect();
        filters.push(format!("Id IN ({})", ids.join(", ")));
    }
    let rows: Vec<Value> = client
        .query(&format!(
            "SELECT {USER_FIELDS} FROM User WHERE {} ORDER BY Username LIMIT {LIMIT}",
            filters.join(" OR ")
        ))
        .await?;
    let mut users: Vec<Candidate> = rows
        .iter()
        .map(|row| {
            let user = UserSummary::from_row(row);
            let mut evidence = Vec::new();
            if holders.iter().any(|h| crate::oauth_user::snapshot::same_id(h, &user.id)) {
                evidence.push(Evidence::HoldsToken);
            }
            if user.username.to_ascii_lowercase().contains("gainsight")
                || user.name.to_ascii_lowercase().contains("gainsight")
            {
                evidence.push(Evidence::NamedGainsight);
            }
            if user.profile.as_deref().is_some_and(|p| p.to_ascii_lowercase().contains("integration")) {
                evidence.push(Evidence::IntegrationProfile);
            }
            Candidate { user, evidence }
        })
        .filter(|c| c.user.active && !c.evidence.is_empty())
        .collect();
    users.sort_by(likeliest_first);
    let clear = clear_choice(&users);
    Ok(Candidates { users, clear })
}

/// The strongest evidence first, then more evidence before less (comparing the lists as
/// they are would put `[HoldsToken]` before `[HoldsToken, NamedGainsight]`).
fn likeliest_first(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    a.evidence.first().cmp(&b.evidence.first()).then(b.evidence.len().cmp(&a.evidence.len()))
}

/// The one candidate the evidence leaves no doubt about: the only token holder, else the only
/// user named Gainsight. An integration profile alone never decides (many integrations
/// share one).
fn clear_choice(users: &[Candidate]) -> Option<usize> {
    let with = |keep: &dyn Fn(&Candidate) -> bool| -> Vec<usize> {
        users.iter().enumerate().filter(|(_, c)| keep(c)).map(|(i, _)| i).collect()
    };
    let holders = with(&|c| c.evidence.contains(&Evidence::HoldsToken));
    let decisive = with(&|c| c.evidence.iter().any(|e| e.decisive()));
    match (holders.as_slice(), decisive.as_slice()) {
        ([one], _) | ([], [one]) => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(username: &str, evidence: &[Evidence]) -> Candidate {
        let user = UserSummary {
            id: String::new(),
            username: username.to_string(),
            name: String::new(),
            email: String::new(),
            active: true,
            last_login: None,
            profile: None,
        };
        Candidate { user, evidence: evidence.to_vec() }
    }

    #[test]
    fn one_token_holder_or_one_user_named_gainsight_is_taken_and_anything_less_clear_is_asked() {
        use Evidence::*;
        let named = candidate("gs@acme.example", &[NamedGainsight]);
        let profile = candidate("mulesoft@acme.example", &[IntegrationProfile]);
        let holder = candidate("sync@acme.example", &[HoldsToken]);
        assert_eq!(clear_choice(&[named.clone(), profile.clone()]), Some(0));
        assert_eq!(clear_choice(std::slice::from_ref(&profile)), None, "a profile alone does not decide");
        assert_eq!(clear_choice(&[named.clone(), named.clone()]), None, "two named Gainsight: ask");
        assert_eq!(clear_choice(&[named.clone(), holder.clone()]), Some(1), "the token holder wins");
        assert_eq!(clear_choice(&[holder.clone(), holder]), None, "two token holders: ask");
        assert_eq!(clear_choice(&[]), None);
    }

    #[test]
    fn the_likeliest_candidate_comes_first_strongest_evidence_then_more_of_it() {
        use Evidence::*;
        let mut users = [
            candidate("mulesoft@acme.example", &[IntegrationProfile]),
            candidate("admin@acme.example", &[HoldsToken]),
            candidate("gs@acme.example", &[NamedGainsight, IntegrationProfile]),
            candidate("gs.integration@acme.example", &[HoldsToken, NamedGainsight, IntegrationProfile]),
        ];
        users.sort_by(likeliest_first);
        let order: Vec<&str> = users.iter().map(|c| c.user.username.as_str()).collect();
        assert_eq!(
            order,
            ["gs.integration@acme.example", "admin@acme.example", "gs@acme.example", "mulesoft@acme.example"]
        );
    }
}
