//! Reports for a change record, in English or Japanese, as Markdown or a self-contained HTML
//! page. A playbook gives the facts and its sections; the engine adds the org and the
//! journal's changes and renders them one way for every playbook. Built only from facts that
//! hold no secret: ids, names, counts, times.

use serde::Serialize;

use crate::check::{Check, CheckStatus};
use crate::error::Error;
use crate::html::escape;
use crate::journal::{Entry, Event};
use crate::language::{text, Language, Text};
use crate::salesforce::org_facts::OrgFacts;

/// A report: a title, its verdict, facts as label and value, then sections.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The playbook that made it.
    pub playbook: String,
    /// The title.
    pub title: Text,
    /// Whether everything checked passed (`None` when nothing was checked).
    pub passed: Option<bool>,
    /// The verdict in words.
    pub verdict: Text,
    /// Facts, each a label and a value.
    pub facts: Vec<(Text, Text)>,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

/// A part of a report under its own heading.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The heading.
    pub heading: Text,
    /// What it holds.
    pub blocks: Vec<Block>,
}

/// A piece of a section.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// The text.
        text: Text,
    },
    /// Checks with their outcome, meaning and evidence.
    Checks {
        /// The checks.
        checks: Vec<Check>,
    },
    /// A table: column headings and rows of cells.
    Table {
        /// Column headings.
        columns: Vec<Text>,
        /// Rows.
        rows: Vec<Vec<Text>>,
    },
    /// A bulleted list.
    List {
        /// The items.
        items: Vec<Text>,
    },
}

impl Report {
    /// A report of `playbook` titled `title`, with the org's facts first and the verdict from
    /// `passed`.
    pub fn new(
        playbook: &str,
        title: Text,
        org: &OrgFacts,
        instance_url: &str,
        passed: Option<bool>,
        now: &str,
    ) -> Report {
        let verdict = text(
            match passed {
                Some(true) => "report.verdict.pass",
                Some(false) => "report.verdict.fail",
                None => "report.verdict.not_run",
            },
            &[],
        );
        let label = |k: &str| text(k, &[]);
        Report {
            playbook: playbook.to_string(),
            title,
            passed,
            verdict,
            facts: vec![
                (label("report.org"), Text::same(format!("{} ({})", org.name, org.org_id))),
                (label("report.environment"), {
                    let e = org.environment.name();
                    Text {
                        en: format!("{} — {}", e.en, org.organization_type),
                        ja: format!("{} — {}", e.ja, org.organization_type),
                    }
                }),
                (label("report.instance"), Text::same(format!("{} — {instance_url}", org.instance_name))),
                (label("report.admin"), Text::same(org.username.clone())),
                (label("report.generated"), Text::same(now)),
            ],
            sections: Vec::new(),
        }
    }

    /// A report of `playbook` about an account that is not a Salesforce org (a Zendesk account):
    /// `facts` name it, the generation time follows them.
    pub fn for_account(
        playbook: &str,
        title: Text,
        facts: Vec<(Text, Text)>,
        passed: Option<bool>,
        now: &str,
    ) -> Report {
        let verdict = text(
            match passed {
                Some(true) => "report.verdict.pass",
                Some(false) => "report.verdict.fail",
                None => "report.verdict.not_run",
            },
            &[],
        );
        let mut facts = facts;
        facts.push((text("report.generated", &[]), Text::same(now)));
        Report { playbook: playbook.to_string(), title, passed, verdict, facts, sections: Vec::new() }
    }

    /// Adds a fact after the org's.
    pub fn fact(&mut self, label: Text, value: Text) {
        // The generation time stays last.
        let at = self.facts.len().saturating_sub(1);
        self.facts.insert(at, (label, value));
    }

    /// Adds the section of what Reconnect changed in the org, from the journal's entries.
    pub fn changes(&mut self, entries: &[Entry]) {
        let items: Vec<Text> = entries.iter().filter(|e| e.event != Event::Intent).map(change_line).collect();
        let blocks = if items.is_empty() {
            vec![Block::Paragraph { text: text("report.no_changes", &[]) }]
        } else {
            vec![Block::List { items }]
        };
        self.sections.push(Section { heading: text("report.changes", &[]), blocks });
    }

    /// Markdown, for a change record.
    pub fn markdown(&self, l: Language) -> String {
        let mut out = format!("# {}\n\n**{}**\n\n| | |\n|---|---|\n", self.title.get(l), self.verdict.get(l));
        for (k, v) in &self.facts {
            out.push_str(&format!("| {} | {} |\n", md(k.get(l)), md(v.get(l))));
        }
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n\n", s.heading.get(l)));
            for b in &s.blocks {
                match b {
                    Block::Paragraph { text } => out.push_str(&format!("{}\n\n", md(text.get(l)))),
                    Block::Checks { checks } => {
                        if checks.is_empty() {
                            out.push_str(&format!("{}\n", text("report.none", &[]).get(l)));
                        }
                        for c in checks {
                            out.push_str(&format!(
                                "- **{}** {}\n  - {}\n  - `{}`\n",
                                c.status.label().get(l),
                                md(c.title.get(l)),
                                md(c.explanation.get(l)),
                                c.evidence.replace('`', "'")
                            ));
                        }
                        out.push('\n');
                    }
                    Block::Table { columns, rows } => {
                        let head: Vec<String> = columns.iter().map(|c| md(c.get(l))).collect();
                        out.push_str(&format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(columns.len())));
                        for r in rows {
                            let cells: Vec<String> = r.iter().map(|c| md(c.get(l))).collect();
                            out.push_str(&format!("| {} |\n", cells.join(" | ")));
                        }
                        out.push('\n');
                    }
                    Block::List { items } => {
                        for i in items {
                            out.push_str(&format!("- {}\n", md(i.get(l))));
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// A self-contained HTML page.
    pub fn html(&self, l: Language) -> String {
        let mut out = format!(
            "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p class=\"verdict {}\">{}</p>\n<table>\n",
            l.code(),
            escape(self.title.get(l)),
            escape(self.title.get(l)),
            match self.passed {
                Some(true) => "pass",
                Some(false) => "fail",
                None => "none",
            },
            escape(self.verdict.get(l)),
        );
        for (k, v) in &self.facts {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                escape(k.get(l)),
                escape(v.get(l))
            ));
        }
        out.push_str("</table>\n");
        for s in &self.sections {
            out.push_str(&format!("<h2>{}</h2>\n", escape(s.heading.get(l))));
            for b in &s.blocks {
                match b {
                    Block::Paragraph { text } => out.push_str(&format!("<p>{}</p>\n", escape(text.get(l)))),
                    Block::Checks { checks } => {
                        out.push_str("<ul class=\"checks\">\n");
                        if checks.is_empty() {
                            out.push_str(&format!("<li>{}</li>\n", escape(text("report.none", &[]).get(l))));
                        }
                        for c in checks {
                            out.push_str(&format!(
                                "<li class=\"{}\"><strong>{}</strong> {}<p>{}</p><code>{}</code></li>\n",
                                c.status.code(),
                                escape(c.status.label().get(l)),
                                escape(c.title.get(l)),
                                escape(c.explanation.get(l)),
                                escape(&c.evidence)
                            ));
                        }
                        out.push_str("</ul>\n");
                    }
                    Block::Table { columns, rows } => {
                        out.push_str("<table class=\"rows\">\n<tr>");
                        for c in columns {
                            out.push_str(&format!("<th scope=\"col\">{}</th>", escape(c.get(l))));
                        }
                        out.push_str("</tr>\n");
                        for r in rows {
                            out.push_str("<tr>");
                            for c in r {
                                out.push_str(&format!("<td>{}</td>", escape(c.get(l))));
                            }
                            out.push_str("</tr>\n");
                        }
                        out.push_str("</table>\n");
                    }
                    Block::List { items } => {
                        out.push_str("<ul>\n");
                        for i in items {
                            out.push_str(&format!("<li>{}</li>\n", escape(i.get(l))));
                        }
                        out.push_str("</ul>\n");
                    }
                }
            }
        }
        out.push_str("</body></html>\n");
        out
    }

    /// Saves the report at `path`: HTML for `.html`/`.htm`, Markdown otherwise.
    pub fn save_as(&self, path: &std::path::Path, l: Language) -> Result<(), Error> {
        let html = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        save(path, &if html { self.html(l) } else { self.markdown(l) })
    }

    /// Saves the report as HTML and Markdown in `dir`, named for the playbook and the time
    /// `now`; returns the HTML file's path.
    pub fn save_in(&self, dir: &std::path::Path, now: &str, l: Language) -> Result<std::path::PathBuf, Error> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::ReportWrite { path: dir.display().to_string(), reason: e.to_string() })?;
        let stamp: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
        let base = dir.join(format!("reconnect-{}-report-{stamp}", self.playbook));
        let html = base.with_extension("html");
        save(&html, &self.html(l))?;
        save(&base.with_extension("md"), &self.markdown(l))?;
        Ok(html)
    }
}

fn change_line(e: &Entry) -> Text {
    let event = text(&format!("report.event.{}", event_code(e.event)), &[]);
    // The entry's key (an app and user, a record's name) says what changed without an id
    // lookup, and its fields what was written, from what (never a secret: the journal holds none).
    let shown = |v: &serde_json::Value| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
    let key: Vec<String> = e.key.iter().map(|(k, v)| format!("{k}: {}", shown(v))).collect();
    let key = if key.is_empty() { String::new() } else { format!(" [{}]", key.join(", ")) };
    let fields: Vec<String> = e
        .fields
        .iter()
        .map(|(k, v)| match e.before.get(k) {
            Some(old) => format!("{k}: {} → {}", shown(old), shown(v)),
            None => format!("{k} = {}", shown(v)),
        })
        .collect();
    let fields = if fields.is_empty() { String::new() } else { format!(" — {}", fields.join("; ")) };
    let line = |ev: &str| {
        format!("{} — {ev} {} {}{key}{fields} ({})", e.at, e.object, e.record.as_deref().unwrap_or("-"), e.by)
    };
    Text { en: line(&event.en), ja: line(&event.ja) }
}

fn event_code(e: Event) -> &'static str {
    match e {
        Event::Intent => "intent",
        Event::Created => "created",
        Event::Updated => "updated",
        Event::Deleted => "deleted",
        Event::Restored => "restored",
        Event::Failed => "failed",
        Event::Revoked => "revoked",
        Event::Rotated => "rotated",
    }
}

/// Saves a report: written beside the target, then renamed, so a crash never leaves half a
/// report.
pub fn save(path: &std::path::Path, body: &str) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::ReportWrite { path: path.display().to_string(), reason: e.to_string() };
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, body).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse}th,td{text-align:left;padding:.25rem .75rem;border-bottom:1px solid #ccc;vertical-align:top}.verdict{font-weight:bold}.pass{color:#0a6b2d}.fail{color:#a4161a}.warn{color:#7a4d00}code{white-space:pre-wrap;font-size:.85em}";

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Whether `status` counts against the verdict.
pub fn fails(status: CheckStatus) -> bool {
    status == CheckStatus::Fail
}
