//! The runbook for the next incident, made from the org's own data: every app of the token
//! inventory (read through the hardening playbook) with its connected app, the users behind
//! it, its package when one matches, how to revoke its tokens and how to reconnect it; the
//! installed packages; who Salesforce tells; the instance and its Trust page. Saved like the
//! reports (HTML and Markdown, English or Japanese).
//!
//! A package belongs to an integration when its name contains the vendor's name (for the
//! vendors the hardening data knows) or the app's name: a rule of this playbook, since
//! Salesforce links no token to a package.

use std::collections::BTreeSet;

use reconnect_engine::language::Text;
use reconnect_engine::progress::Progress;
use reconnect_engine::report::{Block, Report, Section};
use reconnect_engine::salesforce::client::SalesforceClient;
use reconnect_engine::salesforce::installed_packages::{installed_packages, InstalledPackage};
use reconnect_engine::salesforce::org_facts::OrgFacts;
use reconnect_engine::timestamp::display;
use reconnect_engine::trust::{instance_page, InstanceKey, TrustState};
use reconnect_hardening::data::integrations;
use reconnect_hardening::inventory::{inventory, Flag};
use reconnect_hardening::users::integration_holders;
use serde::Serialize;

use crate::contacts::{self, Contacts};
use crate::error::Error;
use crate::language::{text, text_localized};
use crate::status::{grants_text, status_summary, warning_text};
use crate::steps::SubscriptionCheck;

/// One integration: an app of the token inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Integration {
    /// The app's name.
    pub app: String,
    /// Its tokens.
    pub tokens: usize,
    /// The users holding them.
    pub users: usize,
    /// Its integration users (usernames).
    pub integration_users: Vec<String>,
    /// Whether the app is among the org's connected apps, and admits only approved users.
    pub connected_app: Option<bool>,
    /// The vendor, when the hardening data knows it.
    pub vendor: Option<String>,
    /// The Reconnect playbook that reconnects it.
    pub playbook: Option<String>,
    /// Its packages (`name version`).
    pub packages: Vec<String>,
    /// Whether it is one of Salesforce's own apps.
    pub first_party: bool,
}

/// The runbook's content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runbook {
    /// Every app of the token inventory, most tokens first.
    pub integrations: Vec<Integration>,
    /// The installed packages.
    pub packages: Vec<InstalledPackage>,
    /// Who Salesforce tells.
    pub contacts: Contacts,
}

fn package_label(p: &InstalledPackage) -> String {
    format!("{} {}", p.name, p.version_number())
}

/// Reads what the runbook needs: the token inventory, the packages, the contacts.
pub async fn build(
    client: &SalesforceClient,
    own_username: &str,
    now_ms: i64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Runbook, Error> {
    let data = integrations();
    let inv = inventory(client, data.stale_days, now_ms, progress).await?;
    let holders = integration_holders(&inv.tokens, data.integration_users.max_users);
    let packages = installed_packages(client).await?;
    let contacts = contacts::read(client, own_username, now_ms).await?;
    let integrations = inv
        .apps
        .iter()
        .map(|a| {
            let vendor = data.vendor_of(&a.app);
            let integration_users: BTreeSet<String> = inv
                .tokens
                .iter()
                .filter(|t| t.app == a.app)
                .filter(|t| {
                    holders.get(t.user_id.get(..15).unwrap_or(&t.user_id)).is_some_and(|apps| apps.contains(&a.app))
                })
                .map(|t| t.username.clone().unwrap_or_else(|| t.user_id.clone()))
                .collect();
            let needle = vendor.map(|v| v.name.to_ascii_lowercase()).unwrap_or_else(|| a.app.to_ascii_lowercase());
            Integration {
                app: a.app.clone(),
                tokens: a.tokens,
                users: a.users.len(),
                integration_users: integration_users.into_iter().collect(),
                connected_app: if a.flags.contains(&Flag::Ghost) {
                    None
                } else {
                    inv.connected_apps
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(&a.app))
                        .map(|c| c.admin_approved_only)
                },
                vendor: vendor.map(|v| v.name.clone()),
                playbook: vendor.and_then(|v| v.playbook.clone()),
                packages: packages
                    .iter()
                    .filter(|p| p.name.to_ascii_lowercase().contains(&needle))
                    .map(package_label)
                    .collect(),
                first_party: data.first_party(&a.app),
            }
        })
        .collect();
    Ok(Runbook { integrations, packages, contacts })
}

/// What the admin is told to do about one integration in an incident, in words.
fn revoke_text(i: &Integration) -> Text {
    text("runbook.revoke", &[("app", &i.app)])
}

fn reconnect_text(i: &Integration) -> Text {
    match (&i.playbook, i.integration_users.is_empty()) {
        (Some(playbook), _) => {
            let title = text(&format!("runbook.playbook.{playbook}"), &[]);
            text_localized("runbook.reconnect.playbook", &[], &[("playbook", &title)])
        }
        (None, false) => text("runbook.reconnect.as", &[("users", &i.integration_users.join(", "))]),
        (None, true) if i.first_party => text("runbook.reconnect.people_own", &[]),
        (None, true) => text("runbook.reconnect.people", &[]),
    }
}

fn connected_app_text(i: &Integration) -> Text {
    match i.connected_app {
        None => text("runbook.app.ghost", &[]),
        Some(true) => text("runbook.app.admin_only", &[]),
        Some(false) => text("runbook.app.anyone", &[]),
    }
}

/// The runbook as a document for the change record and the next incident.
pub fn document(
    facts: &OrgFacts,
    instance_url: &str,
    runbook: &Runbook,
    trust: Option<&TrustState>,
    subscription: &SubscriptionCheck,
    now: &str,
) -> Report {
    let mut r = Report::new(crate::ID, text("runbook.title", &[]), facts, instance_url, None, now);
    r.verdict = text("runbook.verdict", &[("n", &runbook.integrations.len().to_string())]);
    let page = InstanceKey::parse(&facts.instance_name).map(|k| instance_page(&k)).unwrap_or_default();
    r.fact(text("runbook.fact.instance", &[]), Text::same(format!("{} — {page}", facts.instance_name)));
    r.fact(
        text("runbook.fact.subscription", &[]),
        match subscription {
            SubscriptionCheck::Current(s) => {
                text("subscribe.recorded", &[("instance", s.instance.as_str()), ("at", &display(&s.at))])
            }
            SubscriptionCheck::OtherInstance(s) => text(
                "subscribe.other_instance",
                &[("recorded", s.instance.as_str()), ("instance", &facts.instance_name)],
            ),
            SubscriptionCheck::None => text("subscribe.none", &[]),
        },
    );
    r.sections.push(Section {
        heading: text("runbook.first", &[]),
        blocks: vec![Block::List {
            items: (1..=5).map(|n| text(&format!("runbook.first.{n}"), &[("page", &page)])).collect(),
        }],
    });
    r.sections.push(Section {
        heading: text("runbook.status", &[]),
        blocks: vec![Block::Paragraph { text: status_summary(trust, &facts.instance_name) }],
    });
    let c = &runbook.contacts;
    let mut who = vec![Block::Table {
        columns: ["col.name", "col.email", "col.last_login", "col.grants", "col.warnings"]
            .iter()
            .map(|k| text(k, &[]))
            .collect(),
        rows: c
            .holders
            .iter()
            .map(|h| {
                let warnings = h.warnings.iter().map(warning_text).collect::<Vec<_>>();
                vec![
                    Text::same(format!("{} ({})", h.name, h.username)),
                    Text::same(h.email.clone()),
                    Text::same(h.last_login.as_deref().map(display).unwrap_or_else(|| "—".into())),
                    grants_text(&h.grants),
                    Text {
                        en: warnings.iter().map(|w| w.en.as_str()).collect::<Vec<_>>().join("; "),
                        ja: warnings.iter().map(|w| w.ja.as_str()).collect::<Vec<_>>().join("、"),
                    },
                ]
            })
            .collect(),
    }];
    if c.only_one() {
        who.push(Block::Paragraph { text: text("contacts.only_one", &[]) });
    }
    who.push(Block::Paragraph { text: text("contacts.security_contact", &[]) });
    r.sections.push(Section { heading: text("runbook.who", &[]), blocks: who });
    r.sections.push(Section {
        heading: text("runbook.integrations", &[]),
        blocks: vec![
            Block::Paragraph { text: text("runbook.integrations.intro", &[]) },
            Block::Table {
                columns: [
                    "col.app",
                    "col.connected_app",
                    "col.integration_users",
                    "col.package",
                    "col.revoke",
                    "col.reconnect",
                ]
                .iter()
                .map(|k| text(k, &[]))
                .collect(),
                rows: runbook
                    .integrations
                    .iter()
                    .map(|i| {
                        vec![
                            Text::same(format!("{} ({} / {})", i.app, i.tokens, i.users)),
                            connected_app_text(i),
                            Text::same(if i.integration_users.is_empty() {
                                "—".into()
                            } else {
                                i.integration_users.join(", ")
                            }),
                            Text::same(if i.packages.is_empty() { "—".into() } else { i.packages.join(", ") }),
                            revoke_text(i),
                            reconnect_text(i),
                        ]
                    })
                    .collect(),
            },
        ],
    });
    r.sections.push(Section {
        heading: text("runbook.packages", &[]),
        blocks: vec![if runbook.packages.is_empty() {
            Block::Paragraph { text: text("runbook.packages.none", &[]) }
        } else {
            Block::List { items: runbook.packages.iter().map(|p| Text::same(package_label(p))).collect() }
        }],
    });
    r
}
