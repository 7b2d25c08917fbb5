//! The readiness playbook end to end over loopback HTTP against the practice org, with the
//! real keychain: the Modify All Data holders through each path with each warning, a single
//! holder, and the runbook naming every integration of the token inventory.

use std::sync::Arc;

use practice_org::Config;
use reconnect_engine::clock::SystemClock;
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::Journal;
use reconnect_engine::language::Language;
use reconnect_readiness::contacts::{Contacts, Grant, Warning};
use reconnect_readiness::ops::{run, Finished, Job};
use reconnect_readiness::runbook::{document, Runbook};
use reconnect_readiness::steps::SubscriptionCheck;
use reconnect_testkit::{fixture, sign_in, Fixture, ADMIN};

fn env(f: &Fixture) -> JobEnv {
    JobEnv {
        accounts: f.accounts.clone(),
        journal: Journal::in_dir(f._dir.path()),
        clock: Arc::new(SystemClock),
        progress: Box::new(|_| {}),
        browser: Arc::new(reconnect_engine::browser::SystemBrowser),
    }
}

async fn contacts(f: &Fixture) -> Contacts {
    let Finished::Contacts(c) = run(Job::Contacts, &mut env(f)).await else { panic!("contacts") };
    c.unwrap()
}

#[tokio::test]
async fn every_modify_all_data_holder_is_found_through_profile_set_and_group_with_each_warning() {
    let f = fixture(Config::new("hardening-large")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let c = contacts(&f).await;
    let holder = |u: &str| c.holders.iter().find(|h| h.username == u).unwrap_or_else(|| panic!("{u}: {c:#?}"));
    assert!(
        matches!(&holder("admin@acme-practice.example").grants[..], [Grant::Profile { name }] if name == "System Administrator")
    );
    assert!(holder("admin@acme-practice.example").warnings.is_empty());
    assert!(
        matches!(&holder("security.lead@acme-practice.example").grants[..], [Grant::PermissionSet { name }] if name == "Security Admin")
    );
    assert!(
        matches!(&holder("platform.admin@acme-practice.example").grants[..], [Grant::Group { name }] if name == "Platform Admins")
    );
    assert!(
        matches!(holder("former.admin@acme-practice.example").warnings[..], [Warning::Inactive { days }] if days >= 199)
    );
    assert_eq!(holder("notifications@acme-practice.example").warnings, vec![Warning::NeverLoggedIn, Warning::NoReply]);
    assert_eq!(
        holder("consultant@acme-practice.example").warnings,
        vec![Warning::OutsideDomains { domain: "partner-consulting.example".into() }]
    );
    assert_eq!(holder("it.admins@acme-practice.example").warnings, vec![Warning::Shared]);
    // Users without Modify All Data are not listed.
    assert!(c.holders.iter().all(|h| !h.username.starts_with("gainsight.") && !h.username.starts_with("user0")));
    assert_eq!(c.domains, vec!["acme-practice.example".to_string()]);
    assert!(!c.only_one());
    // Those with warnings come first.
    assert!(!c.holders[0].warnings.is_empty());
}

#[tokio::test]
async fn an_org_with_one_holder_is_told_so() {
    let f = fixture(Config::new("already-fixed")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let c = contacts(&f).await;
    assert!(c.only_one(), "{c:#?}");
    assert!(c.findings() >= 1);
}

#[tokio::test]
async fn the_runbook_names_every_integration_of_the_token_inventory() {
    let f = fixture(Config::new("hardening-large")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let Finished::Runbook(r) = run(Job::Runbook, &mut env(&f)).await else { panic!("runbook") };
    let runbook: Box<Runbook> = r.unwrap();
    let apps: std::collections::BTreeSet<String> =
        f.org.snapshot().all("OauthToken").iter().filter_map(|t| t["AppName"].as_str().map(str::to_string)).collect();
    assert_eq!(runbook.integrations.len(), apps.len());
    let gainsight = runbook.integrations.iter().find(|i| i.app == "GAINSIGHTCSUS").unwrap();
    assert_eq!(gainsight.playbook.as_deref(), Some("gainsight"));
    assert_eq!(gainsight.integration_users, vec!["gainsight.integration@acme-practice.example".to_string()]);
    let doc = document(&record.facts, record.instance.as_str(), &runbook, None, &SubscriptionCheck::None, "2026-12-01");
    for l in [Language::En, Language::Ja] {
        let md = doc.markdown(l);
        for app in &apps {
            assert!(md.contains(app.as_str()), "{app} missing from the {l:?} runbook");
        }
        assert!(md.contains("NA224") && md.contains("status.salesforce.com/instances/NA224"));
        assert!(md.contains("noreply@acme-practice.example"), "who to call");
    }
    assert!(doc.markdown(Language::En).contains("reconnect revoke --app \"Partner App 01\""));
    assert!(doc.html(Language::Ja).contains("lang=\"ja\""));
}
