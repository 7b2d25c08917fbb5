//! Verification that the connection really works again, from Salesforce's side: the package,
//! the OAuth user's permissions, and an OAuth token of the Gainsight connected app used by
//! that user at or after the moment re-authorization started. Two round trips, sent at once:
//! one composite request for the user, their permission sets, the app, its grants and the
//! tokens, and one Tooling query for the installed packages.

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::PackageEdition;
use crate::error::Error;
use crate::language::text;
use crate::oauth_user::diagnosis::{metadata_needed, Diagnosis};
use crate::oauth_user::snapshot::{MetadataGrants, Snapshot};
use crate::package::installed::{assess, installed_packages, ui_package_installed, PackageState};
use reconnect_engine::check::{Check, CheckStatus};
use reconnect_engine::clock::Clock;
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::timestamp::{format_ms, parse_ms};

/// The Gainsight connected app's token for the OAuth user, as Salesforce reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenUse {
    /// The app's name on the token.
    pub app_name: String,
    /// When it was last used.
    pub last_used: Option<String>,
    /// How often it was used.
    pub use_count: u64,
    /// When it was issued.
    pub created: Option<String>,
}

/// What verification found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// When the check ran.
    pub checked_at: String,
    /// The moment re-authorization started, when known.
    pub since: Option<String>,
    /// The user diagnosis.
    pub diagnosis: Diagnosis,
    /// The connected-app package against the catalog.
    pub package: PackageState,
    /// Whether Gainsight's UI package is installed (informational).
    pub ui_package: bool,
    /// The most recently used token of the app for the user.
    pub token: Option<TokenUse>,
    /// Every check, the diagnosis's included.
    pub checks: Vec<Check>,
    /// HTTP round trips to Salesforce.
    pub round_trips: u64,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

impl Verification {
    /// Whether nothing blocks the connection.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }
}

fn check(id: &str, status: CheckStatus, key: &str, evidence: String, args: &[(&str, &str)]) -> Check {
    Check {
        id: id.to_string(),
        status,
        title: text(&format!("check.{id}.title"), args),
        explanation: text(key, args),
        evidence,
    }
}

/// The best token of `app_name` in the snapshot: the latest used.
fn token_of(tokens: &[Value], app_name: &str) -> Option<TokenUse> {
    tokens
        .iter()
        .filter(|t| t["AppName"].as_str().is_some_and(|a| a.eq_ignore_ascii_case(app_name)))
        .map(|t| TokenUse {
            app_name: t["AppName"].as_str().unwrap_or_default().to_string(),
            last_used: t["LastUsedDate"].as_str().map(str::to_string),
            use_count: t["UseCount"].as_u64().unwrap_or(0),
            created: t["CreatedDate"].as_str().map(str::to_string),
        })
        .max_by_key(|t| t.last_used.as_deref().and_then(parse_ms).unwrap_or(i64::MIN))
}

/// Verifies the connection for `username` and the edition's package.
pub async fn verify(
    client: &SalesforceClient,
    username: &str,
    edition: &PackageEdition,
    since_ms: Option<i64>,
    clock: &dyn Clock,
) -> Result<Verification, Error> {
    let trips_before = client.round_trips();
    let started = Instant::now();
    let (snapshot, installed) =
        tokio::join!(Snapshot::read(client, username, &edition.connected_app), installed_packages(client));
    let (snapshot, installed) = (snapshot?, installed?);
    // Only when a needed permission has no field here (the app is not installed) does the
    // Metadata API add its round trips.
    let metadata = MetadataGrants::read(client, &snapshot, metadata_needed(&snapshot)).await;
    let diagnosis = Diagnosis::evaluate(&snapshot, &metadata, username, &edition.connected_app)?;
    let package = assess(client, &installed, edition).await?;
    let ui_package = ui_package_installed(&installed);
    let token = token_of(&snapshot.tokens, &edition.connected_app);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let round_trips = client.round_trips() - trips_before;

    let since = since_ms.map(format_ms);
    let app = [("app", edition.connected_app.as_str()), ("package", edition.package_name.as_str())];
    let mut checks = Vec::new();
    checks.push(match &package {
        PackageState::Missing => check(
            "package_installed",
            CheckStatus::Fail,
            "check.package_installed.fail",
            format!("InstalledSubscriberPackage {}: none", edition.package_name),
            &app,
        ),
        state => {
            let p = state.installed().expect("not missing");
            let version = p.version_number();
            let args = [app[0], app[1], ("version", version.as_str())];
            let (status, key) = match state {
                PackageState::Other { .. } => (CheckStatus::Warn, "check.package_installed.other"),
                _ => (CheckStatus::Pass, "check.package_installed.pass"),
            };
            check(
                "package_installed",
                status,
                key,
                format!("{} {} ({}, {})", p.name, version, p.version_name, p.version_id),
                &args,
            )
        }
    });
    checks.push(if ui_package {
        check(
            "ui_package",
            CheckStatus::Pass,
            "check.ui_package.pass",
            "Gainsight Customer Success: installed".into(),
            &app,
        )
    } else {
        check(
            "ui_package",
            CheckStatus::Warn,
            "check.ui_package.missing",
            "Gainsight Customer Success: none".into(),
            &app,
        )
    });
    checks.extend(diagnosis.checks.iter().cloned());
    let since_text = since.clone().unwrap_or_default();
    checks.push(match &token {
        None => check(
            "token_used",
            CheckStatus::Fail,
            "check.token_used.none",
            format!("OauthToken {} for {username}: none", edition.connected_app),
            &[app[0], ("user", username)],
        ),
        Some(t) => {
            let last = t.last_used.as_deref().and_then(parse_ms);
            let used_since = t.use_count > 0 && since_ms.is_none_or(|s| last.is_some_and(|l| l >= s));
            let evidence = format!(
                "OauthToken {}: LastUsedDate {}, UseCount {}, CreatedDate {}",
                t.app_name,
                t.last_used.as_deref().unwrap_or("-"),
                t.use_count,
                t.created.as_deref().unwrap_or("-")
            );
            let args = [app[0], ("user", username), ("since", since_text.as_str())];
            if used_since {
                check("token_used", CheckStatus::Pass, "check.token_used.pass", evidence, &args)
            } else {
                check("token_used", CheckStatus::Fail, "check.token_used.stale", evidence, &args)
            }
        }
    });
    Ok(Verification {
        checked_at: clock.now_text(),
        since,
        diagnosis,
        package,
        ui_package,
        token,
        checks,
        round_trips,
        elapsed_ms,
    })
}
