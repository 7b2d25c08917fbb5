//! The reconnection end to end over loopback HTTP against the practice org, with the real
//! keychain: diagnose, fix with journal and undo (also cut off halfway), install through the
//! Tooling API and through the link, the connector's token use, verification and the report.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use practice_org::Config;
use reconnect_engine::check::CheckStatus;
use reconnect_engine::clock::{Clock, SystemClock};
use reconnect_engine::journal::{Event, Journal};
use reconnect_engine::keychain::SecretStore;
use reconnect_engine::language::Language;
use reconnect_engine::progress::{Polling, Progress};
use reconnect_engine::secret::Secret;
use reconnect_engine::undo::{self, How};
use reconnect_gainsight::catalog::{Catalog, UseCase};
use reconnect_gainsight::gainsight::{check_tenant, GainsightTenant};
use reconnect_gainsight::oauth_user::diagnosis::diagnose;
use reconnect_gainsight::oauth_user::fix::{self, Change};
use reconnect_gainsight::package::api_install::install_via_api;
use reconnect_gainsight::package::installed::PackageState;
use reconnect_gainsight::package::watch::watch_for_install;
use reconnect_gainsight::region::Region;
use reconnect_gainsight::verify::verify;
use reconnect_gainsight::Error;
use reconnect_testkit::{fixture, reauthorize_in_gainsight, sign_in, Fixture, ADMIN, INTEGRATION};
use serde_json::Value;

const FAST: Polling = Polling { interval: Duration::from_millis(100), timeout: Duration::from_secs(30) };

fn us_edition() -> &'static reconnect_gainsight::catalog::PackageEdition {
    Catalog::shipped().package_for(UseCase::DataSync).edition_for(Some(Region::Us1)).unwrap()
}

fn rows(f: &Fixture, object: &str) -> Vec<Value> {
    f.org.snapshot().all(object).iter().map(|r| Value::Object(r.clone())).collect()
}

fn recorder() -> (Arc<Mutex<Vec<Progress>>>, impl FnMut(Progress) + Send) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (seen, move |p| s.lock().unwrap().push(p))
}

#[tokio::test]
async fn the_revoked_org_is_fixed_installed_verified_and_reported_then_a_rerun_changes_nothing_and_undo_restores_it() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let before_sets = rows(&f, "PermissionSet");
    let before_assignments = rows(&f, "PermissionSetAssignment");

    let (d, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert_eq!(d.check("approve_uninstalled").unwrap().status, CheckStatus::Fail);
    // The real describe has no field for the permission: the set is made through the Metadata API.
    assert!(matches!(&plan.changes[..], [
        Change::CreatePermissionSetMetadata { user_permissions, .. },
        Change::Assign { .. },
    ] if user_permissions == &vec!["CanApproveUninstalledApps".to_string()]));
    let preview = plan.preview();
    assert_eq!(preview[0].object, "PermissionSet");
    assert!(preview[0].fields.contains(&("userPermissions CanApproveUninstalledApps".into(), "true".into())));
    assert!(preview[0].action.en.contains("Metadata API"));
    assert!(preview[1].fields.iter().any(|(k, v)| k == "AssigneeId" && v.starts_with("0055g00000GSINT")));

    let outcome = fix::apply(&client, &plan, &journal, &SystemClock, &record.username).await.unwrap();
    assert!(outcome.failure.is_none());
    assert_eq!(outcome.applied.len(), 2);
    assert!(diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().passed());
    let (_, again) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert!(again.changes.is_empty(), "a second run changes nothing: {:?}", again.changes);

    let (seen, mut progress) = recorder();
    let state = install_via_api(&client, us_edition(), FAST, &mut progress).await.unwrap();
    assert!(matches!(&state, PackageState::Current { installed } if installed.name == "Gainsight CS US Connected App"));
    let seen = seen.lock().unwrap().clone();
    assert!(matches!(seen[0], Progress::Requested { .. }));
    assert!(seen.iter().any(|p| matches!(p, Progress::Waiting { status, .. } if status == "IN_PROGRESS")));

    let reauthorization_started = SystemClock.now_ms();
    let not_yet =
        verify(&client, INTEGRATION.0, us_edition(), Some(reauthorization_started), &SystemClock).await.unwrap();
    assert!(!not_yet.passed());
    assert_eq!(not_yet.checks.iter().find(|c| c.id == "token_used").unwrap().status, CheckStatus::Fail);

    tokio::time::sleep(Duration::from_millis(20)).await;
    let page = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(page.contains("Authorized"), "{page}");
    let v = verify(&client, INTEGRATION.0, us_edition(), Some(reauthorization_started), &SystemClock).await.unwrap();
    assert!(v.passed(), "{:#?}", v.checks);
    assert_eq!(v.round_trips, 2, "package, permissions and token use in two round trips");
    assert!(v.token.as_ref().unwrap().use_count >= 1);
    assert_eq!(v.checks.iter().find(|c| c.id == "ui_package").unwrap().status, CheckStatus::Pass);

    let entries = journal.for_org(&org.to_string()).unwrap();
    assert!(entries
        .iter()
        .all(|e| e.by == ADMIN.0 && e.user.as_deref().is_some_and(|u| u.starts_with("0055g00000GSINT"))));
    let report = reconnect_gainsight::report::build(
        &record.facts,
        record.instance.as_str(),
        Some(&v),
        &entries,
        None,
        &SystemClock.now_text(),
    );
    let md = report.markdown(Language::En);
    let html = report.html(Language::Ja);
    assert!(md.contains("Verified") && md.contains("Gainsight CS US Connected App 1.0.0.1") && md.contains("created"));
    assert!(html.starts_with("<!doctype html>") && html.contains("lang=\"ja\"") && html.contains("確認済み"));
    let stored = f.keychain.get(&record.keychain_account()).ok().flatten();
    for text in [&md, &html, &std::fs::read_to_string(journal.path()).unwrap()] {
        assert!(!text.contains("!AQ"), "no access token in reports or the journal");
        if let Some(s) = &stored {
            assert!(!text.contains(s.expose()));
        }
    }

    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert!(undone.failure.is_none());
    assert_eq!(
        undone.undone.iter().map(|u| (u.object.as_str(), u.how)).collect::<Vec<_>>(),
        vec![("PermissionSetAssignment", How::Deleted), ("PermissionSet", How::Deleted),]
    );
    assert_eq!(rows(&f, "PermissionSet").len(), before_sets.len());
    assert_eq!(rows(&f, "PermissionSetAssignment"), before_assignments);
    assert!(journal.live(&org.to_string()).unwrap().is_empty());
    let nothing = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert!(nothing.undone.is_empty(), "a second undo has nothing to do");
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_fix_cut_off_by_the_request_limit_is_journaled_finished_by_a_rerun_and_undone_completely() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let (_, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    // Two more API requests are served: the permission set is created through the Metadata API
    // and found by its name; its assignment is refused.
    f.org.set_request_limit(Some(f.org.api_requests() + 2));
    let outcome = fix::apply(&client, &plan, &journal, &SystemClock, &record.username).await.unwrap();
    assert_eq!(outcome.applied.len(), 1);
    assert!(matches!(
        outcome.failure,
        Some((Change::Assign { .. }, Error::Engine(reconnect_engine::Error::RequestLimit)))
    ));
    let entries = journal.for_org(&org.to_string()).unwrap();
    assert_eq!(
        entries.iter().map(|e| e.event).collect::<Vec<_>>(),
        vec![Event::Intent, Event::Created, Event::Intent, Event::Failed]
    );
    assert_eq!(journal.live(&org.to_string()).unwrap().len(), 1);

    f.org.set_request_limit(None);
    let (_, rest) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert!(matches!(&rest.changes[..], [Change::Assign { .. }]), "the rerun only finishes: {:?}", rest.changes);
    let finished = fix::apply(&client, &rest, &journal, &SystemClock, &record.username).await.unwrap();
    assert!(finished.failure.is_none(), "{:?}", finished.failure);
    let d = diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert!(d.passed(), "{:#?}", d.checks);

    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert_eq!(undone.undone.len(), 2);
    assert!(!rows(&f, "PermissionSet").iter().any(|p| p["Name"] == "Gainsight_OAuth_User_Reconnect"));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_user_without_manage_users_is_refused_and_nothing_changes() {
    let f = fixture(Config::new("production-us-revoked")).await;
    // The integration user signs in through the practice org's installed client.
    let server = reconnect_engine::salesforce::instance::InstanceUrl::parse(f.org.url()).unwrap();
    let settings =
        reconnect_engine::oauth::settings::SignInSettings { client_id: "reconnect-practice".into(), port: 0 };
    let sign_in = f.accounts.begin(&server, &settings).await.unwrap();
    let page = tokio::spawn(reconnect_testkit::browser(
        sign_in.authorize_url().to_string(),
        (INTEGRATION.0.to_string(), INTEGRATION.1.to_string()),
    ));
    let record = f.accounts.complete(sign_in, &settings, Duration::from_secs(30)).await.unwrap();
    page.await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let (d, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    // The Metadata API refuses a user without Modify All Data: the permission is unknown, and
    // the plan says so instead of guessing.
    assert_eq!(d.check("approve_uninstalled").unwrap().status, CheckStatus::Warn);
    assert!(d.check("approve_uninstalled").unwrap().evidence.contains("INSUFFICIENT_ACCESS"));
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert!(plan.cannot_fix.iter().any(|t| t.en.contains("Metadata API") && t.ja.contains("メタデータ API")));
    // A write the user may not make is refused by the org, and nothing changes.
    let sets = rows(&f, "PermissionSet");
    let refused_plan = fix::FixPlan {
        changes: vec![Change::CreatePermissionSet {
            name: "Gainsight_OAuth_User_Reconnect".into(),
            label: "Gainsight OAuth user (Reconnect)".into(),
            description: "probe".into(),
            permissions: vec!["PermissionsApiEnabled".into()],
        }],
        ..plan
    };
    let outcome = fix::apply(&client, &refused_plan, &journal, &SystemClock, &record.username).await.unwrap();
    let (_, error) = outcome.failure.expect("refused");
    assert!(matches!(error, Error::Engine(reconnect_engine::Error::InsufficientAccess { .. })), "{error:?}");
    assert!(error.user_message().next.en.contains("admin"));
    assert_eq!(rows(&f, "PermissionSet"), sets);
    assert!(journal.live(&org.to_string()).unwrap().is_empty());
    let refused = install_via_api(&client, us_edition(), FAST, &mut |_| {}).await;
    assert!(matches!(refused, Err(Error::Engine(reconnect_engine::Error::InsufficientAccess { .. }))), "{refused:?}");
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_admin_approved_app_gets_a_grant_and_api_enabled_and_an_inactive_user_is_explained() {
    let f = fixture(Config::new("app-admin-approved")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let (d, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert_eq!(d.check("api_enabled").unwrap().status, CheckStatus::Fail);
    assert_eq!(d.check("pre_authorized").unwrap().status, CheckStatus::Fail);
    assert_eq!(d.check("approve_uninstalled").unwrap().status, CheckStatus::NotApplicable);
    assert!(matches!(&plan.changes[..], [
        Change::CreatePermissionSet { permissions, .. },
        Change::Assign { .. },
        Change::GrantApp { .. },
    ] if permissions == &vec!["PermissionsApiEnabled".to_string()]));
    // Before the fix the connector is refused by Salesforce for a real reason.
    let refused = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(refused.contains("admin approved"), "{refused}");
    let outcome = fix::apply(&client, &plan, &journal, &SystemClock, &record.username).await.unwrap();
    assert!(outcome.failure.is_none());
    assert!(diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().passed());
    let page = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(page.contains("Authorized"), "{page}");

    let (former, former_plan) =
        fix::plan(&client, &org, "former.integration@acme-practice.example", "GAINSIGHTCSUS").await.unwrap();
    assert_eq!(former.check("active").unwrap().status, CheckStatus::Fail);
    assert!(former_plan.cannot_fix.iter().any(|t| t.en.contains("inactive")));

    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert_eq!(undone.undone.len(), 3);
    assert!(rows(&f, "SetupEntityAccess").is_empty());
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn install_errors_and_timeouts_say_what_to_do_next() {
    let f = fixture(Config::new("install-fails")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let failed = install_via_api(&client, us_edition(), FAST, &mut |_| {}).await;
    let Err(Error::InstallFailed { message }) = &failed else { panic!("{failed:?}") };
    assert!(message.contains("can't be installed"), "{message}");
    assert!(failed.unwrap_err().user_message().next.en.contains("through the link"));
    f.accounts.sign_out().await.unwrap();

    let f = fixture(Config::new("production-us-revoked")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let short = Polling { interval: Duration::from_millis(100), timeout: Duration::from_millis(300) };
    let timed_out = install_via_api(&client, us_edition(), short, &mut |_| {}).await;
    assert!(matches!(timed_out, Err(Error::InstallTimedOut { minutes: 1 })), "{timed_out:?}");
    let not_seen = watch_for_install(&client, us_edition(), short, &mut |_| {}).await;
    assert!(matches!(not_seen, Err(Error::PackageNotSeen { .. })), "{not_seen:?}");
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn watching_sees_the_package_an_admin_installs_through_the_link() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let link = reconnect_gainsight::reconnection::install_link_for(Catalog::shipped(), &record, us_edition());
    assert!(link.url.starts_with(f.org.url()) && link.url.contains("p0=04tg50000000tZD"), "{}", link.url);
    let admin = tokio::spawn(reconnect_testkit::install_through_link(link.url.clone(), ADMIN));
    let (seen, mut progress) = recorder();
    let state = watch_for_install(&client, us_edition(), FAST, &mut progress).await.unwrap();
    admin.await.unwrap();
    assert!(state.ok());
    assert!(seen.lock().unwrap().iter().any(|p| matches!(p, Progress::Waiting { status, .. } if status == "NOT_YET")));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_old_token_fails_the_used_since_check_and_the_gainsight_key_is_checked() {
    let f = fixture(Config::new("already-fixed")).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let v = verify(&client, INTEGRATION.0, us_edition(), Some(SystemClock.now_ms()), &SystemClock).await.unwrap();
    let token = v.checks.iter().find(|c| c.id == "token_used").unwrap();
    assert_eq!(token.status, CheckStatus::Fail);
    assert!(token.explanation.en.contains("not used since"), "{}", token.explanation.en);
    let without_since = verify(&client, INTEGRATION.0, us_edition(), None, &SystemClock).await.unwrap();
    assert!(without_since.passed(), "{:#?}", without_since.checks);

    let tenant = GainsightTenant::parse(f.org.url()).unwrap();
    let key = f.org.gainsight_access_key().to_string();
    tenant.store_key(f.keychain.as_ref(), &Secret::new(&key)).unwrap();
    let stored = tenant.stored_key(f.keychain.as_ref()).unwrap().unwrap();
    assert_eq!(check_tenant(&tenant, &stored).await.unwrap().records, 1);
    assert!(matches!(check_tenant(&tenant, &Secret::new("wrong")).await, Err(Error::GainsightAccessKey)));
    f.keychain.delete(&tenant.keychain_account()).unwrap();
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_org_with_the_permission_field_is_fixed_through_rest_and_undone() {
    let f = fixture(Config::new("production-us-revoked-field")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let (_, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert!(matches!(&plan.changes[..], [
        Change::CreatePermissionSet { permissions, .. },
        Change::Assign { .. },
    ] if permissions == &vec!["PermissionsCanApproveUninstalledApps".to_string()]));
    let outcome = fix::apply(&client, &plan, &journal, &SystemClock, &record.username).await.unwrap();
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let d = diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert_eq!(d.check("approve_uninstalled").unwrap().status, CheckStatus::Pass);
    assert!(fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().1.changes.is_empty());
    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert_eq!(undone.undone.len(), 2);
    assert_eq!(
        diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().check("approve_uninstalled").unwrap().status,
        CheckStatus::Fail
    );
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_frozen_user_is_unfrozen_with_a_preview_and_undo_freezes_it_again() {
    let f = fixture(Config::new("integration-user-frozen")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    // Frozen: the connector cannot sign in as the user.
    let refused = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(!refused.contains("Authorized"), "{refused}");
    let (_, plan) = fix::plan(&client, &org, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap();
    assert!(matches!(&plan.changes[..], [Change::Unfreeze { .. }]), "{:?}", plan.changes);
    let preview = plan.preview();
    assert_eq!(preview[0].object, "UserLogin");
    assert!(preview[0].fields.contains(&("IsFrozen".into(), "true → false".into())));
    let outcome = fix::apply(&client, &plan, &journal, &SystemClock, &record.username).await.unwrap();
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    assert!(diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().passed());
    let page = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(page.contains("Authorized"), "{page}");
    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert_eq!(
        undone.undone.iter().map(|u| (u.object.as_str(), u.how)).collect::<Vec<_>>(),
        vec![("UserLogin", How::Restored)]
    );
    assert_eq!(
        diagnose(&client, INTEGRATION.0, "GAINSIGHTCSUS").await.unwrap().check("not_frozen").unwrap().status,
        CheckStatus::Fail
    );
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn one_plan_finds_the_oauth_user_installs_the_package_and_fixes_the_user_and_undo_restores_the_user() {
    use reconnect_gainsight::oauth_user::candidates::Evidence;
    use reconnect_gainsight::whole_plan::{self, Apply, UserSource};
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let journal = Journal::in_dir(f._dir.path());
    let org = record.identity.org_id.clone();
    let before_assignments = rows(&f, "PermissionSetAssignment");

    // Nobody named the user: the org points at exactly one.
    let plan = whole_plan::plan(&client, &org, None, us_edition()).await.unwrap();
    let (user, source) = plan.user.clone().expect("the org leaves no doubt");
    assert_eq!(user, INTEGRATION.0);
    assert!(matches!(&source, UserSource::Found(e) if e.contains(&Evidence::NamedGainsight)), "{source:?}");
    let candidates = plan.candidates.as_ref().unwrap();
    assert!(candidates.users.iter().all(|c| c.user.username != ADMIN.0), "the admin is no candidate");
    assert!(plan.installs() && plan.has_changes() && plan.grant_may_follow());
    assert!(!plan.fix.as_ref().unwrap().changes.is_empty());

    let (seen, mut progress) = recorder();
    let apply = Apply {
        plan: &plan,
        edition: us_edition(),
        polling: FAST,
        journal: &journal,
        clock: &SystemClock,
        by: &record.username,
    };
    let outcome = whole_plan::apply(&client, &org, apply, &mut progress).await.unwrap();
    assert!(outcome.package.0.ok(), "{:?}", outcome.package);
    assert!(outcome.diagnosis.passed(), "{:#?}", outcome.diagnosis.checks);
    assert!(seen.lock().unwrap().iter().any(|p| matches!(p, Progress::Requested { .. })), "the install has progress");
    assert!(!journal.live(&org.to_string()).unwrap().is_empty(), "the user's changes are journaled");

    let again = whole_plan::plan(&client, &org, Some(user), us_edition()).await.unwrap();
    assert!(!again.has_changes(), "applied once, nothing is left: {:?}", again.fix);
    assert_eq!(again.user.unwrap().1, UserSource::Given);

    let undone = undo::undo(&client, &journal, &SystemClock, "gainsight", &org, &record.username).await.unwrap();
    assert!(undone.failure.is_none());
    assert_eq!(rows(&f, "PermissionSetAssignment"), before_assignments);
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn when_an_admin_also_authorized_the_connector_the_plan_names_neither_token_holder_and_plans_for_the_one_picked()
{
    use reconnect_gainsight::oauth_user::candidates::Evidence;
    use reconnect_gainsight::whole_plan::{self, UserSource};
    let f = fixture(Config::new("already-fixed")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let org = record.identity.org_id.clone();
    // Both hold a token of the Gainsight app: someone once connected Gainsight as themselves.
    for user in [INTEGRATION, ADMIN] {
        let page = reauthorize_in_gainsight(f.org.url(), user).await;
        assert!(page.contains("Authorized"), "{page}");
    }

    let plan = whole_plan::plan(&client, &org, None, us_edition()).await.unwrap();
    assert!(plan.user.is_none(), "two token holders leave a doubt: {:?}", plan.user);
    let candidates = plan.candidates.as_ref().unwrap();
    assert!(candidates.clear.is_none());
    let holders: Vec<&str> = candidates
        .users
        .iter()
        .filter(|c| c.evidence.contains(&Evidence::HoldsToken))
        .map(|c| c.user.username.as_str())
        .collect();
    assert_eq!(holders.len(), 2, "{candidates:?}");
    assert!(holders.contains(&INTEGRATION.0) && holders.contains(&ADMIN.0), "{holders:?}");
    assert!(plan.fix.is_none(), "no user's fix is planned before the admin picks: {:?}", plan.fix);

    let picked = whole_plan::plan(&client, &org, Some(INTEGRATION.0.to_string()), us_edition()).await.unwrap();
    assert_eq!(picked.user, Some((INTEGRATION.0.to_string(), UserSource::Given)));
    assert!(!picked.has_changes(), "the picked user is already fixed: {:?}", picked.fix);
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn an_org_that_refuses_to_filter_tokens_by_app_leaves_the_token_out_and_still_finds_the_user_by_name() {
    use reconnect_gainsight::oauth_user::candidates::Evidence;
    use reconnect_gainsight::whole_plan::{self, UserSource};
    let mut config = Config::new("already-fixed");
    config.faults.unfilterable = vec![("OauthToken", "AppName")];
    let f = fixture(config).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let page = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(page.contains("Authorized"), "{page}");

    let plan = whole_plan::plan(&client, &record.identity.org_id, None, us_edition()).await.unwrap();
    let (user, source) = plan.user.clone().expect("the one user named Gainsight");
    assert_eq!(user, INTEGRATION.0);
    assert!(
        matches!(&source, UserSource::Found(e) if !e.contains(&Evidence::HoldsToken) && e.contains(&Evidence::NamedGainsight)),
        "{source:?}"
    );
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn once_the_connector_holds_a_token_its_user_is_found_by_the_token_and_nothing_is_left_to_change() {
    use reconnect_gainsight::oauth_user::candidates::Evidence;
    use reconnect_gainsight::whole_plan::{self, UserSource};
    let f = fixture(Config::new("already-fixed")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let page = reauthorize_in_gainsight(f.org.url(), INTEGRATION).await;
    assert!(page.contains("Authorized"), "{page}");

    let plan = whole_plan::plan(&client, &record.identity.org_id, None, us_edition()).await.unwrap();
    let (user, source) = plan.user.clone().expect("the token's holder");
    assert_eq!(user, INTEGRATION.0);
    assert!(matches!(&source, UserSource::Found(e) if e.first() == Some(&Evidence::HoldsToken)), "{source:?}");
    assert!(!plan.has_changes(), "the Salesforce side is done: {:?}", plan.fix);
    assert!(plan.preview(us_edition()).is_empty());
    f.accounts.sign_out().await.unwrap();
}
