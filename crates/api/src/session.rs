//! One admin's session: the home screen, the playbook on screen, the shared org and sign-in,
//! links, the saved state, jobs and reports. The desktop app's commands call this and nothing
//! deeper; what a playbook does is its own.

use std::path::{Path, PathBuf};

use reconnect_engine::accounts::SessionRecord;
use reconnect_engine::clipboard::Clipboard;
use reconnect_engine::connection::{ConnectionIntent, SignInTarget, SignedIn, ORG_STEP, SIGN_IN_STEP};
use reconnect_engine::error::Error;
use reconnect_engine::job::{Done, Job};
use reconnect_engine::journal::Journal;
use reconnect_engine::language::{Language, Text, UserMessage};
use reconnect_engine::link::{self, CheckedLink, Trust, TrustedIssuers};
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::playbook::{Context, Effects, Failure, Playbook, Said};
use reconnect_engine::progress::Progress;
use reconnect_engine::state_file::{Loaded, StateFile};
use reconnect_engine::trust::{TrustReading, TrustRequest, TrustState};
use reconnect_engine::view::{
    OrgScreen, PendingLinkView, PracticeLogin, PrefillView, Primary, Problem, SettingsFix, SignInContext, SignInScreen,
    TrustLine,
};
use serde_json::Value;

use crate::language::text;
use crate::registry::{self, PLAYBOOKS};
use crate::state::SavedState;
use crate::view::{Intent, LinkOutcome, PlaybookCard, Screen, View};

#[derive(Debug)]
enum Feedback {
    Problem(UserMessage),
    Done(Text),
}

/// A session backed by a state file.
pub struct Session {
    state: SavedState,
    file: StateFile,
    os_language: Language,
    playbooks: Vec<Box<dyn Playbook>>,
    /// What the last intent found or broke; cleared by the next one.
    feedback: Option<Feedback>,
    /// Saved progress that could not be read when the session opened.
    load_notice: Option<UserMessage>,
    /// Why the last save failed; cleared by the next successful save.
    save_failure: Option<UserMessage>,
    /// Sign-in progress and the practice org, which live only while the app runs.
    sign_in: SignInContext,
    /// The journal of changes made to orgs, beside the state file.
    journal: Journal,
    /// The issuers whose signed links are trusted.
    issuers: TrustedIssuers,
    /// A checked link that would replace answers, waiting for the admin to agree.
    pending_link: Option<CheckedLink>,
    /// The last link made with Share.
    shared_link: Option<String>,
    /// The playbook whose job runs, and how far it is.
    running: Option<(usize, Option<Progress>)>,
    /// Where the last report was saved.
    report_saved: Option<String>,
    /// The signed-in org's Trust status, as last read.
    trust: Option<TrustState>,
    /// Whether it is being read.
    trust_reading: bool,
    /// A wait that ended with the playbook's work done, until the shell has told the admin.
    concluded: Option<Text>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("state", &self.state).finish_non_exhaustive()
    }
}

/// The context a playbook answers in, from the session's parts (a free function, so a
/// playbook can be borrowed mutably beside it).
fn context<'a>(
    state: &'a SavedState,
    journal: &'a Journal,
    sign_in: &'a SignInContext,
    running: &'a Option<(usize, Option<Progress>)>,
    trust: &'a Option<TrustState>,
    language: Language,
) -> Context<'a> {
    Context {
        connection: &state.connection,
        journal,
        language,
        practice_url: sign_in.practice_url.as_deref(),
        progress: running.as_ref().and_then(|(_, p)| p.as_ref()),
        trust: current_trust(trust, state),
        ticket: state.prefill.as_ref().and_then(|p| p.ticket.as_deref()),
    }
}

/// The Trust reading, when it is about the org signed in now.
fn current_trust<'a>(trust: &'a Option<TrustState>, state: &SavedState) -> Option<&'a TrustState> {
    let instance = &state.connection.signed_in()?.facts.instance_name;
    trust.as_ref().filter(|t| match t {
        TrustState::Read(r) => r.instance.key.eq_ignore_ascii_case(instance),
        TrustState::Unreadable { instance: asked, .. } => {
            asked.as_ref().is_none_or(|k| k.as_str().eq_ignore_ascii_case(instance))
        }
    })
}

impl Session {
    /// Opens the session saved at `path`, or a fresh one. Saved progress that cannot be read
    /// is kept aside and reported, never silently dropped.
    pub fn open(path: impl Into<PathBuf>, os_language: Language) -> Session {
        let path = path.into();
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let file = StateFile::new(path);
        let (state, load_notice) = match file.load::<SavedState>() {
            Loaded::Fresh => (SavedState::default(), None),
            Loaded::Restored(s) => (*s, None),
            Loaded::Unreadable { kept_at } => (
                SavedState::default(),
                Some(UserMessage {
                    what: text("session.unreadable.what", &[("path", &kept_at.display().to_string())]),
                    next: text("session.unreadable.next", &[]),
                }),
            ),
        };
        let playbooks = PLAYBOOKS.iter().map(|r| (r.open)(state.playbooks.get(r.id).cloned())).collect();
        let (issuers, issuers_notice) = match TrustedIssuers::load(&dir) {
            Ok(i) => (i, None),
            Err(e) => (TrustedIssuers::shipped(), Some(e.user_message())),
        };
        let mut session = Session {
            state,
            file,
            os_language,
            playbooks,
            feedback: None,
            load_notice: load_notice.or(issuers_notice),
            save_failure: None,
            sign_in: SignInContext::default(),
            journal: Journal::in_dir(&dir),
            issuers,
            pending_link: None,
            shared_link: None,
            running: None,
            report_saved: None,
            trust: None,
            trust_reading: false,
            concluded: None,
        };
        if session.state.active.as_deref().is_some_and(|id| registry::find(id).is_none()) {
            session.state.active = None;
        }
        let language = session.language();
        for p in &mut session.playbooks {
            let ctx =
                context(&session.state, &session.journal, &session.sign_in, &session.running, &session.trust, language);
            p.settle(&ctx);
        }
        session
    }

    /// The language texts are shown in.
    pub fn language(&self) -> Language {
        self.state.language.unwrap_or(self.os_language)
    }

    /// Picks the language; `None` follows the operating system again.
    pub fn set_language(&mut self, language: Option<Language>) {
        self.state.language = language;
        self.save();
    }

    fn active_index(&self) -> Option<usize> {
        let id = self.state.active.as_deref()?;
        self.playbooks.iter().position(|p| p.id() == id)
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.playbooks.iter().position(|p| p.id() == id)
    }

    fn save(&mut self) {
        for p in &self.playbooks {
            self.state.playbooks.insert(p.id().to_string(), p.save());
        }
        self.save_failure = self.file.save(&self.state).err().map(|e| e.user_message());
    }

    fn failed(&mut self, f: Failure) {
        if f.session_ended {
            // The org ended the session and its tokens are gone: the sign-in step asks again.
            self.signed_out();
        }
        if f.settings_fix.is_some() {
            self.sign_in.settings_fix = f.settings_fix;
        }
        self.feedback = Some(Feedback::Problem(f.message));
    }

    fn said(&mut self, said: Said) {
        self.feedback = match said {
            Said::Nothing => None,
            Said::Done(t) => Some(Feedback::Done(t)),
            Said::Concluded(t) => {
                self.concluded = Some(t.clone());
                Some(Feedback::Done(t))
            }
        };
    }

    /// When a wait ended with the playbook's work done: saves the report in `dir` and returns
    /// what to tell the admin (in the view's language), once.
    pub fn take_conclusion(&mut self, dir: &Path, now: &str) -> Option<String> {
        let said = self.concluded.take()?;
        self.save_report(dir, now);
        let l = self.language();
        let saved =
            self.report_saved.as_deref().map(|p| text("notify.report_saved", &[("path", p)]).get(l).to_string());
        Some([said.get(l).to_string(), saved.unwrap_or_default()].join(" ").trim_end().to_string())
    }

    fn signed_out(&mut self) {
        self.state.connection.record_sign_out();
        for p in &mut self.playbooks {
            p.signed_out();
        }
    }

    fn org_changed(&mut self) {
        for p in &mut self.playbooks {
            p.org_changed();
        }
    }

    /// Applies an intent with the side effects it may have, saves, and remembers what to
    /// show about it.
    pub fn apply(&mut self, intent: Intent, fx: &Effects<'_>) {
        self.feedback = None;
        let result = self.apply_intent(intent, fx);
        match result {
            Ok(said) => self.said(said),
            Err(f) => self.failed(f),
        }
        self.save();
    }

    fn apply_intent(&mut self, intent: Intent, fx: &Effects<'_>) -> Result<Said, Failure> {
        let language = self.language();
        match intent {
            Intent::OpenHome => {
                self.state.active = None;
                Ok(Said::Nothing)
            }
            Intent::OpenPlaybook { playbook } => {
                let i = self.index_of(&playbook).ok_or(Error::UnknownPlaybook { input: playbook })?;
                self.state.active = Some(self.playbooks[i].id().to_string());
                Ok(Said::Nothing)
            }
            Intent::Navigate { nav } => {
                let i = self.active_index().ok_or(Error::StepUnreachable)?;
                let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, language);
                self.playbooks[i].navigate(nav, &ctx)?;
                Ok(Said::Nothing)
            }
            Intent::Connection { intent } => {
                let i = self.active_index().ok_or(Error::StepUnreachable)?;
                let step = self.playbooks[i].current();
                let allowed = match intent {
                    ConnectionIntent::SetSignInSettings { .. } => step == SIGN_IN_STEP,
                    _ => step == ORG_STEP,
                };
                if !allowed {
                    return Err(Error::StepUnreachable.into());
                }
                let offered = self.playbooks[i].practice_orgs();
                if self.state.connection.apply(intent, &offered)? {
                    self.org_changed();
                }
                Ok(Said::Nothing)
            }
            Intent::Playbook { intent } => {
                let i = self.active_index().ok_or(Error::StepUnreachable)?;
                let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, language);
                self.playbooks[i].apply(intent, &ctx, fx)
            }
        }
    }

    /// Takes a link (from the operating system, a second start, or the paste box) at
    /// `now_secs`. A refused link changes nothing but says why; a link that would replace
    /// answers waits for the admin to agree.
    pub fn open_link(&mut self, raw: &[u8], now_secs: i64) -> LinkOutcome {
        match link::check(raw, now_secs, &self.issuers, registry::link_vocabularies()) {
            Err(problem) => {
                self.feedback = Some(Feedback::Problem(Error::Link(problem).user_message()));
                LinkOutcome::Refused
            }
            Ok(link) => {
                let i = self.link_target(&link);
                let replaces = self.state.connection.link_would_replace(&link.fields)
                    || self.playbooks[i].link_would_replace(&link.fields);
                self.feedback = None;
                if replaces {
                    self.pending_link = Some(link);
                    LinkOutcome::Pending
                } else {
                    self.fill_in(&link);
                    LinkOutcome::Applied
                }
            }
        }
    }

    /// The playbook a checked link opens (the first when it names none).
    fn link_target(&self, link: &CheckedLink) -> usize {
        link.fields.playbook.and_then(|id| self.index_of(id)).unwrap_or(0)
    }

    /// The admin agrees to the waiting link's answers.
    pub fn accept_pending_link(&mut self) {
        if let Some(link) = self.pending_link.take() {
            self.fill_in(&link);
        }
    }

    /// The admin keeps their answers; the waiting link is dropped.
    pub fn dismiss_pending_link(&mut self) {
        self.pending_link = None;
        self.feedback = None;
    }

    fn fill_in(&mut self, link: &CheckedLink) {
        self.pending_link = None;
        self.feedback = None;
        let i = self.link_target(link);
        if self.state.connection.apply_link(&link.fields) {
            self.org_changed();
        }
        let language = self.language();
        let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, language);
        self.playbooks[i].apply_link(link, &ctx);
        self.state.active = Some(self.playbooks[i].id().to_string());
        self.state.prefill = Some(prefill_of(link));
        // The link's language applies unless the admin picked one.
        if self.state.language.is_none() {
            self.state.language = link.fields.language;
        }
        self.save();
    }

    /// Makes a link of the answers so far (never a secret, never signed: the app holds no
    /// signing key), copies it, and keeps it on screen to select by hand.
    pub fn share(&mut self, clipboard: &dyn Clipboard, now_secs: i64) -> Option<String> {
        let Some(i) = self.active_index() else {
            self.feedback = Some(Feedback::Problem(Error::StepUnreachable.user_message()));
            return None;
        };
        let mut fields = self.state.connection.link_to(self.playbooks[i].id(), now_secs);
        self.playbooks[i].link_fields(&mut fields);
        let link = link::render(&fields, None);
        self.feedback = Some(match clipboard.write_text(&link) {
            Ok(()) => Feedback::Done(text("confirm.link_copied", &[])),
            Err(e) => Feedback::Problem(e.user_message()),
        });
        self.shared_link = Some(link.clone());
        Some(link)
    }

    /// Where the next sign-in goes, and with which client and port.
    pub fn sign_in_target(&self) -> Result<(SignInTarget, SignInSettings), Error> {
        Ok((self.state.connection.sign_in_target()?, self.state.connection.sign_in_settings().clone()))
    }

    /// Notes which users each practice scenario offers, to show before it runs.
    pub fn practice_logins(&mut self, logins: std::collections::BTreeMap<String, Vec<PracticeLogin>>) {
        self.sign_in.practice_logins = logins;
    }

    /// The practice org's scenario, when the org answer is the practice org.
    pub fn practice_scenario(&self) -> Option<String> {
        match self.state.connection.org() {
            Some(reconnect_engine::connection::OrgAnswer::Practice { scenario }) => Some(scenario.clone()),
            _ => None,
        }
    }

    /// Notes that the practice org runs at `url`.
    pub fn practice_started(&mut self, url: &str) {
        self.sign_in.practice_url = Some(url.to_string());
    }

    /// Notes that a sign-in waits for the browser at `authorize_url`.
    pub fn sign_in_waiting(&mut self, authorize_url: &str) {
        self.sign_in.waiting_url = Some(authorize_url.to_string());
        self.sign_in.settings_fix = None;
        self.feedback = None;
    }

    /// Reads the address of the error page the browser shows instead of coming back. When it
    /// is one, the waiting sign-in ends with the error it means and its fix, and this returns
    /// true (the shell stops waiting); other text is explained and the wait goes on.
    pub fn sign_in_error_pasted(&mut self, pasted: &str) -> bool {
        let Some(waiting) = self.sign_in.waiting_url.clone() else {
            self.feedback = Some(Feedback::Problem(Error::StepUnreachable.user_message()));
            return false;
        };
        match reconnect_engine::oauth::error_page::routed_error(pasted, &waiting) {
            Error::NotAnErrorPage => {
                self.feedback = Some(Feedback::Problem(Error::NotAnErrorPage.user_message()));
                false
            }
            routed => {
                self.sign_in_finished(Err(routed));
                true
            }
        }
    }

    /// Notes that the admin gave up waiting.
    pub fn sign_in_cancelled(&mut self) {
        self.sign_in.waiting_url = None;
    }

    /// Records how a sign-in ended.
    pub fn sign_in_finished(&mut self, result: Result<SessionRecord, Error>) {
        self.sign_in.waiting_url = None;
        match result {
            Ok(record) => {
                self.state.connection.record_sign_in(SignedIn { instance: record.instance, facts: record.facts });
                self.sign_in.settings_fix = None;
                self.feedback = None;
            }
            Err(e) => {
                self.sign_in.settings_fix = SettingsFix::for_error(&e);
                self.feedback = Some(Feedback::Problem(e.user_message()));
            }
        }
        self.save();
    }

    /// Records how a sign-out ended (a forgotten session counts as ended). One the org did not
    /// confirm is kept, and the sign-in step offers to remove its tokens anyway.
    pub fn sign_out_finished(&mut self, result: Result<(), Error>) {
        self.sign_in.sign_out_failed = matches!(result, Err(Error::SignOutFailed { .. }));
        match result {
            Ok(()) => {
                self.signed_out();
                self.feedback = None;
            }
            Err(e) => self.feedback = Some(Feedback::Problem(e.user_message())),
        }
        self.save();
    }

    /// The journal, for the jobs that write to it.
    /// How to read the signed-in org's Trust status now; `None` when no one is signed in or a
    /// reading is under way.
    pub fn trust_request(&mut self) -> Option<TrustRequest> {
        if self.trust_reading {
            return None;
        }
        let signed_in = self.state.connection.signed_in()?;
        match TrustRequest::for_org(signed_in, None, self.language()) {
            Ok(request) => {
                self.trust_reading = true;
                Some(request)
            }
            Err(e) => {
                self.trust = Some(TrustState::Unreadable { instance: None, message: e.user_message(), at_ms: 0 });
                None
            }
        }
    }

    /// Records what reading the Trust status gave.
    pub fn trust_read(&mut self, request: &TrustRequest, result: Result<TrustReading, Error>, now_ms: i64) {
        self.trust_reading = false;
        self.trust = Some(match result {
            Ok(reading) => TrustState::Read(Box::new(reading)),
            Err(e) => TrustState::Unreadable {
                instance: Some(request.instance.clone()),
                message: e.user_message(),
                at_ms: now_ms,
            },
        });
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Turns an operation of the playbook on screen into a job, or says why it cannot run
    /// now. One job runs at a time.
    pub fn prepare(&mut self, operation: Value) -> Option<Job> {
        if self.running.is_some() {
            return None;
        }
        let i = self.active_index()?;
        let language = self.language();
        let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, language);
        match self.playbooks[i].prepare(operation, &ctx) {
            Ok(job) => {
                self.feedback = None;
                self.running = Some((i, None));
                Some(job)
            }
            Err(f) => {
                self.failed(f);
                None
            }
        }
    }

    /// Notes how far the running job is.
    pub fn progress(&mut self, p: Progress) {
        if let Some((_, progress)) = &mut self.running {
            *progress = Some(p);
        }
    }

    /// Records what a job found.
    pub fn finish(&mut self, done: Done) {
        let Some((i, _)) = self.running.take() else { return };
        let language = self.language();
        let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, language);
        match self.playbooks[i].finish(done, &ctx) {
            Ok(said) => self.said(said),
            Err(f) => self.failed(f),
        }
        self.save();
    }

    /// The prepared job could not run: `error` says why.
    pub fn job_failed(&mut self, error: &Error) {
        if let Some((i, _)) = self.running.take() {
            self.playbooks[i].job_not_run();
        }
        self.feedback = Some(Feedback::Problem(error.user_message()));
    }

    fn build_report(&self, now: &str) -> Result<reconnect_engine::report::Report, Failure> {
        let i = self.active_index().ok_or(Error::StepUnreachable)?;
        let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, self.language());
        self.playbooks[i].report(&ctx, now)
    }

    /// Saves the report of the playbook on screen as HTML and Markdown in `dir`, in the
    /// view's language.
    pub fn save_report(&mut self, dir: &Path, now: &str) {
        let l = self.language();
        let result = self.build_report(now).and_then(|r| Ok(r.save_in(dir, now, l)?));
        match result {
            Ok(path) => {
                self.report_saved = Some(path.display().to_string());
                self.feedback = None;
            }
            Err(f) => self.failed(f),
        }
    }

    /// Copies the report (Markdown) for a change record.
    pub fn copy_report(&mut self, clipboard: &dyn Clipboard, now: &str) {
        let l = self.language();
        let result = self.build_report(now).and_then(|r| Ok(clipboard.write_text(&r.markdown(l))?));
        match result {
            Ok(()) => self.feedback = Some(Feedback::Done(text("confirm.report_copied", &[]))),
            Err(f) => self.failed(f),
        }
    }

    /// Reports a failure of a step the shell took for the session (starting the practice
    /// org, listening for the callback).
    pub fn report(&mut self, error: &Error) {
        self.feedback = Some(Feedback::Problem(error.user_message()));
    }

    /// Aligns the session with the shared session list at start-up: a sign-in that was ended
    /// elsewhere (for example by `reconnect logout`) is not shown as current.
    pub fn sync_signed_in(&mut self, current: Option<&SessionRecord>) {
        let still = match (self.state.connection.signed_in(), current) {
            (Some(_), Some(c)) if c.is_practice() => false,
            (Some(w), Some(c)) => w.instance == c.instance && w.facts.org_id == c.facts.org_id,
            (Some(_), None) => false,
            (None, _) => return,
        };
        if !still {
            self.signed_out();
            self.save();
        }
    }

    /// The state that is saved (for inspection and tests).
    pub fn state(&self) -> &SavedState {
        &self.state
    }

    /// The playbook with `id` (for inspection and tests).
    pub fn playbook(&self, id: &str) -> Option<&dyn Playbook> {
        self.playbooks.iter().find(|p| p.id() == id).map(|b| b.as_ref())
    }

    /// The screen to show.
    pub fn view(&self) -> View {
        let l = self.language();
        let ctx = context(&self.state, &self.journal, &self.sign_in, &self.running, &self.trust, l);
        let mut view = View {
            language: l,
            language_choice: self.state.language,
            playbook: None,
            title: text("home.title", &[]).get(l).to_string(),
            steps: Vec::new(),
            current: None,
            screen: Screen::Home {
                playbooks: self
                    .playbooks
                    .iter()
                    .map(|p| PlaybookCard {
                        id: p.id().to_string(),
                        title: p.title().get(l).to_string(),
                        when: p.when().get(l).to_string(),
                        status: p.status(&ctx).map(|t| t.get(l).to_string()),
                    })
                    .collect(),
            },
            can_go_back: false,
            primary: Primary::None,
            problem: None,
            notice: None,
            confirmation: None,
            prefill: None,
            pending_link: None,
            shared_link: self.shared_link.clone(),
            report_saved: self.report_saved.clone(),
            busy: self.running.is_some(),
            trust: self.state.connection.signed_in().map(|s| {
                TrustLine::build(&s.facts.instance_name, current_trust(&self.trust, &self.state), self.trust_reading, l)
            }),
        };
        if let Some(i) = self.active_index() {
            let p = &self.playbooks[i];
            view.playbook = Some(p.id().to_string());
            view.title = p.title().get(l).to_string();
            view.steps = p.steps(&ctx);
            view.current = Some(p.current().to_string());
            view.can_go_back = p.can_go_back(&ctx);
            view.primary = p.primary(&ctx);
            view.prefill = self.state.prefill.clone();
            let conn = &self.state.connection;
            view.screen = match p.current() {
                ORG_STEP => Screen::Org(OrgScreen::build(conn, &p.practice_orgs(), l)),
                SIGN_IN_STEP => {
                    let mut screen =
                        SignInScreen::build(conn, &self.sign_in, p.sign_in_notes(&ctx), p.signed_in_details(&ctx), l);
                    if conn.signed_in().is_none() {
                        screen.can_skip = matches!(view.primary, Primary::Next { enabled: true });
                        view.primary = Primary::SignIn { waiting: self.sign_in.waiting_url.is_some() };
                    }
                    Screen::SignIn(Box::new(screen))
                }
                _ => Screen::Playbook { screen: p.screen(&ctx) },
            };
        }
        match &self.feedback {
            Some(Feedback::Problem(m)) => view.problem = Some(Problem::from_message(m, l)),
            Some(Feedback::Done(t)) => view.confirmation = Some(t.get(l).to_string()),
            None => {}
        }
        view.notice = self.save_failure.as_ref().or(self.load_notice.as_ref()).map(|m| Problem::from_message(m, l));
        view.pending_link = self.pending_link.as_ref().map(|link| {
            let i = self.link_target(link);
            let mut changes: Vec<_> = self
                .state
                .connection
                .link_change(&link.fields, l)
                .map(|(from, to)| reconnect_engine::view::LinkChange {
                    what: text("link.change.org", &[]).get(l).to_string(),
                    from,
                    to,
                })
                .into_iter()
                .collect();
            changes.splice(0..0, self.playbooks[i].link_changes(&link.fields, l));
            PendingLinkView { from: prefill_of(link), playbook: self.playbooks[i].title().get(l).to_string(), changes }
        });
        view
    }
}

fn prefill_of(link: &CheckedLink) -> PrefillView {
    let (verified, issuer) = match &link.trust {
        Trust::Verified { issuer, .. } => (true, Some(issuer.clone())),
        Trust::Unverified => (false, None),
    };
    PrefillView { verified, issuer, ticket: link.fields.ticket.as_ref().map(|t| t.as_str().to_string()) }
}
