//! The reconnection report for a change record, in English or Japanese, as Markdown or a
//! self-contained HTML page: the org, where it runs, the package, every check with its
//! evidence, and what Reconnect changed (from the journal). Built only from facts that hold
//! no secret: ids, names, versions, times.

use serde::Serialize;

use crate::html::escape;
use crate::journal::{Entry, Event};
use crate::language::{text, Language, Text};
use crate::oauth_user::diagnosis::{Check, CheckStatus};
use crate::salesforce::org_facts::OrgFacts;
use crate::verify::Verification;

/// One change in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportChange {
    /// When.
    pub at: String,
    /// Who.
    pub by: String,
    /// What happened (created, updated, deleted, restored, failed).
    pub event: Event,
    /// The object.
    pub object: String,
    /// The record.
    pub record: Option<String>,
}

/// The report's facts.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// When it was made.
    pub generated_at: String,
    /// The org's name.
    pub org_name: String,
    /// The org's id.
    pub org_id: String,
    /// Production, sandbox, …
    pub environment: Text,
    /// Edition, e.g. Enterprise Edition.
    pub organization_type: String,
    /// Salesforce instance, e.g. NA224.
    pub instance_name: String,
    /// The org's API address.
    pub instance_url: String,
    /// The Gainsight data center, when known.
    pub region: Option<String>,
    /// The signed-in admin.
    pub admin: String,
    /// Gainsight's OAuth user.
    pub oauth_user: Option<String>,
    /// Package and installed version.
    pub package: Option<String>,
    /// When re-authorization started.
    pub since: Option<String>,
    /// Whether verification passed (`None` when it did not run).
    pub passed: Option<bool>,
    /// Every check.
    pub checks: Vec<Check>,
    /// HTTP round trips of the verification.
    pub round_trips: Option<u64>,
    /// What Reconnect changed in the org.
    pub changes: Vec<ReportChange>,
    /// The Gainsight-side check, when it ran.
    pub gainsight: Option<String>,
}

impl Report {
    /// Builds the report from the org's facts, the verification (if it ran) and the
    /// journal's entries for this org.
    pub fn build(
        facts: &OrgFacts,
        instance_url: &str,
        verification: Option<&Verification>,
        journal: &[Entry],
        gainsight: Option<&crate::gainsight::GainsightCheck>,
        now: &str,
    ) -> Report {
        let changes = journal
            .iter()
            .filter(|e| e.event != Event::Intent)
            .map(|e| ReportChange {
                at: e.at.clone(),
                by: e.by.clone(),
                event: e.event,
                object: e.object.clone(),
                record: e.record.clone(),
            })
            .collect();
        Report {
            generated_at: now.to_string(),
            org_name: facts.name.clone(),
            org_id: facts.org_id.clone(),
            environment: facts.environment.name(),
            organization_type: facts.organization_type.clone(),
            instance_name: facts.instance_name.clone(),
            instance_url: instance_url.to_string(),
            region: facts
                .region
                .region()
                .map(|r| r.label().to_string())
                .or_else(|| facts.region.edition().map(|e| e.label().to_string())),
            admin: facts.username.clone(),
            oauth_user: verification.map(|v| v.diagnosis.user.username.clone()),
            package: verification.and_then(|v| {
                v.package.installed().map(|p| format!("{} {} ({})", p.name, p.version_number(), p.version_id))
            }),
            since: verification.and_then(|v| v.since.clone()),
            passed: verification.map(Verification::passed),
            checks: verification.map(|v| v.checks.clone()).unwrap_or_default(),
            round_trips: verification.map(|v| v.round_trips),
            changes,
            gainsight: gainsight.map(|g| format!("{} ({} Company)", g.tenant, g.records)),
        }
    }

    fn rows(&self, l: Language) -> Vec<(String, String)> {
        let t = |k: &str| text(k, &[]).get(l).to_string();
        let none = t("report.none");
        let mut rows = vec![
            (t("report.org"), format!("{} ({})", self.org_name, self.org_id)),
            (t("report.environment"), format!("{} — {}", self.environment.get(l), self.organization_type)),
            (t("report.instance"), format!("{} — {}", self.instance_name, self.instance_url)),
            (t("report.region"), self.region.clone().unwrap_or_else(|| none.clone())),
            (t("report.admin"), self.admin.clone()),
            (t("report.oauth_user"), self.oauth_user.clone().unwrap_or_else(|| none.clone())),
            (t("report.package"), self.package.clone().unwrap_or_else(|| none.clone())),
            (t("report.since"), self.since.clone().unwrap_or_else(|| none.clone())),
            (t("report.generated"), self.generated_at.clone()),
        ];
        if let Some(g) = &self.gainsight {
            rows.push((t("report.gainsight"), g.clone()));
        }
        rows
    }

    fn verdict(&self, l: Language) -> String {
        let key = match self.passed {
            Some(true) => "report.verdict.pass",
            Some(false) => "report.verdict.fail",
            None => "report.verdict.not_run",
        };
        text(key, &[]).get(l).to_string()
    }

    fn change_line(c: &ReportChange, l: Language) -> String {
        let event = text(
            &format!(
                "report.event.{}",
                serde_json::to_value(c.event).expect("events serialize").as_str().unwrap_or("")
            ),
            &[],
        );
        format!("{} — {} {} {} ({})", c.at, event.get(l), c.object, c.record.as_deref().unwrap_or("-"), c.by)
    }

    /// Markdown, for a change record.
    pub fn markdown(&self, l: Language) -> String {
        let t = |k: &str| text(k, &[]).get(l).to_string();
        let mut out = format!("# {}\n\n**{}**\n\n", t("report.title"), self.verdict(l));
        out.push_str("| | |\n|---|---|\n");
        for (k, v) in self.rows(l) {
            out.push_str(&format!("| {} | {} |\n", md(&k), md(&v)));
        }
        out.push_str(&format!("\n## {}\n\n", t("report.checks")));
        if self.checks.is_empty() {
            out.push_str(&format!("{}\n", t("report.none")));
        }
        for c in &self.checks {
            out.push_str(&format!(
                "- **{}** {}\n  - {}\n  - `{}`\n",
                status_label(c.status, l),
                md(c.title.get(l)),
                md(c.explanation.get(l)),
                c.evidence.replace('`', "'")
            ));
        }
        out.push_str(&format!("\n## {}\n\n", t("report.changes")));
        if self.changes.is_empty() {
            out.push_str(&format!("{}\n", t("report.no_changes")));
        }
        for c in &self.changes {
            out.push_str(&format!("- {}\n", md(&Self::change_line(c, l))));
        }
        if let Some(n) = self.round_trips {
            out.push_str(&format!("\n{}\n", text("report.round_trips", &[("n", &n.to_string())]).get(l)));
        }
        out
    }

    /// A self-contained HTML page.
    pub fn html(&self, l: Language) -> String {
        let t = |k: &str| text(k, &[]).get(l).to_string();
        let mut out = format!(
            "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>\n<h1>{}</h1>\n<p class=\"verdict {}\">{}</p>\n<table>\n",
            match l {
                Language::En => "en",
                Language::Ja => "ja",
            },
            escape(&t("report.title")),
            STYLE,
            escape(&t("report.title")),
            match self.passed { Some(true) => "pass", Some(false) => "fail", None => "none" },
            escape(&self.verdict(l)),
        );
        for (k, v) in self.rows(l) {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", escape(&k), escape(&v)));
        }
        out.push_str(&format!("</table>\n<h2>{}</h2>\n<ul class=\"checks\">\n", escape(&t("report.checks"))));
        for c in &self.checks {
            out.push_str(&format!(
                "<li class=\"{}\"><strong>{}</strong> {}<p>{}</p><code>{}</code></li>\n",
                status_class(c.status),
                escape(&status_label(c.status, l)),
                escape(c.title.get(l)),
                escape(c.explanation.get(l)),
                escape(&c.evidence)
            ));
        }
        out.push_str(&format!("</ul>\n<h2>{}</h2>\n<ul>\n", escape(&t("report.changes"))));
        if self.changes.is_empty() {
            out.push_str(&format!("<li>{}</li>\n", escape(&t("report.no_changes"))));
        }
        for c in &self.changes {
            out.push_str(&format!("<li>{}</li>\n", escape(&Self::change_line(c, l))));
        }
        out.push_str("</ul>\n");
        if let Some(n) = self.round_trips {
            out.push_str(&format!("<p>{}</p>\n", escape(text("report.round_trips", &[("n", &n.to_string())]).get(l))));
        }
        out.push_str("</body></html>\n");
        out
    }
}

impl Report {
    /// Saves the report at `path`: HTML for `.html`/`.htm`, Markdown otherwise.
    pub fn save_as(&self, path: &std::path::Path, l: Language) -> Result<(), crate::error::Error> {
        let html = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        save(path, &if html { self.html(l) } else { self.markdown(l) })
    }
}

/// Saves a report: written beside the target, then renamed, so a crash never leaves half a
/// report.
pub fn save(path: &std::path::Path, body: &str) -> Result<(), crate::error::Error> {
    let fail = |e: std::io::Error| crate::error::Error::ReportWrite {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, body).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse}th,td{text-align:left;padding:.25rem .75rem;border-bottom:1px solid #ccc;vertical-align:top}.verdict{font-weight:bold}.pass{color:#0a6b2d}.fail{color:#a4161a}.warn{color:#7a4d00}code{white-space:pre-wrap;font-size:.85em}";

/// A check's outcome as a short word (PASS, FAIL, …) in `l`.
pub fn status_label(s: CheckStatus, l: Language) -> String {
    text(&format!("report.status.{}", status_class(s)), &[]).get(l).to_string()
}

fn status_class(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::Warn => "warn",
        CheckStatus::NotApplicable => "na",
    }
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
