//! Reconnect's sign-in against a standards peer: oidc-provider, an OpenID Certified provider,
//! strict where Salesforce is lenient (`tests/peers/oidc_peer.mjs`, installed by the setup
//! step). The real sign-in code runs against it over loopback: PKCE S256, `state`, the exact
//! redirect URI; a forged callback is refused; two refreshes with refresh-token rotation (a
//! reused refresh token revokes the whole grant there); sign-out revokes the refresh token with
//! the client naming itself, and it no longer refreshes.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reconnect_engine::oauth::flow::{refresh_tokens, revoke, SignIn};
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::salesforce::client::{http_client, SalesforceClient, TokenKeeper};
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::secret::Secret;
use reconnect_engine::Error;
use tokio::io::{AsyncBufReadExt, BufReader};

const CLIENT: &str = "reconnect-test";
/// Seconds an access token lives at the peer: short, so the client must refresh. Two, not one:
/// the peer counts expiry in whole seconds from a truncated issue time, so a one-second token
/// can be dead a few milliseconds after it is issued, and a loaded machine then refreshes twice
/// in one request.
const ACCESS_TTL: u64 = 2;

struct Peer {
    child: tokio::process::Child,
    url: String,
}

async fn peer() -> Peer {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/oidc_peer.mjs");
    let modules = script.parent().unwrap().join("node_modules/oidc-provider");
    assert!(modules.exists(), "oidc-provider is not installed: run `make test`, whose setup installs it");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = tokio::process::Command::new("node")
        .arg(&script)
        .args([port.to_string(), ACCESS_TTL.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs (make test puts it on the PATH)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.starts_with("listening") {
            return Peer { child, url: format!("http://127.0.0.1:{port}") };
        }
    }
    panic!("the OpenID provider did not start");
}

/// What a browser does, headless: follows the redirects with a cookie jar until the provider
/// sends it to the app's loopback address, which it returns without visiting.
async fn browse_to_the_app(authorize_url: &str, base: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut cookies: Vec<(String, String)> = Vec::new();
    let mut url = authorize_url.to_string();
    for _ in 0..12 {
        let jar: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let r = http.get(&url).header("Cookie", jar.join("; ")).send().await.unwrap();
        for set in r.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            cookies.retain(|(name, _)| name != k);
            cookies.push((k.to_string(), v.to_string()));
        }
        assert!(r.status().is_redirection(), "{url}: {} {}", r.status(), r.text().await.unwrap_or_default());
        let next = r.headers()["location"].to_str().unwrap().to_string();
        if next.starts_with("http://localhost:") {
            return next;
        }
        url = if next.starts_with('/') { format!("{base}{next}") } else { next };
    }
    panic!("the provider never sent the browser back to the app");
}

fn settings() -> SignInSettings {
    SignInSettings { client_id: CLIENT.into(), port: 0 }
}

/// Remembers what the client asked it to keep.
#[derive(Default, Clone)]
struct Kept(Arc<Mutex<Vec<String>>>);

impl TokenKeeper for Kept {
    fn refreshed(&self, _access: &Secret, refresh: &Secret) {
        self.0.lock().unwrap().push(refresh.expose().to_string());
    }

    fn ended(&self) {
        self.0.lock().unwrap().push("ended".into());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_rotation_and_sign_out_hold_up_against_a_certified_openid_provider() {
    let peer = peer().await;
    let server = InstanceUrl::parse(&peer.url).unwrap();
    let http = http_client();

    // Sign in: PKCE S256, state and the redirect URI, as the provider checks them.
    let sign_in = SignIn::start(&server, &settings()).await.unwrap();
    let back = browse_to_the_app(sign_in.authorize_url(), &peer.url).await;
    assert!(back.contains("code=") && back.contains("state="), "{back}");
    let delivered = tokio::spawn(async move { reqwest::get(back).await.unwrap().status() });
    let tokens = sign_in.finish(&http, Duration::from_secs(10)).await.unwrap();
    assert_eq!(delivered.await.unwrap(), 200);
    let refresh = tokens.refresh.clone().expect("a refresh token for the refresh_token scope");
    assert_eq!(tokens.identity.user_id.as_str(), "0055g00000ADMINAA5");

    // A callback that carries another state is refused, and the sign-in with it.
    let forged = SignIn::start(&server, &settings()).await.unwrap();
    let back = browse_to_the_app(forged.authorize_url(), &peer.url).await;
    let mut url = url::Url::parse(&back).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" { "forged".to_string() } else { v.into_owned() };
            (k.into_owned(), value)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = tokio::spawn(async move { reqwest::get(url.as_str()).await.unwrap().status() });
    assert!(matches!(forged.finish(&http, Duration::from_secs(10)).await, Err(Error::SignInStateMismatch)));
    assert_eq!(refused.await.unwrap(), 400);

    // Two refreshes: the peer rotates refresh tokens and revokes the grant if one is reused, so
    // the second works only if the client used the rotated one.
    let kept = Kept::default();
    let client = SalesforceClient::connect(
        http.clone(),
        server.clone(),
        CLIENT,
        tokens.access.clone(),
        Some(refresh.clone()),
        Some(Box::new(kept.clone())),
    )
    .await
    .unwrap();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(ACCESS_TTL * 1000 + 300)).await;
        let root: serde_json::Value = client.get("").await.unwrap();
        assert!(root["sobjects"].is_string(), "{root}");
    }
    // At least two refreshes (a slow machine may need one more); had any reused an old refresh
    // token, the peer would have revoked the grant and a later one would have failed.
    let rotated = kept.0.lock().unwrap().clone();
    assert!(rotated.len() >= 2, "two refreshes: {rotated:?}");
    let mut seen = vec![refresh.expose().to_string()];
    for token in &rotated {
        assert!(!seen.contains(token), "each refresh gave a new refresh token: {rotated:?}");
        seen.push(token.clone());
    }

    // Sign-out: the client names itself, as RFC 7009 has a public client do; the refresh token
    // is then dead.
    let newest = Secret::new(rotated.last().unwrap().clone());
    revoke(&http, &server, CLIENT, &newest).await.unwrap();
    assert!(matches!(refresh_tokens(&http, &server, CLIENT, &newest).await, Err(Error::SessionExpired)));
    drop(peer.child);
}
