//! The Gainsight playbook as the engine drives it: its saved answers, what it found while the
//! app runs, and the translation between the engine's JSON boundary and its typed intents,
//! operations and jobs.

use reconnect_engine::connection::PracticeOrg;
use reconnect_engine::job::{Done, Job};
use reconnect_engine::language::{Language, Text};
use reconnect_engine::link::{render, CheckedLink, LinkFields, TicketRef, Vocabulary};
use reconnect_engine::playbook::{parse, step_unreachable, Context, Effects, Failure, Playbook, Registration, Said};
use reconnect_engine::report::Report;
use reconnect_engine::salesforce_id::SalesforceId;
use reconnect_engine::view::{LinkChange, Navigation, Primary, StepItem};
use reconnect_engine::Error as EngineError;
use serde::Deserialize;
use serde_json::Value;
use ts_rs::TS;

use crate::catalog::Catalog;
use crate::error::Error;
use crate::install_link::LinkKind;
use crate::language::text;
use crate::oauth_user::fix::Applied;
use crate::ops::{Finished, Job as OpJob, Operation};
use crate::package::installed::PackageState;
use crate::package::{API_INSTALL, LINK_INSTALL};
use crate::region_evidence::RegionEvidence;
use crate::screens;
use crate::wizard::{Intent as Answer, Outcome, Step, Wizard};
use crate::work::{Busy, Work};

/// What the UI may send besides answers: actions with an effect outside the app.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Open an install link (the recommended one when `kind` is `None`) in the browser.
    OpenInstallLink {
        /// Which link.
        #[serde(default)]
        kind: Option<LinkKind>,
    },
    /// Copy an install link (the recommended one when `kind` is `None`).
    CopyInstallLink {
        /// Which link.
        #[serde(default)]
        kind: Option<LinkKind>,
    },
    /// Open the tenant's Connectors 2.0 page and note the time: token use from then on counts
    /// as the re-authorization.
    StartReauthorization,
    /// The Gainsight admin finished re-authorizing on the Connectors 2.0 page.
    ConfirmReauthorized,
    /// Copy the link that hands the re-authorization to the Gainsight admin.
    CopyHandoffLink,
}

/// Everything the UI may send the playbook.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(untagged)]
pub enum Intent {
    /// An answer.
    Answer(Answer),
    /// An action.
    Action(Action),
}

/// The Gainsight playbook.
#[derive(Debug)]
pub struct Gainsight {
    wizard: Wizard,
    catalog: &'static Catalog,
    work: Work,
}

/// The registry's entry for this playbook.
pub const REGISTRATION: Registration = Registration { id: crate::ID, open };

fn open(saved: Option<Value>) -> Box<dyn Playbook> {
    let wizard = saved.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    Box::new(Gainsight { wizard, catalog: Catalog::shipped(), work: Work::default() })
}

impl Gainsight {
    /// The answers (for inspection and tests).
    pub fn wizard(&self) -> &Wizard {
        &self.wizard
    }

    fn job_for(&self, op: Operation, ctx: &Context<'_>) -> Result<(OpJob, Busy), Error> {
        let w = &self.wizard;
        let conn = ctx.connection;
        let signed_in = conn.signed_in().ok_or(EngineError::NotSignedIn)?;
        let username = || {
            w.oauth_user().map(str::to_string).ok_or_else(|| {
                Error::from(EngineError::StepIncomplete { missing: text("wizard.missing.oauth_user", &[]) })
            })
        };
        let edition = || w.edition(self.catalog, conn);
        let org = || SalesforceId::parse(&signed_in.facts.org_id).map_err(Error::from);
        Ok(match op {
            Operation::SearchUsers { query } => (OpJob::Search { query }, Busy::Search),
            Operation::Diagnose => {
                (OpJob::Diagnose { username: username()?, app: edition()?.connected_app.clone() }, Busy::Diagnose)
            }
            Operation::PreviewFix => (
                OpJob::Preview { org: org()?, username: username()?, app: edition()?.connected_app.clone() },
                Busy::Preview,
            ),
            Operation::ApplyFix => {
                let plan = self.work.plan.clone().ok_or(EngineError::StepUnreachable)?;
                (
                    OpJob::Fix { plan: Box::new(plan), username: username()?, app: edition()?.connected_app.clone() },
                    Busy::Fix,
                )
            }
            Operation::Undo => (
                OpJob::Undo {
                    org: org()?,
                    username: w.oauth_user().map(str::to_string),
                    app: edition().map(|e| e.connected_app.clone()).unwrap_or_default(),
                },
                Busy::Undo,
            ),
            Operation::CheckPackage => (OpJob::CheckPackage { edition: edition()? }, Busy::Install),
            Operation::InstallViaApi => (OpJob::Install { edition: edition()?, polling: API_INSTALL }, Busy::Install),
            Operation::WatchLinkInstall => (OpJob::Watch { edition: edition()?, polling: LINK_INSTALL }, Busy::Watch),
            Operation::Plan => (
                OpJob::Plan { org: org()?, username: w.oauth_user().map(str::to_string), edition: edition()? },
                Busy::Plan,
            ),
            Operation::ApplyPlan => {
                let plan = self.work.whole.clone().filter(|p| p.user.is_some()).ok_or(EngineError::StepUnreachable)?;
                (
                    OpJob::ApplyPlan { org: org()?, plan: Box::new(plan), edition: edition()?, polling: API_INSTALL },
                    Busy::ApplyPlan,
                )
            }
            Operation::Verify => (
                OpJob::Verify {
                    username: username()?,
                    edition: edition()?,
                    since_ms: w.reauthorization_started_ms(),
                    tenant: None,
                },
                Busy::Verify,
            ),
        })
    }

    fn live_changes(&self, ctx: &Context<'_>) -> usize {
        ctx.connection
            .signed_in()
            .and_then(|s| ctx.journal.live_of(&s.facts.org_id, crate::ID).ok())
            .map(|l| l.len())
            .unwrap_or(0)
    }

    fn act(&mut self, action: Action, ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Error> {
        let link = |kind: Option<LinkKind>| {
            let links = self.wizard.install_links(self.catalog, ctx.connection).ok_or(EngineError::StepUnreachable)?;
            let kind = kind.unwrap_or(links.recommended);
            links.get(kind).cloned().ok_or(Error::from(EngineError::StepUnreachable))
        };
        match action {
            Action::OpenInstallLink { kind } => {
                let link = link(kind)?;
                fx.browser.open(&link.url)?;
                Ok(Said::Done(text("confirm.opened", &[])))
            }
            Action::CopyInstallLink { kind } => {
                let link = link(kind)?;
                fx.clipboard.write_text(&link.url)?;
                Ok(Said::Done(text("confirm.copied", &[])))
            }
            Action::StartReauthorization => {
                if self.wizard.current() != Step::Authorize {
                    return Err(EngineError::StepUnreachable.into());
                }
                self.wizard.record_reauthorization_started(fx.clock.now_ms());
                self.work.verification = None;
                if let Some(url) = screens::tenant_url(&self.wizard, ctx.connection, ctx.practice_url) {
                    fx.browser.open(&url)?;
                }
                Ok(Said::Nothing)
            }
            Action::ConfirmReauthorized => {
                self.wizard.record_reauthorized(fx.clock.now_ms())?;
                Ok(Said::Nothing)
            }
            Action::CopyHandoffLink => {
                let link = self.wizard.handoff_link().ok_or(EngineError::StepUnreachable)?;
                fx.clipboard.write_text(link)?;
                Ok(Said::Done(text("confirm.handoff_copied", &[])))
            }
        }
    }

    fn take(&mut self, finished: Finished, ctx: &Context<'_>) -> Result<Said, Error> {
        let result = match finished {
            Finished::Users(r) => r.map(|u| self.work.users = Some(u)),
            Finished::Diagnosis(r) => r.map(|d| self.work.diagnosis = Some(d)),
            Finished::Plan(r) => r.map(|(d, p)| {
                self.work.diagnosis = Some(d);
                self.work.plan = Some(p);
            }),
            Finished::Fixed(r) => r.and_then(|(outcome, d)| {
                self.work.done = applied_texts(outcome.applied.iter());
                if outcome.applied.is_empty() && outcome.failure.is_none() {
                    self.work.done.push(text("work.fix.nothing", &[]));
                }
                self.work.diagnosis = Some(d);
                self.work.plan = None;
                outcome.failure.map_or(Ok(()), |(_, e)| Err(e))
            }),
            Finished::Undone(r) => r.and_then(|(outcome, d)| {
                self.work.done = outcome
                    .undone
                    .iter()
                    .map(|u| {
                        text("work.undo.done", &[("object", &u.object), ("id", u.record.as_deref().unwrap_or("-"))])
                    })
                    .collect();
                if outcome.undone.is_empty() && outcome.failure.is_none() {
                    self.work.done.push(text("work.undo.nothing", &[]));
                }
                if d.is_some() {
                    self.work.diagnosis = d;
                }
                self.work.plan = None;
                outcome.failure.map_or(Ok(()), |(_, e)| Err(e.into()))
            }),
            Finished::Package(r) => r.map(|package| self.package_seen(package)),
            Finished::Verified(r) => {
                let waiting = self.wizard.handoff_link().is_some() && self.wizard.verified_at().is_none();
                let result = r.map(|(v, _)| {
                    self.wizard.record_verification(v.passed().then(|| v.checked_at.clone()));
                    self.work.verification = Some(v);
                });
                if waiting {
                    self.work.rechecks += 1;
                    if self.wizard.verified_at().is_some() {
                        self.work.live_changes = self.live_changes(ctx);
                        return Ok(Said::Concluded(text("notify.verified", &[])));
                    }
                }
                result
            }
            Finished::Planned(r) => {
                self.work.plan_asked = true;
                r.map(|p| {
                    if let Some((u, _)) = &p.user {
                        self.wizard.found_oauth_user(u);
                    }
                    self.work.diagnosis = p.diagnosis.clone();
                    self.work.plan = p.fix.clone();
                    self.work.package = Some(p.package.clone());
                    self.work.whole = Some(p);
                })
            }
            Finished::PlanApplied(r) => r.map(|o| {
                self.work.done = applied_texts(o.fixes.iter().flat_map(|f| f.applied.iter()));
                let ready = o.package.0.ok() && o.diagnosis.passed();
                self.package_seen(o.package);
                self.work.diagnosis = Some(o.diagnosis);
                self.work.plan = None;
                self.work.whole = None;
                self.work.rechecks = 0;
                if ready {
                    let link = self.handoff_link(ctx, o.finished_ms);
                    self.wizard.hand_off(o.finished_ms, link);
                    self.work.verification = None;
                }
            }),
        };
        self.work.live_changes = self.live_changes(ctx);
        result.map(|()| Said::Nothing)
    }

    /// Keeps the package as the org has it (and its version once it is right).
    fn package_seen(&mut self, (state, ui_package): (PackageState, bool)) {
        if state.ok() {
            self.wizard.record_installed(state.installed().map(|p| p.version_number()));
        }
        self.work.package = Some((state, ui_package));
    }

    /// The link for the Gainsight admin: the tenant or data center, the OAuth user, the use
    /// case and the org, opening the re-authorize step. Made on the practice org, it opens the
    /// practice org as the Salesforce admin left it.
    fn handoff_link(&self, ctx: &Context<'_>, now_ms: i64) -> String {
        let mut fields = ctx.connection.link_to(crate::ID, now_ms / 1000);
        if ctx.connection.is_practice() {
            fields.set_practice(self.vocabulary(), crate::practice::SALESFORCE_FIXED).expect("a practice scenario");
        }
        self.wizard.link_fields(&mut fields);
        fields.set_step(self.vocabulary(), Step::Authorize.code()).expect("a step of the playbook");
        fields.ticket = ctx.ticket.and_then(TicketRef::parse);
        render(&fields, None)
    }
}

/// What a fix wrote, one line per record.
fn applied_texts<'a>(applied: impl Iterator<Item = &'a Applied>) -> Vec<Text> {
    applied.map(|a| text("work.fix.applied", &[("object", a.change.object()), ("id", &a.record)])).collect()
}

impl Playbook for Gainsight {
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
        &crate::link_fields::VOCABULARY
    }

    fn practice_orgs(&self) -> Vec<PracticeOrg> {
        crate::practice::practice_orgs()
    }

    fn steps(&self, ctx: &Context<'_>) -> Vec<StepItem> {
        screens::steps(&self.wizard, self.catalog, ctx.connection, ctx.language)
    }

    fn current(&self) -> &'static str {
        self.wizard.current().id()
    }

    fn status(&self, ctx: &Context<'_>) -> Option<Text> {
        let w = &self.wizard;
        if w.use_case().is_none() && w.current() == Step::UseCase {
            return None;
        }
        let steps: Vec<Step> = Step::ALL.into_iter().filter(|s| w.applies(*s, self.catalog)).collect();
        let done = steps.iter().filter(|s| w.is_complete(**s, ctx.connection)).count();
        let step = screens::step_label(w.current());
        Some(crate::language::text_localized(
            "playbook.status",
            &[("done", &done.to_string()), ("total", &steps.len().to_string())],
            &[("step", &step)],
        ))
    }

    fn screen(&self, ctx: &Context<'_>) -> Value {
        let s = screens::screen(
            &self.wizard,
            self.catalog,
            ctx.connection,
            &self.work,
            ctx.practice_url,
            ctx.progress,
            ctx.language,
        );
        serde_json::to_value(s).expect("screens serialize")
    }

    fn primary(&self, ctx: &Context<'_>) -> Primary {
        screens::primary(&self.wizard, self.catalog, ctx.connection, &self.work, ctx.language)
    }

    fn can_go_back(&self, _ctx: &Context<'_>) -> bool {
        self.wizard.can_go_back(self.catalog)
    }

    fn navigate(&mut self, nav: Navigation, ctx: &Context<'_>) -> Result<(), Failure> {
        self.work.region_unknown = None;
        self.work.plan_asked = false;
        if nav == Navigation::StartOver {
            self.work = Work::default();
        }
        Ok(self.wizard.navigate(nav, self.catalog, ctx.connection)?)
    }

    fn apply(&mut self, intent: Value, ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Failure> {
        self.work.region_unknown = None;
        match parse::<Intent>(intent)? {
            Intent::Answer(answer) => {
                if matches!(answer, Answer::ChooseOauthUser { .. }) {
                    // Another user: the plan is worked out again for them.
                    self.work.whole = None;
                    self.work.plan_asked = false;
                }
                if let Outcome::RegionUnknown(reason) = self.wizard.apply(answer)? {
                    self.work.region_unknown = Some(reason);
                }
                Ok(Said::Nothing)
            }
            Intent::Action(action) => Ok(self.act(action, ctx, fx)?),
        }
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
        Ok(self.take(finished, ctx)?)
    }

    fn job_not_run(&mut self) {
        self.work.busy = None;
    }

    fn org_changed(&mut self) {
        self.wizard.org_changed();
        self.work = Work::default();
    }

    fn signed_out(&mut self) {
        self.work.busy = None;
    }

    fn sign_in_notes(&self, ctx: &Context<'_>) -> Vec<Text> {
        self.wizard.disagreements(ctx.connection)
    }

    fn signed_in_details(&self, ctx: &Context<'_>) -> Vec<(Text, Text)> {
        let Some(s) = ctx.connection.signed_in() else { return Vec::new() };
        let evidence = RegionEvidence::of(&s.facts);
        let mut out = vec![(
            text("signin.region", &[]),
            evidence.label().map(Text::same).unwrap_or_else(|| text("signin.region_none", &[])),
        )];
        out.extend(evidence.findings.iter().map(|f| {
            let regions: Vec<&str> = f.regions.iter().map(|r| r.label()).collect();
            (Text::same(f.source.clone()), Text::same(format!("{} → {}", f.url, regions.join(" / "))))
        }));
        out
    }

    fn link_would_replace(&self, fields: &LinkFields) -> bool {
        self.wizard.link_would_replace(fields)
    }

    fn link_changes(&self, fields: &LinkFields, l: Language) -> Vec<LinkChange> {
        let mut changes = Vec::new();
        let mut change = |key: &str, from: Option<String>, to: Option<String>| {
            if let (Some(from), Some(to)) = (from, to) {
                if from != to {
                    changes.push(LinkChange { what: text(key, &[]).get(l).to_string(), from, to });
                }
            }
        };
        let title = |u| self.catalog.use_case(u).title.get(l).to_string();
        change(
            "link.change.use_case",
            self.wizard.use_case().map(title),
            crate::link_fields::use_case(fields).map(title),
        );
        change(
            "link.change.region",
            self.wizard.region().and_then(|r| r.region()).map(|r| r.label().to_string()),
            crate::link_fields::region(fields).map(|r| r.label().to_string()),
        );
        changes
    }

    fn apply_link(&mut self, link: &CheckedLink, ctx: &Context<'_>) {
        self.work.region_unknown = None;
        self.wizard.apply_link(link, self.catalog, ctx.connection);
    }

    fn link_fields(&self, fields: &mut LinkFields) {
        self.wizard.link_fields(fields);
    }

    fn report(&self, ctx: &Context<'_>, now: &str) -> Result<Report, Failure> {
        let signed_in = ctx.connection.signed_in().ok_or(EngineError::NotSignedIn)?;
        let entries = ctx.journal.for_org(&signed_in.facts.org_id)?;
        let mine: Vec<_> = entries.into_iter().filter(|e| e.playbook == crate::ID).collect();
        Ok(crate::report::build(
            &signed_in.facts,
            signed_in.instance.as_str(),
            self.work.verification.as_ref(),
            &mine,
            None,
            now,
        ))
    }

    fn save(&self) -> Value {
        serde_json::to_value(&self.wizard).expect("the wizard serializes")
    }

    fn settle(&mut self, ctx: &Context<'_>) {
        self.wizard.settle(self.catalog, ctx.connection);
        self.work.live_changes = self.live_changes(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::connection::{ORG_STEP, SIGN_IN_STEP};

    #[test]
    fn the_ui_sends_answers_and_actions_in_one_shape() {
        let a: Intent = serde_json::from_value(serde_json::json!({ "type": "choose_region", "region": "eu" })).unwrap();
        assert!(matches!(a, Intent::Answer(Answer::ChooseRegion { .. })));
        let b: Intent = serde_json::from_value(serde_json::json!({ "type": "open_install_link" })).unwrap();
        assert_eq!(b, Intent::Action(Action::OpenInstallLink { kind: None }));
        assert!(serde_json::from_value::<Intent>(serde_json::json!({ "type": "next" })).is_err());
    }

    #[test]
    fn the_shared_steps_have_the_engines_ids() {
        assert_eq!(Step::Org.id(), ORG_STEP);
        assert_eq!(Step::SignIn.id(), SIGN_IN_STEP);
    }
}
