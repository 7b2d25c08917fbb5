//! The Zendesk playbook's report: the account, the incident and cutoff, every installation
//! with its secret settings (names only) and checklist mark, the tokens, the TLS certificates'
//! mark, and every change the journal holds for the account. No value or token ever appears.

use reconnect_engine::journal::Entry;
use reconnect_engine::language::Text;
use reconnect_engine::report::{Block, Report, Section};
use reconnect_engine::zendesk::session::API_TOKEN_END;

use crate::data::data;
use crate::language::text;
use crate::screens::mark_text;
use crate::steps::{State, TlsMark};
use crate::work::Work;

/// The report's main lines (also shown on the report step).
pub fn summary(state: &State, work: &Work) -> Vec<Text> {
    let mut lines = Vec::new();
    if let Some(inv) = &work.inventory {
        let marked = inv.apps.iter().filter(|a| a.flagged && state.checklist.contains_key(&a.id)).count();
        lines.push(text(
            "report.line.apps",
            &[
                ("total", &inv.apps.len().to_string()),
                ("flagged", &inv.flagged().to_string()),
                ("marked", &marked.to_string()),
                ("cutoff", &inv.cutoff),
            ],
        ));
    } else {
        lines.push(text("report.line.not_read", &[]));
    }
    if let Some(tokens) = &work.tokens {
        let stale = tokens.oauth.iter().filter(|t| t.stale).count();
        lines.push(text(
            "report.line.tokens",
            &[
                ("oauth", &tokens.oauth.len().to_string()),
                ("stale", &stale.to_string()),
                ("api", &tokens.active_api_tokens().to_string()),
                ("end", API_TOKEN_END),
            ],
        ));
    }
    lines.push(match state.tls {
        Some(TlsMark::Replaced) => text("report.line.tls.replaced", &[]),
        Some(TlsMark::NoneUploaded) => text("report.line.tls.none", &[]),
        None => text("report.line.tls.todo", &[]),
    });
    lines
}

/// The whole report; `changes` are the journal's entries for this account.
pub fn document(state: &State, work: &Work, changes: &[Entry], now: &str) -> Report {
    let who = state.signed_in.as_ref();
    let mut facts = vec![
        (text("report.account", &[]), Text::same(who.map(|r| r.base.as_str().to_string()).unwrap_or_default())),
        (text("report.admin", &[]), Text::same(who.map(|r| format!("{} <{}>", r.name, r.email)).unwrap_or_default())),
    ];
    if let Some(i) = data().incident(&state.incident) {
        facts.push((text("report.incident", &[]), i.name.clone()));
    }
    let flagged = work.inventory.as_ref().map(|i| i.flagged()).unwrap_or(0);
    let marked = work
        .inventory
        .as_ref()
        .map(|inv| inv.apps.iter().filter(|a| a.flagged && state.checklist.contains_key(&a.id)).count())
        .unwrap_or(0);
    let passed = work.inventory.as_ref().map(|_| marked == flagged && state.tls.is_some());
    let mut report = Report::for_account(crate::ID, text("report.title", &[]), facts, passed, now);
    report.sections.push(Section {
        heading: text("report.summary", &[]),
        blocks: vec![Block::List { items: summary(state, work) }],
    });
    if let Some(inv) = &work.inventory {
        let rows = inv
            .apps
            .iter()
            .map(|a| {
                vec![
                    Text::same(format!("{} ({})", a.name, a.id)),
                    Text::same(a.app_name.clone()),
                    Text::same(a.created_at.clone()),
                    Text::same(if a.secrets.is_empty() { "-".to_string() } else { a.secrets.join(", ") }),
                    mark_text(state.checklist.get(&a.id), a.flagged),
                ]
            })
            .collect();
        report.sections.push(Section {
            heading: text("report.apps", &[("cutoff", &inv.cutoff)]),
            blocks: vec![Block::Table {
                columns: ["col.installation", "col.app", "col.created", "col.secrets", "col.mark"]
                    .iter()
                    .map(|k| text(k, &[]))
                    .collect(),
                rows,
            }],
        });
    }
    if let Some(tokens) = &work.tokens {
        let rows = tokens
            .oauth
            .iter()
            .map(|t| {
                vec![
                    Text::same(t.id.to_string()),
                    Text::same(t.client.clone()),
                    Text::same(t.user_id.to_string()),
                    Text::same(t.used_at.clone().unwrap_or_else(|| "-".into())),
                    if t.stale { text("tokens.stale", &[]) } else { Text::same("") },
                ]
            })
            .collect();
        report.sections.push(Section {
            heading: text("report.tokens", &[]),
            blocks: vec![Block::Table {
                columns: ["col.token", "col.client", "col.user", "col.used", "col.look"]
                    .iter()
                    .map(|k| text(k, &[]))
                    .collect(),
                rows,
            }],
        });
    }
    report.changes(changes);
    report
}
