//! A playbook: one kind of incident's procedure. It owns its steps, answers, checks, plans and
//! report sections; the engine owns everything they share (the org and sign-in steps, links,
//! saved state, jobs, the journal, reports). The boundary speaks JSON for the screens, intents
//! and operations, so the engine and the app's host never name a playbook's types, while each
//! playbook parses them into its own typed values at once.

use serde_json::Value;

use crate::browser::BrowserOpener;
use crate::clipboard::Clipboard;
use crate::clock::Clock;
use crate::connection::{Connection, PracticeOrg};
use crate::error::Error;
use crate::job::{Done, Job};
use crate::journal::Journal;
use crate::language::{text, Language, Text, UserMessage};
use crate::link::{CheckedLink, LinkFields, Vocabulary};
use crate::progress::Progress;
use crate::report::Report;
use crate::trust::TrustState;
use crate::view::{LinkChange, Navigation, Primary, SettingsFix, StepItem};

/// What the engine lends a playbook while it answers.
pub struct Context<'a> {
    /// The org and sign-in.
    pub connection: &'a Connection,
    /// The journal of changes.
    pub journal: &'a Journal,
    /// The language texts are shown in.
    pub language: Language,
    /// The practice org's address, while it runs.
    pub practice_url: Option<&'a str>,
    /// How far the running job is, when one runs.
    pub progress: Option<&'a Progress>,
    /// The last reading of the signed-in org's Trust status, when there is one.
    pub trust: Option<&'a TrustState>,
    /// The support ticket the answers came with, from a link (for links to the next admin).
    pub ticket: Option<&'a str>,
}

/// The side effects an intent may have.
pub struct Effects<'a> {
    /// Opens addresses in the browser.
    pub browser: &'a dyn BrowserOpener,
    /// Writes the clipboard.
    pub clipboard: &'a dyn Clipboard,
    /// The time.
    pub clock: &'a dyn Clock,
}

/// What went wrong, ready to show, and what it means for the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What happened and what to do next.
    pub message: UserMessage,
    /// The org ended the session: its tokens are gone and the sign-in step asks again.
    pub session_ended: bool,
    /// The sign-in setting that fixes it, when one does.
    pub settings_fix: Option<SettingsFix>,
}

/// An error a playbook's crate defines: it explains itself in both languages.
pub trait Explain {
    /// What happened and what to do next.
    fn user_message(&self) -> UserMessage;
    /// Whether the org ended the session.
    fn session_ended(&self) -> bool {
        false
    }
}

impl Explain for Error {
    fn user_message(&self) -> UserMessage {
        Error::user_message(self)
    }

    fn session_ended(&self) -> bool {
        matches!(self, Error::SessionExpired)
    }
}

impl<E: Explain> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure { message: e.user_message(), session_ended: e.session_ended(), settings_fix: None }
    }
}

/// What an intent or a finished job has to say beyond the new state.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Said {
    /// Nothing.
    #[default]
    Nothing,
    /// Something was done outside the app (copied, opened): confirm it.
    Done(Text),
    /// A wait ended with the playbook's work done: tell the admin even when the window is
    /// not in front, and save the report.
    Concluded(Text),
}

/// A playbook, as the engine drives it.
pub trait Playbook: Send {
    /// The stable id used in saved state, links, the journal, the CLI and reports.
    fn id(&self) -> &'static str;

    /// Its name on the home screen.
    fn title(&self) -> Text;

    /// One line on when it is needed.
    fn when(&self) -> Text;

    /// What links to it may say.
    fn vocabulary(&self) -> &'static Vocabulary;

    /// The practice org's starting points it offers.
    fn practice_orgs(&self) -> Vec<PracticeOrg>;

    /// Its steps, in order, for the step list (the shared ones under their engine ids).
    fn steps(&self, ctx: &Context<'_>) -> Vec<StepItem>;

    /// The step on screen.
    fn current(&self) -> &'static str;

    /// What is in progress, for the home screen (`None` when nothing was started).
    fn status(&self, ctx: &Context<'_>) -> Option<Text>;

    /// Its own screen for the current step (not called on the shared steps).
    fn screen(&self, ctx: &Context<'_>) -> Value;

    /// The primary action on the current step.
    fn primary(&self, ctx: &Context<'_>) -> Primary;

    /// Whether "Back" leads anywhere.
    fn can_go_back(&self, ctx: &Context<'_>) -> bool;

    /// Moves through the steps.
    fn navigate(&mut self, nav: Navigation, ctx: &Context<'_>) -> Result<(), Failure>;

    /// Applies one of its intents (JSON from the UI, parsed by the playbook).
    fn apply(&mut self, intent: Value, ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Failure>;

    /// Turns an operation (JSON from the UI or the CLI) into a job, or says why it cannot
    /// run now.
    fn prepare(&mut self, operation: Value, ctx: &Context<'_>) -> Result<Job, Failure>;

    /// Takes what its job found.
    fn finish(&mut self, done: Done, ctx: &Context<'_>) -> Result<Said, Failure>;

    /// Its prepared job could not run (the keychain could not be opened).
    fn job_not_run(&mut self);

    /// The org answer changed: what was seen in the old org says nothing about the new one.
    fn org_changed(&mut self);

    /// The session ended (signed out or expired).
    fn signed_out(&mut self) {}

    /// Its readings of the signed-in org where they disagree with its answers.
    fn sign_in_notes(&self, _ctx: &Context<'_>) -> Vec<Text> {
        Vec::new()
    }

    /// Its readings of the signed-in org, shown beside the org's facts.
    fn signed_in_details(&self, _ctx: &Context<'_>) -> Vec<(Text, Text)> {
        Vec::new()
    }

    /// Whether a link's fields would replace one of its answers.
    fn link_would_replace(&self, fields: &LinkFields) -> bool;

    /// The answers a link would change, described in `l`.
    fn link_changes(&self, fields: &LinkFields, l: Language) -> Vec<LinkChange>;

    /// Fills in a checked link's answers and opens its step.
    fn apply_link(&mut self, link: &CheckedLink, ctx: &Context<'_>);

    /// Its answers and step, as link fields.
    fn link_fields(&self, fields: &mut LinkFields);

    /// Its report.
    fn report(&self, ctx: &Context<'_>, now: &str) -> Result<Report, Failure>;

    /// Its saved state.
    fn save(&self) -> Value;

    /// After loading, moves to a step it can really be on.
    fn settle(&mut self, ctx: &Context<'_>);
}

/// A playbook as the registry lists it: its id and how to open it from saved state.
#[derive(Clone, Copy)]
pub struct Registration {
    /// Its id.
    pub id: &'static str,
    /// Opens it from its saved state (`None` for a fresh start; saved state that no longer
    /// reads starts fresh).
    pub open: fn(Option<Value>) -> Box<dyn Playbook>,
}

/// A step that needs the named step done first.
pub fn step_unreachable() -> Failure {
    Failure::from(Error::StepUnreachable)
}

/// The failure for a step left unanswered: `missing` says what it needs.
pub fn step_incomplete(missing: Text) -> Failure {
    Failure::from(Error::StepIncomplete { missing })
}

/// Parses a playbook's intent or operation from the UI's JSON; a shape the playbook does
/// not know is a step the UI cannot take here.
pub fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::from(Error::UnexpectedRequest { what: crate::secret::redact(&e.to_string()) }))
}

/// The engine's name for a shared step, for the step list.
pub fn shared_step_label(step: &str) -> Text {
    text(&format!("step.{step}"), &[])
}
