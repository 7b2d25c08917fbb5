//! The recorded package answers read as the Gainsight playbook reads them: a
//! `PackageInstallRequest`'s status, and the installed packages with their versions. (The
//! engine's corpus test reads every recording through the client; this one checks what the
//! playbook makes of these.)

use reconnect_engine::salesforce::client::{http_client, SalesforceClient};
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::secret::Secret;
use reconnect_gainsight::package::api_install::InstallStatus;
use reconnect_gainsight::package::installed::installed_packages;
use reconnect_testkit::replay::{Recording, Replay};
use serde_json::Value;

async fn serving(name: &str) -> (Recording, Replay, SalesforceClient) {
    let r = Recording::load("salesforce", name);
    let replay = Replay::start(vec![Recording::load("salesforce", name)]).await;
    let instance = InstanceUrl::parse(&replay.url).unwrap();
    let c =
        SalesforceClient::connect(http_client(), instance, "PlatformCLI", Secret::new("t"), None, None).await.unwrap();
    (r, replay, c)
}

async fn install_request(name: &str) -> InstallStatus {
    let (r, _replay, c) = serving(name).await;
    let path = r.path().trim_start_matches("/services/data/");
    let path = path.split_once('/').map(|(_, rest)| rest).unwrap_or_default().to_string();
    let request: Value = c.get(&path).await.unwrap();
    InstallStatus::of(&request)
}

#[tokio::test]
async fn a_failed_install_request_carries_every_message() {
    let status = install_request("packaging-package-install-request-poll-error").await;
    assert!(matches!(status, InstallStatus::Failed(m) if m.contains("message 1") && m.contains("message 2")));
}

#[tokio::test]
async fn an_install_request_in_progress_is_pending_with_its_status() {
    let status = install_request("packaging-package-install-request-poll-in-progress").await;
    assert_eq!(status, InstallStatus::Pending("IN_PROGRESS".into()));
}

#[tokio::test]
async fn a_successful_install_request_succeeded() {
    assert_eq!(install_request("packaging-package-install-request-poll-success").await, InstallStatus::Succeeded);
}

#[tokio::test]
async fn installed_packages_are_read_with_their_names_and_versions() {
    let (r, _replay, c) = serving("tooling-installedsubscriberpackage-query").await;
    let installed = installed_packages(&c).await.unwrap();
    let recorded = r.body();
    assert_eq!(installed.len(), recorded["records"].as_array().unwrap().len());
    assert_eq!(installed[0].name, recorded["records"][0]["SubscriberPackage"]["Name"].as_str().unwrap());
    assert!(installed.iter().all(|p| p.version_id.starts_with("04t")));
}
