//! The hardening playbook as the engine drives it: its saved answers, what it found while the
//! app runs, and the translation between the engine's JSON boundary and its typed intents,
//! operations and jobs.

use std::collections::BTreeSet;

use reconnect_engine::clock::{Clock, SystemClock};
use reconnect_engine::connection::PracticeOrg;
use reconnect_engine::job::{Done, Job};
use reconnect_engine::language::{Language, Text};
use reconnect_engine::link::{CheckedLink, LinkFields, Vocabulary};
use reconnect_engine::playbook::{parse, step_unreachable, Context, Effects, Failure, Playbook, Registration, Said};
use reconnect_engine::report::Report;
use reconnect_engine::salesforce_id::SalesforceId;
use reconnect_engine::timestamp::{format_ms, parse_since};
use reconnect_engine::view::{LinkChange, Navigation, Primary, StepItem, StepStatus};
use reconnect_engine::Error as EngineError;
use serde::Deserialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::error::Error;
use crate::ip_range::parse_list;
use crate::language::text;
use crate::ops::{Finished, Job as OpJob};
use crate::restrict;
use crate::revoke::{self, Selection};
use crate::screens;
use crate::steps::{Restricted, State, Step};
use crate::work::{Busy, Work};

/// What the UI may send the playbook.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "hardening/", rename = "HardeningIntent")]
pub enum Intent {
    /// Days without use after which a token is stale.
    SetStaleDays {
        /// The days (1 to 3650).
        days: u32,
    },
    /// Preview revoking the chosen tokens.
    PreviewRevoke {
        /// Which.
        selection: Selection,
    },
    /// Drop the revocation's preview.
    DismissRevoke,
    /// Choose the integration user to restrict.
    ChooseUser {
        /// The username.
        username: String,
    },
    /// Preview restricting the chosen user to `ranges` (addresses, `start-end` or CIDR, one per
    /// line); `shared` changes the shared profile rather than a dedicated one.
    PreviewRestriction {
        /// The ranges as typed.
        ranges: String,
        /// Change the shared profile.
        #[serde(default)]
        shared: bool,
    },
    /// Drop the restriction's preview.
    DismissRestriction,
}

/// What the UI may start.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "hardening/", rename = "HardeningOperation")]
pub enum Operation {
    /// The audit: inventory, access, users, Health Check.
    Audit,
    /// Revoke the previewed tokens.
    Revoke,
    /// Apply the previewed restriction.
    Restrict,
    /// Look whether the integration still connects after the restriction.
    CheckRestriction,
    /// Search the indicators, from `since` (a date or a time ago) when given.
    SearchIndicators {
        /// From when.
        #[serde(default)]
        since: Option<String>,
    },
    /// Undo this playbook's restrictions.
    Undo,
}

/// The hardening playbook.
#[derive(Debug, Default)]
pub struct Hardening {
    state: State,
    work: Work,
}

/// The registry's entry for this playbook.
pub const REGISTRATION: Registration = Registration { id: crate::ID, open };

fn open(saved: Option<Value>) -> Box<dyn Playbook> {
    let state = saved.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    Box::new(Hardening { state, work: Work::default() })
}

/// The steps a link may open.
const STEPS: [&str; 8] = ["org", "sign-in", "inventory", "access", "users", "indicators", "health", "report"];

/// The playbook's link vocabulary: no fields of its own.
pub static VOCABULARY: Vocabulary =
    Vocabulary { playbook: crate::ID, steps: &STEPS, extras: &[], practice: &[crate::PRACTICE_SCENARIO] };

impl Hardening {
    fn live_changes(&self, ctx: &Context<'_>) -> usize {
        ctx.connection
            .signed_in()
            .and_then(|s| ctx.journal.live_of(&s.facts.org_id, crate::ID).ok())
            .map(|l| l.len())
            .unwrap_or(0)
    }

    fn org_id(ctx: &Context<'_>) -> Result<String, Error> {
        Ok(ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?.facts.org_id.clone())
    }

    fn answer(&mut self, intent: Intent, ctx: &Context<'_>, now_ms: i64) -> Result<(), Error> {
        match intent {
            Intent::SetStaleDays { days } => {
                if !(1..=3650).contains(&days) {
                    return Err(Error::InvalidDays { input: days });
                }
                self.state.stale_days = days;
                if let Some(a) = self.work.audit.as_mut() {
                    a.inventory.stale_days = days;
                    a.inventory.apps =
                        crate::inventory::group(&a.inventory.tokens, &a.inventory.connected_apps, days, now_ms);
                }
            }
            Intent::PreviewRevoke { selection } => {
                let audit = self.work.audit.as_ref().ok_or(EngineError::StepUnreachable)?;
                self.work.revoke_plan = Some(revoke::plan(&audit.inventory, selection, &Self::org_id(ctx)?, now_ms)?);
                self.work.done.clear();
            }
            Intent::DismissRevoke => self.work.revoke_plan = None,
            Intent::ChooseUser { username } => {
                let audit = self.work.audit.as_ref().ok_or(EngineError::StepUnreachable)?;
                let user =
                    audit.users.find(&username).ok_or(EngineError::UserNotFound { username: username.clone() })?;
                self.state.user = Some(user.username.clone());
                self.work.restriction_plan = None;
            }
            Intent::PreviewRestriction { ranges, shared } => {
                let audit = self.work.audit.as_ref().ok_or(EngineError::StepUnreachable)?;
                let username =
                    self.state.user.clone().ok_or_else(|| {
                        Error::from(EngineError::StepIncomplete { missing: text("missing.user", &[]) })
                    })?;
                let user = audit.users.find(&username).ok_or(EngineError::UserNotFound { username })?;
                let profile = audit
                    .users
                    .profiles
                    .get(&user.profile_id)
                    .ok_or_else(|| Error::RangesUnreadable { profile: user.profile_id.clone() })?;
                let ranges = parse_list(&ranges)?;
                self.work.restriction_plan = Some(restrict::plan(&Self::org_id(ctx)?, user, profile, ranges, shared)?);
                self.work.restriction_done.clear();
            }
            Intent::DismissRestriction => self.work.restriction_plan = None,
        }
        Ok(())
    }

    fn job_for(&self, op: Operation, ctx: &Context<'_>) -> Result<(OpJob, Busy), Error> {
        let signed_in = ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?;
        Ok(match op {
            Operation::Audit => {
                let extra = self
                    .state
                    .restricted
                    .iter()
                    .map(|r| r.user_id.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                (OpJob::Audit { stale_days: self.state.stale_days, extra_users: extra }, Busy::Audit)
            }
            Operation::Revoke => {
                let plan = self.work.revoke_plan.clone().ok_or(EngineError::StepUnreachable)?;
                (OpJob::Revoke { plan: Box::new(plan) }, Busy::Revoke)
            }
            Operation::Restrict => {
                let plan = self.work.restriction_plan.clone().ok_or(EngineError::StepUnreachable)?;
                (OpJob::Restrict { plan: Box::new(plan) }, Busy::Restrict)
            }
            Operation::CheckRestriction => {
                let r = self.state.restricted.clone().ok_or(EngineError::StepUnreachable)?;
                (OpJob::CheckRestriction { user_id: r.user_id, since_ms: r.at_ms }, Busy::Check)
            }
            Operation::SearchIndicators { since } => {
                let since_ms = since
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| parse_since(s, SystemClock.now_ms()))
                    .transpose()?;
                (OpJob::Ioc { since_ms }, Busy::Search)
            }
            Operation::Undo => (OpJob::Undo { org: SalesforceId::parse(&signed_in.facts.org_id)? }, Busy::Undo),
        })
    }

    fn take(&mut self, finished: Finished, ctx: &Context<'_>) -> Result<(), Error> {
        let now = SystemClock.now_ms();
        let result = match finished {
            Finished::Inventory(r) => r.map(|_| ()),
            Finished::Audit(r) => r.map(|a| {
                self.state.audited_at = Some(format_ms(now));
                self.work.audit = Some(a);
                self.work.revoke_plan = None;
            }),
            Finished::Ioc(r) => r.map(|i| {
                self.state.searched_at = Some(format_ms(now));
                self.work.ioc = Some(i);
            }),
            Finished::Revoked(r) => r.and_then(|outcome| {
                self.work.revoke_plan = None;
                let gone: BTreeSet<String> =
                    outcome.revoked.iter().chain(&outcome.gone).map(|t| t.id.clone()).collect();
                if let Some(a) = self.work.audit.as_mut() {
                    a.inventory.remove(&gone, now);
                }
                self.work.done = vec![text(
                    "revoke.done",
                    &[("n", &outcome.revoked.len().to_string()), ("gone", &outcome.gone.len().to_string())],
                )];
                outcome.failure.map_or(Ok(()), |(_, e)| Err(e))
            }),
            Finished::Restricted(r) => r.and_then(|outcome| {
                let plan = self.work.restriction_plan.take();
                self.work.restriction_done = outcome.applied.iter().map(screens::change_text).collect();
                if let Some(p) = plan.filter(|_| !outcome.applied.is_empty()) {
                    self.state.restricted = Some(Restricted {
                        user_id: p.user.id.clone(),
                        username: p.user.username,
                        at_ms: outcome.applied_at_ms,
                    });
                }
                self.work.after = None;
                outcome.failure.map_or(Ok(()), |(_, e)| Err(e))
            }),
            Finished::Checked(r) => r.map(|a| self.work.after = Some(a)),
            Finished::Undone(r) => r.and_then(|outcome| {
                self.work.restriction_done = outcome
                    .undone
                    .iter()
                    .map(|u| text("undo.done", &[("object", &u.object), ("id", u.record.as_deref().unwrap_or("-"))]))
                    .collect();
                if outcome.undone.is_empty() && outcome.failure.is_none() {
                    self.work.restriction_done.push(text("undo.nothing", &[]));
                }
                self.state.restricted = None;
                self.work.after = None;
                outcome.failure.map_or(Ok(()), |(_, e)| Err(e.into()))
            }),
        };
        self.work.live_changes = self.live_changes(ctx);
        result
    }
}

impl Playbook for Hardening {
    fn id(&self) -> &'static str {
        crate::ID
    }

    fn title(&self) -> Text {
        text("playbook.title", &[])
    }

    fn when(&self) -> Text {
        text("playbook.when", &[])
    }

    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }

    fn practice_orgs(&self) -> Vec<PracticeOrg> {
        vec![PracticeOrg {
            scenario: crate::PRACTICE_SCENARIO,
            name: text("practice.name", &[]),
            hint: text("practice.hint", &[]),
        }]
    }

    fn steps(&self, ctx: &Context<'_>) -> Vec<StepItem> {
        Step::ALL
            .into_iter()
            .map(|step| StepItem {
                id: step.id().to_string(),
                label: step.label().get(ctx.language).to_string(),
                status: if step == self.state.current() {
                    StepStatus::Current
                } else if self.state.is_complete(step, ctx.connection) {
                    StepStatus::Done
                } else {
                    StepStatus::Todo
                },
                reachable: self.state.is_reachable(step, ctx.connection),
            })
            .collect()
    }

    fn current(&self) -> &'static str {
        self.state.current().id()
    }

    fn status(&self, ctx: &Context<'_>) -> Option<Text> {
        if self.state.current() == Step::Org && !ctx.connection.is_complete("org") {
            return None;
        }
        let done = Step::ALL.iter().filter(|s| self.state.is_complete(**s, ctx.connection)).count();
        Some(crate::language::text_localized(
            "playbook.status",
            &[("done", &done.to_string()), ("total", &Step::ALL.len().to_string())],
            &[("step", &self.state.current().label())],
        ))
    }

    fn screen(&self, ctx: &Context<'_>) -> Value {
        let s = screens::screen(&self.state, &self.work, ctx.connection, ctx.progress, ctx.language);
        serde_json::to_value(s).expect("screens serialize")
    }

    fn primary(&self, ctx: &Context<'_>) -> Primary {
        let l = ctx.language;
        let label = |k: &str| text(k, &[]).get(l).to_string();
        let busy = self.work.busy.is_some();
        match self.state.current() {
            Step::Org | Step::SignIn => {
                Primary::Next { enabled: self.state.is_complete(self.state.current(), ctx.connection) }
            }
            Step::Inventory if self.work.audit.is_none() => {
                Primary::Operation { label: label("primary.audit"), operation: json!({ "type": "audit" }), busy }
            }
            Step::Indicators if self.work.ioc.is_none() => Primary::Operation {
                label: label("primary.search"),
                operation: json!({ "type": "search_indicators" }),
                busy,
            },
            Step::Report => Primary::None,
            _ => Primary::Next { enabled: true },
        }
    }

    fn can_go_back(&self, _ctx: &Context<'_>) -> bool {
        self.state.can_go_back()
    }

    fn navigate(&mut self, nav: Navigation, ctx: &Context<'_>) -> Result<(), Failure> {
        if nav == Navigation::StartOver {
            self.work = Work::default();
        }
        Ok(self.state.navigate(nav, ctx.connection)?)
    }

    fn apply(&mut self, intent: Value, ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Failure> {
        self.answer(parse::<Intent>(intent)?, ctx, fx.clock.now_ms())?;
        Ok(Said::Nothing)
    }

    fn prepare(&mut self, operation: Value, ctx: &Context<'_>) -> Result<Job, Failure> {
        if self.work.busy.is_some() {
            return Err(step_unreachable());
        }
        let (job, busy) = self.job_for(parse::<Operation>(operation)?, ctx)?;
        self.work.busy = Some(busy);
        Ok(Job::new(move |mut env| async move { crate::ops::run(job, &mut env).await }))
    }

    fn finish(&mut self, done: Done, ctx: &Context<'_>) -> Result<Said, Failure> {
        self.work.busy = None;
        let finished = done.take::<Finished>().ok_or_else(step_unreachable)?;
        self.take(finished, ctx)?;
        Ok(Said::Nothing)
    }

    fn job_not_run(&mut self) {
        self.work.busy = None;
    }

    fn org_changed(&mut self) {
        self.state.org_changed();
        self.work = Work::default();
    }

    fn signed_out(&mut self) {
        self.work.busy = None;
    }

    fn link_would_replace(&self, _fields: &LinkFields) -> bool {
        false
    }

    fn link_changes(&self, _fields: &LinkFields, _l: Language) -> Vec<LinkChange> {
        Vec::new()
    }

    fn apply_link(&mut self, link: &CheckedLink, ctx: &Context<'_>) {
        let step = link.fields.step.and_then(Step::with_code).unwrap_or(Step::Org);
        self.state.open(step, ctx.connection);
    }

    fn link_fields(&self, fields: &mut LinkFields) {
        fields.step = Some(self.state.current().code());
    }

    fn report(&self, ctx: &Context<'_>, now: &str) -> Result<Report, Failure> {
        let signed_in = ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?;
        let entries = ctx.journal.for_org(&signed_in.facts.org_id)?;
        let mine: Vec<_> = entries.into_iter().filter(|e| e.playbook == crate::ID).collect();
        Ok(crate::report::build(
            &signed_in.facts,
            signed_in.instance.as_str(),
            self.work.audit.as_deref(),
            self.work.ioc.as_ref(),
            &mine,
            now,
        ))
    }

    fn save(&self) -> Value {
        serde_json::to_value(&self.state).expect("the state serializes")
    }

    fn settle(&mut self, ctx: &Context<'_>) {
        self.state.settle(ctx.connection);
        self.work.live_changes = self.live_changes(ctx);
    }
}
