//! Salesforce's Trust status API (`api.status.salesforce.com/v1`): the status of the org's
//! instance, its incidents and maintenances, and Salesforce's general messages. The API is
//! public but undocumented (and Salesforce now points to the My Trust Center API instead), so
//! the base URL is configurable, every answer is read defensively (`status.rs`), each request
//! gives up after a few seconds, and a status that cannot be read says so instead of failing
//! what asked for it. There is no API to subscribe to Trust notifications: the admin does that
//! on the instance's page, which [`instance_page`] names.

pub mod status;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connection::SignedIn;
use crate::error::Error;
use crate::language::{text, Language, Text, UserMessage};
use crate::salesforce::instance::InstanceUrl;
use status::{parse_general_messages, parse_instance, parse_localizations, GeneralMessage, InstanceStatus};

/// Where Trust answers, unless configured otherwise.
pub const DEFAULT_BASE: &str = "https://api.status.salesforce.com";

/// The environment variable that points Reconnect at another Trust API (a mirror, a proxy, a
/// test double).
pub const BASE_VARIABLE: &str = "RECONNECT_TRUST_URL";

/// The Trust site, where people read the status and subscribe.
pub const SITE: &str = "https://status.salesforce.com";

/// How long one Trust request may take.
pub const TIMEOUT: Duration = Duration::from_secs(4);

/// A Trust API base URL: https, or http on loopback (the practice Trust API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrustBase(String);

impl TrustBase {
    /// Parses a base URL; a path is kept (`http://127.0.0.1:5000/trust`), a trailing `/` is not.
    pub fn parse(s: &str) -> Result<TrustBase, Error> {
        let bad = || Error::TrustBaseInvalid { input: s.chars().take(80).collect() };
        let url = url::Url::parse(s.trim()).map_err(|_| bad())?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        let ok = match url.scheme() {
            "https" => url.host_str().is_some(),
            "http" => loopback,
            _ => false,
        };
        if !ok || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(bad());
        }
        Ok(TrustBase(url.as_str().trim_end_matches('/').to_string()))
    }

    /// The base for an org: the practice org's own Trust API for a practice org, otherwise
    /// the one `configured` (or [`BASE_VARIABLE`]), otherwise [`DEFAULT_BASE`].
    pub fn for_org(instance: &InstanceUrl, configured: Option<TrustBase>) -> Result<TrustBase, Error> {
        if instance.is_loopback() {
            return TrustBase::parse(&format!("{}/trust", instance.as_str().trim_end_matches('/')));
        }
        match configured {
            Some(b) => Ok(b),
            None => match std::env::var(BASE_VARIABLE) {
                Ok(v) if !v.trim().is_empty() => TrustBase::parse(&v),
                _ => TrustBase::parse(DEFAULT_BASE),
            },
        }
    }

    /// The base as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TrustBase {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        TrustBase::parse(&s)
    }
}

impl From<TrustBase> for String {
    fn from(b: TrustBase) -> String {
        b.0
    }
}

/// An instance key as `Organization.InstanceName` gives it (`NA224`, `CS42`, `USA2S`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InstanceKey(String);

impl InstanceKey {
    /// Parses a key: 1 to 16 ASCII letters or digits, kept in upper case.
    pub fn parse(s: &str) -> Result<InstanceKey, Error> {
        let s = s.trim();
        if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::TrustInstanceUnknown);
        }
        Ok(InstanceKey(s.to_ascii_uppercase()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for InstanceKey {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        InstanceKey::parse(&s)
    }
}

impl From<InstanceKey> for String {
    fn from(k: InstanceKey) -> String {
        k.0
    }
}

/// The instance's page on the Trust site, where the admin reads its status and subscribes.
pub fn instance_page(key: &InstanceKey) -> String {
    format!("{SITE}/instances/{}", key.as_str())
}

/// An incident's page on the Trust site.
pub fn incident_page(id: i64) -> String {
    format!("{SITE}/incidents/{id}")
}

/// A maintenance's page on the Trust site.
pub fn maintenance_page(id: i64) -> String {
    format!("{SITE}/maintenances/{id}")
}

/// A general message's page on the Trust site.
pub fn general_message_page(id: i64) -> String {
    format!("{SITE}/generalmessages/{id}")
}

/// What Reconnect read from Trust about the org's instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustReading {
    /// The instance's status.
    pub instance: InstanceStatus,
    /// Salesforce's general messages that still show.
    pub messages: Vec<GeneralMessage>,
    /// What could not be read beside the status (localizations, general messages).
    pub notes: Vec<Text>,
    /// When it was read (milliseconds).
    pub read_at_ms: i64,
}

/// The last attempt to read the status.
#[derive(Debug, Clone, PartialEq)]
pub enum TrustState {
    /// It was read.
    Read(Box<TrustReading>),
    /// It could not be read, and why.
    Unreadable {
        /// The instance asked about.
        instance: Option<InstanceKey>,
        /// Why, and what to do.
        message: UserMessage,
        /// When it was tried.
        at_ms: i64,
    },
}

/// How to ask Trust about one org.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustRequest {
    /// Where.
    pub base: TrustBase,
    /// The instance (`Organization.InstanceName`).
    pub instance: InstanceKey,
    /// The org's My Domain name, asked by alias when the instance key is not known to Trust.
    pub alias: Option<String>,
    /// The language of Trust's own texts.
    pub language: Language,
}

impl TrustRequest {
    /// How to ask about the signed-in org: its instance from `Organization.InstanceName`, its
    /// My Domain name as the alias (production My Domains only), the base for its kind of org.
    pub fn for_org(
        signed_in: &SignedIn,
        configured: Option<TrustBase>,
        language: Language,
    ) -> Result<TrustRequest, Error> {
        let instance = InstanceKey::parse(&signed_in.facts.instance_name)?;
        let host = signed_in.instance.as_str().split("://").nth(1).unwrap_or_default();
        let alias = host
            .strip_suffix(".my.salesforce.com")
            .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .map(str::to_string);
        Ok(TrustRequest { base: TrustBase::for_org(&signed_in.instance, configured)?, instance, alias, language })
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(concat!("Reconnect/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds")
}

/// Why a Trust answer was not used.
enum Refusal {
    /// No such key or alias (404, or another instance's status).
    NotFound,
    /// Anything else, in words.
    Failed(String),
}

async fn get(http: &reqwest::Client, url: &str) -> Result<Value, Refusal> {
    let started = std::time::Instant::now();
    let response = http.get(url).header("Accept", "application/json").send().await.map_err(|e| {
        crate::support_log::http("trust", "GET", url, None, started.elapsed(), None);
        Refusal::Failed(if e.is_timeout() {
            format!("no answer within {} seconds", TIMEOUT.as_secs())
        } else {
            "the Trust API could not be reached".to_string()
        })
    })?;
    let status = response.status();
    crate::support_log::http("trust", "GET", url, Some(status.as_u16()), started.elapsed(), None);
    if status.as_u16() == 404 {
        return Err(Refusal::NotFound);
    }
    if !status.is_success() {
        return Err(Refusal::Failed(format!("HTTP {}", status.as_u16())));
    }
    let body = response.bytes().await.map_err(|_| Refusal::Failed("the answer broke off".to_string()))?;
    serde_json::from_slice(&body).map_err(|_| Refusal::Failed("the answer is not JSON".to_string()))
}

async fn instance_status(http: &reqwest::Client, url: &str, want: Option<&str>) -> Result<InstanceStatus, Refusal> {
    let v = get(http, url).await?;
    let status = parse_instance(&v).ok_or_else(|| Refusal::Failed("the answer is not an instance's status".into()))?;
    match want {
        Some(key) if !status.key.eq_ignore_ascii_case(key) => Err(Refusal::NotFound),
        _ => Ok(status),
    }
}

/// Reads the instance's status (by key, then by My Domain alias when Trust does not know the
/// key), Trust's own words for its impacts, and the general messages still showing.
pub async fn read(request: &TrustRequest, now_ms: i64) -> Result<TrustReading, Error> {
    let http = client();
    let base = request.base.as_str();
    let key = request.instance.as_str();
    let unavailable = |reason: String| Error::TrustUnavailable { instance: key.to_string(), reason };
    let by_key =
        instance_status(&http, &format!("{base}/v1/instances/{key}/status?childProducts=false"), Some(key)).await;
    let mut instance = match (by_key, &request.alias) {
        (Ok(s), _) => s,
        (Err(Refusal::NotFound), Some(alias)) => {
            match instance_status(&http, &format!("{base}/v1/instanceAliases/{alias}/status"), None).await {
                Ok(s) => s,
                Err(Refusal::NotFound) => {
                    return Err(unavailable("Trust knows neither the instance nor the My Domain".into()))
                }
                Err(Refusal::Failed(why)) => return Err(unavailable(why)),
            }
        }
        (Err(Refusal::NotFound), None) => return Err(unavailable("Trust does not know the instance".into())),
        (Err(Refusal::Failed(why)), _) => return Err(unavailable(why)),
    };
    let mut notes = Vec::new();
    let impacted = !instance.incidents.is_empty() || !instance.maintenances.is_empty();
    if impacted {
        // Whether `locale` selects the language is not confirmed; English keys answer otherwise.
        match get(&http, &format!("{base}/v1/localizations?locale={}", request.language.code())).await {
            Ok(v) => {
                let words = parse_localizations(&v, request.language.code());
                let describe = |kind: &str, model: &str| {
                    words.get(&(model.to_string(), kind.to_string(), "serviceIssue".to_string())).cloned()
                };
                for i in instance.incidents.iter_mut().flat_map(|i| i.impacts.iter_mut()) {
                    i.text = describe(&i.kind, "incidentImpactType");
                }
                for i in instance.maintenances.iter_mut().flat_map(|m| m.impacts.iter_mut()) {
                    i.text = describe(&i.kind, "maintenanceImpactType");
                }
            }
            Err(_) => notes.push(text("trust.note.localizations", &[])),
        }
    }
    let messages =
        match get(&http, &format!("{base}/v1/generalMessages")).await.ok().as_ref().and_then(parse_general_messages) {
            Some(all) => all.into_iter().filter(|m| m.end_ms.is_none_or(|end| end > now_ms)).collect(),
            None => {
                notes.push(text("trust.note.general_messages", &[]));
                Vec::new()
            }
        };
    Ok(TrustReading { instance, messages, notes, read_at_ms: now_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_base_is_https_or_loopback_http_without_query_or_credentials() {
        assert_eq!(TrustBase::parse("https://api.status.salesforce.com/").unwrap().as_str(), DEFAULT_BASE);
        assert_eq!(TrustBase::parse("http://127.0.0.1:4100/trust").unwrap().as_str(), "http://127.0.0.1:4100/trust");
        for bad in ["http://api.status.salesforce.com", "ftp://x", "https://a@b.example", "https://x.example/?q=1", "x"]
        {
            assert!(TrustBase::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instance_keys_are_letters_and_digits() {
        assert_eq!(InstanceKey::parse(" na224 ").unwrap().as_str(), "NA224");
        for bad in ["", "NA-1", "../x", "N A", "ABCDEFGHIJKLMNOPQ"] {
            assert!(InstanceKey::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            instance_page(&InstanceKey::parse("NA224").unwrap()),
            "https://status.salesforce.com/instances/NA224"
        );
    }
}
