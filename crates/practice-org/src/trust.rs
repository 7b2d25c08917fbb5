//! A practice Trust status API under `/trust`, answering as `api.status.salesforce.com/v1`
//! does in the recordings of `corpus/trust/`: the instance's status is the recorded OK or
//! minor-incident body with the org's instance put in, a maintenance is the recorded
//! maintenance shape, impacts are named by the recorded localizations. Which answer it gives
//! is switched at run time (`POST /trust/practice/scenario`), and two faults show what a
//! client must survive: no answer in time, and an answer that is not the API's.
//!
//! Not recorded, so chosen here and marked so: a 404 without a body for an instance or alias
//! it does not serve, and the general messages' shape (`id`, `subject`, `body`, `startDate`,
//! `endDate`, as public code reads them).

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::time::{format_iso_z, now_ms};
use crate::{lock, Shared};

const OK: &str = include_str!("../../../corpus/trust/trust-instance-status-ok.json");
const MINOR: &str = include_str!("../../../corpus/trust/trust-instance-status-minor-incident.json");
const MAINTENANCE: &str = include_str!("../../../corpus/trust/trust-instance-status-maintenance.json");
const LOCALIZATIONS: &str = include_str!("../../../corpus/trust/trust-localizations.json");

/// What the practice Trust API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrustScenario {
    /// All OK.
    #[default]
    Ok,
    /// A minor incident on the core service, still open.
    MinorIncident,
    /// A maintenance planned for tomorrow.
    Maintenance,
    /// No answer within any client's patience.
    Slow,
    /// An answer that is not the Trust API's (an HTML page).
    Garbage,
}

impl TrustScenario {
    /// Every scenario's name.
    pub const NAMES: [&'static str; 5] = ["ok", "minor-incident", "maintenance", "slow", "garbage"];

    /// The scenario named `name`.
    pub fn named(name: &str) -> Option<TrustScenario> {
        Some(match name {
            "ok" => TrustScenario::Ok,
            "minor-incident" => TrustScenario::MinorIncident,
            "maintenance" => TrustScenario::Maintenance,
            "slow" => TrustScenario::Slow,
            "garbage" => TrustScenario::Garbage,
            _ => return None,
        })
    }
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/trust/v1/instances/{key}/status", get(instance_status))
        .route("/trust/v1/instanceAliases/{alias}/status", get(alias_status))
        .route("/trust/v1/localizations", get(localizations))
        .route("/trust/v1/generalMessages", get(general_messages))
        .route("/trust/practice/scenario", post(switch))
}

fn recorded(file: &str) -> Value {
    let v: Value = serde_json::from_str(file).expect("the Trust recordings are JSON");
    v["response"]["body"].clone()
}

/// The org's instance and My Domain name.
fn org_names(state: &Shared) -> (String, String) {
    let org = lock(state);
    let instance = org.store.all("Organization").first().and_then(|o| o["InstanceName"].as_str()).unwrap_or("NA224");
    (instance.to_string(), org.scenario.my_domain.clone())
}

/// The instance's status in the scenario, for `key`.
fn status_body(scenario: TrustScenario, key: &str) -> Value {
    let now = now_ms();
    let hour = 3_600_000;
    match scenario {
        TrustScenario::MinorIncident => {
            let mut body = recorded(MINOR);
            body["key"] = json!(key);
            for incident in body["Incidents"].as_array_mut().into_iter().flatten() {
                incident["instanceKeys"] = json!([key]);
                incident["createdAt"] = json!(format_iso_z(now - hour));
                incident["updatedAt"] = json!(format_iso_z(now - hour));
                for impact in incident["IncidentImpacts"].as_array_mut().into_iter().flatten() {
                    impact["startTime"] = json!(format_iso_z(now - 2 * hour));
                }
            }
            body
        }
        TrustScenario::Maintenance => {
            let mut body = recorded(OK);
            body["key"] = json!(key);
            body["status"] = json!("MAINTENANCE_CORE");
            let mut m = recorded(MAINTENANCE)[0].clone();
            let (start, end) = (now + 24 * hour, now + 26 * hour);
            m["instanceKeys"] = json!([key]);
            m["isCore"] = json!(true);
            m["plannedStartTime"] = json!(format_iso_z(start));
            m["plannedEndTime"] = json!(format_iso_z(end));
            m["message"]["eventStatus"] = json!("confirmed");
            for impact in m["MaintenanceImpacts"].as_array_mut().into_iter().flatten() {
                impact["startTime"] = json!(format_iso_z(start));
                impact["endTime"] = json!(format_iso_z(end));
            }
            body["Maintenances"] = json!([m]);
            body
        }
        _ => {
            let mut body = recorded(OK);
            body["key"] = json!(key);
            body
        }
    }
}

/// The faults first: a stalled answer, or an HTML page.
async fn fault(state: &Shared) -> Option<Response> {
    let scenario = lock(state).trust;
    match scenario {
        TrustScenario::Slow => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Some(StatusCode::GATEWAY_TIMEOUT.into_response())
        }
        TrustScenario::Garbage => Some(
            (
                StatusCode::OK,
                [(axum::http::header::CONTENT_TYPE, "text/html")],
                "<html><body>Service Unavailable</body></html>",
            )
                .into_response(),
        ),
        _ => None,
    }
}

async fn instance_status(State(state): State<Shared>, Path(key): Path<String>) -> Response {
    if let Some(r) = fault(&state).await {
        return r;
    }
    let (instance, _) = org_names(&state);
    if !key.eq_ignore_ascii_case(&instance) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let scenario = lock(&state).trust;
    Json(status_body(scenario, &instance)).into_response()
}

async fn alias_status(State(state): State<Shared>, Path(alias): Path<String>) -> Response {
    if let Some(r) = fault(&state).await {
        return r;
    }
    let (instance, my_domain) = org_names(&state);
    if !alias.eq_ignore_ascii_case(&my_domain) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let scenario = lock(&state).trust;
    Json(status_body(scenario, &instance)).into_response()
}

async fn localizations(State(state): State<Shared>) -> Response {
    if let Some(r) = fault(&state).await {
        return r;
    }
    Json(recorded(LOCALIZATIONS)).into_response()
}

async fn general_messages(State(state): State<Shared>) -> Response {
    if let Some(r) = fault(&state).await {
        return r;
    }
    let scenario = lock(&state).trust;
    let messages = match scenario {
        // Salesforce's advisory on the Gainsight applications (general message 20000233).
        TrustScenario::MinorIncident => json!([{
            "id": 20000233,
            "subject": "Gainsight applications: unusual activity and revoked tokens",
            "body": "Salesforce has revoked the OAuth tokens of Gainsight-published applications while it investigates unusual activity. Reconnect them after re-authorizing.",
            "startDate": format_iso_z(now_ms() - 24 * 3_600_000),
            "endDate": null,
        }]),
        _ => json!([]),
    };
    Json(messages).into_response()
}

async fn switch(State(state): State<Shared>, body: String) -> Response {
    let name = body.trim().trim_start_matches("scenario=");
    match TrustScenario::named(name) {
        Some(s) => {
            lock(&state).trust = s;
            StatusCode::NO_CONTENT.into_response()
        }
        None => {
            (StatusCode::BAD_REQUEST, format!("unknown Trust scenario; one of {}", TrustScenario::NAMES.join(", ")))
                .into_response()
        }
    }
}
