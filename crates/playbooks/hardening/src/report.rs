//! The hardening report for a change record: the token inventory, connected-app access,
//! integration users, the indicator search, Health Check and what Reconnect changed (the
//! journal's revocations and restrictions), rendered by the engine in English or Japanese.
//! It carries ids, names, counts and times: never a token, a `DeleteToken` or a password.

use reconnect_engine::journal::Entry;
use reconnect_engine::language::Text;
use reconnect_engine::report::{Block, Report, Section};
use reconnect_engine::salesforce::org_facts::OrgFacts;
use reconnect_engine::timestamp::display;

use crate::access::IpPolicy;
use crate::data::indicators;
use crate::health::Health;
use crate::inventory::Flag;
use crate::ioc::IocResult;
use crate::language::{text, text_localized};
use crate::ops::Audit;

/// A flag in words.
pub fn flag_text(f: &Flag) -> Text {
    match f {
        Flag::SelfAuthorized => text("flag.self_authorized", &[]),
        Flag::Stale { tokens } => text("flag.stale", &[("n", &tokens.to_string())]),
        Flag::NeverUsed { tokens } => text("flag.never_used", &[("n", &tokens.to_string())]),
        Flag::Ghost => text("flag.ghost", &[]),
        Flag::Incident { incident } => {
            let name = indicators()
                .incidents
                .iter()
                .find(|i| &i.id == incident)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| Text::same(incident.clone()));
            text_localized("flag.incident", &[], &[("incident", &name)])
        }
    }
}

fn joined(texts: Vec<Text>) -> Text {
    Text {
        en: texts.iter().map(|t| t.en.as_str()).collect::<Vec<_>>().join("; "),
        ja: texts.iter().map(|t| t.ja.as_str()).collect::<Vec<_>>().join("、"),
    }
}

/// The IP policy in words.
pub fn policy_text(p: &IpPolicy) -> Text {
    match p {
        IpPolicy::Read { value, meaning: Some(m), confirmed, .. } => {
            let mut t = text_localized("access.policy", &[("value", value)], &[("meaning", m)]);
            if !confirmed {
                t = t.then(text("access.unconfirmed", &[]));
            }
            t
        }
        IpPolicy::Read { value, meaning: None, .. } => text("access.policy_unknown", &[("value", value)]),
        IpPolicy::NotReadable { setup_path } => setup_path.clone(),
    }
}

/// Who must authorize `app` again, naming at most ten users.
pub fn reauthorize_text(app: &str, users: &[String]) -> Text {
    const NAMED: usize = 10;
    if users.len() <= NAMED {
        return text("revoke.reauthorize", &[("app", app), ("users", &users.join(", "))]);
    }
    text(
        "revoke.reauthorize_more",
        &[("app", app), ("users", &users[..NAMED].join(", ")), ("more", &(users.len() - NAMED).to_string())],
    )
}

/// Who counts as an integration user, in a sentence.
pub fn users_rule() -> Text {
    let data = crate::data::integrations();
    let vendors: Vec<&str> = data.vendors.iter().map(|v| v.name.as_str()).collect();
    text("users.rule", &[("vendors", &vendors.join(", ")), ("n", &data.integration_users.max_users.to_string())])
}

/// Builds the report.
pub fn build(
    facts: &OrgFacts,
    instance_url: &str,
    audit: Option<&Audit>,
    ioc: Option<&IocResult>,
    journal: &[Entry],
    now: &str,
) -> Report {
    let findings = audit.map(Audit::findings).unwrap_or(0) + ioc.map(IocResult::hits).unwrap_or(0);
    let passed = (audit.is_some() || ioc.is_some()).then_some(findings == 0);
    let mut r = Report::new(crate::ID, text("report.title", &[]), facts, instance_url, passed, now);
    r.verdict = match passed {
        Some(true) => text("report.verdict.clean", &[]),
        Some(false) => text("report.verdict.findings", &[("n", &findings.to_string())]),
        None => text("report.verdict.not_run", &[]),
    };
    if let Some(a) = audit {
        r.fact(
            text("report.tokens", &[]),
            Text::same(format!("{} / {}", a.inventory.tokens.len(), a.inventory.apps.len())),
        );
        r.sections.push(Section {
            heading: text("report.inventory", &[]),
            blocks: vec![
                Block::Paragraph {
                    text: text("report.inventory.intro", &[("days", &a.inventory.stale_days.to_string())]),
                },
                Block::Table {
                    columns: ["col.app", "col.tokens", "col.users", "col.last_used", "col.uses", "col.flags"]
                        .iter()
                        .map(|k| text(k, &[]))
                        .collect(),
                    rows: a
                        .inventory
                        .apps
                        .iter()
                        .map(|app| {
                            vec![
                                Text::same(app.app.clone()),
                                Text::same(app.tokens.to_string()),
                                Text::same(app.users.len().to_string()),
                                Text::same(app.last_used.as_deref().map(display).unwrap_or_else(|| "—".into())),
                                Text::same(app.use_count.to_string()),
                                joined(app.flags.iter().map(flag_text).collect()),
                            ]
                        })
                        .collect(),
                },
            ],
        });
        r.sections.push(Section {
            heading: text("report.access", &[]),
            blocks: vec![Block::List {
                items: a
                    .access
                    .iter()
                    .map(|x| {
                        let grants: Vec<String> = x.grants.iter().map(|g| g.name.clone()).collect();
                        let who = if x.app.admin_approved_only {
                            text("access.admin_only", &[("grants", &grants.join(", "))])
                        } else {
                            text("access.anyone", &[])
                        };
                        Text::same(format!("{}: ", x.app.name)).then(who).then(policy_text(&x.ip_policy))
                    })
                    .collect(),
            }],
        });
        let mut user_blocks = vec![Block::Paragraph { text: users_rule() }];
        for u in &a.users.users {
            user_blocks.push(Block::Paragraph {
                text: Text::same(format!("{} ({}) — {}", u.username, u.name, u.apps.join(", "))),
            });
            user_blocks.push(Block::Checks { checks: u.checks.clone() });
        }
        if a.users.users.is_empty() {
            user_blocks.push(Block::Paragraph { text: text("report.no_users", &[]) });
        }
        r.sections.push(Section { heading: text("report.users", &[]), blocks: user_blocks });
        r.sections.push(Section {
            heading: text("report.health", &[]),
            blocks: match &a.health {
                Health::Read { score, risks } => vec![
                    Block::Paragraph {
                        text: text(
                            "report.health.score",
                            &[("score", &score.map(|s| s.to_string()).unwrap_or("—".into()))],
                        ),
                    },
                    Block::Table {
                        columns: ["col.risk", "col.group", "col.setting", "col.org_value", "col.standard"]
                            .iter()
                            .map(|k| text(k, &[]))
                            .collect(),
                        rows: risks
                            .iter()
                            .map(|x| {
                                [&x.risk_type, &x.group, &x.setting, &x.org_value, &x.standard_value]
                                    .map(|v| Text::same(v.clone()))
                                    .to_vec()
                            })
                            .collect(),
                    },
                ],
                Health::Unavailable { reason } => {
                    vec![Block::Paragraph { text: text("report.health.unavailable", &[("reason", reason)]) }]
                }
            },
        });
    }
    if let Some(i) = ioc {
        let mut blocks =
            vec![Block::Paragraph { text: text("report.ioc.version", &[("version", &i.indicators_version)]) }];
        for inc in &i.incidents {
            blocks.push(Block::Paragraph {
                text: text_localized(
                    "report.ioc.incident",
                    &[("from", &display(&inc.from)), ("to", &display(&inc.to)), ("n", &inc.hits.len().to_string())],
                    &[("name", &inc.name)],
                ),
            });
            if !inc.hits.is_empty() {
                blocks.push(Block::Table {
                    columns: ["col.when", "col.user", "col.indicator", "col.seen", "col.detail"]
                        .iter()
                        .map(|k| text(k, &[]))
                        .collect(),
                    rows: inc
                        .hits
                        .iter()
                        .map(|h| {
                            [display(&h.at), h.user.clone(), h.indicator.clone(), h.seen.clone(), h.detail.clone()]
                                .map(Text::same)
                                .to_vec()
                        })
                        .collect(),
                });
            }
        }
        blocks.push(Block::List { items: i.notes.clone() });
        r.sections.push(Section { heading: text("report.ioc", &[]), blocks });
    }
    r.changes(journal);
    r
}
