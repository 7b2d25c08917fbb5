//! The playbook's data files: the incidents it answers with their cutoff dates, and where the
//! new credential for a known third-party service is made. Shipped in the binary, checked when
//! first read.

use std::sync::OnceLock;

use chrono::NaiveDate;
use reconnect_engine::language::Text;
use serde::Deserialize;

use crate::error::Error;

const INCIDENTS: &str = include_str!("../data/incidents.json");
const VENDORS: &str = include_str!("../data/vendors.json");

/// A day before which an installation's stored credentials count as exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cutoff(NaiveDate);

impl Cutoff {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(input: &str) -> Result<Cutoff, Error> {
        NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
            .map(Cutoff)
            .map_err(|_| Error::BadCutoff { input: input.chars().take(40).collect() })
    }

    /// The day after the one `now_ms` falls in (UTC): everything made up to now is before it.
    pub fn after_today(now_ms: i64) -> Cutoff {
        let today = chrono::DateTime::from_timestamp_millis(now_ms).map(|d| d.date_naive()).unwrap_or_default();
        Cutoff(today.succ_opt().unwrap_or(today))
    }

    /// Whether a Zendesk time (`2015-06-10T08:12:00Z`) is before the cutoff; a time that does
    /// not read counts as before (flagged rather than missed).
    pub fn covers(&self, time: &str) -> bool {
        time.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_none_or(|d| d < self.0)
    }

    /// `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

#[derive(Debug, Deserialize)]
struct Localized {
    en: String,
    ja: String,
}

impl From<&Localized> for Text {
    fn from(l: &Localized) -> Text {
        Text { en: l.en.clone(), ja: l.ja.clone() }
    }
}

#[derive(Debug, Deserialize)]
struct RawIncident {
    id: String,
    cutoff: Option<String>,
    name: Localized,
    about: Localized,
    source: String,
}

/// An incident the playbook answers.
#[derive(Debug, Clone)]
pub struct Incident {
    /// Its id (`zendesk-2019`, `new`).
    pub id: String,
    /// Its cutoff, when the incident has one.
    pub cutoff: Option<Cutoff>,
    /// Its name.
    pub name: Text,
    /// What happened and what to rotate.
    pub about: Text,
    /// Where this comes from.
    pub source: String,
}

#[derive(Debug, Deserialize)]
struct RawVendor {
    #[serde(rename = "match")]
    words: Vec<String>,
    service: String,
    #[serde(rename = "where")]
    place: Localized,
    url: String,
    source: String,
}

/// Where a known service's new credential is made.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// The service.
    pub service: String,
    /// Where, in words.
    pub place: Text,
    /// The page.
    pub url: String,
    /// The vendor's documentation it comes from.
    pub source: String,
    words: Vec<String>,
}

/// The data files, read.
#[derive(Debug)]
pub struct Data {
    /// The incidents.
    pub incidents: Vec<Incident>,
    vendors: Vec<Vendor>,
    secret_words: Vec<String>,
}

fn read() -> Result<Data, Error> {
    #[derive(Deserialize)]
    struct Incidents {
        incidents: Vec<RawIncident>,
    }
    #[derive(Deserialize)]
    struct Vendors {
        vendors: Vec<RawVendor>,
        secret_words: Vec<String>,
    }
    let bad = |file, problem: String| Error::DataFile { file, problem };
    let i: Incidents = serde_json::from_str(INCIDENTS).map_err(|e| bad("incidents.json", e.to_string()))?;
    let v: Vendors = serde_json::from_str(VENDORS).map_err(|e| bad("vendors.json", e.to_string()))?;
    let mut incidents = Vec::new();
    for r in i.incidents {
        let cutoff = r.cutoff.as_deref().map(Cutoff::parse).transpose()?;
        if r.source.is_empty() {
            return Err(bad("incidents.json", format!("{} has no source", r.id)));
        }
        incidents.push(Incident {
            id: r.id,
            cutoff,
            name: (&r.name).into(),
            about: (&r.about).into(),
            source: r.source,
        });
    }
    let vendors = v
        .vendors
        .into_iter()
        .map(|r| {
            if !r.url.starts_with("https://") || !r.source.starts_with("https://") {
                return Err(bad("vendors.json", format!("{} needs https addresses", r.service)));
            }
            Ok(Vendor {
                service: r.service,
                place: (&r.place).into(),
                url: r.url,
                source: r.source,
                words: r.words.iter().map(|w| w.to_lowercase()).collect(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Data { incidents, vendors, secret_words: v.secret_words })
}

/// The shipped data (read once).
pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| read().expect("the shipped data files are checked by the tests"))
}

impl Data {
    /// The incident with `id`.
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// Where to make a new credential for the app named `app_name`, when the service is known.
    pub fn vendor_for(&self, app_name: &str) -> Option<&Vendor> {
        let name = app_name.to_lowercase();
        self.vendors.iter().find(|v| v.words.iter().any(|w| name.contains(w.as_str())))
    }

    /// Whether a setting's name says it holds a credential (for apps whose definition could
    /// not be read).
    pub fn looks_secret(&self, setting: &str) -> bool {
        let s = setting.to_lowercase();
        self.secret_words.iter().any(|w| s.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_data_reads_and_names_the_2019_cutoff() {
        let d = read().unwrap();
        assert_eq!(d.incident("zendesk-2019").unwrap().cutoff, Some(Cutoff::parse("2016-11-01").unwrap()));
        assert_eq!(d.vendor_for("JIRA Connector").unwrap().service, "Atlassian");
        assert!(d.vendor_for("Ticket Templates").is_none());
        assert!(d.looks_secret("api_token") && d.looks_secret("webhook_url") && !d.looks_secret("channel"));
    }

    #[test]
    fn cutoffs_compare_zendesk_times_by_day() {
        let c = Cutoff::parse("2016-11-01").unwrap();
        assert!(c.covers("2015-06-10T08:12:00Z") && c.covers("2016-10-31T23:59:59Z"));
        assert!(!c.covers("2016-11-01T00:00:00Z") && !c.covers("2020-09-15T12:00:00Z"));
        assert!(c.covers("not a time"));
        assert!(Cutoff::parse("2016-13-01").is_err() && Cutoff::parse("yesterday").is_err());
        assert_eq!(Cutoff::after_today(0).text(), "1970-01-02");
    }
}
