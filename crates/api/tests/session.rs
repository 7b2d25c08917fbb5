//! The session as the app drives it: the home screen, a playbook's steps with the shared org
//! and sign-in, saved progress, links, confirmations and problems in the admin's language.

use std::cell::RefCell;

use reconnect_api::session::Session;
use reconnect_api::view::{Intent, LinkOutcome, Screen, View};
use reconnect_engine::browser::BrowserOpener;
use reconnect_engine::clipboard::Clipboard;
use reconnect_engine::clock::SystemClock;
use reconnect_engine::connection::ConnectionIntent;
use reconnect_engine::error::Error;
use reconnect_engine::language::Language;
use reconnect_engine::playbook::Effects;
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::salesforce::org_facts::OrgFacts;
use reconnect_engine::salesforce_host::Environment;
use reconnect_engine::view::Navigation;
use serde_json::{json, Value};

/// A browser and a clipboard that record what they were given, and work or fail.
struct Recorder(RefCell<Vec<String>>, bool);

impl BrowserOpener for Recorder {
    fn open(&self, url: &str) -> Result<(), Error> {
        self.0.borrow_mut().push(url.to_string());
        if self.1 {
            Ok(())
        } else {
            Err(Error::BrowserOpen { reason: "no browser".into() })
        }
    }
}

impl Clipboard for Recorder {
    fn write_text(&self, text: &str) -> Result<(), Error> {
        self.0.borrow_mut().push(text.to_string());
        if self.1 {
            Ok(())
        } else {
            Err(Error::ClipboardWrite { reason: "no clipboard".into() })
        }
    }
}

fn with<R>(works: bool, f: impl FnOnce(&Effects<'_>, &Recorder) -> R) -> R {
    let r = Recorder(RefCell::new(Vec::new()), works);
    let fx = Effects { browser: &r, clipboard: &r, clock: &SystemClock };
    f(&fx, &r)
}

fn act(s: &mut Session, intent: Intent) {
    with(true, |fx, _| s.apply(intent, fx));
}

fn answer(s: &mut Session, intent: Value) {
    act(s, Intent::Playbook { intent });
}

fn next(s: &mut Session) {
    act(s, Intent::Navigate { nav: Navigation::Next });
}

fn connection(s: &mut Session, intent: ConnectionIntent) {
    act(s, Intent::Connection { intent });
}

fn screen(v: &View) -> Value {
    match &v.screen {
        Screen::Playbook { screen } => screen.clone(),
        other => panic!("not a playbook screen: {other:?}"),
    }
}

fn gainsight(s: &mut Session) {
    act(s, Intent::OpenPlaybook { playbook: "gainsight".into() });
}

/// A Gainsight admin on the sign-in step of an EU sandbox.
fn at_sign_in(dir: &std::path::Path) -> Session {
    let mut s = Session::open(dir.join("s.json"), Language::En);
    gainsight(&mut s);
    answer(&mut s, json!({ "type": "choose_use_case", "use_case": "data-sync" }));
    next(&mut s);
    answer(&mut s, json!({ "type": "choose_region", "region": "eu" }));
    next(&mut s);
    connection(&mut s, ConnectionIntent::DetectOrg { input: "acme--uat.sandbox.my.salesforce.com".into() });
    next(&mut s);
    s
}

#[test]
fn a_fresh_session_opens_on_the_home_screen_listing_every_playbook() {
    let dir = tempfile::tempdir().unwrap();
    let s = Session::open(dir.path().join("s.json"), Language::Ja);
    let v = s.view();
    let Screen::Home { playbooks } = &v.screen else { panic!("{:?}", v.screen) };
    assert!(playbooks.iter().any(|p| p.id == "gainsight" && p.status.is_none() && !p.when.is_empty()));
    assert!(v.steps.is_empty() && v.playbook.is_none());
}

#[test]
fn progress_survives_a_restart_and_the_home_screen_says_what_is_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut s = Session::open(&path, Language::En);
    gainsight(&mut s);
    answer(&mut s, json!({ "type": "choose_use_case", "use_case": "data-sync" }));
    next(&mut s);
    answer(&mut s, json!({ "type": "choose_region", "region": "eu" }));
    s.set_language(Some(Language::Ja));
    drop(s);
    let mut s = Session::open(&path, Language::En);
    assert_eq!(s.view().current.as_deref(), Some("region"));
    assert_eq!(s.language(), Language::Ja);
    act(&mut s, Intent::OpenHome);
    let Screen::Home { playbooks } = s.view().screen else { panic!() };
    // The use case and the region are answered.
    assert!(playbooks[0].status.as_deref().is_some_and(|t| t.contains("9 ステップ中 2")), "{playbooks:?}");
}

#[test]
fn bad_input_shows_a_problem_in_the_chosen_language_and_the_next_action_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path().join("s.json"), Language::Ja);
    gainsight(&mut s);
    next(&mut s);
    let p = s.view().problem.expect("a problem");
    assert!(!p.what.is_ascii(), "Japanese expected: {}", p.what);
    answer(&mut s, json!({ "type": "choose_use_case", "use_case": "data-sync" }));
    assert!(s.view().problem.is_none());
}

#[test]
fn an_intent_the_playbook_does_not_know_is_a_problem_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path().join("s.json"), Language::En);
    gainsight(&mut s);
    answer(&mut s, json!({ "type": "no_such_thing" }));
    assert!(s.view().problem.is_some());
    act(&mut s, Intent::OpenPlaybook { playbook: "nope".into() });
    assert!(s.view().problem.unwrap().what.contains("nope"));
}

#[test]
fn unknown_region_reason_reaches_the_region_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path().join("s.json"), Language::En);
    gainsight(&mut s);
    answer(&mut s, json!({ "type": "choose_use_case", "use_case": "data-sync" }));
    next(&mut s);
    answer(&mut s, json!({ "type": "detect_region", "input": "gainsight.acme.com" }));
    let screen = screen(&s.view());
    assert!(screen["answer"].is_null());
    assert!(screen["unknown_reason"].as_str().unwrap().contains("Administration"));
}

#[test]
fn corrupt_saved_state_becomes_a_notice_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, "not json").unwrap();
    let s = Session::open(&path, Language::En);
    let notice = s.view().notice.expect("a notice");
    assert!(notice.what.contains("unreadable"), "{}", notice.what);
    assert!(matches!(s.view().screen, Screen::Home { .. }));
}

#[test]
fn the_org_and_sign_in_steps_are_the_engines_and_belong_to_their_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    let v = s.view();
    assert_eq!(v.current.as_deref(), Some("sign_in"));
    let Screen::SignIn(sign_in) = &v.screen else { panic!("{:?}", v.screen) };
    assert_eq!(sign_in.target, "acme--uat.sandbox.my.salesforce.com");
    assert!(matches!(v.primary, reconnect_engine::view::Primary::SignIn { waiting: false }));
    // An org answer belongs to the org step only.
    connection(&mut s, ConnectionIntent::DetectOrg { input: "acme.my.salesforce.com".into() });
    assert!(s.view().problem.is_some());
    act(&mut s, Intent::Navigate { nav: Navigation::Back });
    let Screen::Org(org) = s.view().screen else { panic!() };
    assert_eq!(org.host.as_deref(), Some("acme--uat.sandbox.my.salesforce.com"));
    assert_eq!(org.practice_choices.len(), 2);
}

#[test]
fn opening_and_copying_use_the_links_the_playbook_built_and_confirm_or_explain() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    next(&mut s);
    next(&mut s);
    assert_eq!(s.view().current.as_deref(), Some("install"));
    let copied = with(true, |fx, r| {
        s.apply(Intent::Playbook { intent: json!({ "type": "open_install_link" }) }, fx);
        s.apply(Intent::Playbook { intent: json!({ "type": "copy_install_link", "kind": "generic" }) }, fx);
        r.0.borrow().clone()
    });
    assert_eq!(
        copied,
        vec![
            "https://acme--uat.sandbox.my.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz".to_string(),
            "https://test.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz".to_string(),
        ]
    );
    assert!(s.view().confirmation.unwrap().contains("copied"));
    with(false, |fx, _| s.apply(Intent::Playbook { intent: json!({ "type": "open_install_link" }) }, fx));
    let v = s.view();
    assert!(v.confirmation.is_none());
    assert!(v.problem.unwrap().next.contains("Copy"));
}

fn facts() -> OrgFacts {
    OrgFacts {
        org_id: "00D5g00000PRACTEA5".into(),
        name: "Acme".into(),
        instance_name: "NA224".into(),
        organization_type: "Enterprise Edition".into(),
        environment: Environment::Production,
        username: "admin@acme-practice.example".into(),
        endpoints: vec![],
        status_url: String::new(),
    }
}

#[test]
fn a_practice_org_sign_in_does_not_outlive_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    let record = reconnect_engine::accounts::SessionRecord {
        identity: reconnect_engine::salesforce::tokens::Identity {
            org_id: reconnect_engine::salesforce_id::SalesforceId::parse("00D5g00000PRACTEA5").unwrap(),
            user_id: reconnect_engine::salesforce_id::SalesforceId::parse("0055g00000ADMIN").unwrap(),
        },
        username: "admin@acme-practice.example".into(),
        instance: InstanceUrl::parse("http://127.0.0.1:4100").unwrap(),
        client_id: "PlatformCLI".into(),
        facts: facts(),
    };
    s.sign_in_finished(Ok(record));
    assert!(s.state().connection.signed_in().is_some());
    s.sync_signed_in(None);
    assert!(s.state().connection.signed_in().is_none());
}

const NOW: i64 = 1_795_000_000;

fn link(rest: &str) -> String {
    format!("reconnect://wizard?v=1&exp={}{rest}", NOW + 3600)
}

#[test]
fn a_refused_link_says_why_and_leaves_saved_progress_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    let before = std::fs::read(dir.path().join("s.json")).unwrap();
    for bad in [
        link("&org=https://evil.example"),
        link("&region=eu&region=us1"),
        link("&playbook=unknown"),
        "reconnect://wizard?v=1&exp=1".into(),
    ] {
        assert_eq!(s.open_link(bad.as_bytes(), NOW), LinkOutcome::Refused, "{bad}");
        assert!(s.view().problem.is_some());
        assert_eq!(s.view().current.as_deref(), Some("sign_in"));
    }
    assert_eq!(std::fs::read(dir.path().join("s.json")).unwrap(), before);
}

#[test]
fn a_link_that_would_replace_answers_waits_for_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    let other = link("&region=us1&step=region");
    assert_eq!(s.open_link(other.as_bytes(), NOW), LinkOutcome::Pending);
    let pending = s.view().pending_link.expect("waiting");
    assert_eq!(pending.changes.len(), 1);
    assert_eq!((pending.changes[0].from.as_str(), pending.changes[0].to.as_str()), ("EU", "US1"));
    assert!(!pending.from.verified);
    s.dismiss_pending_link();
    assert!(s.view().pending_link.is_none());
    assert_eq!(screen_region(&mut s), "eu");
    assert_eq!(s.open_link(other.as_bytes(), NOW), LinkOutcome::Pending);
    s.accept_pending_link();
    assert_eq!(s.view().current.as_deref(), Some("region"));
    assert_eq!(screen(&s.view())["answer"]["regions"][0], "US1");
    let prefill = s.view().prefill.expect("who filled it in");
    assert!(!prefill.verified);
}

fn screen_region(s: &mut Session) -> String {
    let saved = &s.state().playbooks["gainsight"];
    saved["region"]["region"].as_str().unwrap().to_string()
}

#[test]
fn a_link_on_a_fresh_session_fills_in_takes_its_language_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let mut s = Session::open(&path, Language::En);
    // A link from before playbooks: no playbook field opens the Gainsight playbook.
    let l = link("&use=data-sync&region=us2&env=sandbox&step=sign-in&lang=ja&ticket=CS-1");
    assert_eq!(s.open_link(l.as_bytes(), NOW), LinkOutcome::Applied);
    assert_eq!(s.view().playbook.as_deref(), Some("gainsight"));
    assert_eq!(s.view().current.as_deref(), Some("sign_in"));
    assert_eq!(s.view().language, Language::Ja);
    drop(s);
    let s = Session::open(&path, Language::En);
    assert_eq!(s.view().current.as_deref(), Some("sign_in"));
    assert_eq!(s.view().prefill.unwrap().ticket.as_deref(), Some("CS-1"));
}

#[test]
fn share_copies_a_link_of_the_answers_that_opens_the_same_playbook_and_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = at_sign_in(dir.path());
    let shared = with(true, |_, r| {
        let shared = s.share(r, NOW).unwrap();
        assert_eq!(r.0.borrow().as_slice(), std::slice::from_ref(&shared));
        shared
    });
    assert!(shared.contains("playbook=gainsight"), "{shared}");
    assert_eq!(s.view().shared_link.as_deref(), Some(shared.as_str()));
    assert!(s.view().confirmation.is_some());
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = Session::open(other_dir.path().join("s.json"), Language::En);
    assert_eq!(other.open_link(shared.as_bytes(), NOW), LinkOutcome::Applied);
    assert_eq!(other.view().current.as_deref(), Some("sign_in"));
    assert_eq!(other.state().connection.org(), s.state().connection.org());
    assert_eq!(other.state().playbooks["gainsight"]["region"], s.state().playbooks["gainsight"]["region"]);
}
