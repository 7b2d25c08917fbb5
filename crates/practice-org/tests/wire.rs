//! The practice org over real loopback HTTP, speaking Salesforce's wire format.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use practice_org::{start, Config};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const VERIFIER: &str = "a-practice-code-verifier-that-is-long-enough-0123456789";
const REDIRECT: &str = "http://localhost:1717/OauthRedirect";

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

/// Logs in through the authorize form and returns the redirect's query pairs.
async fn authorize(base: &str, client_id: &str, username: &str, password: &str) -> Vec<(String, String)> {
    let c = challenge();
    let form = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("state", "st-123"),
        ("code_challenge", c.as_str()),
        ("code_challenge_method", "S256"),
        ("username", username),
        ("password", password),
        ("decision", "allow"),
    ];
    let r = client().post(format!("{base}/services/oauth2/authorize")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(REDIRECT), "{location}");
    url::Url::parse(&location).unwrap().query_pairs().into_owned().collect()
}

fn get<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

async fn token(base: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client().post(format!("{base}/services/oauth2/token")).form(form).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Exchanges a code at the token endpoint with `verifier`.
async fn exchange(base: &str, code: &str, verifier: &str) -> (u16, Value) {
    token(
        base,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", "PlatformCLI"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn sign_in_as(base: &str, username: &str) -> Value {
    let pairs = authorize(base, "PlatformCLI", username, "Practice-Admin-1").await;
    assert_eq!(get(&pairs, "state"), Some("st-123"));
    let (status, body) = exchange(base, get(&pairs, "code").unwrap(), VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn sign_in(base: &str) -> Value {
    sign_in_as(base, "admin@acme-practice.example").await
}

#[tokio::test]
async fn authorization_code_with_pkce_issues_salesforce_shaped_tokens() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let page = client()
        .get(format!("{}/services/oauth2/authorize?response_type=code&client_id=PlatformCLI&redirect_uri={REDIRECT}&code_challenge={}&code_challenge_method=S256", org.url(), challenge()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Practice org") && page.contains("練習用"), "{page}");
    let t = sign_in(org.url()).await;
    for field in
        ["access_token", "refresh_token", "instance_url", "id", "issued_at", "signature", "scope", "token_type"]
    {
        assert!(t.get(field).is_some(), "{field} missing: {t}");
    }
    assert_eq!(t["instance_url"], org.url());
    assert!(t["id"].as_str().unwrap().contains("/id/00D5g00000PRACT"));
    assert!(t["issued_at"].as_str().unwrap().parse::<u64>().unwrap() > 1_700_000_000_000);
    let info: Value = client()
        .get(format!("{}/services/oauth2/userinfo", org.url()))
        .bearer_auth(t["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["preferred_username"], "admin@acme-practice.example");
}

#[tokio::test]
async fn wrong_verifier_reused_code_and_wrong_redirect_are_refused() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let pairs = authorize(org.url(), "PlatformCLI", "admin@acme-practice.example", "Practice-Admin-1").await;
    let code = get(&pairs, "code").unwrap().to_string();
    let (status, body) = exchange(org.url(), &code, "wrong").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // A code is spent by its first use, right or wrong.
    let (status, _) = exchange(org.url(), &code, VERIFIER).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn uninstalled_app_is_blocked_for_a_user_without_the_permission() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let pairs =
        authorize(org.url(), "PlatformCLI", "gainsight.integration@acme-practice.example", "Practice-Integration-1")
            .await;
    assert_eq!(get(&pairs, "error"), Some("invalid_client"));
    assert_eq!(get(&pairs, "error_description"), Some("app must be installed into org"));
    assert_eq!(get(&pairs, "state"), Some("st-123"));
    // An installed app is not blocked.
    let pairs = authorize(
        org.url(),
        "reconnect-practice",
        "gainsight.integration@acme-practice.example",
        "Practice-Integration-1",
    )
    .await;
    assert!(get(&pairs, "code").is_some());
}

#[tokio::test]
async fn refresh_then_revoke_then_refresh_fails() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let t = sign_in(org.url()).await;
    let refresh = t["refresh_token"].as_str().unwrap();
    let (status, fresh) =
        token(org.url(), &[("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "PlatformCLI")])
            .await;
    assert_eq!(status, 200);
    assert!(fresh.get("refresh_token").is_none());
    let r = client()
        .post(format!("{}/services/oauth2/revoke", org.url()))
        .form(&[("token", refresh)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, body) =
        token(org.url(), &[("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "PlatformCLI")])
            .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // Revoking the refresh token revoked the access tokens issued from it.
    let r = client()
        .get(format!("{}/services/data/v62.0/query?q=SELECT+Id+FROM+Organization", org.url()))
        .bearer_auth(fresh["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body[0]["errorCode"], "INVALID_SESSION_ID");
    let r =
        client().post(format!("{}/services/oauth2/revoke", org.url())).form(&[("token", "nope")]).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn rest_api_answers_queries_describe_create_delete_and_composite() {
    let mut config = Config::new("production-us-revoked");
    config.page_size = 1;
    let org = start(config).await.unwrap();
    let t = sign_in(org.url()).await;
    let token = t["access_token"].as_str().unwrap();
    let api = |path: &str| format!("{}/services/data/v62.0/{path}", org.url());
    let versions: Value =
        client().get(format!("{}/services/data", org.url())).send().await.unwrap().json().await.unwrap();
    assert!(versions.as_array().unwrap().iter().any(|v| v["version"] == "62.0" && v["label"] == "Winter '25"));
    let r: Value = client()
        .get(api("query"))
        .query(&[("q", "SELECT Username, Profile.Name FROM User ORDER BY Username")])
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["totalSize"], 2);
    assert_eq!(r["done"], false);
    let next = r["nextRecordsUrl"].as_str().unwrap();
    let more: Value =
        client().get(format!("{}{next}", org.url())).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    assert_eq!(more["done"], true);
    assert_eq!(more["records"][0]["Username"], "gainsight.integration@acme-practice.example");
    let bad =
        client().get(api("query")).query(&[("q", "SELECT Nope FROM User")]).bearer_auth(token).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<Value>().await.unwrap()[0]["errorCode"], "INVALID_FIELD");
    let bad =
        client().get(api("query")).query(&[("q", "SELEKT Id FROM User")]).bearer_auth(token).send().await.unwrap();
    assert_eq!(bad.json::<Value>().await.unwrap()[0]["errorCode"], "MALFORMED_QUERY");
    let d: Value = client()
        .get(api("sobjects/PermissionSet/describe"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(d["fields"].as_array().unwrap().iter().any(|f| f["name"] == "PermissionsApproveUninstalledConnectedApps"));
    let tooling: Value = client()
        .get(api("tooling/query"))
        .query(&[(
            "q",
            "SELECT SubscriberPackage.Name, SubscriberPackageVersion.MajorVersion FROM InstalledSubscriberPackage",
        )])
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tooling["records"][0]["SubscriberPackage"]["Name"], "Gainsight Customer Success");
    let composite: Value = client()
        .post(api("composite"))
        .bearer_auth(token)
        .json(&json!({
            "allOrNone": true,
            "compositeRequest": [
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSet", "referenceId": "ps",
                  "body": { "Name": "Practice_PS", "Label": "Practice PS", "PermissionsApproveUninstalledConnectedApps": true } },
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSetAssignment", "referenceId": "psa",
                  "body": { "PermissionSetId": "@{ps.id}", "AssigneeId": "0055g00000GSINT" } },
                { "method": "GET", "url": "/services/data/v62.0/sobjects/PermissionSet/@{ps.id}?fields=Label", "referenceId": "read" }
            ]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let parts = composite["compositeResponse"].as_array().unwrap();
    assert_eq!(parts[0]["httpStatusCode"], 201, "{composite}");
    assert_eq!(parts[1]["httpStatusCode"], 201, "{composite}");
    assert_eq!(parts[2]["body"]["Label"], "Practice PS");
    let id = parts[0]["body"]["id"].as_str().unwrap();
    let r = client().delete(api(&format!("sobjects/PermissionSet/{id}"))).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    // allOrNone rolls back everything when one part fails.
    let composite: Value = client()
        .post(api("composite"))
        .bearer_auth(token)
        .json(&json!({
            "allOrNone": true,
            "compositeRequest": [
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSet", "referenceId": "ps", "body": { "Name": "Rolled_Back", "Label": "x" } },
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSetAssignment", "referenceId": "psa", "body": { "PermissionSetId": "@{ps.id}" } }
            ]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(composite["compositeResponse"][1]["body"][0]["errorCode"], "REQUIRED_FIELD_MISSING");
    assert!(org.snapshot().all("PermissionSet").iter().all(|p| p["Name"] != "Rolled_Back"));
}

#[tokio::test]
async fn fault_knobs_expire_sessions_limit_requests_and_fail_a_share() {
    let mut config = Config::new("eu-sandbox");
    config.faults.request_limit = Some(2);
    let org = start(config).await.unwrap();
    let t = sign_in_eu(org.url()).await;
    let q = format!("{}/services/data/v62.0/query?q=SELECT+IsSandbox+FROM+Organization", org.url());
    let token = t["access_token"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(client().get(&q).bearer_auth(token).send().await.unwrap().status(), 200);
    }
    let r = client().get(&q).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");

    let mut config = Config::new("eu-sandbox");
    config.faults.session_ttl = Some(std::time::Duration::from_millis(50));
    config.faults.error_share = 0.5;
    let org = start(config).await.unwrap();
    let t = sign_in_eu(org.url()).await;
    let q = format!("{}/services/data/v62.0/query?q=SELECT+IsSandbox+FROM+Organization", org.url());
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(
            client().get(&q).bearer_auth(t["access_token"].as_str().unwrap()).send().await.unwrap().status().as_u16(),
        );
    }
    assert!(statuses.contains(&401) && statuses.contains(&500), "{statuses:?}");
}

async fn sign_in_eu(base: &str) -> Value {
    sign_in_as(base, "admin@acme-practice.example.uat").await
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let mut config = Config::new("production-us-revoked");
    config.addr = "0.0.0.0:0".parse().unwrap();
    assert!(start(config).await.is_err());
}
