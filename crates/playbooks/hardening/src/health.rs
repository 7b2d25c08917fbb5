//! Security Health Check through the Tooling API: the score (`SecurityHealthCheck.Score`,
//! documented as a string) and the high and medium risks (`SecurityHealthCheckRisks`). Both
//! need View Setup and Configuration; an org that refuses says so instead of a score.

use reconnect_engine::salesforce::client::SalesforceClient;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

/// One risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// `HIGH_RISK` or `MEDIUM_RISK`.
    pub risk_type: String,
    /// The setting.
    pub setting: String,
    /// Its group.
    pub group: String,
    /// The org's value.
    pub org_value: String,
    /// Salesforce's standard.
    pub standard_value: String,
}

/// The Health Check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Health {
    /// Read.
    Read {
        /// The score, 0 to 100.
        score: Option<u32>,
        /// The high and medium risks.
        risks: Vec<Risk>,
    },
    /// The org would not give it: why.
    Unavailable {
        /// Salesforce's answer.
        reason: String,
    },
}

impl Health {
    /// Risks that count as findings (the high ones), and a score under 70.
    pub fn findings(&self) -> usize {
        match self {
            Health::Read { score, risks } => {
                risks.iter().filter(|r| r.risk_type == "HIGH_RISK").count() + usize::from(score.is_some_and(|s| s < 70))
            }
            Health::Unavailable { .. } => 0,
        }
    }
}

fn number(v: &Value) -> Option<u32> {
    v.as_u64()
        .map(|n| n as u32)
        .or_else(|| v.as_f64().map(|f| f.round() as u32))
        .or_else(|| v.as_str()?.trim().parse::<f64>().ok().map(|f| f.round() as u32))
}

/// Reads the Health Check.
pub async fn health(client: &SalesforceClient) -> Result<Health, Error> {
    let scores = match client.tooling_query::<Value>("SELECT Score FROM SecurityHealthCheck").await {
        Ok(rows) => rows,
        Err(reconnect_engine::Error::SalesforceApi { code, message }) => {
            return Ok(Health::Unavailable { reason: format!("{code}: {message}") })
        }
        Err(reconnect_engine::Error::InsufficientAccess { message }) => {
            return Ok(Health::Unavailable { reason: message })
        }
        Err(e) => return Err(e.into()),
    };
    let score = scores.first().and_then(|r| number(&r["Score"]));
    let rows: Vec<Value> = client
        .tooling_query(
            "SELECT RiskType, Setting, SettingGroup, OrgValue, StandardValue FROM SecurityHealthCheckRisks \
             WHERE RiskType IN ('HIGH_RISK', 'MEDIUM_RISK')",
        )
        .await?;
    let s = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_string();
    let mut risks: Vec<Risk> = rows
        .iter()
        .map(|r| Risk {
            risk_type: s(r, "RiskType"),
            setting: s(r, "Setting"),
            group: s(r, "SettingGroup"),
            org_value: s(r, "OrgValue"),
            standard_value: s(r, "StandardValue"),
        })
        .collect();
    risks.sort_by(|a, b| a.risk_type.cmp(&b.risk_type).then_with(|| a.group.cmp(&b.group)));
    Ok(Health::Read { score, risks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_is_read_as_a_string_or_a_number() {
        assert_eq!(number(&Value::from("66")), Some(66));
        assert_eq!(number(&Value::from(75)), Some(75));
        assert_eq!(number(&Value::from(74.6)), Some(75));
        assert_eq!(number(&Value::Null), None);
    }
}
