//! Package installs: a `PackageInstallRequest` starts `IN_PROGRESS` and, after the scenario's
//! install time, becomes `SUCCESS` (the package, its version and its connected app appear in
//! the org) or `ERROR` (with the scenario's reason), as Salesforce's installer does.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::store::Store;
use crate::time::now_ms;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Version {
    pub(crate) id: String,
    package_id: String,
    pub(crate) package_name: String,
    version_name: String,
    major: u32,
    minor: u32,
    patch: u32,
    build: u32,
    /// Whether the package is managed (`IsManaged`, which the Salesforce CLI reads).
    managed: bool,
    connected_app: Option<String>,
}

#[derive(Deserialize)]
struct AppExchange {
    versions: Vec<Version>,
}

pub(crate) fn versions() -> &'static [Version] {
    static VERSIONS: std::sync::OnceLock<Vec<Version>> = std::sync::OnceLock::new();
    VERSIONS.get_or_init(|| {
        serde_json::from_str::<AppExchange>(include_str!("../data/appexchange.json"))
            .expect("appexchange.json is checked by a unit test")
            .versions
    })
}

/// The package name of an AppExchange version, by its `04t` id (15 or 18 characters).
pub fn package_name(version_key: &str) -> Option<&'static str> {
    versions().iter().find(|v| version_key.get(..15) == Some(v.id.as_str())).map(|v| v.package_name.as_str())
}

/// Files an install request; the installer, never the caller, decides its status.
pub fn request(
    store: &mut Store,
    caller: &str,
    fields: &Map<String, Value>,
) -> Result<String, crate::sf_error::SfError> {
    let mut fields = fields.clone();
    fields.insert("Status".into(), json!("IN_PROGRESS"));
    // The defaults the recorded requests carry (`corpus/salesforce/packaging-*.json`).
    for (k, v) in [("UpgradeType", json!("mixed-mode")), ("ApexCompileType", json!("all"))] {
        fields.entry(k.to_string()).or_insert(v);
    }
    let id = store.insert("PackageInstallRequest", &fields)?;
    let created =
        store.get("PackageInstallRequest", &id).and_then(|r| r.get("CreatedDate").cloned()).unwrap_or(Value::Null);
    let by_the_org = crate::install::fields(&[
        ("CreatedById", json!(caller)),
        ("LastModifiedById", json!(caller)),
        ("LastModifiedDate", created.clone()),
        ("SystemModstamp", created),
        ("PackageInstallSource", json!("U")),
    ]);
    store.update("PackageInstallRequest", &id, &by_the_org);
    Ok(id)
}

/// How installs end in a scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct InstallBehaviour {
    /// Seconds an install stays `IN_PROGRESS`.
    #[serde(default = "default_seconds")]
    pub seconds: f64,
    /// When set, every install ends in `ERROR` with this message.
    #[serde(default)]
    pub error: Option<String>,
}

fn default_seconds() -> f64 {
    3.0
}

impl Default for InstallBehaviour {
    fn default() -> Self {
        InstallBehaviour { seconds: default_seconds(), error: None }
    }
}

pub(crate) fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// Moves every install request whose time is up to its end state.
pub fn advance(store: &mut Store, behaviour: &InstallBehaviour) {
    let now = now_ms();
    let due: Vec<(String, String)> = store
        .all("PackageInstallRequest")
        .iter()
        .filter(|r| r["Status"] == "IN_PROGRESS")
        .filter(|r| {
            let created = r["CreatedDate"].as_str().and_then(crate::time::parse_ms).unwrap_or(now);
            (now - created) as f64 >= behaviour.seconds * 1000.0
        })
        .map(|r| {
            (
                r["Id"].as_str().unwrap_or_default().to_string(),
                r["SubscriberPackageVersionKey"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (id, key) in due {
        let version = versions().iter().find(|v| key.get(..15) == Some(v.id.as_str()) || key == v.id);
        let outcome = match (&behaviour.error, version) {
            (Some(message), _) => Err(message.clone()),
            (None, None) => Err(format!("The package version {key} was not found or is not available to this org.")),
            (None, Some(v)) => {
                install(store, v);
                Ok(())
            }
        };
        let update = match outcome {
            Ok(()) => fields(&[("Status", json!("SUCCESS"))]),
            Err(message) => {
                fields(&[("Status", json!("ERROR")), ("Errors", json!({ "errors": [{ "message": message }] }))])
            }
        };
        store.update("PackageInstallRequest", &id, &update);
    }
}

fn install(store: &mut Store, v: &Version) {
    let package_id = reconnect_engine::salesforce_id::SalesforceId::parse(&v.package_id).expect("valid id").to_string();
    let version_id = reconnect_engine::salesforce_id::SalesforceId::parse(&v.id).expect("valid id").to_string();
    if store.get("SubscriberPackage", &package_id).is_none() {
        store.put(
            "SubscriberPackage",
            fields(&[("Id", json!(package_id)), ("Name", json!(v.package_name)), ("NamespacePrefix", Value::Null)]),
        );
    }
    if store.get("SubscriberPackageVersion", &version_id).is_none() {
        store.put(
            "SubscriberPackageVersion",
            fields(&[
                ("Id", json!(version_id)),
                ("Name", json!(v.version_name)),
                ("SubscriberPackageId", json!(package_id)),
                ("MajorVersion", json!(v.major)),
                ("MinorVersion", json!(v.minor)),
                ("PatchVersion", json!(v.patch)),
                ("BuildNumber", json!(v.build)),
                ("IsManaged", json!(v.managed)),
                ("Package2ContainerOptions", Value::Null),
            ]),
        );
    }
    let installed =
        store.all("InstalledSubscriberPackage").iter().any(|r| r["SubscriberPackageId"] == package_id.as_str());
    if !installed {
        let id = store.new_record_id("InstalledSubscriberPackage");
        store.put(
            "InstalledSubscriberPackage",
            fields(&[
                ("Id", json!(id)),
                ("SubscriberPackageId", json!(package_id)),
                ("SubscriberPackageVersionId", json!(version_id)),
            ]),
        );
    }
    if let Some(app) = &v.connected_app {
        if !store.all("ConnectedApplication").iter().any(|r| r["Name"] == app.as_str()) {
            let id = store.new_record_id("ConnectedApplication");
            store.put(
                "ConnectedApplication",
                fields(&[
                    ("Id", json!(id)),
                    ("Name", json!(app)),
                    ("OptionsAllowAdminApprovedUsersOnly", json!(false)),
                    ("CreatedDate", json!(crate::time::format_ms(now_ms()))),
                ]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn request(store: &mut Store, key: &str) -> String {
        let f = fields(&[
            ("SubscriberPackageVersionKey", json!(key)),
            ("SecurityType", json!("None")),
            ("NameConflictResolution", json!("Block")),
        ]);
        super::request(store, "0055g00000ADMINAA5", &f).unwrap()
    }

    #[test]
    fn an_install_succeeds_after_its_time_and_brings_the_connected_app() {
        let mut store = Scenario::named("production-us-revoked").unwrap().store().unwrap();
        let id = request(&mut store, "04tg50000000tZD");
        assert_eq!(store.get("PackageInstallRequest", &id).unwrap()["Status"], "IN_PROGRESS");
        advance(&mut store, &InstallBehaviour { seconds: 3600.0, error: None });
        assert_eq!(store.get("PackageInstallRequest", &id).unwrap()["Status"], "IN_PROGRESS");
        advance(&mut store, &InstallBehaviour { seconds: 0.0, error: None });
        assert_eq!(store.get("PackageInstallRequest", &id).unwrap()["Status"], "SUCCESS");
        assert!(store.all("ConnectedApplication").iter().any(|a| a["Name"] == "GAINSIGHTCSUS"));
        assert_eq!(store.all("InstalledSubscriberPackage").len(), 2);
    }

    #[test]
    fn unknown_versions_and_scenario_errors_end_in_error() {
        let mut store = Scenario::named("production-us-revoked").unwrap().store().unwrap();
        let id = request(&mut store, "04t000000000001");
        advance(&mut store, &InstallBehaviour { seconds: 0.0, error: None });
        let r = store.get("PackageInstallRequest", &id).unwrap();
        assert_eq!(r["Status"], "ERROR");
        assert!(r["Errors"].to_string().contains("not found"));
        let id = request(&mut store, "04tJ9000000Hgiz");
        advance(
            &mut store,
            &InstallBehaviour { seconds: 0.0, error: Some("Installation failed: missing licence".into()) },
        );
        assert!(store.get("PackageInstallRequest", &id).unwrap()["Errors"].to_string().contains("licence"));
    }
}
