//! The Zendesk playbook's jobs against the practice Zendesk over loopback, as the app and the
//! CLI run them: sign in by OAuth through the browser, read the installations against the 2019
//! cutoff, rotate two of them (the values reach Zendesk and nowhere else), read the tokens,
//! revoke one, and the report; a rate limit shows as progress; an agent is refused.

use std::sync::{Arc, Mutex};

use practice_org::zendesk::ZendeskConfig;
use reconnect_engine::accounts::Accounts;
use reconnect_engine::clock::SystemClock;
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::{Event, Journal};
use reconnect_engine::language::Language;
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::progress::Progress;
use reconnect_engine::secret::Secret;
use reconnect_engine::zendesk::ZendeskBase;
use reconnect_testkit::{zendesk_fixture, ZendeskFixture, ZendeskFormBrowser};
use reconnect_zendesk::data::Cutoff;
use reconnect_zendesk::ops::{run, Finished, Job};
use reconnect_zendesk::rotation;
use reconnect_zendesk::steps::State;
use reconnect_zendesk::work::Work;

fn env(f: &ZendeskFixture, who: &str, seen: Arc<Mutex<Vec<Progress>>>) -> JobEnv {
    let user = f.zendesk.users().into_iter().find(|u| u.email == who).unwrap();
    JobEnv {
        accounts: Accounts::new(f.dir.path(), f.keychain.clone()),
        journal: Journal::in_dir(f.dir.path()),
        clock: Arc::new(SystemClock),
        progress: Box::new(move |p| seen.lock().unwrap().push(p)),
        browser: Arc::new(ZendeskFormBrowser { email: user.email, password: user.password }),
    }
}

async fn sign_in(f: &ZendeskFixture, env: &mut JobEnv) {
    let base = ZendeskBase::loopback(f.zendesk.url()).unwrap();
    let settings = SignInSettings { client_id: f.zendesk.reconnect_client_id().into(), port: 0 };
    match run(Job::sign_in(base, settings), env).await {
        Finished::SignedIn(Ok(_)) => {}
        other => panic!("{other:?}"),
    }
}

const NEW_JIRA: &str = "rotated-jira-password-7Hq2";
const NEW_SLACK: &str = "https://hooks.slack.example/services/rotated-8Kp3";

#[tokio::test]
async fn an_admin_finds_rotates_two_installations_revokes_a_token_and_no_value_is_kept() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut env = env(&f, "admin@acme-practice.example", seen.clone());
    sign_in(&f, &mut env).await;
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|p| matches!(p, Progress::Waiting { status, .. } if status.contains("/oauth/authorizations/new"))));

    let Finished::Apps(Ok(inventory)) =
        run(Job::ReadApps { cutoff: Cutoff::parse("2016-11-01").unwrap() }, &mut env).await
    else {
        panic!("apps")
    };
    let flagged: Vec<u64> = inventory.apps.iter().filter(|a| a.flagged).map(|a| a.id).collect();
    assert_eq!(flagged, [187701, 187702, 187703], "the 2015 and early-2016 installations with secure settings");
    assert!(!inventory.app(187703).unwrap().enabled, "the disabled one is flagged too");
    assert!(!inventory.app(187704).unwrap().flagged, "2020: after the cutoff");

    for (id, setting, value) in [(187701, "password", NEW_JIRA), (187702, "webhook_url", NEW_SLACK)] {
        let plan = rotation::plan(&inventory, id, &[]).unwrap();
        assert_eq!(plan.settings, [setting]);
        assert!(plan.preview.iter().any(|t| t.en.contains("cannot be undone")));
        let values = vec![(setting.to_string(), Secret::new(value))];
        match run(Job::Rotate { plan, values }, &mut env).await {
            Finished::Rotated(Ok(r)) => assert_eq!(r.settings, [setting]),
            other => panic!("{other:?}"),
        }
        assert!(f.zendesk.setting_is(id, setting, value));
    }

    let Finished::Tokens(Ok(tokens)) = run(Job::ReadTokens, &mut env).await else { panic!("tokens") };
    assert!(tokens.oauth.iter().any(|t| t.own), "Reconnect's own token is named");
    assert!(tokens.oauth.iter().find(|t| t.id == 502).unwrap().stale);
    assert!(tokens.api.as_ref().unwrap().iter().any(|t| !t.active));
    let own = tokens.oauth.iter().find(|t| t.own).unwrap().id;
    assert!(matches!(
        run(Job::Revoke { tokens: Box::new(tokens.clone()), ids: vec![own] }, &mut env).await,
        Finished::Revoked(Err(_))
    ));
    match run(Job::Revoke { tokens: Box::new(tokens), ids: vec![502] }, &mut env).await {
        Finished::Revoked(Ok(ids)) => assert_eq!(ids, [502]),
        other => panic!("{other:?}"),
    }
    assert!(!f.zendesk.oauth_token_exists(502));

    // The journal names installations, settings and tokens, never a value or a token.
    let journal = std::fs::read_to_string(f.dir.path().join("journal.jsonl")).unwrap();
    let entries = Journal::in_dir(f.dir.path()).entries().unwrap();
    assert_eq!(entries.iter().filter(|e| e.event == Event::Rotated).count(), 2);
    assert_eq!(entries.iter().filter(|e| e.event == Event::Revoked).count(), 1);
    let mut secrets = f.zendesk.secrets();
    secrets.extend([NEW_JIRA.to_string(), NEW_SLACK.to_string()]);
    for dir_entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let text = std::fs::read_to_string(dir_entry.unwrap().path()).unwrap_or_default();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "a secret in a file");
        }
    }
    assert!(journal.contains("webhook_url") && journal.contains("JIRA (support)"));

    // The report says what was done, in both languages, without a value.
    let mut state = State::default();
    state.signed_in = env.accounts.zendesk().current();
    let work = Work { inventory: Some(inventory), ..Work::default() };
    let report = reconnect_zendesk::report::document(&state, &work, &entries, "2026-12-01");
    for l in [Language::En, Language::Ja] {
        let html = report.html(l);
        assert!(html.contains("JIRA (support)") && html.contains("2016-11-01"));
        assert!(!html.contains(NEW_JIRA) && !html.contains(NEW_SLACK));
    }
    match run(Job::SignOut, &mut env).await {
        Finished::SignedOut(Ok(Some(_))) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_agent_may_read_but_not_rotate_and_a_rate_limit_is_progress() {
    let f = zendesk_fixture(ZendeskConfig { rate_limit_every: Some(3), ..ZendeskConfig::default() }).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut env = env(&f, "agent@acme-practice.example", seen.clone());
    sign_in(&f, &mut env).await;
    let Finished::Apps(Ok(inventory)) =
        run(Job::ReadApps { cutoff: Cutoff::parse("2016-11-01").unwrap() }, &mut env).await
    else {
        panic!("apps")
    };
    let plan = rotation::plan(&inventory, 187701, &[]).unwrap();
    let refused = run(Job::Rotate { plan, values: vec![("password".into(), Secret::new("x-new"))] }, &mut env).await;
    assert!(matches!(refused, Finished::Rotated(Err(reconnect_zendesk::Error::NotAdmin))), "{refused:?}");
    let Finished::Tokens(Ok(tokens)) = run(Job::ReadTokens, &mut env).await else { panic!("tokens") };
    assert!(tokens.api.is_none(), "agents may not list API tokens");
    assert!(tokens.oauth.iter().all(|t| t.user_id == 9002), "an agent sees only its own tokens");
    assert!(seen.lock().unwrap().iter().any(|p| matches!(p, Progress::RateLimited { seconds: 1 })));
    assert!(f.zendesk.rate_limited() > 0);
}
