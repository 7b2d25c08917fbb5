//! What the UI shows for the hardening playbook's own steps, every text in the admin's
//! language, every rule applied. The UI renders these and sends intents back.

use reconnect_engine::check::CheckView;
use reconnect_engine::connection::Connection;
use reconnect_engine::language::Language;
use reconnect_engine::progress::Progress;
use reconnect_engine::timestamp::display;
use serde::Serialize;
use ts_rs::TS;

use crate::data::integrations;
use crate::health::Health;
use crate::language::text;
use crate::report::{flag_text, policy_text};
use crate::restrict::Change;
use crate::revoke::Selection;
use crate::steps::{State, Step};
use crate::work::{Busy, Work};

/// Progress of a running operation.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct ProgressView {
    /// What runs, and how far.
    pub text: String,
    /// Share done, 0 to 100, when known.
    pub percent: Option<u8>,
}

/// A flag on an app.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct FlagView {
    /// `self_authorized`, `stale`, `never_used`, `ghost` or `incident`.
    pub kind: String,
    /// In words.
    pub text: String,
}

/// One app of the inventory.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct AppRow {
    /// The app.
    pub app: String,
    /// Tokens.
    pub tokens: usize,
    /// Users holding them.
    pub users: usize,
    /// Their usernames (at most 20).
    pub usernames: Vec<String>,
    /// The latest use.
    pub last_used: String,
    /// All uses.
    #[ts(type = "number")]
    pub uses: u64,
    /// What to look at.
    pub flags: Vec<FlagView>,
}

/// The revocation's preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct RevokePreview {
    /// What was chosen.
    pub selection: Selection,
    /// How many tokens.
    pub tokens: usize,
    /// In plain words: what happens and that it cannot be undone.
    pub warning: String,
    /// Who must authorize again, one line per app.
    pub reauthorize: Vec<String>,
}

/// The inventory step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct InventoryScreen {
    /// Whether the audit ran.
    pub audited: bool,
    /// When.
    pub audited_at: Option<String>,
    /// The stale period.
    pub stale_days: u32,
    /// The counts in a sentence.
    pub summary: Option<String>,
    /// Round trips and time of the audit.
    pub measured: Option<String>,
    /// The apps, most tokens first.
    pub apps: Vec<AppRow>,
    /// `OauthToken` fields this org lacks.
    pub missing_fields: Vec<String>,
    /// The revocation waiting for the admin's confirmation.
    pub revoke: Option<RevokePreview>,
    /// What the last revocation did.
    pub done: Vec<String>,
    /// The operation running.
    pub busy: Option<Busy>,
    /// How far it is.
    pub progress: Option<ProgressView>,
}

/// One connected app's access.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct AccessRow {
    /// The app.
    pub app: String,
    /// Whether only admin-approved users may use it.
    pub admin_only: bool,
    /// Profiles and permission sets it is granted to.
    pub grants: Vec<String>,
    /// Its IP relaxation, or where to look for it.
    pub ip_policy: String,
    /// Whether it needs a look.
    pub finding: bool,
}

/// The access step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct AccessScreen {
    /// Whether the audit ran.
    pub audited: bool,
    /// The apps.
    pub apps: Vec<AccessRow>,
}

/// One integration user.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct UserView {
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Profile.
    pub profile: String,
    /// Other active users on the profile.
    pub profile_users: usize,
    /// The apps whose tokens it holds.
    pub apps: Vec<String>,
    /// The checks.
    pub checks: Vec<CheckView>,
}

/// The restriction's preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct RestrictionPreview {
    /// The user.
    pub username: String,
    /// The profile.
    pub profile: String,
    /// Other active users on it.
    pub others: Vec<String>,
    /// The ranges.
    pub ranges: Vec<String>,
    /// Each change, in words.
    pub changes: Vec<String>,
    /// What to know first.
    pub warnings: Vec<String>,
    /// Whether the plan is a dedicated profile (the shared one may be changed instead).
    pub dedicated: bool,
}

/// The users step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct UsersScreen {
    /// Whether the audit ran.
    pub audited: bool,
    /// Who counts as an integration user, in a sentence.
    pub rule: String,
    /// The users.
    pub users: Vec<UserView>,
    /// The user chosen for a restriction.
    pub chosen: Option<String>,
    /// Where that user's vendor publishes its addresses, or that it does not.
    pub egress: Option<String>,
    /// The restriction waiting for confirmation.
    pub plan: Option<RestrictionPreview>,
    /// What the last restriction or undo did.
    pub done: Vec<String>,
    /// Whether the integration still connects after the restriction.
    pub after: Option<CheckView>,
    /// Whether a restriction can be checked.
    pub can_check: bool,
    /// Whether the journal holds changes this playbook can undo.
    pub can_undo: bool,
    /// The operation running.
    pub busy: Option<Busy>,
}

/// One hit.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct HitView {
    /// When.
    pub at: String,
    /// Who.
    pub user: String,
    /// The indicator.
    pub indicator: String,
    /// Where and how it was seen.
    pub seen: String,
    /// More.
    pub detail: String,
}

/// One incident's search.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct IncidentView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What was searched, in a sentence.
    pub searched: String,
    /// Hits.
    pub hits: Vec<HitView>,
}

/// The indicators step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct IndicatorsScreen {
    /// The indicators' version and what they are.
    pub about: String,
    /// When the last search ran.
    pub searched_at: Option<String>,
    /// Per incident.
    pub incidents: Vec<IncidentView>,
    /// What was searched and not, what a hit means, what to do.
    pub notes: Vec<String>,
    /// The operation running.
    pub busy: Option<Busy>,
    /// How far it is.
    pub progress: Option<ProgressView>,
}

/// One Health Check risk.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct RiskView {
    /// High or medium.
    pub high: bool,
    /// Group and setting.
    pub setting: String,
    /// The org's value.
    pub org_value: String,
    /// Salesforce's standard.
    pub standard: String,
}

/// The Health Check step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct HealthScreen {
    /// Whether the audit ran.
    pub audited: bool,
    /// The score, in words.
    pub score: Option<String>,
    /// Why there is none.
    pub unavailable: Option<String>,
    /// The risks.
    pub risks: Vec<RiskView>,
}

/// The report step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "hardening/")]
pub struct ReportScreen {
    /// What the report will hold, one line each.
    pub holds: Vec<String>,
    /// Whether there is anything to report.
    pub ready: bool,
}

/// The content of the current step.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export_to = "hardening/", rename = "HardeningScreen")]
pub enum Screen {
    /// Token inventory.
    Inventory(InventoryScreen),
    /// Connected-app access.
    Access(AccessScreen),
    /// Integration users.
    Users(UsersScreen),
    /// Indicators.
    Indicators(IndicatorsScreen),
    /// Health Check.
    Health(HealthScreen),
    /// Report.
    Report(ReportScreen),
}

fn progress_view(p: Option<&Progress>, l: Language) -> Option<ProgressView> {
    let p = p?;
    let t = match p {
        Progress::Counting { what, done, total: Some(t) } => {
            text("progress.counting", &[("what", what), ("done", &done.to_string()), ("total", &t.to_string())])
        }
        Progress::Counting { what, done, total: None } => {
            text("progress.counting_open", &[("what", what), ("done", &done.to_string())])
        }
        Progress::Requested { request } => text("progress.requested", &[("id", request)]),
        Progress::Waiting { status, .. } => text("progress.waiting", &[("status", status)]),
        Progress::RateLimited { seconds } => text("progress.rate_limited", &[("seconds", &seconds.to_string())]),
    };
    Some(ProgressView { text: t.get(l).to_string(), percent: p.percent() })
}

fn flag_kind(f: &crate::inventory::Flag) -> &'static str {
    use crate::inventory::Flag;
    match f {
        Flag::SelfAuthorized => "self_authorized",
        Flag::Stale { .. } => "stale",
        Flag::NeverUsed { .. } => "never_used",
        Flag::Ghost => "ghost",
        Flag::Incident { .. } => "incident",
    }
}

/// The screen of the current step.
pub fn screen(state: &State, work: &Work, conn: &Connection, progress: Option<&Progress>, l: Language) -> Screen {
    let audit = work.audit.as_deref();
    let busy_progress = |b: &[Busy]| {
        if work.busy.is_some_and(|x| b.contains(&x)) {
            progress_view(progress, l)
        } else {
            None
        }
    };
    match state.current() {
        Step::Inventory | Step::Org | Step::SignIn => Screen::Inventory(InventoryScreen {
            audited: audit.is_some(),
            audited_at: state.audited_at.as_deref().map(display),
            stale_days: state.stale_days,
            summary: audit.map(|a| {
                text(
                    "inventory.summary",
                    &[
                        ("tokens", &a.inventory.tokens.len().to_string()),
                        ("apps", &a.inventory.apps.len().to_string()),
                        ("flagged", &a.inventory.findings().to_string()),
                    ],
                )
                .get(l)
                .to_string()
            }),
            measured: audit.map(|a| {
                text("inventory.measured", &[("n", &a.round_trips.to_string()), ("ms", &a.elapsed_ms.to_string())])
                    .get(l)
                    .to_string()
            }),
            apps: audit
                .map(|a| {
                    a.inventory
                        .apps
                        .iter()
                        .map(|app| AppRow {
                            app: app.app.clone(),
                            tokens: app.tokens,
                            users: app.users.len(),
                            usernames: app.users.iter().take(20).cloned().collect(),
                            last_used: app.last_used.as_deref().map(display).unwrap_or_else(|| "—".into()),
                            uses: app.use_count,
                            flags: app
                                .flags
                                .iter()
                                .map(|f| FlagView { kind: flag_kind(f).into(), text: flag_text(f).get(l).to_string() })
                                .collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            missing_fields: audit.map(|a| a.inventory.missing_fields.clone()).unwrap_or_default(),
            revoke: work.revoke_plan.as_ref().map(|p| {
                let apps: Vec<&String> = p.reauthorize.keys().collect();
                RevokePreview {
                    selection: p.selection.clone(),
                    tokens: p.targets.len(),
                    warning: text(
                        "revoke.warning",
                        &[
                            ("n", &p.targets.len().to_string()),
                            ("apps", &apps.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")),
                        ],
                    )
                    .get(l)
                    .to_string(),
                    reauthorize: p
                        .reauthorize
                        .iter()
                        .map(|(app, users)| crate::report::reauthorize_text(app, users).get(l).to_string())
                        .collect(),
                }
            }),
            done: work.done.iter().map(|t| t.get(l).to_string()).collect(),
            busy: work.busy,
            progress: busy_progress(&[Busy::Audit, Busy::Revoke]),
        }),
        Step::Access => Screen::Access(AccessScreen {
            audited: audit.is_some(),
            apps: audit
                .map(|a| {
                    a.access
                        .iter()
                        .map(|x| AccessRow {
                            app: x.app.name.clone(),
                            admin_only: x.app.admin_approved_only,
                            grants: x.grants.iter().map(|g| g.name.clone()).collect(),
                            ip_policy: policy_text(&x.ip_policy).get(l).to_string(),
                            finding: x.finding(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }),
        Step::Users => {
            let chosen = state.user.as_deref().and_then(|u| audit.and_then(|a| a.users.find(u)));
            Screen::Users(UsersScreen {
                audited: audit.is_some(),
                rule: crate::report::users_rule().get(l).to_string(),
                users: audit
                    .map(|a| {
                        a.users
                            .users
                            .iter()
                            .map(|u| {
                                let p = a.users.profiles.get(&u.profile_id);
                                UserView {
                                    username: u.username.clone(),
                                    name: u.name.clone(),
                                    profile: p.map(|p| p.name.clone()).unwrap_or_default(),
                                    profile_users: p.map(|p| p.active_users.len().saturating_sub(1)).unwrap_or(0),
                                    apps: u.apps.clone(),
                                    checks: u.checks.iter().map(|c| CheckView::of(c, l)).collect(),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                chosen: state.user.clone(),
                egress: chosen.and_then(|u| {
                    let v = u.apps.iter().find_map(|a| integrations().vendor_of(a))?;
                    Some(if v.egress.published {
                        text("users.egress_published", &[("vendor", &v.name), ("ranges", &v.egress.ranges.join(", "))])
                            .get(l)
                            .to_string()
                    } else {
                        v.egress.finding.get(l).to_string()
                    })
                }),
                plan: work.restriction_plan.as_ref().map(|p| RestrictionPreview {
                    username: p.user.username.clone(),
                    profile: p.profile.name.clone(),
                    others: p.others.clone(),
                    ranges: p.ranges.iter().map(|r| r.label()).collect(),
                    changes: p.changes.iter().map(|c| change_text(c).get(l).to_string()).collect(),
                    warnings: p.warnings.iter().map(|w| w.get(l).to_string()).collect(),
                    dedicated: p.changes.iter().any(|c| matches!(c, Change::CreateProfile { .. })),
                }),
                done: work.restriction_done.iter().map(|t| t.get(l).to_string()).collect(),
                after: work.after.as_ref().map(|a| CheckView::of(&a.check, l)),
                can_check: state.restricted.is_some(),
                can_undo: work.live_changes > 0,
                busy: work.busy,
            })
        }
        Step::Indicators => {
            let data = crate::data::indicators();
            Screen::Indicators(IndicatorsScreen {
                about: text(
                    "indicators.about",
                    &[
                        ("version", &data.version),
                        ("ips", &data.incidents.iter().map(|i| i.ips.len()).sum::<usize>().to_string()),
                        ("agents", &data.incidents.iter().map(|i| i.user_agents.len()).sum::<usize>().to_string()),
                    ],
                )
                .get(l)
                .to_string(),
                searched_at: state.searched_at.as_deref().map(display),
                incidents: work
                    .ioc
                    .iter()
                    .flat_map(|r| &r.incidents)
                    .map(|i| IncidentView {
                        id: i.id.clone(),
                        name: i.name.get(l).to_string(),
                        searched: text(
                            "indicators.searched",
                            &[("from", &display(&i.from)), ("to", &display(&i.to)), ("n", &i.hits.len().to_string())],
                        )
                        .get(l)
                        .to_string(),
                        hits: i
                            .hits
                            .iter()
                            .map(|h| HitView {
                                at: display(&h.at),
                                user: h.user.clone(),
                                indicator: h.indicator.clone(),
                                seen: h.seen.clone(),
                                detail: h.detail.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
                notes: work.ioc.iter().flat_map(|r| &r.notes).map(|n| n.get(l).to_string()).collect(),
                busy: work.busy,
                progress: busy_progress(&[Busy::Search]),
            })
        }
        Step::Health => Screen::Health(match audit.map(|a| &a.health) {
            Some(Health::Read { score, risks }) => HealthScreen {
                audited: true,
                score: Some(
                    text("health.score", &[("score", &score.map(|s| s.to_string()).unwrap_or_else(|| "—".into()))])
                        .get(l)
                        .to_string(),
                ),
                unavailable: None,
                risks: risks
                    .iter()
                    .map(|r| RiskView {
                        high: r.risk_type == "HIGH_RISK",
                        setting: format!("{} › {}", r.group, r.setting),
                        org_value: r.org_value.clone(),
                        standard: r.standard_value.clone(),
                    })
                    .collect(),
            },
            Some(Health::Unavailable { reason }) => HealthScreen {
                audited: true,
                score: None,
                unavailable: Some(text("report.health.unavailable", &[("reason", reason)]).get(l).to_string()),
                risks: Vec::new(),
            },
            None => HealthScreen { audited: false, score: None, unavailable: None, risks: Vec::new() },
        }),
        Step::Report => Screen::Report(ReportScreen {
            holds: [
                (audit.is_some(), "report.holds.audit"),
                (work.ioc.is_some(), "report.holds.ioc"),
                (conn.signed_in().is_some(), "report.holds.changes"),
            ]
            .iter()
            .filter(|(yes, _)| *yes)
            .map(|(_, k)| text(k, &[]).get(l).to_string())
            .collect(),
            ready: audit.is_some() || work.ioc.is_some(),
        }),
    }
}

/// A restriction change in words.
pub fn change_text(c: &Change) -> reconnect_engine::language::Text {
    let ranges = |r: &[reconnect_engine::salesforce::metadata::LoginIpRange]| {
        r.iter().map(|x| format!("{}–{}", x.start, x.end)).collect::<Vec<_>>().join(", ")
    };
    match c {
        Change::SetRanges { full_name, before, after, .. } => text(
            "restrict.change.set",
            &[("profile", full_name), ("before", &ranges(before)), ("after", &ranges(after))],
        ),
        Change::CreateProfile { full_name, copy_of, ranges: r } => {
            text("restrict.change.create", &[("profile", full_name), ("copy", copy_of), ("after", &ranges(r))])
        }
        Change::MoveUser { to, .. } => text("restrict.change.move", &[("profile", to)]),
    }
}
