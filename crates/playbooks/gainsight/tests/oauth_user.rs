//! Diagnosing Gainsight's OAuth user against the practice org's scenarios.

use practice_org::Config;
use reconnect_engine::check::CheckStatus;
use reconnect_gainsight::oauth_user::diagnosis::{diagnose, find_users, Frozen, PermissionPath};
use reconnect_gainsight::Error;
use reconnect_testkit::{fixture, sign_in, ADMIN};

const INTEGRATION_USER: &str = "gainsight.integration@acme-practice.example";

fn status(d: &reconnect_gainsight::oauth_user::diagnosis::Diagnosis, id: &str) -> CheckStatus {
    d.check(id).unwrap_or_else(|| panic!("no check {id}")).status
}

#[tokio::test]
async fn after_the_revocation_the_missing_app_and_permission_are_found() {
    let f = fixture(Config::new("production-us-revoked")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let found = find_users(&client, "integration").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].profile.as_deref(), Some("Gainsight Integration"));
    let d = diagnose(&client, INTEGRATION_USER, "GAINSIGHTCSUS").await.unwrap();
    assert!(!d.passed());
    assert_eq!(status(&d, "active"), CheckStatus::Pass);
    assert_eq!(status(&d, "api_enabled"), CheckStatus::Pass);
    assert_eq!(status(&d, "app_installed"), CheckStatus::Fail);
    assert_eq!(status(&d, "approve_uninstalled"), CheckStatus::Fail);
    assert_eq!(status(&d, "pre_authorized"), CheckStatus::NotApplicable);
    assert_eq!(status(&d, "dedicated_user"), CheckStatus::Pass);
    let fail = d.check("approve_uninstalled").unwrap();
    assert!(
        fail.explanation.en.contains("app must be installed into org") && fail.explanation.ja.contains("権限セット")
    );
    // The real describe has no field for it: the Metadata API path, named and explained.
    let approve = d.permission("approve_uninstalled").unwrap();
    assert_eq!((approve.path, approve.granted), (PermissionPath::Metadata, Some(false)));
    assert!(fail.explanation.en.contains("CanApproveUninstalledApps"), "{}", fail.explanation.en);
    assert!(fail.explanation.en.contains("Metadata API") && fail.explanation.en.contains("recommended"));
    assert!(
        fail.evidence.contains("Profile Gainsight Integration: CanApproveUninstalledApps = false"),
        "{}",
        fail.evidence
    );
    assert_eq!(status(&d, "not_frozen"), CheckStatus::Pass);
    let admin = diagnose(&client, ADMIN.0, "GAINSIGHTCSUS").await.unwrap();
    assert_eq!(status(&admin, "dedicated_user"), CheckStatus::Warn);
    assert_eq!(status(&admin, "approve_uninstalled"), CheckStatus::Pass, "System Administrators hold the permission");
    let held = admin.check("approve_uninstalled").unwrap();
    assert!(held.evidence.contains("Profile Admin: CanApproveUninstalledApps = true"), "{}", held.evidence);
    assert!(matches!(
        diagnose(&client, "nobody@acme-practice.example", "GAINSIGHTCSUS").await,
        Err(Error::Engine(reconnect_engine::Error::UserNotFound { .. }))
    ));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_already_fixed_org_passes() {
    let f = fixture(Config::new("already-fixed")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let d = diagnose(&client, INTEGRATION_USER, "GAINSIGHTCSUS").await.unwrap();
    assert!(d.passed(), "{:#?}", d.checks);
    assert_eq!(status(&d, "app_installed"), CheckStatus::Pass);
    assert_eq!(status(&d, "approve_uninstalled"), CheckStatus::NotApplicable);
    // Installed: the permission does not matter, so the Metadata API is not asked.
    let approve = d.permission("approve_uninstalled").unwrap();
    assert_eq!((approve.path, approve.granted, approve.needed), (PermissionPath::Metadata, None, false));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_org_whose_permission_set_has_the_field_is_read_through_rest() {
    let f = fixture(Config::new("production-us-revoked-field")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let d = diagnose(&client, INTEGRATION_USER, "GAINSIGHTCSUS").await.unwrap();
    let approve = d.permission("approve_uninstalled").unwrap();
    assert_eq!((approve.path, approve.granted), (PermissionPath::Field, Some(false)));
    let check = d.check("approve_uninstalled").unwrap();
    assert_eq!(check.evidence, "PermissionsCanApproveUninstalledApps = false");
    assert!(check.explanation.en.contains("PermissionSet field"), "{}", check.explanation.en);
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_user_salesforce_froze_is_found_frozen() {
    let f = fixture(Config::new("integration-user-frozen")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let d = diagnose(&client, INTEGRATION_USER, "GAINSIGHTCSUS").await.unwrap();
    assert!(matches!(d.frozen, Frozen::Yes { .. }), "{:?}", d.frozen);
    let frozen = d.check("not_frozen").unwrap();
    assert_eq!(frozen.status, CheckStatus::Fail);
    assert!(frozen.explanation.en.contains("005318944") && frozen.explanation.ja.contains("凍結"));
    f.accounts.sign_out().await.unwrap();
}
