//! Every recorded Salesforce answer in `corpus/salesforce/` goes through the real client code,
//! over real loopback HTTP: a replay server answers each request with the recording, and the
//! client must read it, or refuse it with the error it means. One test per recording; a guard
//! test fails when a recording has no test.

use reconnect_engine::oauth::flow::{exchange_code, refresh_tokens, revoke};
use reconnect_engine::salesforce::client::{http_client, SalesforceClient};
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::salesforce::metadata::MetadataKind;
use reconnect_engine::salesforce::soap::{response_body, Element, Fault};
use reconnect_engine::salesforce::tokens::Identity;
use reconnect_engine::secret::Secret;
use reconnect_engine::Error;
use reconnect_testkit::replay::{recording_names, Recording, Replay};
use serde_json::{json, Value};

const SERVICE: &str = "salesforce";

fn load(name: &str) -> Recording {
    Recording::load(SERVICE, name)
}

/// A client signed in to the replay server with a token that never refreshes.
async fn client(replay: &Replay) -> SalesforceClient {
    let instance = InstanceUrl::parse(&replay.url).unwrap();
    SalesforceClient::connect(http_client(), instance, "PlatformCLI", Secret::new("test-access"), None, None)
        .await
        .unwrap()
}

async fn serving(names: &[&str]) -> (Replay, SalesforceClient) {
    let replay = Replay::start(names.iter().map(|n| load(n)).collect()).await;
    let c = client(&replay).await;
    (replay, c)
}

/// The path a recording asks for, under `/services/data/vNN.0/`.
fn data_path(r: &Recording) -> String {
    let path = r.path().trim_start_matches("/services/data/");
    path.split_once('/').map(|(_, rest)| rest.to_string()).unwrap_or_default()
}

async fn token_answer(name: &str) -> Result<reconnect_engine::salesforce::tokens::TokenSet, Error> {
    let replay = Replay::start(vec![load(name)]).await;
    let server = InstanceUrl::parse(&replay.url).unwrap();
    exchange_code(&http_client(), &server, "PlatformCLI", "http://localhost:1717/OauthRedirect", &Secret::new("c"), "v")
        .await
}

async fn refresh_answer(name: &str) -> Result<reconnect_engine::salesforce::tokens::Refreshed, Error> {
    let replay = Replay::start(vec![load(name)]).await;
    let server = InstanceUrl::parse(&replay.url).unwrap();
    refresh_tokens(&http_client(), &server, "PlatformCLI", &Secret::new("r")).await
}

/// A query recording through the client's first page.
async fn first_page(name: &str) -> reconnect_engine::salesforce::client::QueryPage<Value> {
    let r = load(name);
    let (_, c) = serving(&[name]).await;
    let resource = if r.path().contains("/tooling/") { "tooling/query" } else { "query" };
    c.first_page(resource, r.soql().unwrap_or("SELECT Id FROM Organization")).await.unwrap()
}

/// A query recording's records as the client reads them, with the recorded count.
async fn query_records(name: &str) {
    let r = load(name);
    let page = first_page(name).await;
    assert_eq!(page.records.len(), r.body()["records"].as_array().unwrap().len(), "{name}");
    assert_eq!(page.total_size, r.body()["totalSize"].as_u64().unwrap(), "{name}");
}

/// A REST error recording: the client's typed error for the recorded request.
async fn rest_error(name: &str) -> Error {
    let r = load(name);
    let (_, c) = serving(&[name]).await;
    let path = data_path(&r);
    match r.method() {
        "GET" if r.soql().is_some() && path.starts_with("tooling/") => {
            c.tooling_query::<Value>(r.soql().unwrap()).await.map(|_| ())
        }
        "GET" if r.soql().is_some() => c.query::<Value>(r.soql().unwrap()).await.map(|_| ()),
        "GET" => c.get::<Value>(&path).await.map(|_| ()),
        "POST" => c.create(&path, &r.file["request"]["body"]).await.map(|_| ()),
        "DELETE" => c.delete(&path).await,
        "PATCH" => c.patch(&path, &json!({})).await,
        m => panic!("{m}"),
    }
    .expect_err(name)
}

/// A SOAP recording read by the client's SOAP reader: its fault, or its body's first element.
fn soap(name: &str) -> Result<String, Fault> {
    let envelope = Element::parse(load(name).body().as_str().unwrap()).unwrap();
    match Fault::find(&envelope) {
        Some(f) => Err(f),
        None => Ok(response_body(&envelope).unwrap().name.clone()),
    }
}

/// A Metadata API recording through the client's SOAP call (faults recorded on another SOAP
/// endpoint are served at the Metadata API's).
async fn metadata_call(name: &str) -> Result<Element, Error> {
    let replay = Replay::start(vec![load(name).at("/services/Soap/m/63.0")]).await;
    client(&replay).await.metadata_call("<checkDeployStatus/>", true).await
}

macro_rules! recordings {
    ($name:ident; $($test:ident => $file:literal $body:block)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let $name: &str = $file;
                $body
            }
        )*

        #[test]
        fn every_recording_is_read_by_a_test() {
            let tested = [$($file),*];
            let missing: Vec<String> =
                recording_names(SERVICE).into_iter().filter(|n| !tested.contains(&n.as_str())).collect();
            assert!(missing.is_empty(), "recordings without a test: {missing:?}");
        }
    };
}

recordings! {
    name;
    composite_failure_rolled_back => "composite-failure-rolled-back" {
        let (_, c) = serving(&[name]).await;
        let parts = c.composite_read(&[("NewAccount", "sobjects/Account".into()), ("NewContact", "sobjects/Contact".into())]).await.unwrap();
        let errors: Vec<String> = parts.values().map(|p| match p {
            Err(Error::SalesforceApi { code, .. }) => code.clone(),
            other => panic!("{other:?}"),
        }).collect();
        assert!(errors.contains(&"PROCESSING_HALTED".to_string()) && errors.contains(&"INVALID_FIELD".to_string()), "{errors:?}");
    }
    composite_success => "composite-success" {
        let (_, c) = serving(&[name]).await;
        let parts = c.composite_read(&[("a", "sobjects/Account".into())]).await.unwrap();
        assert_eq!(parts.len(), 2);
        assert!(parts.values().all(|p| p.as_ref().is_ok_and(|b| b["success"] == true)));
    }
    describe_account => "describe-account" {
        let (_, c) = serving(&[name]).await;
        let fields = c.describe_fields("Account").await.unwrap();
        assert_eq!(fields.len(), 111);
        assert!(fields.iter().any(|f| f.name == "Name" && f.createable));
    }
    describe_global_sobjects => "describe-global-sobjects" {
        let (_, c) = serving(&[name]).await;
        let global: Value = c.get("sobjects").await.unwrap();
        assert_eq!(global["sobjects"].as_array().unwrap().len(), 6);
    }
    describe_permissionset => "describe-permissionset" {
        let (_, c) = serving(&[name]).await;
        let fields = c.describe_fields("PermissionSet").await.unwrap();
        assert_eq!(fields.len(), 436);
        assert!(fields.iter().any(|f| f.name == "PermissionsApiEnabled" && f.label == "API Enabled" && f.kind == "boolean"));
        assert!(!fields.iter().any(|f| f.name == "PermissionsCanApproveUninstalledApps"));
    }
    identity_id_url => "identity-id-url" {
        // Who signed in, as Reconnect reads it from a token answer's `id`: the identity URL.
        let body = load(name).body();
        let identity = Identity::from_id_url(body["id"].as_str().unwrap()).unwrap();
        assert_eq!(identity.user_id.as_str(), body["user_id"].as_str().unwrap());
        assert_eq!(identity.org_id.as_str(), body["organization_id"].as_str().unwrap());
    }
    identity_userinfo => "identity-userinfo" {
        // A library's three-key userinfo stub names no identity URL: nothing to read, refused.
        let body = load(name).body();
        assert!(Identity::from_id_url(body["id"].as_str().unwrap_or_default()).is_err());
        assert!(body["user_id"].is_string());
    }
    limits_org_limits => "limits-org-limits" {
        let (_, c) = serving(&[name]).await;
        let limits: Value = c.get("limits").await.unwrap();
        assert!(limits["DailyApiRequests"]["Max"].as_u64().unwrap() > 0);
    }
    metadata_check_deploy_status_failed => "metadata-check-deploy-status-failed" {
        assert_eq!(response_body(&metadata_call(name).await.unwrap()).unwrap().name, "checkDeployStatusResponse");
    }
    metadata_check_deploy_status_in_progress => "metadata-check-deploy-status-in-progress" {
        assert_eq!(response_body(&metadata_call(name).await.unwrap()).unwrap().name, "checkDeployStatusResponse");
    }
    metadata_check_deploy_status_pending => "metadata-check-deploy-status-pending" {
        assert_eq!(response_body(&metadata_call(name).await.unwrap()).unwrap().name, "checkDeployStatusResponse");
    }
    metadata_check_deploy_status_succeeded => "metadata-check-deploy-status-succeeded" {
        let answer = metadata_call(name).await.unwrap();
        let result = response_body(&answer).unwrap().child("result").unwrap().clone();
        assert_eq!(result.text_of("status"), Some("Succeeded"));
    }
    metadata_create_result_documented => "metadata-create-result-documented" {
        let (_, c) = serving(&[name]).await;
        let spec = reconnect_engine::salesforce::metadata::PermissionSetSpec {
            full_name: "Gainsight_OAuth_User_Reconnect".into(), label: "x".into(), description: String::new(), user_permissions: vec![],
        };
        c.create_permission_set(&spec).await.unwrap();
    }
    metadata_deploy_queued => "metadata-deploy-queued" {
        assert_eq!(response_body(&metadata_call(name).await.unwrap()).unwrap().name, "deployResponse");
    }
    metadata_fault_insufficient_access => "metadata-fault-insufficient-access" {
        assert!(matches!(metadata_call(name).await, Err(Error::InsufficientAccess { .. })));
    }
    metadata_list_profiles_documented => "metadata-list-profiles-documented" {
        let (_, c) = serving(&[name]).await;
        let listed = c.list_metadata(MetadataKind::Profile).await.unwrap();
        assert_eq!((listed[0].full_name.as_str(), listed[0].id.as_str()), ("Admin", "00exx000000j0vCAAQ"));
    }
    metadata_read_nil_record => "metadata-read-nil-record" {
        let (_, c) = serving(&[name]).await;
        let read = c.read_permission_metadata(MetadataKind::PermissionSet, &["Does_Not_Exist".to_string()]).await.unwrap();
        assert!(read.is_empty(), "a nil record is no component: {read:?}");
    }
    metadata_read_permissionset => "metadata-read-permissionset" {
        let (_, c) = serving(&[name]).await;
        let read = c.read_permission_metadata(MetadataKind::PermissionSet, &["IntegrationCustomFieldVisibility".to_string()]).await.unwrap();
        assert_eq!(read[0].full_name, "IntegrationCustomFieldVisibility");
        assert!(read[0].label.as_deref().unwrap().starts_with("Permissions for optional"));
        assert!(!read[0].grants("CanApproveUninstalledApps"));
    }
    metadata_read_profile_documented => "metadata-read-profile-documented" {
        let (_, c) = serving(&[name]).await;
        let read = c.read_permission_metadata(MetadataKind::Profile, &["Admin".to_string()]).await.unwrap();
        assert!(read[0].grants("CanApproveUninstalledApps") && read[0].grants("ApiEnabled"));
    }
    metadata_soap_fault_invalid_session_id => "metadata-soap-fault-invalid-session-id" {
        // No refresh token here: the session is over.
        assert!(matches!(metadata_call(name).await, Err(Error::SessionExpired)));
    }
    metadata_upsert_error => "metadata-upsert-error" {
        let (_, c) = serving(&[name]).await;
        let spec = reconnect_engine::salesforce::metadata::PermissionSetSpec {
            full_name: "TestObject15__c.IsReady__c".into(), label: "x".into(), description: String::new(), user_permissions: vec![],
        };
        // A failed SaveResult is the error it carries (the recording is an upsert; the result's shape is the same).
        let replay_path_is_soap = load(name).path().starts_with("/services/Soap/m/");
        assert!(replay_path_is_soap);
        let err = c.update_permission_set(&spec).await.unwrap_err();
        assert!(matches!(err, Error::SalesforceApi { ref code, .. } if code == "FIELD_INTEGRITY_EXCEPTION"), "{err:?}");
    }
    metadata_upsert_result => "metadata-upsert-result" {
        let (_, c) = serving(&[name]).await;
        let spec = reconnect_engine::salesforce::metadata::PermissionSetSpec {
            full_name: "IntegrationCustomFieldVisibility".into(), label: "x".into(), description: String::new(), user_permissions: vec![],
        };
        c.update_permission_set(&spec).await.unwrap();
    }
    packaging_package_install_request_create => "packaging-package-install-request-create" {
        let (_, c) = serving(&[name]).await;
        let id = c.create("tooling/sobjects/PackageInstallRequest", &json!({ "SubscriberPackageVersionKey": "04tg50000000tZD" })).await.unwrap();
        assert!(id.starts_with("0Hf"), "{id}");
    }
    packaging_package_install_request_poll_error => "packaging-package-install-request-poll-error" {
        let r = load(name);
        let (_, c) = serving(&[name]).await;
        let request: Value = c.get(&data_path(&r)).await.unwrap();
        // What the status means is the Gainsight playbook's (its corpus test); here: read as sent.
        assert_eq!(request, r.body());
        assert_eq!(request["Status"], "ERROR");
    }
    packaging_package_install_request_poll_in_progress => "packaging-package-install-request-poll-in-progress" {
        let r = load(name);
        let (_, c) = serving(&[name]).await;
        let request: Value = c.get(&data_path(&r)).await.unwrap();
        // What the status means is the Gainsight playbook's (its corpus test); here: read as sent.
        assert_eq!(request, r.body());
        assert_eq!(request["Status"], "IN_PROGRESS");
    }
    packaging_package_install_request_poll_success => "packaging-package-install-request-poll-success" {
        let r = load(name);
        let (_, c) = serving(&[name]).await;
        let request: Value = c.get(&data_path(&r)).await.unwrap();
        // What the status means is the Gainsight playbook's (its corpus test); here: read as sent.
        assert_eq!(request, r.body());
        assert_eq!(request["Status"], "SUCCESS");
    }
    query_aggregate_expr0 => "query-aggregate-expr0" {
        query_records(name).await;
        let page = first_page(name).await;
        assert!(page.records.iter().all(|r| r["expr0"].is_number()));
    }
    query_connectedapplication => "query-connectedapplication" {
        query_records(name).await;
        let page = first_page(name).await;
        assert!(page.records.iter().all(|r| r["OptionsAllowAdminApprovedUsersOnly"].is_boolean()));
    }
    query_empty => "query-empty" { query_records(name).await; }
    query_eventlogfile_logfile_csv => "query-eventlogfile-logfile-csv" {
        let r = load(name);
        let (_, c) = serving(&[name]).await;
        let csv = c.get_text(&data_path(&r)).await.unwrap();
        assert!(csv.starts_with("\"EVENT_TYPE\",\"TIMESTAMP\""), "{csv}");
    }
    query_eventlogfile => "query-eventlogfile" { query_records(name).await; }
    eventlogfile_login_csv_browser_type => "eventlogfile-login-csv-browser-type" {
        let r = load(name);
        let (_, c) = serving(&[name]).await;
        let csv = c.get_text(&data_path(&r)).await.unwrap();
        assert_eq!(csv, r.body().as_str().unwrap());
        assert!(csv.lines().next().unwrap().contains("\"BROWSER_TYPE\""));
    }
    query_loginhistory => "query-loginhistory" { query_records(name).await; }
    query_first_page_with_next_records_url => "query-first-page-with-next-records-url" {
        // The first page's nextRecordsUrl is the last page's path: the client follows it.
        let (_, c) = serving(&[name, "query-last-page-without-next-records-url"]).await;
        let all: Vec<Value> = c.query("SELECT Text_Label FROM Whizbang").await.unwrap();
        assert_eq!(all.iter().map(|r| r["Text_Label"].as_str().unwrap()).collect::<Vec<_>>(), ["First Page", "Last Page"]);
    }
    query_last_page_without_next_records_url => "query-last-page-without-next-records-url" {
        let (_, c) = serving(&[name]).await;
        let page = c.next_page::<Value>("/services/data/v63.0/query/01gD").await.unwrap();
        assert!(page.next.is_none());
        assert_eq!(page.records.len(), 1);
    }
    query_loginevent_page_with_next_records_url => "query-loginevent-page-with-next-records-url" {
        query_records(name).await;
        assert!(first_page(name).await.next.is_some());
    }
    query_loginevent => "query-loginevent" { query_records(name).await; }
    query_loginhistory_aggregate => "query-loginhistory-aggregate" { query_records(name).await; }
    query_nested_relationships => "query-nested-relationships" {
        query_records(name).await;
        let page = first_page(name).await;
        assert!(page.records[0]["ParentWhizbang__r"]["attributes"]["type"].is_string());
    }
    query_oauthtoken_first_page => "query-oauthtoken-first-page" {
        // A hand-edited absolute nextRecordsUrl: read, and never followed to another host.
        let page = first_page(name).await;
        assert!(page.next.as_deref().unwrap().starts_with("https://"));
        let (_, c) = serving(&[name]).await;
        let err = c.query::<Value>(load(name).soql().unwrap()).await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    }
    query_oauthtoken_last_page => "query-oauthtoken-last-page" {
        let (_, c) = serving(&[name]).await;
        let page = c.next_page::<Value>("/services/data/v62.0/query/0r8xx3d3FsAvwqKAIR-5").await.unwrap();
        assert_eq!((page.total_size, page.next), (9, None));
    }
    query_oauthtoken => "query-oauthtoken" { query_records(name).await; }
    query_organization_id => "query-organization-id" { query_records(name).await; }
    query_permissionset => "query-permissionset" { query_records(name).await; }
    query_permissionsetassignment => "query-permissionsetassignment" {
        query_records(name).await;
        assert!(first_page(name).await.records[0]["PermissionSet"]["Name"].is_string());
    }
    query_profiles_via_permissionset => "query-profiles-via-permissionset" { query_records(name).await; }
    query_user_all => "query-user-all" { query_records(name).await; }
    query_user_with_profile_and_assignments => "query-user-with-profile-and-assignments" { query_records(name).await; }
    query_userlogin_documented => "query-userlogin-documented" {
        query_records(name).await;
        assert_eq!(first_page(name).await.records[0]["IsFrozen"], true);
    }
    rest_error_api_disabled_for_org => "rest-error-api-disabled-for-org" {
        assert!(matches!(rest_error(name).await, Error::ApiDisabled));
    }
    rest_error_invalid_field_query => "rest-error-invalid-field-query" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "INVALID_FIELD"));
    }
    rest_error_invalid_field => "rest-error-invalid-field" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "INVALID_FIELD"));
    }
    rest_error_invalid_session_id_object_form => "rest-error-invalid-session-id-object-form" {
        let (_, c) = serving(&[name]).await;
        assert!(matches!(c.get::<Value>("").await, Err(Error::SessionExpired)));
    }
    rest_error_invalid_session_id => "rest-error-invalid-session-id" {
        assert!(matches!(rest_error(name).await, Error::SessionExpired));
    }
    rest_error_malformed_query_documented => "rest-error-malformed-query-documented" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "MALFORMED_QUERY"));
    }
    rest_error_malformed_search => "rest-error-malformed-search" {
        let (_, c) = serving(&[name]).await;
        let err = c.get::<Value>("search?q=FIND+bar").await.unwrap_err();
        assert!(matches!(err, Error::SalesforceApi { ref code, .. } if code == "MALFORMED_SEARCH"), "{err:?}");
    }
    rest_error_multiple_field_custom_validation => "rest-error-multiple-field-custom-validation" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"));
    }
    rest_error_not_found_external_id => "rest-error-not-found-external-id" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "NOT_FOUND"));
    }
    rest_error_invalid_type_tooling => "rest-error-invalid-type-tooling" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "INVALID_TYPE"));
    }
    rest_error_not_found_resource => "rest-error-not-found-resource" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "NOT_FOUND"));
    }
    rest_error_not_found_xml => "rest-error-not-found-xml" {
        // An XML error body (only when XML is asked for; Reconnect asks for JSON): not guessed at.
        assert!(matches!(rest_error(name).await, Error::UnexpectedResponse { .. }));
    }
    rest_error_request_limit_exceeded => "rest-error-request-limit-exceeded" {
        assert!(matches!(refresh_answer(name).await, Err(Error::RequestLimit)));
    }
    rest_error_required_field_missing => "rest-error-required-field-missing" {
        assert!(matches!(rest_error(name).await, Error::SalesforceApi { ref code, .. } if code == "REQUIRED_FIELD_MISSING"));
    }
    revoke_error_documented => "revoke-error-documented" {
        let replay = Replay::start(vec![load(name)]).await;
        let server = InstanceUrl::parse(&replay.url).unwrap();
        assert!(revoke(&http_client(), &server, "PlatformCLI", &Secret::new("t")).await.is_err());
    }
    revoke_error_unsupported_token_type => "revoke-error-unsupported-token-type" {
        // A form-encoded error body, not JSON.
        let replay = Replay::start(vec![load(name)]).await;
        let server = InstanceUrl::parse(&replay.url).unwrap();
        let refused = revoke(&http_client(), &server, "PlatformCLI", &Secret::new("t")).await;
        assert!(matches!(refused, Err(Error::OAuth { ref error, ref description }) if error == "unsupported_token_type" && description.contains("not supported")), "{refused:?}");
    }
    revoke_error_404_bad_id => "revoke-error-404-bad-id" {
        // A bare code in plain text: the token was not revoked.
        let replay = Replay::start(vec![load(name)]).await;
        let server = InstanceUrl::parse(&replay.url).unwrap();
        let refused = revoke(&http_client(), &server, "PlatformCLI", &Secret::new("t")).await;
        assert!(matches!(refused, Err(Error::OAuth { ref error, .. }) if error == "Bad_Id"), "{refused:?}");
    }
    revoke_success => "revoke-success" {
        let replay = Replay::start(vec![load(name)]).await;
        let server = InstanceUrl::parse(&replay.url).unwrap();
        revoke(&http_client(), &server, "PlatformCLI", &Secret::new("t")).await.unwrap();
        // The client names itself, as RFC 7009 has a public client do.
        assert!(replay.asked().iter().any(|a| a.body.contains("client_id=PlatformCLI")));
    }
    sobject_create_success => "sobject-create-success" {
        let (_, c) = serving(&[name]).await;
        assert!(!c.create("sobjects/Account", &json!({ "Name": "x" })).await.unwrap().is_empty());
    }
    sobject_get_deleted => "sobject-get-deleted" {
        let (_, c) = serving(&[name]).await;
        let deleted: Value = c.get("sobjects/Whizbang/deleted/").await.unwrap();
        assert!(deleted["deletedRecords"][0]["id"].is_string());
    }
    sobject_get_updated => "sobject-get-updated" {
        let (_, c) = serving(&[name]).await;
        let updated: Value = c.get("sobjects/Whizbang/updated/").await.unwrap();
        assert!(updated["ids"].is_array());
    }
    sobject_recent => "sobject-recent" {
        let (_, c) = serving(&[name]).await;
        let recent: Vec<Value> = c.get("recent").await.unwrap();
        assert!(!recent.is_empty());
    }
    sobject_upsert_multiple_matches => "sobject-upsert-multiple-matches" {
        // 300 with an array of URLs: not an error body Reconnect guesses at.
        let err = rest_error(name).await;
        assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    }
    token_authorization_code_success => "token-authorization-code-success" {
        let t = token_answer(name).await.unwrap();
        assert!(t.refresh.is_some());
        assert_eq!(t.identity.org_id.to_15(), "00Do0000000KLYP");
        assert_eq!(t.instance.as_str(), "https://na17.salesforce.com");
    }
    token_error_invalid_client_id => "token-error-invalid-client-id" {
        assert!(matches!(token_answer(name).await, Err(Error::OAuth { ref error, .. }) if error == "invalid_client_id"));
    }
    token_error_invalid_grant_authentication_failure => "token-error-invalid-grant-authentication-failure" {
        assert!(matches!(token_answer(name).await, Err(Error::OAuth { ref error, .. }) if error == "invalid_grant"));
    }
    token_error_invalid_grant_expired_token => "token-error-invalid-grant-expired-token" {
        // A refused refresh ends the session.
        assert!(matches!(refresh_answer(name).await, Err(Error::SessionExpired)));
    }
    token_error_invalid_grant_user_not_approved => "token-error-invalid-grant-user-not-approved" {
        assert!(matches!(token_answer(name).await, Err(Error::AppNotApproved)));
    }
    token_jwt_bearer_success => "token-jwt-bearer-success" {
        // A library's placeholder identity (`0DF…` is no user id): refused, not trusted.
        assert!(matches!(token_answer(name).await, Err(Error::UnexpectedResponse { .. })));
    }
    token_password_success => "token-password-success" {
        // No token_type, no scope, no refresh token: none is needed.
        let t = token_answer(name).await.unwrap();
        assert!(t.refresh.is_none());
    }
    token_refresh_success_no_refresh_token => "token-refresh-success-no-refresh-token" {
        let r = refresh_answer(name).await.unwrap();
        assert!(r.refresh.is_none(), "the old refresh token is kept");
    }
    token_soap_login_fault_invalid_login_sf_prefix => "token-soap-login-fault-invalid-login-sf-prefix" {
        assert_eq!(soap(name).unwrap_err().code, "INVALID_LOGIN");
    }
    token_soap_login_fault_invalid_login => "token-soap-login-fault-invalid-login" {
        assert_eq!(soap(name).unwrap_err().code, "INVALID_LOGIN");
    }
    token_soap_login_success => "token-soap-login-success" {
        assert_eq!(soap(name).unwrap(), "loginResponse");
    }
    tooling_installedsubscriberpackage_query => "tooling-installedsubscriberpackage-query" { query_records(name).await; }
    tooling_profile_metadata_null => "tooling-profile-metadata-null" { query_records(name).await; }
    tooling_profile_metadata_login_ip_ranges => "tooling-profile-metadata-login-ip-ranges" {
        query_records(name).await;
        let page = first_page(name).await;
        let ranges = page.records[0]["Metadata"]["loginIpRanges"].as_array().unwrap();
        assert!(ranges.iter().all(|r| r["startAddress"].is_string() && r["endAddress"].is_string()));
    }
    tooling_profile_metadata_query => "tooling-profile-metadata-query" { query_records(name).await; }
    tooling_subscriberpackage_query => "tooling-subscriberpackage-query" { query_records(name).await; }
    versions_list => "versions-list" {
        // A 2011 org offers no version Reconnect speaks: a clear refusal.
        let replay = Replay::start(vec![load(name)]).await;
        let instance = InstanceUrl::parse(&replay.url).unwrap();
        let refused = SalesforceClient::connect(http_client(), instance, "PlatformCLI", Secret::new("t"), None, None).await;
        assert!(matches!(refused, Err(Error::ApiVersionUnsupported { .. })));
    }
}
