//! What the UI shows for the readiness playbook's own steps, every text in the admin's
//! language, every rule applied. The UI renders these and sends intents back.

use reconnect_engine::connection::Connection;
use reconnect_engine::language::Language;
use reconnect_engine::progress::Progress;
use reconnect_engine::timestamp::{display, display_local};
use reconnect_engine::trust::{
    general_message_page, incident_page, instance_page, maintenance_page, InstanceKey, TrustState, SITE,
};
use serde::Serialize;
use ts_rs::TS;

use crate::contacts::DomainSource;
use crate::language::text;
use crate::status::{grants_text, incident_line, maintenance_line, status_word, warning_text};
use crate::steps::{State, Step, SubscriptionCheck};
use crate::work::{Busy, Work};

/// A line with the Trust page it comes from.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct LinkedLine {
    /// The line.
    pub text: String,
    /// Its page on the Trust site, when it has an id.
    pub page: Option<String>,
}

/// A general message from Salesforce.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct MessageView {
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub body: String,
    /// Its page.
    pub page: Option<String>,
}

/// The Trust status step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct StatusScreen {
    /// The instance.
    pub instance: String,
    /// Its Trust page.
    pub page: String,
    /// Its status in a sentence.
    pub summary: Option<String>,
    /// The release it runs.
    pub release: Option<String>,
    /// Its incidents.
    pub incidents: Vec<LinkedLine>,
    /// Its maintenances.
    pub maintenances: Vec<LinkedLine>,
    /// Salesforce's general messages.
    pub messages: Vec<MessageView>,
    /// What could not be read beside it.
    pub notes: Vec<String>,
    /// Why the status could not be read, and what to do.
    pub unavailable: Option<Vec<String>>,
    /// When it was read (in the admin's time zone).
    pub read_at: Option<String>,
}

/// The subscription step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct SubscribeScreen {
    /// The instance.
    pub instance: String,
    /// Its Trust page.
    pub page: String,
    /// How to subscribe there, step by step.
    pub steps: Vec<String>,
    /// What was recorded.
    pub recorded: Option<String>,
    /// The recorded subscription is for another instance.
    pub warning: Option<String>,
    /// Whether the subscription covers this instance.
    pub subscribed: bool,
}

/// A Modify All Data holder.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct HolderView {
    /// The user's id.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// Username.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Last login.
    pub last_login: String,
    /// How they have Modify All Data.
    pub grants: String,
    /// What may keep Salesforce's e-mails from them, with what to do.
    pub warnings: Vec<String>,
}

/// The contacts step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct ContactsScreen {
    /// Whether they were read.
    pub read: bool,
    /// The holders.
    pub holders: Vec<HolderView>,
    /// Warnings about the org as a whole.
    pub org_warnings: Vec<String>,
    /// The org's e-mail domains and where they came from.
    pub domains: Option<String>,
    /// The Security Contact, which Salesforce tells of security incidents.
    pub security_contact: String,
    /// The operation running.
    pub busy: Option<Busy>,
}

/// The runbook step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "readiness/")]
pub struct RunbookScreen {
    /// Whether it was made.
    pub built: bool,
    /// What it holds, in a sentence.
    pub summary: Option<String>,
    /// What it holds, one line each.
    pub holds: Vec<String>,
    /// The operation running.
    pub busy: Option<Busy>,
    /// How far it is.
    pub progress: Option<String>,
}

/// The content of the current step.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export_to = "readiness/", rename = "ReadinessScreen")]
pub enum Screen {
    /// Trust status.
    Status(StatusScreen),
    /// Subscription.
    Subscribe(SubscribeScreen),
    /// Contacts.
    Contacts(ContactsScreen),
    /// Runbook.
    Runbook(RunbookScreen),
}

fn page_of(instance: &str) -> String {
    InstanceKey::parse(instance).map(|k| instance_page(&k)).unwrap_or_else(|_| SITE.to_string())
}

/// A user's page in Setup, where the admin changes an address or a permission.
pub fn user_setup_page(instance_url: &str, user_id: &str) -> String {
    format!(
        "{}/lightning/setup/ManageUsers/page?address=%2F{user_id}%3Fnoredirect%3D1%26isUserEntityOverride%3D1",
        instance_url.trim_end_matches('/')
    )
}

fn status_screen(instance: &str, trust: Option<&TrustState>, l: Language) -> StatusScreen {
    let mut s = StatusScreen {
        instance: instance.to_string(),
        page: page_of(instance),
        summary: None,
        release: None,
        incidents: Vec::new(),
        maintenances: Vec::new(),
        messages: Vec::new(),
        notes: Vec::new(),
        unavailable: None,
        read_at: None,
    };
    match trust {
        None => {}
        Some(TrustState::Unreadable { message, at_ms, .. }) => {
            s.unavailable = Some(vec![message.what.get(l).to_string(), message.next.get(l).to_string()]);
            s.read_at = (*at_ms > 0).then(|| display_local(*at_ms));
        }
        Some(TrustState::Read(r)) => {
            s.summary = Some(status_word(&r.instance.status).get(l).to_string());
            s.release = r.instance.release.clone();
            s.incidents = r
                .instance
                .incidents
                .iter()
                .map(|i| LinkedLine { text: incident_line(i).get(l).to_string(), page: i.id.map(incident_page) })
                .collect();
            s.maintenances = r
                .instance
                .maintenances
                .iter()
                .map(|m| LinkedLine { text: maintenance_line(m).get(l).to_string(), page: m.id.map(maintenance_page) })
                .collect();
            s.messages = r
                .messages
                .iter()
                .map(|m| MessageView {
                    subject: m.subject.clone(),
                    body: m.body.clone(),
                    page: m.id.map(general_message_page),
                })
                .collect();
            s.notes = r.notes.iter().map(|n| n.get(l).to_string()).collect();
            s.read_at = Some(display_local(r.read_at_ms));
        }
    }
    s
}

/// The screen of the current step.
pub fn screen(
    state: &State,
    work: &Work,
    conn: &Connection,
    trust: Option<&TrustState>,
    progress: Option<&Progress>,
    l: Language,
) -> Screen {
    let instance = conn.signed_in().map(|s| s.facts.instance_name.clone()).unwrap_or_default();
    match state.current() {
        Step::Subscribe => {
            let check = state.subscription_for(Some(&instance));
            let page = page_of(&instance);
            Screen::Subscribe(SubscribeScreen {
                instance: instance.clone(),
                steps: (1..=4)
                    .map(|n| {
                        text(&format!("subscribe.step.{n}"), &[("instance", &instance), ("page", &page)])
                            .get(l)
                            .to_string()
                    })
                    .collect(),
                page,
                recorded: match &check {
                    SubscriptionCheck::Current(s) | SubscriptionCheck::OtherInstance(s) => Some(
                        text("subscribe.recorded", &[("instance", s.instance.as_str()), ("at", &display(&s.at))])
                            .get(l)
                            .to_string(),
                    ),
                    SubscriptionCheck::None => None,
                },
                warning: match &check {
                    SubscriptionCheck::OtherInstance(s) => Some(
                        text("subscribe.other_instance", &[("recorded", s.instance.as_str()), ("instance", &instance)])
                            .get(l)
                            .to_string(),
                    ),
                    _ => None,
                },
                subscribed: matches!(check, SubscriptionCheck::Current(_)),
            })
        }
        Step::Contacts => {
            let c = work.contacts.as_ref();
            Screen::Contacts(ContactsScreen {
                read: c.is_some(),
                holders: c
                    .map(|c| {
                        c.holders
                            .iter()
                            .map(|h| HolderView {
                                user_id: h.user_id.clone(),
                                name: h.name.clone(),
                                username: h.username.clone(),
                                email: h.email.clone(),
                                last_login: h
                                    .last_login
                                    .as_deref()
                                    .map(display)
                                    .unwrap_or_else(|| text("contacts.never", &[]).get(l).to_string()),
                                grants: grants_text(&h.grants).get(l).to_string(),
                                warnings: h.warnings.iter().map(|w| warning_text(w).get(l).to_string()).collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                org_warnings: c
                    .map(|c| {
                        let mut w = Vec::new();
                        if c.holders.is_empty() {
                            w.push(text("contacts.none", &[]).get(l).to_string());
                        } else if c.only_one() {
                            w.push(text("contacts.only_one", &[]).get(l).to_string());
                        }
                        w
                    })
                    .unwrap_or_default(),
                domains: c.map(|c| {
                    let key = match c.domains_from {
                        DomainSource::Allowlist => "contacts.domains.allowlist",
                        DomainSource::SignedInUser => "contacts.domains.own",
                    };
                    text(key, &[("domains", &c.domains.join(", "))]).get(l).to_string()
                }),
                security_contact: text("contacts.security_contact", &[]).get(l).to_string(),
                busy: work.busy,
            })
        }
        Step::Runbook => {
            let r = work.runbook.as_deref();
            Screen::Runbook(RunbookScreen {
                built: r.is_some(),
                summary: r.map(|r| {
                    text(
                        "runbook.summary",
                        &[
                            ("apps", &r.integrations.len().to_string()),
                            ("packages", &r.packages.len().to_string()),
                            ("holders", &r.contacts.holders.len().to_string()),
                        ],
                    )
                    .get(l)
                    .to_string()
                }),
                holds: [
                    "runbook.holds.first",
                    "runbook.holds.status",
                    "runbook.holds.who",
                    "runbook.holds.integrations",
                    "runbook.holds.packages",
                ]
                .iter()
                .map(|k| text(k, &[]).get(l).to_string())
                .collect(),
                busy: work.busy,
                progress: if work.busy == Some(Busy::Runbook) {
                    progress.map(|p| match p {
                        Progress::Counting { what, done, total } => text(
                            "progress.counting",
                            &[
                                ("what", what),
                                ("done", &done.to_string()),
                                ("total", &total.map(|t| t.to_string()).unwrap_or_else(|| "?".into())),
                            ],
                        )
                        .get(l)
                        .to_string(),
                        _ => text("progress.reading", &[]).get(l).to_string(),
                    })
                } else {
                    None
                },
            })
        }
        _ => Screen::Status(status_screen(&instance, trust, l)),
    }
}
