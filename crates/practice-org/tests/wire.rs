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

/// Exchanges a code for `client_id` at the token endpoint with `verifier`.
async fn exchange_for(base: &str, client_id: &str, code: &str, verifier: &str) -> (u16, Value) {
    token(
        base,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn exchange(base: &str, code: &str, verifier: &str) -> (u16, Value) {
    exchange_for(base, "PlatformCLI", code, verifier).await
}

/// Signs in through `client_id`; returns the token response.
async fn sign_in_with(base: &str, client_id: &str, username: &str, password: &str) -> Value {
    let pairs = authorize(base, client_id, username, password).await;
    assert_eq!(get(&pairs, "state"), Some("st-123"));
    let code = get(&pairs, "code").unwrap_or_else(|| panic!("no code: {pairs:?}"));
    let (status, body) = exchange_for(base, client_id, code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn sign_in_as(base: &str, username: &str) -> Value {
    sign_in_with(base, "PlatformCLI", username, "Practice-Admin-1").await
}

async fn sign_in(base: &str) -> Value {
    sign_in_as(base, ADMIN).await
}

/// Signs Gainsight's OAuth user in through the installed practice client.
async fn sign_in_integration(base: &str) -> Value {
    sign_in_with(base, "reconnect-practice", INTEGRATION, "Practice-Integration-1").await
}

const ADMIN: &str = "admin@acme-practice.example";
const INTEGRATION: &str = "gainsight.integration@acme-practice.example";

/// One REST call with a bearer token: status and JSON body (null when empty).
async fn rest(base: &str, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut r = client().request(method, format!("{base}/services/data/v62.0/{path}")).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
}

/// The records of a data API query.
async fn query(base: &str, token: &str, soql: &str) -> Vec<Value> {
    let (status, body) = rest(base, token, "GET", &format!("query?q={}", urlencode(soql)), None).await;
    assert_eq!(status, 200, "{soql}: {body}");
    body["records"].as_array().unwrap().clone()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn access(t: &Value) -> &str {
    t["access_token"].as_str().unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
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
async fn uninstalled_app_sends_the_browser_to_salesforces_error_page_not_to_the_app() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let c = challenge();
    let form = [
        ("response_type", "code"),
        ("client_id", "PlatformCLI"),
        ("redirect_uri", REDIRECT),
        ("state", "st-123"),
        ("code_challenge", c.as_str()),
        ("code_challenge_method", "S256"),
        ("username", "gainsight.integration@acme-practice.example"),
        ("password", "Practice-Integration-1"),
        ("decision", "allow"),
    ];
    let r = client().post(format!("{}/services/oauth2/authorize", org.url())).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = location(&r);
    assert_eq!(
        page,
        "/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org&state=st-123"
    );
    let shown = client().get(format!("{}{page}", org.url())).send().await.unwrap();
    assert_eq!(shown.status(), 200);
    let text = shown.text().await.unwrap();
    assert!(text.contains("OAUTH_APPROVAL_ERROR_GENERIC") && text.contains("We can't authorize you"), "{text}");
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
    let base = org.url();
    let versions: Value = client().get(format!("{base}/services/data")).send().await.unwrap().json().await.unwrap();
    assert!(versions.as_array().unwrap().iter().any(|v| v["version"] == "62.0" && v["label"] == "Winter '25"));
    let q = |soql: &str| format!("query?q={}", urlencode(soql));
    let (_, r) = rest(base, token, "GET", &q("SELECT Username, Profile.Name FROM User ORDER BY Username"), None).await;
    assert_eq!(r["totalSize"], 2);
    assert_eq!(r["done"], false);
    let next = r["nextRecordsUrl"].as_str().unwrap().trim_start_matches("/services/data/v62.0/");
    let (_, more) = rest(base, token, "GET", next, None).await;
    assert_eq!(more["done"], true);
    assert_eq!(more["records"][0]["Username"], "gainsight.integration@acme-practice.example");
    let (status, bad) = rest(base, token, "GET", &q("SELECT Nope FROM User"), None).await;
    assert_eq!(status, 400);
    assert_eq!(bad[0]["errorCode"], "INVALID_FIELD");
    let (_, bad) = rest(base, token, "GET", &q("SELEKT Id FROM User"), None).await;
    assert_eq!(bad[0]["errorCode"], "MALFORMED_QUERY");
    let (_, d) = rest(base, token, "GET", "sobjects/PermissionSet/describe", None).await;
    // PermissionSet's describe is the real one recorded at API v63.0.
    let fields = d["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 436);
    assert!(fields.iter().any(|f| f["name"] == "PermissionsApiEnabled" && f["label"] == "API Enabled"));
    assert!(!fields.iter().any(|f| f["name"] == "PermissionsCanApproveUninstalledApps"));
    let installed =
        "SELECT SubscriberPackage.Name, SubscriberPackageVersion.MajorVersion FROM InstalledSubscriberPackage";
    let (_, tooling) = rest(base, token, "GET", &format!("tooling/{}", q(installed)), None).await;
    assert_eq!(tooling["records"][0]["SubscriberPackage"]["Name"], "Gainsight Customer Success");
    let (_, composite) = rest(
        base,
        token,
        "POST",
        "composite",
        Some(json!({
            "allOrNone": true,
            "compositeRequest": [
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSet", "referenceId": "ps",
                  "body": { "Name": "Practice_PS", "Label": "Practice PS", "PermissionsApiEnabled": true } },
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSetAssignment", "referenceId": "psa",
                  "body": { "PermissionSetId": "@{ps.id}", "AssigneeId": "0055g00000GSINT" } },
                { "method": "GET", "url": "/services/data/v62.0/sobjects/PermissionSet/@{ps.id}?fields=Label", "referenceId": "read" }
            ]
        })),
    )
    .await;
    let parts = composite["compositeResponse"].as_array().unwrap();
    assert_eq!(parts[0]["httpStatusCode"], 201, "{composite}");
    assert_eq!(parts[1]["httpStatusCode"], 201, "{composite}");
    assert_eq!(parts[2]["body"]["Label"], "Practice PS");
    let id = parts[1]["body"]["id"].as_str().unwrap();
    let (status, _) = rest(base, token, "DELETE", &format!("sobjects/PermissionSetAssignment/{id}"), None).await;
    assert_eq!(status, 204);
    // allOrNone rolls back everything when one part fails.
    let (_, composite) = rest(
        base,
        token,
        "POST",
        "composite",
        Some(json!({
            "allOrNone": true,
            "compositeRequest": [
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSet", "referenceId": "ps", "body": { "Name": "Rolled_Back", "Label": "x" } },
                { "method": "POST", "url": "/services/data/v62.0/sobjects/PermissionSetAssignment", "referenceId": "psa", "body": { "PermissionSetId": "@{ps.id}" } }
            ]
        })),
    )
    .await;
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

#[tokio::test]
async fn patch_updates_fields_and_read_only_objects_refuse_it() {
    let org = start(Config::new("already-fixed")).await.unwrap();
    let token = access(&sign_in(org.url()).await).to_string();
    let base = org.url();
    let patch = json!({ "Description": "Reviewed", "PermissionsApiEnabled": true });
    let (status, body) = rest(base, &token, "PATCH", "sobjects/PermissionSet/0PS5g00000RCNCT", Some(patch)).await;
    assert_eq!((status, body), (204, Value::Null));
    let set = &query(
        base,
        &token,
        "SELECT Description, PermissionsApiEnabled FROM PermissionSet WHERE Name = 'Reconnect_Gainsight_OAuth_User'",
    )
    .await[0];
    assert_eq!((set["Description"].as_str(), set["PermissionsApiEnabled"].as_bool()), (Some("Reviewed"), Some(true)));
    let refused = [
        ("sobjects/PermissionSet/0PS5g00000RCNCT", json!({ "Bogus": 1 }), 400, "INVALID_FIELD"),
        (
            "sobjects/PermissionSet/0PS5g00000RCNCT",
            json!({ "IsOwnedByProfile": true }),
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
        ),
        ("sobjects/PermissionSet/0PS5g00000NOSET", json!({ "Label": "x" }), 404, "NOT_FOUND"),
        (
            "sobjects/ConnectedApplication/0H45g00000GSCUS",
            json!({ "OptionsAllowAdminApprovedUsersOnly": true }),
            400,
            "INVALID_TYPE_FOR_OPERATION",
        ),
        ("sobjects/OauthToken/0CQ5g00000GSTOK", json!({ "UseCount": 0 }), 400, "INVALID_TYPE_FOR_OPERATION"),
    ];
    for (path, patch, want_status, code) in refused {
        let (status, body) = rest(base, &token, "PATCH", path, Some(patch)).await;
        assert_eq!((status, body[0]["errorCode"].as_str()), (want_status, Some(code)), "{path}: {body}");
    }
    let (status, body) = rest(base, &token, "DELETE", "sobjects/OauthToken/0CQ5g00000GSTOK", None).await;
    assert_eq!((status, body[0]["message"].as_str()), (400, Some("entity type cannot be deleted: OauthToken")));
    // PATCH works inside composite too.
    let (_, body) = rest(
        base,
        &token,
        "POST",
        "composite",
        Some(json!({ "compositeRequest": [
            { "method": "PATCH", "url": "/services/data/v62.0/sobjects/PermissionSet/0PS5g00000RCNCT", "referenceId": "p", "body": { "Label": "Renamed" } }
        ]})),
    )
    .await;
    assert_eq!(body["compositeResponse"][0]["httpStatusCode"], 204, "{body}");
    let set = org.snapshot().get("PermissionSet", "0PS5g00000RCNCT").unwrap().clone();
    assert_eq!(set["Label"], "Renamed");
}

#[tokio::test]
async fn a_caller_without_manage_users_cannot_write_permissions_or_install_packages() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let token = access(&sign_in_integration(org.url()).await).to_string();
    let writes = [
        ("POST", "sobjects/PermissionSet", json!({ "Name": "Sneaky", "Label": "Sneaky" })),
        ("PATCH", "sobjects/PermissionSet/0PS5g00000GSPRF", json!({ "PermissionsApiEnabled": true })),
        (
            "POST",
            "sobjects/PermissionSetAssignment",
            json!({ "AssigneeId": "0055g00000GSINT", "PermissionSetId": "0PS5g00000SYSAD" }),
        ),
        ("DELETE", "sobjects/PermissionSetAssignment/0Pa5g00000ASGN2", Value::Null),
        (
            "POST",
            "tooling/sobjects/PackageInstallRequest",
            json!({ "SubscriberPackageVersionKey": "04tg50000000tZD", "SecurityType": "None" }),
        ),
    ];
    for (method, path, body) in writes {
        let (status, body) = rest(org.url(), &token, method, path, Some(body).filter(|b| !b.is_null())).await;
        assert_eq!(status, 400, "{method} {path}: {body}");
        assert_eq!(body[0]["errorCode"], "INSUFFICIENT_ACCESS_OR_READONLY");
        assert_eq!(body[0]["message"], "insufficient access rights on object id");
    }
    // Reading is still allowed, and nothing changed.
    assert_eq!(query(org.url(), &token, "SELECT Id FROM PermissionSet").await.len(), 2);
    assert!(org.snapshot().all("PackageInstallRequest").is_empty());
}

#[tokio::test]
async fn an_assigned_permission_set_is_deleted_only_after_its_assignments() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let token = access(&sign_in(org.url()).await).to_string();
    let base = org.url();
    let (_, ps) =
        rest(base, &token, "POST", "sobjects/PermissionSet", Some(json!({ "Name": "Temp", "Label": "Temp" }))).await;
    let ps = ps["id"].as_str().unwrap().to_string();
    let (_, psa) = rest(
        base,
        &token,
        "POST",
        "sobjects/PermissionSetAssignment",
        Some(json!({ "PermissionSetId": ps, "AssigneeId": "0055g00000GSINT" })),
    )
    .await;
    let psa = psa["id"].as_str().unwrap().to_string();
    let (status, body) = rest(base, &token, "DELETE", &format!("sobjects/PermissionSet/{ps}"), None).await;
    assert_eq!((status, body[0]["errorCode"].as_str()), (400, Some("DELETE_FAILED")));
    assert_eq!(body[0]["message"], "Cannot delete a permission set that is assigned to users");
    let (status, _) = rest(base, &token, "DELETE", &format!("sobjects/PermissionSetAssignment/{psa}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = rest(base, &token, "DELETE", &format!("sobjects/PermissionSet/{ps}"), None).await;
    assert_eq!(status, 204);
    let (status, body) = rest(base, &token, "DELETE", &format!("sobjects/PermissionSet/{ps}"), None).await;
    assert_eq!(status, 404);
    assert_eq!(body[0]["errorCode"], "NOT_FOUND");
    assert_eq!(body[0]["message"], "The requested resource does not exist");
    // A profile's own permission set can neither be deleted nor made through the API.
    let (status, body) = rest(base, &token, "DELETE", "sobjects/PermissionSet/0PS5g00000GSPRF", None).await;
    assert_eq!((status, body[0]["errorCode"].as_str()), (400, Some("DELETE_FAILED")));
    let fake_profile_set = json!({ "Name": "Fake", "Label": "Fake", "IsOwnedByProfile": true });
    let (status, body) = rest(base, &token, "POST", "sobjects/PermissionSet", Some(fake_profile_set)).await;
    assert_eq!((status, body[0]["errorCode"].as_str()), (400, Some("INVALID_FIELD_FOR_INSERT_UPDATE")));
}

#[tokio::test]
async fn fields_standard_semi_joins_and_oauth_token_queries_answer_alone_and_in_composite() {
    let org = start(Config::new("already-fixed")).await.unwrap();
    let token = access(&sign_in(org.url()).await).to_string();
    let base = org.url();
    let grant = json!({ "ParentId": "0PS5g00000RCNCT", "SetupEntityId": "0H45g00000GSCUS", "SetupEntityType": "ConnectedApplication" });
    assert_eq!(rest(base, &token, "POST", "sobjects/SetupEntityAccess", Some(grant)).await.0, 201);
    let queries = [
        format!("SELECT FIELDS(STANDARD) FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '{INTEGRATION}')"),
        format!("SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication' AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = '{INTEGRATION}')"),
        format!("SELECT Id, AppName, UserId, LastUsedDate, UseCount, CreatedDate FROM OauthToken WHERE User.Username = '{INTEGRATION}'"),
    ];
    let check = |answers: [Vec<Value>; 3]| {
        let [sets, grants, tokens] = answers;
        assert_eq!(sets.len(), 2, "{sets:?}");
        for set in &sets {
            for field in ["Id", "Name", "Label", "IsOwnedByProfile", "PermissionsApiEnabled", "PermissionsManageUsers"]
            {
                assert!(set.get(field).is_some(), "{field} missing: {set}");
            }
        }
        assert_eq!(grants.len(), 1);
        assert_eq!(grants[0]["SetupEntityId"], "0H45g00000GSCUSCA5");
        assert_eq!(tokens.len(), 1);
        assert_eq!((tokens[0]["AppName"].as_str(), tokens[0]["UseCount"].as_u64()), (Some("GAINSIGHTCSUS"), Some(412)));
    };
    let mut alone = Vec::new();
    for q in &queries {
        alone.push(query(base, &token, q).await);
    }
    check(alone.try_into().unwrap());
    let parts: Vec<Value> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| json!({ "method": "GET", "url": format!("/services/data/v62.0/query?q={}", urlencode(q)), "referenceId": format!("q{i}") }))
        .collect();
    let (_, body) = rest(base, &token, "POST", "composite", Some(json!({ "compositeRequest": parts }))).await;
    let answers: Vec<Vec<Value>> = body["compositeResponse"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"]["records"].as_array().unwrap_or_else(|| panic!("{r}")).clone())
        .collect();
    check(answers.try_into().unwrap());
}

fn oauth_tokens(org: &practice_org::RunningOrg, app: &str) -> Vec<Value> {
    org.snapshot().all("OauthToken").iter().filter(|t| t["AppName"] == app).map(|t| Value::Object(t.clone())).collect()
}

#[tokio::test]
async fn signing_in_opens_an_oauth_token_row_that_rest_calls_bump_and_revocation_deletes() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let first = sign_in(org.url()).await;
    let rows = oauth_tokens(&org, "Salesforce CLI");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row["UseCount"].as_u64(), row["UserId"].as_str()), (Some(0), Some("0055g00000ADMINAA5")));
    assert_eq!(row["LastUsedDate"], row["CreatedDate"]);
    let delete_token = row["DeleteToken"].as_str().unwrap();
    assert!(!delete_token.is_empty() && delete_token != access(&first) && delete_token != first["refresh_token"]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    query(org.url(), access(&first), "SELECT Id FROM Organization").await;
    let seen = query(org.url(), access(&first), "SELECT UseCount, LastUsedDate FROM OauthToken").await;
    assert_eq!(seen[0]["UseCount"], 2, "the query that reads the row counts too");
    let used = practice_org::time::parse_ms(seen[0]["LastUsedDate"].as_str().unwrap()).unwrap();
    assert!(used > practice_org::time::parse_ms(row["CreatedDate"].as_str().unwrap()).unwrap());
    // A second sign-in of the same user to the same app shares the row ...
    let second = sign_in(org.url()).await;
    assert_eq!(oauth_tokens(&org, "Salesforce CLI").len(), 1);
    // ... which goes when the last refresh token of the grant is revoked.
    let revoke = |t: &str| {
        client().post(format!("{}/services/oauth2/revoke", org.url())).form(&[("token", t.to_string())]).send()
    };
    assert_eq!(revoke(first["refresh_token"].as_str().unwrap()).await.unwrap().status(), 200);
    assert_eq!(oauth_tokens(&org, "Salesforce CLI").len(), 1);
    assert_eq!(revoke(second["refresh_token"].as_str().unwrap()).await.unwrap().status(), 200);
    assert!(oauth_tokens(&org, "Salesforce CLI").is_empty());
    // A DeleteToken revokes the whole grant: its row and every token.
    let third = sign_in(org.url()).await;
    let delete_token = oauth_tokens(&org, "Salesforce CLI")[0]["DeleteToken"].as_str().unwrap().to_string();
    assert_eq!(revoke(&delete_token).await.unwrap().status(), 200);
    assert!(oauth_tokens(&org, "Salesforce CLI").is_empty());
    let (status, _) = rest(org.url(), access(&third), "GET", "sobjects", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_user_without_api_enabled_is_refused_and_the_call_is_not_counted() {
    let org = start(Config::new("app-admin-approved")).await.unwrap();
    let t = sign_in_integration(org.url()).await;
    let (status, body) = rest(org.url(), access(&t), "GET", "query?q=SELECT+Id+FROM+Organization", None).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!([{ "errorCode": "API_DISABLED_FOR_ORG", "message": "The REST API is not enabled for this Organization." }])
    );
    assert_eq!(oauth_tokens(&org, "reconnect-practice")[0]["UseCount"], 0);
}

#[tokio::test]
async fn an_admin_approved_only_app_admits_users_granted_it_through_a_permission_set() {
    let org = start(Config::new("app-admin-approved")).await.unwrap();
    let pairs = authorize(org.url(), "GAINSIGHTCSUS", INTEGRATION, "Practice-Integration-1").await;
    assert_eq!(get(&pairs, "error"), Some("access_denied"));
    assert_eq!(get(&pairs, "error_description"), Some("user is not admin approved to access this app"));
    let admin = access(&sign_in(org.url()).await).to_string();
    let grant = json!({ "ParentId": "0PS5g00000GSPRF", "SetupEntityId": "0H45g00000GSCUS", "SetupEntityType": "ConnectedApplication" });
    assert_eq!(rest(org.url(), &admin, "POST", "sobjects/SetupEntityAccess", Some(grant)).await.0, 201);
    let pairs = authorize(org.url(), "GAINSIGHTCSUS", INTEGRATION, "Practice-Integration-1").await;
    assert!(get(&pairs, "code").is_some(), "{pairs:?}");
    // An inactive user gets the login page back, as for a wrong password.
    let c = challenge();
    let form = [
        ("response_type", "code"),
        ("client_id", "GAINSIGHTCSUS"),
        ("redirect_uri", REDIRECT),
        ("code_challenge", c.as_str()),
        ("username", "former.integration@acme-practice.example"),
        ("password", "Practice-Former-1"),
        ("decision", "allow"),
    ];
    let r = client().post(format!("{}/services/oauth2/authorize", org.url())).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("id=login-error"));
    // Nor can a permission set be assigned to that user.
    let assignment = json!({ "AssigneeId": "0055g00000GSOLD", "PermissionSetId": "0PS5g00000SYSAD" });
    let (status, body) = rest(org.url(), &admin, "POST", "sobjects/PermissionSetAssignment", Some(assignment)).await;
    assert_eq!((status, body[0]["errorCode"].as_str()), (400, Some("FIELD_INTEGRITY_EXCEPTION")));
    assert_eq!(body[0]["message"], "The user is inactive");
}

/// Does what a Gainsight admin does in the browser: Re-authorize on the Connectors page, log in
/// on the org's page, come back; returns the Connectors page then shown.
async fn reauthorize_gainsight(org: &practice_org::RunningOrg, username: &str, password: &str) -> String {
    let http = client();
    let r = http.post(format!("{}/practice/gainsight/connectors/authorize", org.url())).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let authorize_url = url::Url::parse(&location(&r)).unwrap();
    assert_eq!(authorize_url.path(), "/services/oauth2/authorize");
    let pairs: Vec<(String, String)> = authorize_url.query_pairs().into_owned().collect();
    assert_eq!(get(&pairs, "client_id"), Some(org.scenario().gainsight.connected_app.as_str()));
    assert_eq!(get(&pairs, "code_challenge_method"), Some("S256"));
    let callback = format!("{}/practice/gainsight/callback", org.url());
    assert_eq!(get(&pairs, "redirect_uri"), Some(callback.as_str()));
    let page = http.get(authorize_url.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("id=\"username\""));
    let mut form = pairs;
    form.extend(
        [("username", username), ("password", password), ("decision", "allow")]
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let posted = http.post(format!("{}/services/oauth2/authorize", org.url())).form(&form).send().await.unwrap();
    assert_eq!(posted.status(), 303);
    let back = location(&posted);
    // A blocked app ends on Salesforce's own error page: the tenant never hears of it.
    if back.starts_with(&callback) {
        let r = http.get(back).send().await.unwrap();
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/practice/gainsight/connectors".to_string()));
    } else {
        assert!(back.starts_with("/setup/secur/RemoteAccessErrorPage.apexp?error="), "{back}");
    }
    http.get(org.gainsight_connectors_url()).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn the_practice_gainsight_tenant_reauthorizes_its_connection_end_to_end() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let page = client().get(org.gainsight_connectors_url()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Connectors 2.0") && page.contains("Practice") && page.contains("練習用"), "{page}");
    assert!(page.contains("Authorization required") && page.contains("id=\"reauthorize\""));
    assert!(page.contains("Re-authorize / 再認証"));
    // Before the fix, Salesforce shows its error page and the connection stays unauthorized.
    let page = reauthorize_gainsight(&org, INTEGRATION, "Practice-Integration-1").await;
    assert!(page.contains("Authorization required"), "{page}");
    // The admin installs the package, as Reconnect does.
    let admin = access(&sign_in(org.url()).await).to_string();
    let install = json!({ "SubscriberPackageVersionKey": "04tg50000000tZD", "SecurityType": "None", "NameConflictResolution": "Block" });
    let (status, body) = rest(org.url(), &admin, "POST", "tooling/sobjects/PackageInstallRequest", Some(install)).await;
    assert_eq!(status, 201, "{body}");
    let request = body["id"].as_str().unwrap().to_string();
    loop {
        let (_, r) =
            rest(org.url(), &admin, "GET", &format!("tooling/sobjects/PackageInstallRequest/{request}"), None).await;
        if r["Status"] == "SUCCESS" {
            break;
        }
        assert_eq!(r["Status"], "IN_PROGRESS");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let page = reauthorize_gainsight(&org, INTEGRATION, "Practice-Integration-1").await;
    assert!(page.contains(&format!("Authorized as {INTEGRATION}, last sync 20")), "{page}");
    assert!(!page.contains("last-error"), "{page}");
    assert!(!page.contains("!AQ") && !page.contains("5Aep"), "tokens stay out of the page");
    let rows = oauth_tokens(&org, "GAINSIGHTCSUS");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["UserId"], "0055g00000GSINTAA5");
    assert!(rows[0]["UseCount"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn the_gainsight_sync_reports_a_user_without_api_enabled() {
    let org = start(Config::new("app-admin-approved")).await.unwrap();
    let admin = access(&sign_in(org.url()).await).to_string();
    let grant = json!({ "ParentId": "0PS5g00000GSPRF", "SetupEntityId": "0H45g00000GSCUS", "SetupEntityType": "ConnectedApplication" });
    assert_eq!(rest(org.url(), &admin, "POST", "sobjects/SetupEntityAccess", Some(grant)).await.0, 201);
    let page = reauthorize_gainsight(&org, INTEGRATION, "Practice-Integration-1").await;
    assert!(page.contains("Salesforce API call failed: API_DISABLED_FOR_ORG"), "{page}");
    assert!(page.contains("not synced yet"), "{page}");
    assert_eq!(oauth_tokens(&org, "GAINSIGHTCSUS")[0]["UseCount"], 0);
}

#[tokio::test]
async fn the_gainsight_company_query_needs_the_tenant_access_key() {
    let org = start(Config::new("production-us-revoked")).await.unwrap();
    let company = |key: Option<&str>| {
        let mut r = client()
            .post(format!("{}/v1/data/objects/query/Company", org.url()))
            .json(&json!({ "select": ["Gsid"], "limit": 1 }));
        if let Some(k) = key {
            r = r.header("Accesskey", k);
        }
        r.send()
    };
    let r = company(Some(org.gainsight_access_key())).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["result"].as_bool(), &body["errorCode"]), (Some(true), &Value::Null));
    assert!(body["requestId"].as_str().unwrap().len() == 36);
    let records = body["data"]["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert!(records[0]["Gsid"].as_str().unwrap().starts_with("1P02"));
    for key in [Some("wrong-key"), None] {
        let r = company(key).await.unwrap();
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.unwrap();
        assert_eq!((body["result"].as_bool(), body["errorCode"].as_str()), (Some(false), Some("GU_1101")));
        assert_eq!((body["errorDesc"].as_str(), &body["data"]), (Some("Access key is invalid"), &Value::Null));
    }
}

/// What the Salesforce CLI needs: doubled slashes (its instance URL ends in one), column
/// metadata for result tables, the package version's managed flags, and JSON errors for
/// unknown paths.
#[tokio::test]
async fn the_salesforce_cli_shapes_are_served() {
    let org = start(Config::new("already-fixed")).await.unwrap();
    let t = sign_in(org.url()).await;
    let token = access(&t);
    let versions: Value =
        client().get(format!("{}//services/data", org.url())).send().await.unwrap().json().await.unwrap();
    assert!(!versions.as_array().unwrap().is_empty());
    let soql = "SELECT Id, SubscriberPackage.Name, SubscriberPackageVersion.IsManaged, \
                SubscriberPackageVersion.Package2ContainerOptions FROM InstalledSubscriberPackage ORDER BY SubscriberPackageId";
    let url = format!("{}//services/data/v62.0/tooling/query?q={}", org.url(), urlencode(soql));
    let r = client().get(&url).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let managed: Vec<&Value> =
        body["records"].as_array().unwrap().iter().map(|r| &r["SubscriberPackageVersion"]["IsManaged"]).collect();
    assert!(managed.contains(&&json!(true)) && managed.contains(&&json!(false)), "{body}");
    let columns: Value =
        client().get(format!("{url}&columns=true")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    let meta = columns["columnMetadata"].as_array().unwrap();
    assert_eq!(meta.len(), 4);
    assert_eq!(meta[0]["columnName"], "Id");
    assert_eq!(meta[1]["columnName"], "SubscriberPackage");
    assert_eq!(meta[1]["foreignKeyName"], "SubscriberPackageId");
    assert_eq!(meta[1]["joinColumns"][0]["columnName"], "Name");
    assert_eq!(columns["entityName"], "InstalledSubscriberPackage");
    let r = client().get(format!("{}/services/nowhere", org.url())).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body[0]["errorCode"], "NOT_FOUND");
}

#[tokio::test]
async fn an_oauthtoken_query_ends_at_2500_rows_while_count_gives_them_all() {
    let org = start(Config::new("hardening-large")).await.unwrap();
    let admin = sign_in(org.url()).await;
    let (_, counted) = rest(
        org.url(),
        access(&admin),
        "GET",
        &format!("query?q={}", urlencode("SELECT count() FROM OauthToken")),
        None,
    )
    .await;
    let all = counted["totalSize"].as_u64().unwrap();
    assert!(all > 10_000, "{counted}");
    let (status, first) =
        rest(org.url(), access(&admin), "GET", &format!("query?q={}", urlencode("SELECT Id FROM OauthToken")), None)
            .await;
    assert_eq!(status, 200);
    assert_eq!(first["totalSize"], 2500, "the query's own total is the cap");
    let mut read = first["records"].as_array().unwrap().len();
    let mut next = first["nextRecordsUrl"].as_str().map(str::to_string);
    while let Some(path) = next {
        let r = client().get(format!("{}{path}", org.url())).bearer_auth(access(&admin)).send().await.unwrap();
        let page: Value = r.json().await.unwrap();
        read += page["records"].as_array().unwrap().len();
        next = page["nextRecordsUrl"].as_str().map(str::to_string);
    }
    assert_eq!(read, 2500);
    // Paging by CreatedDate, as sfdx-hardis and Reconnect do, reads past it.
    let limited =
        query(org.url(), access(&admin), "SELECT Id FROM OauthToken ORDER BY CreatedDate ASC, Id ASC LIMIT 2000").await;
    assert_eq!(limited.len(), 2000);
}
