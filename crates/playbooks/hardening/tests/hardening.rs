//! The hardening playbook end to end over loopback HTTP against the practice org, with the real
//! keychain: the audit at scale (tokens past 2,500 paged by CreatedDate), revoking stale tokens
//! with a journal that holds no token, restricting an integration user's Login IP Ranges (on
//! its own profile, and through a dedicated profile when the profile is shared) and undoing it,
//! the indicator search both ways (filtered by Salesforce, and scanned when it refuses), and
//! the report.

use std::sync::Arc;

use practice_org::Config;
use reconnect_engine::clock::{Clock, SystemClock};
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::{Event, Journal};
use reconnect_engine::language::Language;
use reconnect_engine::progress::Progress;
use reconnect_hardening::inventory::Flag;
use reconnect_hardening::ioc::Method;
use reconnect_hardening::ip_range::IpRange;
use reconnect_hardening::ops::{run, Audit, Finished, Job};
use reconnect_hardening::restrict::{self, Change};
use reconnect_hardening::revoke::{self, Selection};
use reconnect_hardening::users::RangeSource;
use reconnect_testkit::{fixture, sign_in, Fixture, ADMIN};
use serde_json::Value;

fn env(f: &Fixture, seen: Arc<std::sync::Mutex<Vec<Progress>>>) -> JobEnv {
    JobEnv {
        accounts: f.accounts.clone(),
        journal: Journal::in_dir(f._dir.path()),
        clock: Arc::new(SystemClock),
        progress: Box::new(move |p| seen.lock().unwrap().push(p)),
        browser: Arc::new(reconnect_engine::browser::SystemBrowser),
    }
}

async fn audit(f: &Fixture) -> Box<Audit> {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut e = env(f, seen.clone());
    let Finished::Audit(r) = run(Job::Audit { stale_days: 90, extra_users: vec![] }, &mut e).await else { panic!() };
    r.unwrap()
}

fn delete_tokens(f: &Fixture) -> Vec<String> {
    f.org.snapshot().all("OauthToken").iter().filter_map(|t| t["DeleteToken"].as_str().map(str::to_string)).collect()
}

#[tokio::test]
async fn the_audit_reads_ten_thousand_tokens_in_pages_and_flags_what_needs_a_look() {
    let f = fixture(Config::new("hardening-large")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut e = env(&f, seen.clone());
    let Finished::Audit(a) = run(Job::Audit { stale_days: 90, extra_users: vec![] }, &mut e).await else { panic!() };
    let a = a.unwrap();
    let in_org = f.org.snapshot().all("OauthToken").len();
    assert!(in_org >= 10_000, "{in_org}");
    assert_eq!(a.inventory.tokens.len(), in_org, "every token read, past the 2,500 a query returns");
    assert_eq!(a.inventory.counted as usize, in_org);
    let ids: std::collections::BTreeSet<&str> = a.inventory.tokens.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), in_org, "no token read twice");
    assert!(a.inventory.apps.len() >= 40);
    let flags = |app: &str| a.inventory.apps.iter().find(|x| x.app == app).unwrap().flags.clone();
    assert!(flags("Legacy Sync Tool").contains(&Flag::Ghost));
    assert!(!flags("Salesforce CLI").contains(&Flag::Ghost), "Salesforce's own app");
    assert!(flags("Drift").contains(&Flag::SelfAuthorized));
    assert!(flags("Drift")
        .iter()
        .any(|x| matches!(x, Flag::Incident { incident } if incident == "salesloft-drift-2025-08")));
    assert!(flags("GAINSIGHTCSUS").iter().any(|x| matches!(x, Flag::Incident { .. })));
    assert!(a.inventory.apps.iter().any(|x| x.flags.iter().any(|f| matches!(f, Flag::Stale { .. }))));
    // Progress counted the tokens as the pages came.
    let pages = seen.lock().unwrap().len();
    assert!(pages >= 5, "{pages} progress reports");
    // Connected-app access: the policy where metadata is readable, the Setup path where not.
    let access = |app: &str| a.access.iter().find(|x| x.app.name == app).unwrap();
    let bypass = serde_json::to_value(&access("Partner App 02").ip_policy).unwrap();
    assert_eq!(
        (bypass["kind"].as_str(), bypass["value"].as_str(), bypass["relaxed"].as_bool()),
        (Some("read"), Some("BYPASS"), Some(true))
    );
    assert_eq!(serde_json::to_value(&access("GAINSIGHTCSUS").ip_policy).unwrap()["kind"], "not_readable");
    // Integration users: Drift's runs as a System Administrator; neither has Login IP Ranges.
    let drift = a.users.find("drift.integration@acme-practice.example").unwrap();
    let status = |u: &reconnect_hardening::users::IntegrationUser, id: &str| {
        u.checks.iter().find(|c| c.id == id).unwrap().status
    };
    use reconnect_engine::check::CheckStatus;
    assert_eq!(status(drift, "all_powerful"), CheckStatus::Fail);
    let gs = a.users.find("gainsight.integration@acme-practice.example").unwrap();
    assert_eq!(status(gs, "all_powerful"), CheckStatus::Pass);
    assert_eq!(status(gs, "ip_ranges"), CheckStatus::Fail);
    assert_eq!(a.users.profiles[&gs.profile_id].source, Some(RangeSource::ProfileLoginIpRange));
    // Health Check: the score (a string in the API) and the high risk.
    let health = serde_json::to_value(&a.health).unwrap();
    assert_eq!(health["score"], 62);
    assert!(health["risks"].as_array().unwrap().iter().any(|r| r["risk_type"] == "HIGH_RISK"));
    // Nothing the audit keeps or prints carries a credential.
    let json = serde_json::to_string(&*a).unwrap();
    for t in delete_tokens(&f).iter().take(50) {
        assert!(!json.contains(t.as_str()));
    }
    assert!(!json.contains("DeleteToken"));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn revoking_an_apps_stale_tokens_removes_exactly_those_and_journals_no_token() {
    let f = fixture(Config::new("hardening-small")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let a = audit(&f).await;
    let now = SystemClock.now_ms();
    let app = a
        .inventory
        .apps
        .iter()
        .find(|x| x.flags.iter().any(|f| matches!(f, Flag::Stale { .. })) && x.app.starts_with("Partner"))
        .expect("a partner app with stale tokens")
        .app
        .clone();
    let selection = Selection { app: app.clone(), user: None, unused_days: Some(90) };
    let plan = revoke::plan(&a.inventory, selection, &record.identity.org_id.to_string(), now).unwrap();
    let chosen: Vec<String> = plan.targets.iter().map(|t| t.id.clone()).collect();
    let before = f.org.snapshot().all("OauthToken").len();
    let handles_of_chosen: Vec<String> = f
        .org
        .snapshot()
        .all("OauthToken")
        .iter()
        .filter(|t| chosen.iter().any(|c| t["Id"].as_str().is_some_and(|i| i.starts_with(&c[..15]))))
        .filter_map(|t| t["DeleteToken"].as_str().map(str::to_string))
        .collect();
    assert_eq!(handles_of_chosen.len(), chosen.len());
    let mut e = env(&f, Default::default());
    let Finished::Revoked(outcome) = run(Job::Revoke { plan: Box::new(plan.clone()) }, &mut e).await else { panic!() };
    let outcome = outcome.unwrap();
    assert_eq!(outcome.revoked.len(), chosen.len());
    assert!(outcome.failure.is_none());
    let after = f.org.snapshot().all("OauthToken").len();
    assert_eq!(after, before - chosen.len(), "exactly the chosen tokens");
    // The journal names app, user and time for each; never a token or its handle.
    let journal = std::fs::read_to_string(Journal::in_dir(f._dir.path()).path()).unwrap();
    let entries = Journal::in_dir(f._dir.path()).entries().unwrap();
    assert_eq!(entries.iter().filter(|e| e.event == Event::Revoked).count(), chosen.len());
    for h in &handles_of_chosen {
        assert!(!journal.contains(h.as_str()), "a DeleteToken reached the journal");
    }
    // Revocations are not undone (they cannot be): undo finds nothing of this playbook's.
    assert!(Journal::in_dir(f._dir.path())
        .live_of(&record.identity.org_id.to_string(), "hardening")
        .unwrap()
        .is_empty());
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_integration_user_alone_on_its_profile_is_restricted_checked_and_restored_by_undo() {
    let f = fixture(Config::new("hardening-large")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let a = audit(&f).await;
    let gs = a.users.find("gainsight.integration@acme-practice.example").unwrap();
    let profile = &a.users.profiles[&gs.profile_id];
    assert_eq!(profile.active_users.len(), 1, "alone on its profile");
    let ranges = vec![IpRange::parse("52.35.87.0/28").unwrap()];
    let plan = restrict::plan(&record.identity.org_id.to_string(), gs, profile, ranges, false).unwrap();
    assert!(matches!(&plan.changes[..], [Change::SetRanges { .. }]));
    assert!(plan.warnings.iter().any(|w| w.en.contains("wrong range stops the integration")));
    let mut e = env(&f, Default::default());
    let Finished::Restricted(outcome) = run(Job::Restrict { plan: Box::new(plan) }, &mut e).await else { panic!() };
    let outcome = outcome.unwrap();
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let ranges = f.org.snapshot().all("ProfileLoginIpRange").to_vec();
    assert!(ranges.iter().any(|r| r["StartAddress"] == "52.35.87.0" && r["EndAddress"] == "52.35.87.15"));
    // Nothing since the change: the check says to look again after the next sync.
    let Finished::Checked(after) =
        run(Job::CheckRestriction { user_id: gs.id.clone(), since_ms: outcome.applied_at_ms }, &mut e).await
    else {
        panic!()
    };
    assert_eq!(after.unwrap().check.status, reconnect_engine::check::CheckStatus::Warn);
    let org = reconnect_engine::salesforce_id::SalesforceId::parse(&record.identity.org_id.to_string()).unwrap();
    let Finished::Undone(undone) = run(Job::Undo { org }, &mut e).await else { panic!() };
    assert_eq!(undone.unwrap().undone.len(), 1);
    assert!(
        !f.org.snapshot().all("ProfileLoginIpRange").iter().any(|r| r["StartAddress"] == "52.35.87.0"),
        "undo put the profile back as it was"
    );
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_shared_profile_is_left_alone_the_user_moves_to_a_dedicated_one_and_undo_moves_it_back() {
    let f = fixture(Config::new("hardening-small")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let a = audit(&f).await;
    let drift = a.users.find("drift.integration@acme-practice.example").unwrap();
    let profile = &a.users.profiles[&drift.profile_id];
    // Read through the Metadata API: this org's API has no ProfileLoginIpRange.
    assert_eq!(profile.source, Some(RangeSource::Metadata));
    let plan = restrict::plan(
        &record.identity.org_id.to_string(),
        drift,
        profile,
        vec![IpRange::parse("34.221.135.142").unwrap()],
        false,
    )
    .unwrap();
    assert_eq!(plan.others, vec!["admin@acme-practice.example".to_string()]);
    let mut e = env(&f, Default::default());
    let Finished::Restricted(outcome) = run(Job::Restrict { plan: Box::new(plan) }, &mut e).await else { panic!() };
    let outcome = outcome.unwrap();
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let snapshot = f.org.snapshot();
    let moved = snapshot.get("User", &drift.id).unwrap()["ProfileId"].as_str().unwrap().to_string();
    assert_ne!(&moved[..15], &drift.profile_id[..15]);
    let admin = snapshot.all("User").iter().find(|u| u["Username"] == "admin@acme-practice.example").unwrap();
    assert!(
        admin["ProfileId"].as_str().unwrap().starts_with(&drift.profile_id[..15]),
        "the admin's profile is untouched"
    );
    assert!(!snapshot
        .all("ProfileLoginIpRange")
        .iter()
        .any(|r| r["ProfileId"].as_str().unwrap().starts_with(&drift.profile_id[..15])));
    let org = reconnect_engine::salesforce_id::SalesforceId::parse(&record.identity.org_id.to_string()).unwrap();
    let Finished::Undone(undone) = run(Job::Undo { org }, &mut e).await else { panic!() };
    let undone = undone.unwrap();
    assert!(undone.failure.is_none(), "{:?}", undone.failure.map(|(_, e)| e.to_string()));
    assert_eq!(undone.undone.len(), 2, "the user moved back, then the profile deleted");
    let snapshot = f.org.snapshot();
    assert!(snapshot.get("User", &drift.id).unwrap()["ProfileId"]
        .as_str()
        .unwrap()
        .starts_with(&drift.profile_id[..15]));
    assert!(!snapshot.all("Profile").iter().any(|p| p["Name"].as_str().unwrap().contains("(Reconnect)")));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn the_indicator_search_scans_when_salesforce_will_not_filter_and_finds_every_planted_hit() {
    let f = fixture(Config::new("hardening-large")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let mut e = env(&f, Default::default());
    let Finished::Ioc(r) = run(Job::Ioc { since_ms: None }, &mut e).await else { panic!() };
    let r = r.unwrap();
    assert_eq!(r.method, Method::Scanned);
    assert!(r.rows_read >= 200_000, "{}", r.rows_read);
    let hits: Vec<&reconnect_hardening::ioc::Hit> = r.incidents.iter().flat_map(|i| &i.hits).collect();
    let seen = |ind: &str| hits.iter().any(|h| h.indicator == ind);
    assert!(
        seen("3.239.45.43") && seen("44.215.108.109") && seen("208.68.36.90") && seen("185.220.101.33"),
        "{hits:#?}"
    );
    assert!(seen("python-requests/2.32.4") && seen("Salesforce-Multi-Org-Fetcher/1.0"), "event log agents");
    assert!(hits.iter().any(|h| h.user == "drift.integration@acme-practice.example"));
    assert_eq!(r.event_logs, Some(60));
    let notes: Vec<&str> = r.notes.iter().map(|n| n.en.as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("would not filter")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("six months")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("refresh token")), "{notes:?}");
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn where_salesforce_filters_by_address_the_search_asks_it_to_and_the_report_says_everything() {
    let f = fixture(Config::new("hardening-small")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let mut e = env(&f, Default::default());
    let Finished::Ioc(r) = run(Job::Ioc { since_ms: None }, &mut e).await else { panic!() };
    let r = r.unwrap();
    assert_eq!(r.method, Method::Filtered);
    assert_eq!(r.rows_read, 0);
    assert!(r.hits() >= 4);
    let a = audit(&f).await;
    let report = reconnect_hardening::report::build(
        &record.facts,
        record.instance.as_str(),
        Some(&a),
        Some(&r),
        &[],
        &SystemClock.now_text(),
    );
    assert_eq!(report.passed, Some(false));
    let md = report.markdown(Language::En);
    for needle in [
        "Token inventory",
        "Connected-app access",
        "Integration users",
        "Indicators of compromise",
        "Health Check",
        "3.239.45.43",
    ] {
        assert!(md.contains(needle), "{needle}");
    }
    let ja = report.html(Language::Ja);
    assert!(ja.contains("トークン一覧") && ja.contains("lang=\"ja\""));
    for t in delete_tokens(&f) {
        assert!(!md.contains(t.as_str()) && !ja.contains(t.as_str()));
    }
    let _: Value = serde_json::to_value(&r).unwrap();
    f.accounts.sign_out().await.unwrap();
}
