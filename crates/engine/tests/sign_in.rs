//! Sign-in end to end against the practice org over real loopback HTTP, with the real system
//! keychain (run under `make test`, which provides an unlocked throwaway GNOME keyring). The
//! "browser" here is an HTTP client that fills the practice org's login form.

use std::time::Duration;

use practice_org::{start, Config};
use reconnect_engine::keychain::SecretStore;
use reconnect_engine::oauth::error_page::routed_error;
use reconnect_engine::oauth::flow::{exchange_code, refresh_tokens};
use reconnect_engine::oauth::loopback::Loopback;
use reconnect_engine::salesforce::client::http_client;
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::salesforce_host::Environment;
use reconnect_engine::secret::Secret;
use reconnect_engine::Error;
use reconnect_testkit::{fixture, no_redirects, sign_in, Fixture, ADMIN, INTEGRATION};

fn stored(f: &Fixture, record: &reconnect_engine::accounts::SessionRecord) -> serde_json::Value {
    let account = record.keychain_account();
    let blob = f.keychain.get(&account).unwrap().expect("tokens in the keychain");
    serde_json::from_str(blob.expose()).unwrap()
}

#[tokio::test]
async fn sign_in_keeps_tokens_in_the_keychain_and_learns_the_org_from_its_api() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    assert_eq!(record.username, ADMIN.0);
    assert_eq!(record.facts.environment, Environment::Production);
    assert_eq!(record.facts.instance_name, "NA224");
    // The org's allowed endpoints are read at sign-in; a playbook reads its vendor's hosts there.
    assert!(
        record.facts.endpoints.iter().any(|e| e.url.contains("gainsightcloud.com")),
        "{:?}",
        record.facts.endpoints
    );
    let tokens = stored(&f, &record);
    let access = tokens["access_token"].as_str().unwrap();
    assert!(access.contains('!'));
    let session_file = std::fs::read_to_string(f._dir.path().join("sessions.json")).unwrap();
    assert!(!session_file.contains(access) && !session_file.contains(tokens["refresh_token"].as_str().unwrap()));
    let (_, client) = f.accounts.connect().await.unwrap();
    assert_eq!(client.version(), "64.0");
    let orgs: Vec<serde_json::Value> = client.query("SELECT Name FROM Organization").await.unwrap();
    assert_eq!(orgs[0]["Name"], "Acme Corporation (practice)");
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn eu_sandbox_facts_say_sandbox_and_carry_the_eu_endpoints() {
    let f = fixture(Config::new("eu-sandbox")).await;
    let record = sign_in(&f, ("admin@acme-practice.example.uat", "Practice-Admin-1")).await.unwrap();
    assert_eq!(record.facts.environment, Environment::Sandbox);
    assert!(
        record.facts.endpoints.iter().all(|e| e.url.contains(".eu.gainsightcloud.com")),
        "{:?}",
        record.facts.endpoints
    );
    assert!(!record.facts.endpoints.is_empty());
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn the_token_endpoint_checks_the_pkce_verifier() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let server = InstanceUrl::parse(org.url()).unwrap();
    let verifier = "a-verifier-only-this-test-knows-0123456789abcdef";
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let redirect = "http://localhost:1/OauthRedirect";
    let code = || async {
        let r = no_redirects()
            .post(format!("{}/services/oauth2/authorize", org.url()))
            .form(&[
                ("response_type", "code"),
                ("client_id", "PlatformCLI"),
                ("redirect_uri", redirect),
                ("state", "s"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("username", ADMIN.0),
                ("password", ADMIN.1),
                ("decision", "allow"),
            ])
            .send()
            .await
            .unwrap();
        let location = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        Secret::new(location.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned())
    };
    let http = http_client();
    let wrong = exchange_code(&http, &server, "PlatformCLI", redirect, &code().await, "not-the-verifier").await;
    assert!(matches!(wrong, Err(Error::OAuth { ref error, .. }) if error == "invalid_grant"), "{wrong:?}");
    let right = exchange_code(&http, &server, "PlatformCLI", redirect, &code().await, verifier).await.unwrap();
    assert_eq!(right.identity.org_id.to_15(), "00D5g00000PRACT");
}

#[tokio::test]
async fn a_callback_with_another_state_is_rejected() {
    let lb = Loopback::bind(0).await.unwrap();
    let port = lb.port();
    let waiting = tokio::spawn(lb.wait("expected-state", Duration::from_secs(10)));
    let r = reqwest::get(format!("http://127.0.0.1:{port}/OauthRedirect?code=abc&state=forged")).await.unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("does not belong") && page.contains("一致しない"), "{page}");
    assert!(matches!(waiting.await.unwrap(), Err(Error::SignInStateMismatch)));
}

#[tokio::test]
async fn exactly_one_callback_is_accepted() {
    let lb = Loopback::bind(0).await.unwrap();
    let port = lb.port();
    let waiting = tokio::spawn(lb.wait("st", Duration::from_secs(10)));
    let favicon = reqwest::get(format!("http://127.0.0.1:{port}/favicon.ico")).await.unwrap();
    assert_eq!(favicon.status(), 404);
    let first = reqwest::get(format!("http://127.0.0.1:{port}/OauthRedirect?code=abc&state=st")).await.unwrap();
    assert_eq!(first.status(), 200);
    assert!(first.text().await.unwrap().contains("サインインしました"));
    assert_eq!(waiting.await.unwrap().unwrap().code.expose(), "abc");
    let second = reqwest::get(format!("http://127.0.0.1:{port}/OauthRedirect?code=def&state=st")).await;
    assert!(second.is_err(), "the listener must be closed after the first callback");
}

#[tokio::test]
async fn nobody_signing_in_times_out() {
    let lb = Loopback::bind(0).await.unwrap();
    let err = lb.wait("st", Duration::from_millis(200)).await.unwrap_err();
    assert!(matches!(err, Error::SignInTimedOut { .. }));
    assert!(err.user_message().next.en.contains("again"));
}

#[tokio::test]
async fn a_blocked_app_ends_on_salesforces_error_page_and_its_pasted_address_routes_to_the_fix() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let server = InstanceUrl::parse(f.org.url()).unwrap();
    let sign_in = f.accounts.begin(&server, &reconnect_testkit::settings()).await.unwrap();
    let authorize_url = sign_in.authorize_url().to_string();
    let landed =
        reconnect_testkit::browser(authorize_url.clone(), (INTEGRATION.0.to_string(), INTEGRATION.1.to_string())).await;
    // Salesforce's own page, on its own host; the app's listener hears nothing.
    assert!(landed.starts_with(f.org.url()), "{landed}");
    assert!(landed.contains("/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client"), "{landed}");
    let page = no_redirects().get(&landed).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("OAUTH_APPROVAL_ERROR_GENERIC"), "{page}");
    let waiting = f.accounts.complete(sign_in, &reconnect_testkit::settings(), Duration::from_millis(300)).await;
    assert!(matches!(waiting, Err(Error::SignInTimedOut { .. })), "{waiting:?}");
    let err = routed_error(&landed, &authorize_url);
    assert!(matches!(err, Error::AppBlocked), "{err:?}");
    let m = err.user_message();
    assert!(
        m.next.en.contains("Approve Uninstalled Connected Apps") && m.next.en.contains("client id"),
        "{}",
        m.next.en
    );
    assert!(f.accounts.current().unwrap().is_none());
}

#[tokio::test]
async fn an_expired_session_is_refreshed_once_and_the_keychain_keeps_the_new_token() {
    let mut config = Config::new("production-us-revoked");
    config.faults.session_ttl = Some(Duration::from_millis(400));
    let f = fixture(config).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let before = stored(&f, &record)["access_token"].as_str().unwrap().to_string();
    let (_, client) = f.accounts.connect().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let trips = client.round_trips();
    let rows: Vec<serde_json::Value> = client.query("SELECT Id FROM Organization").await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(client.round_trips() - trips, 2, "one refused request, one retry after the refresh");
    let after = stored(&f, &record)["access_token"].as_str().unwrap().to_string();
    assert_ne!(before, after);
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn sign_out_revokes_so_the_refresh_token_is_dead_and_the_keychain_is_empty() {
    let f = fixture(Config::new("production-us-revoked")).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let refresh = Secret::new(stored(&f, &record)["refresh_token"].as_str().unwrap());
    let signed_out = f.accounts.sign_out().await.unwrap().unwrap();
    assert_eq!(signed_out.username, ADMIN.0);
    let account = record.keychain_account();
    assert!(f.keychain.get(&account).unwrap().is_none());
    assert!(f.accounts.current().unwrap().is_none());
    let instance = InstanceUrl::parse(f.org.url()).unwrap();
    let err = refresh_tokens(&http_client(), &instance, "PlatformCLI", &refresh).await.unwrap_err();
    assert!(matches!(err, Error::SessionExpired), "{err:?}");
    assert!(matches!(f.accounts.connect().await, Err(Error::NotSignedIn)));
}

#[tokio::test]
async fn reads_are_retried_through_server_errors_and_writes_are_not() {
    let mut config = Config::new("production-us-revoked");
    config.faults.error_share = 0.3;
    let f = fixture(config).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    for _ in 0..10 {
        let rows: Vec<serde_json::Value> = client.query("SELECT Id FROM User").await.unwrap();
        assert_eq!(rows.len(), 2);
    }
    assert!(client.round_trips() > 11, "some reads needed a retry: {}", client.round_trips());
    let mut saw_unretried_failure = false;
    for i in 0..20 {
        let before = client.round_trips();
        let body = serde_json::json!({ "Name": format!("Retry_Probe_{i}"), "Label": "probe" });
        match client.post::<serde_json::Value>("sobjects/PermissionSet", &body, false).await {
            Ok(_) => {}
            Err(Error::SalesforceUnavailable { status: 500 }) => {
                assert_eq!(client.round_trips() - before, 1, "a write is sent once");
                saw_unretried_failure = true;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(saw_unretried_failure);
    let _ = record;
    f.accounts.sign_out().await.unwrap();
}

#[tokio::test]
async fn the_request_limit_is_a_typed_error_with_advice() {
    let mut config = Config::new("production-us-revoked");
    config.faults.request_limit = Some(6);
    let f = fixture(config).await;
    sign_in(&f, ADMIN).await.unwrap();
    let (_, client) = f.accounts.connect().await.unwrap();
    let mut result = Ok(Vec::<serde_json::Value>::new());
    for _ in 0..5 {
        result = client.query("SELECT Id FROM User").await;
        if result.is_err() {
            break;
        }
    }
    let err = result.unwrap_err();
    assert!(matches!(err, Error::RequestLimit), "{err:?}");
    assert!(err.user_message().next.en.contains("System Overview"));
}

#[tokio::test]
async fn a_refused_refresh_ends_the_session_and_leaves_no_token_behind() {
    let mut config = Config::new("production-us-revoked");
    config.faults.session_ttl = Some(Duration::from_millis(300));
    let f = fixture(config).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let refresh = Secret::new(stored(&f, &record)["refresh_token"].as_str().unwrap());
    let (_, client) = f.accounts.connect().await.unwrap();
    // Revoked elsewhere (an admin in Setup, or Salesforce's own containment).
    let instance = InstanceUrl::parse(f.org.url()).unwrap();
    reconnect_engine::oauth::flow::revoke(&http_client(), &instance, "PlatformCLI", &refresh).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let err = client.query::<serde_json::Value>("SELECT Id FROM Organization").await.unwrap_err();
    assert!(matches!(err, Error::SessionExpired), "{err:?}");
    assert!(f.keychain.get(&record.keychain_account()).unwrap().is_none(), "the dead tokens are gone");
    assert!(f.accounts.current().unwrap().is_none(), "the next command asks for a sign-in");
    assert!(matches!(f.accounts.connect().await, Err(Error::NotSignedIn)));
}

#[tokio::test]
async fn rotated_refresh_tokens_are_kept_in_the_keychain_and_used_next_time() {
    let mut config = Config::new("production-us-revoked");
    config.faults.session_ttl = Some(Duration::from_millis(300));
    config.faults.rotate_refresh_tokens = true;
    let f = fixture(config).await;
    let record = sign_in(&f, ADMIN).await.unwrap();
    let first = stored(&f, &record)["refresh_token"].as_str().unwrap().to_string();
    let (_, client) = f.accounts.connect().await.unwrap();
    let mut seen = vec![first.clone()];
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let rows: Vec<serde_json::Value> = client.query("SELECT Id FROM Organization").await.unwrap();
        assert_eq!(rows.len(), 1);
        let kept = stored(&f, &record)["refresh_token"].as_str().unwrap().to_string();
        assert!(!seen.contains(&kept), "each refresh keeps the new refresh token");
        seen.push(kept);
    }
    // A later run starts from the keychain: the newest token works, the first no longer does.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, later) = f.accounts.connect().await.unwrap();
    assert_eq!(later.query::<serde_json::Value>("SELECT Id FROM Organization").await.unwrap().len(), 1);
    let instance = InstanceUrl::parse(f.org.url()).unwrap();
    let stale = refresh_tokens(&http_client(), &instance, "PlatformCLI", &Secret::new(first)).await;
    assert!(matches!(stale, Err(Error::SessionExpired)), "{stale:?}");
    f.accounts.sign_out().await.unwrap();
}
