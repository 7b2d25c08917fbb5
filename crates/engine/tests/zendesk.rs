//! The Zendesk client against the practice Zendesk over loopback: sign-in by OAuth with PKCE
//! into the keychain, an API token as the fallback (and Zendesk's anonymous answer to a wrong
//! one), installations with their apps' secure parameters, an admin's update and an agent's
//! refusal, Zendesk's 404 and 422, OAuth and API tokens, revocation, and a 429 waited out.

use std::sync::{Arc, Mutex};

use practice_org::zendesk::ZendeskConfig;
use reconnect_engine::keychain::SecretStore;
use reconnect_engine::secret::Secret;
use reconnect_engine::zendesk::api::{
    api_tokens, installations, oauth_tokens, revoke_oauth_token, update_installation,
};
use reconnect_engine::zendesk::session::AuthKind;
use reconnect_engine::zendesk::ZendeskBase;
use reconnect_engine::Error;
use reconnect_testkit::{zendesk_fixture, zendesk_sign_in};

const ADMIN: &str = "admin@acme-practice.example";
const AGENT: &str = "agent@acme-practice.example";

#[tokio::test]
async fn oauth_sign_in_keeps_the_tokens_in_the_keychain_only_and_sign_out_revokes_them() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    let record = zendesk_sign_in(&f, ADMIN).await.unwrap();
    assert_eq!((record.role.as_str(), record.auth), ("admin", AuthKind::OAuth));
    let stored = f.keychain.get(&record.keychain_account()).unwrap().expect("the credential in the keychain");
    let file = std::fs::read_to_string(f.dir.path().join("zendesk-session.json")).unwrap();
    for secret in f.zendesk.secrets() {
        assert!(!file.contains(&secret), "no secret in the session file");
    }
    assert!(stored.expose().contains("access_token"));
    let tokens_before = f.zendesk.secrets().len();
    f.accounts.sign_out().await.unwrap();
    assert!(f.keychain.get(&record.keychain_account()).unwrap().is_none());
    assert_eq!(f.zendesk.secrets().len(), tokens_before - 2, "the access and refresh token are gone at Zendesk");
    assert!(matches!(f.accounts.client(), Err(Error::ZendeskNotSignedIn)));
}

#[tokio::test]
async fn an_api_token_signs_in_until_retirement_and_a_wrong_one_is_refused() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    let base = ZendeskBase::loopback(f.zendesk.url()).unwrap();
    let admin = f.zendesk.users().into_iter().find(|u| u.email == ADMIN).unwrap();
    // Zendesk answers a wrong credential on users/me with 200 and an anonymous user.
    let wrong = f.accounts.sign_in_api_token(&base, ADMIN, Secret::new("not-the-token")).await;
    assert!(matches!(wrong, Err(Error::ZendeskUnauthorized)), "{wrong:?}");
    let record = f.accounts.sign_in_api_token(&base, ADMIN, Secret::new(admin.api_token.clone())).await.unwrap();
    assert_eq!(record.auth, AuthKind::ApiToken);
    let (_, client) = f.accounts.client().unwrap();
    assert!(client.uses_api_token());
    let list = api_tokens(&client).await.unwrap();
    assert!(list.iter().any(|t| t.description == "Old integration" && !t.active));
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn installations_come_with_their_apps_secure_parameters_and_never_their_values() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    zendesk_sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.client().unwrap();
    let (list, apps) = installations(&client).await.unwrap();
    assert_eq!(list.len(), 5);
    let jira = list.iter().find(|i| i.id == 187701).unwrap();
    assert_eq!(
        (jira.name.as_str(), jira.created_at.as_str(), jira.enabled),
        ("JIRA (support)", "2015-06-10T08:12:00Z", true)
    );
    let secure: Vec<&str> =
        apps[&jira.app_id].parameters.iter().filter(|p| p.secure).map(|p| p.name.as_str()).collect();
    assert_eq!(secure, ["password"]);
    assert!(list.iter().any(|i| !i.enabled));
    assert!(!format!("{list:?}").contains("practice-old-jira-password"));
}

#[tokio::test]
async fn an_admin_rotates_a_setting_an_agent_is_refused_and_bad_names_are_named() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    zendesk_sign_in(&f, AGENT).await.unwrap();
    let (_, agent) = f.accounts.client().unwrap();
    let new = vec![("password".to_string(), Secret::new("rotated-jira-password-1"))];
    assert!(matches!(update_installation(&agent, 187701, &new).await, Err(Error::ZendeskForbidden { .. })));
    assert!(matches!(oauth_tokens(&agent, true).await, Err(Error::ZendeskForbidden { .. })));
    f.accounts.sign_out().await.unwrap();

    zendesk_sign_in(&f, ADMIN).await.unwrap();
    let (_, admin) = f.accounts.client().unwrap();
    let updated = update_installation(&admin, 187701, &new).await.unwrap();
    assert_eq!(updated.id, 187701);
    assert!(f.zendesk.setting_is(187701, "password", "rotated-jira-password-1"));
    let wrong = vec![("pasword".to_string(), Secret::new("x"))];
    match update_installation(&admin, 187701, &wrong).await {
        Err(Error::ZendeskInvalid { code, details, .. }) => {
            assert_eq!(code, "RecordInvalid");
            assert!(details.contains("pasword"), "{details}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(update_installation(&admin, 9, &new).await, Err(Error::ZendeskNotFound { .. })));
}

#[tokio::test]
async fn oauth_tokens_list_every_users_token_and_one_is_revoked() {
    let f = zendesk_fixture(ZendeskConfig::default()).await;
    zendesk_sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.client().unwrap();
    let (tokens, clients) = oauth_tokens(&client, true).await.unwrap();
    assert!(tokens.iter().any(|t| t.id == 502 && t.user_id == 9002));
    assert!(clients.iter().any(|c| c.identifier == "old_reporting"));
    revoke_oauth_token(&client, 502).await.unwrap();
    assert!(!f.zendesk.oauth_token_exists(502));
    assert!(matches!(revoke_oauth_token(&client, 502).await, Err(Error::ZendeskNotFound { .. })));
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_retry_after_says_and_reported() {
    let f = zendesk_fixture(ZendeskConfig { rate_limit_every: Some(2), ..ZendeskConfig::default() }).await;
    zendesk_sign_in(&f, ADMIN).await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let (_, client) = f.accounts.client().unwrap();
    let client = client.with_wait_observer(Arc::new(move |s| seen.lock().unwrap().push(s)));
    let (list, _) = installations(&client).await.unwrap();
    assert_eq!(list.len(), 5);
    oauth_tokens(&client, true).await.unwrap();
    assert!(f.zendesk.rate_limited() >= 1);
    assert!(waits.lock().unwrap().iter().all(|s| *s == 1) && !waits.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_new_one_kept() {
    let f = zendesk_fixture(ZendeskConfig { access_ttl: Some(1), ..ZendeskConfig::default() }).await;
    let record = zendesk_sign_in(&f, ADMIN).await.unwrap();
    let before = f.keychain.get(&record.keychain_account()).unwrap().unwrap().expose().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let (_, client) = f.accounts.client().unwrap();
    installations(&client).await.unwrap();
    let after = f.keychain.get(&record.keychain_account()).unwrap().unwrap().expose().to_string();
    assert_ne!(before, after, "the refreshed tokens replaced the old ones in the keychain");
}

#[tokio::test]
async fn sign_out_revokes_by_id_when_zendesk_answers_current_without_revoking() {
    // Admins report `DELETE tokens/current` answering 204 while the token keeps working.
    let f = zendesk_fixture(ZendeskConfig { current_revoke_ignored: true, ..ZendeskConfig::default() }).await;
    let record = zendesk_sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.client().unwrap();
    let tokens_before = f.zendesk.secrets().len();
    f.accounts.sign_out().await.unwrap();
    assert_eq!(f.zendesk.secrets().len(), tokens_before - 2, "the token was found by its prefix and revoked by id");
    assert!(matches!(reconnect_engine::zendesk::api::me(&client).await, Err(Error::ZendeskUnauthorized)));
    assert!(f.keychain.get(&record.keychain_account()).unwrap().is_none());
}
