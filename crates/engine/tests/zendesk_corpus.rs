//! Every Zendesk recording the client meets, served as recorded over loopback and read by the
//! real Zendesk client: one test each (`corpus/zendesk/`).

use std::time::Duration;

use reconnect_engine::salesforce::client::http_client;
use reconnect_engine::secret::Secret;
use reconnect_engine::zendesk::api::{installations, me, oauth_tokens, revoke_oauth_token, update_installation};
use reconnect_engine::zendesk::{Credential, ZendeskBase, ZendeskClient};
use reconnect_engine::Error;
use reconnect_testkit::replay::{Recording, Replay};
use serde_json::json;

fn load(name: &str) -> Recording {
    Recording::load("zendesk", name)
}

/// A recording's answer to another request of the client (an error body is the same whatever
/// the endpoint that gave it).
fn answering(name: &str, method: &str, path: &str) -> Recording {
    let mut r = load(name).at(path);
    r.file["request"]["method"] = json!(method);
    r
}

async fn client(recordings: Vec<Recording>) -> (Replay, ZendeskClient) {
    let replay = Replay::start(recordings).await;
    let credential =
        Credential::OAuth { access: Secret::new("test-access"), refresh: None, client_id: "reconnect".into() };
    let client = ZendeskClient::new(http_client(), ZendeskBase::loopback(&replay.url).unwrap(), credential, None);
    (replay, client)
}

#[tokio::test]
async fn users_me_oauth_2023_reads_the_admin() {
    let (_r, c) = client(vec![load("zendesk-users-me-oauth-2023")]).await;
    let user = me(&c).await.unwrap();
    assert_eq!((user.id, user.role.as_str()), (6130907993114, "admin"));
}

#[tokio::test]
async fn users_me_2015_reads_the_user() {
    let (_r, c) = client(vec![load("zendesk-users-me-2015").at("/api/v2/users/me.json")]).await;
    assert!(me(&c).await.unwrap().id > 0);
}

#[tokio::test]
async fn users_me_2023_12_with_rate_limit_headers_reads_the_user() {
    let (_r, c) = client(vec![load("zendesk-users-me-2023-12-headers")]).await;
    assert!(me(&c).await.unwrap().id > 0);
}

#[tokio::test]
async fn users_me_anonymous_answer_to_bad_credentials_is_a_refusal() {
    let (_r, c) = client(vec![load("zendesk-users-me-anonymous-bad-credentials")]).await;
    assert!(matches!(me(&c).await, Err(Error::ZendeskUnauthorized)));
}

#[tokio::test]
async fn installations_list_reads_without_sideloaded_apps() {
    let (r, c) = client(vec![load("zendesk-apps-installations-list").at("/api/v2/apps/installations.json")]).await;
    let (list, apps) = installations(&c).await.unwrap();
    assert_eq!((list.len(), list[0].id, list[0].name.as_str()), (1, 187732, "My App"));
    assert!(apps.is_empty());
    assert!(r.asked()[0].uri.contains("include=app"));
}

#[tokio::test]
async fn installation_show_reads_one_installation() {
    let (_r, c) =
        client(vec![load("zendesk-apps-installation-show").at("/api/v2/apps/installations/187732.json")]).await;
    let v = c.get("/api/v2/apps/installations/187732.json").await.unwrap();
    let i = reconnect_engine::zendesk::api::parse_installation(&v).unwrap();
    assert_eq!((i.id, i.app_id, i.enabled), (187732, 30911, true));
}

#[tokio::test]
async fn installation_update_answer_reads_back_without_values() {
    let (r, c) =
        client(vec![load("zendesk-apps-installation-update").at("/api/v2/apps/installations/187732.json")]).await;
    let i = update_installation(&c, 187732, &[("name".into(), Secret::new("My New Name"))]).await.unwrap();
    assert_eq!(i.setting_names, ["name", "title"]);
    let sent: serde_json::Value = serde_json::from_str(&r.asked()[0].body).unwrap();
    assert_eq!(sent, json!({"settings": {"name": "My New Name"}}));
}

#[tokio::test]
async fn app_show_reads_parameters_and_their_secure_flags() {
    let (_r, c) = client(vec![load("zendesk-app-show").at("/api/v2/apps/30912.json")]).await;
    let app = reconnect_engine::zendesk::api::app(&c, 30912).await.unwrap().unwrap();
    assert_eq!(app.parameters.len(), 1);
    assert!(!app.parameters[0].secure);
}

#[tokio::test]
async fn oauth_token_object_and_client_object_read_in_a_cursor_page() {
    let token = load("zendesk-oauth-token-object").file["response"]["body"].clone();
    let client_object = load("zendesk-oauth-client-object").file["response"]["body"].clone();
    let mut tokens = load("zendesk-cursor-pagination-single-page").at("/api/v2/oauth/tokens.json");
    tokens.file["response"]["body"] = json!({"tokens": [token], "meta": {"has_more": false}, "links": {"next": null}});
    let mut clients = load("zendesk-cursor-pagination-single-page").at("/api/v2/oauth/clients.json");
    clients.file["response"]["body"] = json!({"clients": [client_object], "meta": {"has_more": false}, "links": {}});
    let (_r, c) = client(vec![tokens, clients]).await;
    let (t, cl) = oauth_tokens(&c, true).await.unwrap();
    assert_eq!((t[0].id, t[0].client_id), (1, 41));
    assert_eq!(cl[0].identifier, "test_client");
}

#[tokio::test]
async fn cursor_pages_are_followed_to_the_empty_last_page() {
    // The recorded pages of organizations, as the shape every cursor list shares.
    let (r, c) =
        client(vec![load("zendesk-cursor-pagination-first-page"), load("zendesk-cursor-pagination-last-page-empty")])
            .await;
    let first = c.get("/api/v2/organizations.json?page[size]=1").await.unwrap();
    assert_eq!(first["meta"]["has_more"], true);
    let next = first["links"]["next"].as_str().unwrap();
    // The recorded next link names the real account's host: the client refuses to follow
    // a link off its own base, so a token never goes elsewhere.
    assert!(matches!(c.get(next).await, Err(Error::HostNotAllowed { .. })));
    let local = format!("{}/api/v2/organizations.json?page%5Bafter%5D=x", r.url);
    assert_eq!(c.get(&local).await.unwrap()["meta"]["has_more"], false);
}

#[tokio::test]
async fn offset_pagination_users_page_reads_next_page() {
    let (_r, c) = client(vec![load("zendesk-offset-pagination-users-page1")]).await;
    let v = c.get("/api/v2/users.json?page=1&per_page=1").await.unwrap();
    assert!(v["users"].is_array());
}

#[tokio::test]
async fn delete_204_revokes_a_token() {
    let (_r, c) = client(vec![load("zendesk-delete-204").at("/api/v2/oauth/tokens/502.json")]).await;
    revoke_oauth_token(&c, 502).await.unwrap();
}

#[tokio::test]
async fn error_401_invalid_token_is_a_refused_credential() {
    let (_r, c) = client(vec![load("zendesk-error-401-invalid-token").at("/api/v2/apps/installations.json")]).await;
    assert!(matches!(installations(&c).await, Err(Error::ZendeskUnauthorized)));
}

#[tokio::test]
async fn error_401_couldnt_authenticate_is_a_refused_credential() {
    let (_r, c) =
        client(vec![load("zendesk-error-401-couldnt-authenticate").at("/api/v2/apps/installations.json")]).await;
    assert!(matches!(installations(&c).await, Err(Error::ZendeskUnauthorized)));
}

#[tokio::test]
async fn error_403_forbidden_permission_names_the_request() {
    let (_r, c) =
        client(vec![answering("zendesk-error-403-forbidden-permission", "PUT", "/api/v2/apps/installations/1.json")])
            .await;
    match update_installation(&c, 1, &[("k".into(), Secret::new("v"))]).await {
        Err(Error::ZendeskForbidden { what, message }) => {
            assert_eq!(what, "/api/v2/apps/installations/{id}");
            assert!(message.contains("restricted"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_403_missing_scope_is_forbidden() {
    let (_r, c) = client(vec![load("zendesk-error-403-missing-scope").at("/api/v2/apps/installations.json")]).await;
    assert!(matches!(installations(&c).await, Err(Error::ZendeskForbidden { .. })));
}

#[tokio::test]
async fn error_404_recordnotfound_2015_and_2023_are_not_found() {
    for name in ["zendesk-error-404-recordnotfound-2015", "zendesk-error-404-recordnotfound-2023"] {
        let (_r, c) = client(vec![load(name).at("/api/v2/oauth/tokens/5.json")]).await;
        assert!(matches!(revoke_oauth_token(&c, 5).await, Err(Error::ZendeskNotFound { .. })), "{name}");
    }
}

#[tokio::test]
async fn error_404_invalid_endpoint_and_no_help_desk_are_not_found() {
    for name in ["zendesk-error-404-invalid-endpoint", "zendesk-error-404-no-help-desk"] {
        let (_r, c) = client(vec![load(name).at("/api/v2/users/me.json")]).await;
        assert!(matches!(me(&c).await, Err(Error::ZendeskNotFound { .. })), "{name}");
    }
}

#[tokio::test]
async fn error_422_recordinvalid_carries_the_field_messages() {
    let (_r, c) =
        client(vec![answering("zendesk-error-422-recordinvalid", "PUT", "/api/v2/apps/installations/1.json")]).await;
    match update_installation(&c, 1, &[("name".into(), Secret::new("x"))]).await {
        Err(Error::ZendeskInvalid { details, .. }) => assert_eq!(details, "name: Name has already been taken"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_400_invalid_attribute_and_406_are_refused_values() {
    for name in ["zendesk-error-400-invalid-attribute"] {
        let (_r, c) = client(vec![load(name).at("/api/v2/apps/installations/1.json")]).await;
        let r = update_installation(&c, 1, &[("name".into(), Secret::new("x"))]).await;
        assert!(matches!(r, Err(Error::ZendeskInvalid { .. })), "{name}: {r:?}");
    }
    let (_r, c) =
        client(vec![load("zendesk-error-406-comment-required").at("/api/v2/apps/installations/1.json")]).await;
    let r = update_installation(&c, 1, &[("name".into(), Secret::new("x"))]).await;
    assert!(matches!(r, Err(Error::ZendeskUnavailable { status: 406 })), "{r:?}");
}

#[tokio::test]
async fn error_429_reads_retry_after_and_gives_up_past_the_longest_wait() {
    let (_r, c) =
        client(vec![answering("zendesk-error-429-rate-limited", "GET", "/api/v2/apps/installations.json")]).await;
    let c = c.with_max_wait(Duration::from_secs(5));
    assert!(matches!(installations(&c).await, Err(Error::ZendeskRateLimited { seconds: 93 })));
}

#[tokio::test]
async fn oauth_token_grant_reads_the_access_token() {
    let replay = Replay::start(vec![load("zendesk-oauth-token-grant")]).await;
    let base = ZendeskBase::loopback(&replay.url).unwrap();
    // The documented answer has no refresh token: a refresh is then impossible, not an error.
    let t = reconnect_engine::zendesk::sign_in::refresh(&http_client(), &base, "reconnect", &Secret::new("r"))
        .await
        .unwrap();
    assert!(t.refresh.is_none() && !t.access.expose().is_empty());
}

#[tokio::test]
async fn app_jobs_and_writes_reconnect_never_makes_are_listed_as_such() {
    // Recordings of calls Reconnect never makes (app uploads, installs, removals): the client
    // has no function for them; their answers still parse as JSON or empty.
    for name in [
        "zendesk-apps-create-202",
        "zendesk-apps-job-status-queued",
        "zendesk-apps-job-status-completed",
        "zendesk-apps-installation-create",
        "zendesk-apps-installation-delete",
        "zendesk-app-update",
        "zendesk-app-delete",
    ] {
        let r = load(name);
        assert!(r.status() < 300, "{name}");
    }
}
