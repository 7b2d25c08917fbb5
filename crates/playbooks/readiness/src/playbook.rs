//! The readiness playbook as the engine drives it: its saved answers, what it read while the
//! app runs, and the translation between the engine's JSON boundary and its typed intents,
//! operations and jobs.

use reconnect_engine::connection::PracticeOrg;
use reconnect_engine::job::{Done, Job};
use reconnect_engine::language::{Language, Text};
use reconnect_engine::link::{CheckedLink, LinkFields, Vocabulary};
use reconnect_engine::playbook::{parse, step_unreachable, Context, Effects, Failure, Playbook, Registration, Said};
use reconnect_engine::report::Report;
use reconnect_engine::timestamp::format_ms;
use reconnect_engine::trust::{instance_page, InstanceKey};
use reconnect_engine::view::{LinkChange, Navigation, Primary, StepItem, StepStatus};
use reconnect_engine::Error as EngineError;
use serde::Deserialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::error::Error;
use crate::language::text;
use crate::ops::{Finished, Job as OpJob};
use crate::screens::{self, user_setup_page};
use crate::steps::{State, Step, Subscription, SubscriptionCheck};
use crate::work::{Busy, Work};

/// What the UI may send the playbook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "readiness/", rename = "ReadinessIntent")]
pub enum Intent {
    /// Open the instance's page on the Trust site.
    OpenTrustPage,
    /// The admin subscribed to the instance's notifications.
    RecordSubscription,
    /// Open a Modify All Data holder's page in Setup.
    OpenHolder {
        /// The user's id.
        user_id: String,
    },
}

/// What the UI may start.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "readiness/", rename = "ReadinessOperation")]
pub enum Operation {
    /// Read the Modify All Data holders.
    ReadContacts,
    /// Make the runbook.
    BuildRunbook,
}

/// The readiness playbook.
#[derive(Debug, Default)]
pub struct Readiness {
    state: State,
    work: Work,
}

/// The registry's entry for this playbook.
pub const REGISTRATION: Registration = Registration { id: crate::ID, open };

fn open(saved: Option<Value>) -> Box<dyn Playbook> {
    Box::new(Readiness { state: State::from_saved(saved), work: Work::default() })
}

/// The steps a link may open.
const STEPS: [&str; 6] = ["org", "sign-in", "status", "subscribe", "contacts", "runbook"];

/// The playbook's link vocabulary: no fields of its own.
pub static VOCABULARY: Vocabulary =
    Vocabulary { playbook: crate::ID, steps: &STEPS, extras: &[], practice: &["hardening-large", "already-fixed"] };

impl Readiness {
    fn instance(ctx: &Context<'_>) -> Result<InstanceKey, Error> {
        let signed_in = ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?;
        Ok(InstanceKey::parse(&signed_in.facts.instance_name)?)
    }

    fn answer(&mut self, intent: Intent, ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Error> {
        match intent {
            Intent::OpenTrustPage => {
                fx.browser.open(&instance_page(&Self::instance(ctx)?))?;
                Ok(Said::Done(text("confirm.opened", &[])))
            }
            Intent::RecordSubscription => {
                self.state.subscription =
                    Some(Subscription { instance: Self::instance(ctx)?, at: format_ms(fx.clock.now_ms()) });
                Ok(Said::Nothing)
            }
            Intent::OpenHolder { user_id } => {
                let signed_in = ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?;
                let holder = self
                    .work
                    .contacts
                    .as_ref()
                    .and_then(|c| c.holders.iter().find(|h| h.user_id == user_id))
                    .ok_or(EngineError::StepUnreachable)?;
                fx.browser.open(&user_setup_page(signed_in.instance.as_str(), &holder.user_id))?;
                Ok(Said::Done(text("confirm.opened", &[])))
            }
        }
    }

    fn take(&mut self, finished: Finished, now_ms: i64) -> Result<(), Error> {
        match finished {
            Finished::Contacts(r) => r.map(|c| {
                self.state.contacts_at = Some(format_ms(now_ms));
                self.work.contacts = Some(c);
            }),
            Finished::Runbook(r) => r.map(|b| {
                self.state.runbook_at = Some(format_ms(now_ms));
                self.state.contacts_at = Some(format_ms(now_ms));
                self.work.contacts = Some(b.contacts.clone());
                self.work.runbook = Some(b);
            }),
        }
    }

    fn ready_items(&self, ctx: &Context<'_>) -> (usize, usize) {
        let instance = ctx.connection.signed_in().map(|s| s.facts.instance_name.as_str());
        let subscribed = matches!(self.state.subscription_for(instance), SubscriptionCheck::Current(_));
        let contacts = self.work.contacts.as_ref().is_some_and(|c| c.findings() == 0);
        let runbook = self.work.runbook.is_some();
        (usize::from(subscribed) + usize::from(contacts) + usize::from(runbook), 3)
    }
}

impl Playbook for Readiness {
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
        vec![
            PracticeOrg {
                scenario: "hardening-large",
                name: text("practice.large.name", &[]),
                hint: text("practice.large.hint", &[]),
            },
            PracticeOrg {
                scenario: "already-fixed",
                name: text("practice.small.name", &[]),
                hint: text("practice.small.hint", &[]),
            },
        ]
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
        ctx.connection.signed_in()?;
        let (done, total) = self.ready_items(ctx);
        Some(text("playbook.status", &[("done", &done.to_string()), ("total", &total.to_string())]))
    }

    fn screen(&self, ctx: &Context<'_>) -> Value {
        let s = screens::screen(&self.state, &self.work, ctx.connection, ctx.trust, ctx.progress, ctx.language);
        serde_json::to_value(s).expect("screens serialize")
    }

    fn primary(&self, ctx: &Context<'_>) -> Primary {
        let label = |k: &str| text(k, &[]).get(ctx.language).to_string();
        let busy = self.work.busy.is_some();
        match self.state.current() {
            Step::Org | Step::SignIn => {
                Primary::Next { enabled: self.state.is_complete(self.state.current(), ctx.connection) }
            }
            Step::Contacts if self.work.contacts.is_none() => Primary::Operation {
                label: label("primary.contacts"),
                operation: json!({ "type": "read_contacts" }),
                busy,
            },
            Step::Runbook if self.work.runbook.is_none() => Primary::Operation {
                label: label("primary.runbook"),
                operation: json!({ "type": "build_runbook" }),
                busy,
            },
            Step::Runbook => Primary::None,
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
        Ok(self.answer(parse::<Intent>(intent)?, ctx, fx)?)
    }

    fn prepare(&mut self, operation: Value, ctx: &Context<'_>) -> Result<Job, Failure> {
        if self.work.busy.is_some() {
            return Err(step_unreachable());
        }
        ctx.connection.signed_in().ok_or(Error::from(EngineError::NotSignedIn))?;
        let (job, busy) = match parse::<Operation>(operation)? {
            Operation::ReadContacts => (OpJob::Contacts, Busy::Contacts),
            Operation::BuildRunbook => (OpJob::Runbook, Busy::Runbook),
        };
        self.work.busy = Some(busy);
        Ok(Job::new(move |mut env| async move { crate::ops::run(job, &mut env).await }))
    }

    fn finish(&mut self, done: Done, _ctx: &Context<'_>) -> Result<Said, Failure> {
        self.work.busy = None;
        let finished = done.take::<Finished>().ok_or_else(step_unreachable)?;
        let now = reconnect_engine::timestamp::now_ms();
        self.take(finished, now)?;
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
        let signed_in = ctx.connection.signed_in().ok_or(Error::from(EngineError::NotSignedIn))?;
        let runbook = self.work.runbook.as_deref().ok_or(Error::from(EngineError::StepUnreachable))?;
        let check = self.state.subscription_for(Some(&signed_in.facts.instance_name));
        Ok(crate::runbook::document(&signed_in.facts, signed_in.instance.as_str(), runbook, ctx.trust, &check, now))
    }

    fn save(&self) -> Value {
        serde_json::to_value(&self.state).expect("the state serializes")
    }

    fn settle(&mut self, ctx: &Context<'_>) {
        self.state.settle(ctx.connection);
    }
}
