//! One admin's wizard session: the state machine, its saved file, the language, and what the
//! last action found. The desktop app's commands and the CLI call this and nothing deeper.

use std::path::PathBuf;

use crate::accounts::SessionRecord;
use crate::browser::BrowserOpener;
use crate::catalog::Catalog;
use crate::clipboard::Clipboard;
use crate::error::Error;
use crate::install_link::{InstallLink, LinkKind};
use crate::journal::Journal;
use crate::language::{text, Language, UserMessage};
use crate::link_view::{PendingLinkView, PrefillView};
use crate::operations::{Finished, Job, Operation};
use crate::package::polling::Progress;
use crate::report::Report;
use crate::state_file::{Loaded, SavedState, StateFile};
use crate::wizard::{Intent, Outcome};
use crate::wizard::{SignInTarget, SignedIn};
use crate::wizard_link::{CheckedLink, TrustedIssuers};
use crate::wizard_view::{Busy, Confirmation, PracticeLogin, Problem, Screen, SignInContext, View, WorkContext};

/// A wizard session backed by a state file.
#[derive(Debug)]
pub struct Session {
    state: SavedState,
    file: StateFile,
    catalog: &'static Catalog,
    os_language: Language,
    /// What the last intent found or broke; cleared by the next one.
    feedback: Option<Feedback>,
    /// Saved progress that could not be read when the session opened.
    load_notice: Option<UserMessage>,
    /// Why the last save failed; cleared by the next successful save.
    save_failure: Option<UserMessage>,
    /// Sign-in progress and the practice org, which live only while the app runs.
    sign_in: SignInContext,
    /// What the reconnection work found while the app runs.
    work: WorkContext,
    /// The journal of changes made to orgs, beside the state file.
    journal: Journal,
    /// The issuers whose signed links are trusted.
    issuers: TrustedIssuers,
    /// A checked link that would replace answers, waiting for the admin to agree.
    pending_link: Option<CheckedLink>,
    /// The last link made with Share.
    shared_link: Option<String>,
}

#[derive(Debug)]
enum Feedback {
    Problem(UserMessage),
    RegionUnknown(crate::language::Text),
    Done(Confirmation),
}

/// How an incoming wizard link was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Its answers were filled in.
    Applied,
    /// It would replace answers; it waits for the admin to agree.
    Pending,
    /// It was refused; nothing changed.
    Refused,
}

impl Session {
    /// Opens the session saved at `path`, or a fresh one. Saved progress that cannot be read
    /// is kept aside and reported, never silently dropped.
    pub fn open(path: impl Into<PathBuf>, os_language: Language) -> Session {
        let path = path.into();
        let journal = Journal::in_dir(path.parent().unwrap_or(std::path::Path::new(".")));
        let file = StateFile::new(path);
        let catalog = Catalog::shipped();
        let (mut state, load_notice) = match file.load() {
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
        state.wizard.settle(catalog);
        let config_dir = file.path().parent().unwrap_or(std::path::Path::new(".")).to_path_buf();
        let (issuers, issuers_notice) = match TrustedIssuers::load(&config_dir) {
            Ok(i) => (i, None),
            Err(e) => (TrustedIssuers::shipped(), Some(e.user_message())),
        };
        Session {
            state,
            file,
            catalog,
            os_language,
            feedback: None,
            load_notice: load_notice.or(issuers_notice),
            save_failure: None,
            sign_in: SignInContext::default(),
            work: WorkContext::default(),
            journal,
            issuers,
            pending_link: None,
            shared_link: None,
        }
    }

    /// Takes a wizard link (from the operating system, a second start, or the paste box) at
    /// `now_secs`. A refused link changes nothing but says why; a link that would replace
    /// answers waits for the admin to agree.
    pub fn open_link(&mut self, raw: &[u8], now_secs: i64) -> LinkOutcome {
        match crate::wizard_link::check(raw, now_secs, &self.issuers) {
            Err(problem) => {
                self.feedback = Some(Feedback::Problem(Error::Link(problem).user_message()));
                LinkOutcome::Refused
            }
            Ok(link) if self.state.wizard.link_would_replace(&link.fields) => {
                self.feedback = None;
                self.pending_link = Some(link);
                LinkOutcome::Pending
            }
            Ok(link) => {
                self.fill_in(&link);
                LinkOutcome::Applied
            }
        }
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
        self.state.wizard.apply_link(link, self.catalog);
        // The link's language applies unless the admin picked one.
        if self.state.language.is_none() {
            self.state.language = link.fields.language;
        }
        self.save();
    }

    /// Makes a link of the answers so far (never a secret, never signed: the app holds no
    /// signing key), copies it, and keeps it on screen to select by hand.
    pub fn share(&mut self, clipboard: &dyn Clipboard, now_secs: i64) -> String {
        let fields = self.state.wizard.link_fields(now_secs + crate::wizard_link::DEFAULT_LIFETIME_SECS);
        let link = crate::wizard_link::render(&fields, None);
        self.feedback = Some(match clipboard.write_text(&link) {
            Ok(()) => Feedback::Done(Confirmation::LinkCopied),
            Err(e) => Feedback::Problem(e.user_message()),
        });
        self.shared_link = Some(link.clone());
        link
    }

    /// The language texts are shown in.
    pub fn language(&self) -> Language {
        self.state.language.unwrap_or(self.os_language)
    }

    /// Applies an intent, saves, and remembers what to show about it.
    pub fn apply(&mut self, intent: Intent) {
        self.feedback = match self.state.wizard.apply(intent, self.catalog) {
            Ok(Outcome::Applied) => None,
            Ok(Outcome::RegionUnknown(reason)) => Some(Feedback::RegionUnknown(reason)),
            Err(e) => Some(Feedback::Problem(e.user_message())),
        };
        self.save();
    }

    /// Picks the language; `None` follows the operating system again.
    pub fn set_language(&mut self, language: Option<Language>) {
        self.state.language = language;
        self.save();
    }

    fn save(&mut self) {
        self.save_failure = self.file.save(&self.state).err().map(|e| e.user_message());
    }

    /// The install link of `kind` (the recommended one when `None`) for the answers so far.
    pub fn install_link(&self, kind: Option<LinkKind>) -> Result<InstallLink, Error> {
        let links = self.state.wizard.install_links(self.catalog).ok_or(Error::StepUnreachable)?;
        let kind = kind.unwrap_or(links.recommended);
        links.get(kind).cloned().ok_or(Error::StepUnreachable)
    }

    /// Opens an install link (the recommended one when `kind` is `None`) in the browser.
    pub fn open_install_link(&mut self, kind: Option<LinkKind>, browser: &dyn BrowserOpener) {
        let result = self.install_link(kind).and_then(|link| browser.open(&link.url).map(|()| link.kind));
        self.feedback = Some(match result {
            Ok(kind) => Feedback::Done(Confirmation::Opened { kind }),
            Err(e) => Feedback::Problem(e.user_message()),
        });
    }

    /// Copies an install link (the recommended one when `kind` is `None`) to the clipboard.
    pub fn copy_install_link(&mut self, kind: Option<LinkKind>, clipboard: &dyn Clipboard) {
        let result = self.install_link(kind).and_then(|link| clipboard.write_text(&link.url).map(|()| link.kind));
        self.feedback = Some(match result {
            Ok(kind) => Feedback::Done(Confirmation::Copied { kind }),
            Err(e) => Feedback::Problem(e.user_message()),
        });
    }

    /// Where the next sign-in goes.
    pub fn sign_in_target(&self) -> Result<SignInTarget, Error> {
        self.state.wizard.sign_in_target()
    }

    /// The OAuth client and redirect port to sign in with.
    pub fn sign_in_settings(&self) -> crate::oauth::settings::SignInSettings {
        self.state.wizard.sign_in_settings().clone()
    }

    /// Notes which users the practice org offers, to show before it runs.
    pub fn practice_logins(&mut self, logins: Vec<PracticeLogin>) {
        self.sign_in.practice_logins = logins;
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
        match crate::oauth::error_page::routed_error(pasted, &waiting) {
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
                self.state.wizard.record_sign_in(SignedIn { instance: record.instance, facts: record.facts });
                self.sign_in.settings_fix = None;
                self.feedback = None;
            }
            Err(e) => {
                self.sign_in.settings_fix = crate::wizard_view::SettingsFix::for_error(&e);
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
                self.state.wizard.record_sign_out();
                self.feedback = None;
            }
            Err(e) => self.feedback = Some(Feedback::Problem(e.user_message())),
        }
        self.save();
    }

    /// The journal, for the jobs that write to it.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Turns an operation into a job, or says why it cannot run now. Marks it as running.
    pub fn prepare(&mut self, op: Operation) -> Option<Job> {
        if self.work.busy.is_some() {
            return None;
        }
        match self.job_for(op) {
            Ok((job, busy)) => {
                self.feedback = None;
                self.work.busy = Some(busy);
                self.work.progress = None;
                Some(job)
            }
            Err(e) => {
                self.feedback = Some(Feedback::Problem(e.user_message()));
                None
            }
        }
    }

    fn job_for(&mut self, op: Operation) -> Result<(Job, Busy), Error> {
        let w = &self.state.wizard;
        let signed_in = w.signed_in().ok_or(Error::NotSignedIn)?;
        let username = || {
            w.oauth_user()
                .map(str::to_string)
                .ok_or_else(|| Error::StepIncomplete { missing: text("wizard.missing.oauth_user", &[]) })
        };
        let edition = || w.edition(self.catalog);
        let org = || crate::salesforce_id::SalesforceId::parse(&signed_in.facts.org_id);
        Ok(match op {
            Operation::SearchUsers { query } => (Job::Search { query }, Busy::Search),
            Operation::Diagnose => {
                (Job::Diagnose { username: username()?, app: edition()?.connected_app.clone() }, Busy::Diagnose)
            }
            Operation::PreviewFix => (
                Job::Preview { org: org()?, username: username()?, app: edition()?.connected_app.clone() },
                Busy::Preview,
            ),
            Operation::ApplyFix => {
                let plan = self.work.plan.clone().ok_or(Error::StepUnreachable)?;
                (
                    Job::Fix { plan: Box::new(plan), username: username()?, app: edition()?.connected_app.clone() },
                    Busy::Fix,
                )
            }
            Operation::Undo => (
                Job::Undo {
                    org: org()?,
                    username: w.oauth_user().map(str::to_string),
                    app: edition().map(|e| e.connected_app.clone()).unwrap_or_default(),
                },
                Busy::Undo,
            ),
            Operation::CheckPackage => (Job::CheckPackage { edition: edition()? }, Busy::Install),
            Operation::InstallViaApi => (Job::Install { edition: edition()? }, Busy::Install),
            Operation::WatchLinkInstall => (Job::Watch { edition: edition()? }, Busy::Watch),
            Operation::Verify => (
                Job::Verify { username: username()?, edition: edition()?, since_ms: w.reauthorization_started_ms() },
                Busy::Verify,
            ),
        })
    }

    /// Notes how far a running install is.
    pub fn progress(&mut self, p: Progress) {
        self.work.progress = Some(p);
    }

    fn changes_in_org(&self) -> usize {
        self.state
            .wizard
            .signed_in()
            .and_then(|s| self.journal.live(&s.facts.org_id).ok())
            .map(|l| l.len())
            .unwrap_or(0)
    }

    /// Records what a job found.
    pub fn finish(&mut self, finished: Finished) {
        self.work.busy = None;
        self.work.progress = None;
        let problem = match finished {
            Finished::Users(r) => r.map(|u| self.work.users = Some(u)).err(),
            Finished::Diagnosis(r) => r.map(|d| self.work.diagnosis = Some(d)).err(),
            Finished::Plan(r) => r
                .map(|(d, p)| {
                    self.work.diagnosis = Some(d);
                    self.work.plan = Some(p);
                })
                .err(),
            Finished::Fixed(r) => match r {
                Ok((outcome, d)) => {
                    self.work.done = outcome
                        .applied
                        .iter()
                        .map(|a| text("work.fix.applied", &[("object", a.change.object()), ("id", &a.record)]))
                        .collect();
                    if outcome.applied.is_empty() && outcome.failure.is_none() {
                        self.work.done.push(text("work.fix.nothing", &[]));
                    }
                    self.work.diagnosis = Some(d);
                    self.work.plan = None;
                    outcome.failure.map(|(_, e)| e)
                }
                Err(e) => Some(e),
            },
            Finished::Undone(r) => match r {
                Ok((outcome, d)) => {
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
                    outcome.failure.map(|(_, e)| e)
                }
                Err(e) => Some(e),
            },
            Finished::Package(r) => match r {
                Ok((state, ui)) => {
                    if state.ok() {
                        self.state.wizard.record_installed(state.installed().map(|p| p.version_number()));
                    }
                    self.work.package = Some((state, ui));
                    None
                }
                Err(e) => Some(e),
            },
            Finished::Verified(r) => match r {
                Ok(v) => {
                    self.state.wizard.record_verification(v.passed().then(|| v.checked_at.clone()));
                    self.work.verification = Some(v);
                    None
                }
                Err(e) => Some(e),
            },
        };
        if matches!(problem, Some(Error::SessionExpired)) {
            // The org ended the session and its tokens are gone: the sign-in step asks again.
            self.state.wizard.record_sign_out();
        }
        self.work.live_changes = self.changes_in_org();
        self.feedback = problem.map(|e| Feedback::Problem(e.user_message()));
        self.save();
    }

    /// Opens the tenant's Connectors 2.0 page and notes the time: token use from then on
    /// counts as the re-authorization.
    pub fn start_reauthorization(&mut self, browser: &dyn BrowserOpener, now_ms: i64) {
        self.state.wizard.record_reauthorization_started(now_ms);
        self.work.verification = None;
        let url = crate::work_view::tenant_url(&self.state.wizard, &self.sign_in);
        self.feedback = match url.map(|u| browser.open(&u)) {
            Some(Err(e)) => Some(Feedback::Problem(e.user_message())),
            _ => None,
        };
        self.save();
    }

    fn build_report(&self, now: &str) -> Result<Report, Error> {
        let signed_in = self.state.wizard.signed_in().ok_or(Error::NotSignedIn)?;
        let entries = self.journal.for_org(&signed_in.facts.org_id)?;
        Ok(Report::build(
            &signed_in.facts,
            signed_in.instance.as_str(),
            self.work.verification.as_ref(),
            &entries,
            None,
            now,
        ))
    }

    /// Saves the report as HTML and Markdown in `dir`, in the view's language.
    pub fn save_report(&mut self, dir: &std::path::Path, now: &str) {
        let l = self.language();
        let result = self.build_report(now).and_then(|r| {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::ReportWrite { path: dir.display().to_string(), reason: e.to_string() })?;
            let stamp: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
            let base = dir.join(format!("reconnect-report-{stamp}"));
            let html = base.with_extension("html");
            crate::report::save(&html, &r.html(l))?;
            crate::report::save(&base.with_extension("md"), &r.markdown(l))?;
            Ok(html)
        });
        match result {
            Ok(path) => {
                self.work.report_saved = Some(path.display().to_string());
                self.feedback = None;
            }
            Err(e) => self.feedback = Some(Feedback::Problem(e.user_message())),
        }
    }

    /// Copies the report (Markdown) for a change record.
    pub fn copy_report(&mut self, clipboard: &dyn Clipboard, now: &str) {
        let l = self.language();
        let result = self.build_report(now).and_then(|r| clipboard.write_text(&r.markdown(l)));
        self.feedback = Some(match result {
            Ok(()) => Feedback::Done(Confirmation::ReportCopied),
            Err(e) => Feedback::Problem(e.user_message()),
        });
    }

    /// Reports a failure of a step the shell took for the session (starting the practice
    /// org, listening for the callback).
    pub fn report(&mut self, error: &Error) {
        self.feedback = Some(Feedback::Problem(error.user_message()));
    }

    /// Aligns the wizard with the shared session list at start-up: a sign-in that was ended
    /// elsewhere (for example by `reconnect logout`) is not shown as current.
    pub fn sync_signed_in(&mut self, current: Option<&SessionRecord>) {
        let still = match (self.state.wizard.signed_in(), current) {
            (Some(_), Some(c)) if c.is_practice() => false,
            (Some(w), Some(c)) => w.instance == c.instance && w.facts.org_id == c.facts.org_id,
            (Some(_), None) => false,
            (None, _) => return,
        };
        if !still {
            self.state.wizard.record_sign_out();
            self.save();
        }
    }

    /// The screen to show.
    pub fn view(&self) -> View {
        let l = self.language();
        let mut view = View::build(&self.state.wizard, self.catalog, &self.sign_in, &self.work, l, self.state.language);
        match &self.feedback {
            Some(Feedback::Problem(m)) => view.problem = Some(Problem::from_message(m, l)),
            Some(Feedback::RegionUnknown(reason)) => {
                if let Screen::Region { unknown_reason, .. } = &mut view.screen {
                    *unknown_reason = Some(reason.get(l).to_string());
                }
            }
            Some(Feedback::Done(c)) => view.confirmation = Some(*c),
            None => {}
        }
        view.notice = self.save_failure.as_ref().or(self.load_notice.as_ref()).map(|m| Problem::from_message(m, l));
        view.prefill = self.state.wizard.prefill().map(PrefillView::of);
        view.pending_link =
            self.pending_link.as_ref().map(|link| PendingLinkView::of(link, &self.state.wizard, self.catalog, l));
        view.shared_link = self.shared_link.clone();
        view
    }

    /// The state that is saved (for inspection and tests).
    pub fn state(&self) -> &SavedState {
        &self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::UseCase;
    use crate::region::Region;
    use crate::wizard::Step;

    #[test]
    fn progress_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut s = Session::open(&path, Language::En);
        s.apply(Intent::ChooseUseCase { use_case: UseCase::DataSync });
        s.apply(Intent::Next);
        s.apply(Intent::ChooseRegion { region: Region::Eu });
        s.set_language(Some(Language::Ja));
        drop(s);
        let s = Session::open(&path, Language::En);
        assert_eq!(s.view().current, Step::Region);
        assert_eq!(s.language(), Language::Ja);
        assert_eq!(s.state().wizard.region().unwrap().region(), Some(Region::Eu));
    }

    #[test]
    fn bad_input_shows_a_problem_in_the_chosen_language_and_the_next_action_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::open(dir.path().join("s.json"), Language::Ja);
        s.apply(Intent::Next);
        let p = s.view().problem.expect("a problem");
        assert!(!p.what.is_ascii(), "Japanese expected: {}", p.what);
        s.apply(Intent::ChooseUseCase { use_case: UseCase::DataSync });
        assert!(s.view().problem.is_none());
    }

    #[test]
    fn unknown_region_reason_reaches_the_region_screen() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::open(dir.path().join("s.json"), Language::En);
        s.apply(Intent::ChooseUseCase { use_case: UseCase::DataSync });
        s.apply(Intent::Next);
        s.apply(Intent::DetectRegion { input: "gainsight.acme.com".into() });
        let Screen::Region { unknown_reason, answer, .. } = s.view().screen else { panic!() };
        assert!(answer.is_none());
        assert!(unknown_reason.unwrap().contains("Administration"));
    }

    #[test]
    fn corrupt_saved_state_becomes_a_notice_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "not json").unwrap();
        let s = Session::open(&path, Language::En);
        let notice = s.view().notice.expect("a notice");
        assert!(notice.what.contains("unreadable"), "{}", notice.what);
        assert_eq!(s.view().current, Step::UseCase);
    }

    struct Recorder(std::cell::RefCell<Vec<String>>, bool);

    impl BrowserOpener for Recorder {
        fn open(&self, url: &str) -> Result<(), Error> {
            self.0.borrow_mut().push(url.to_string());
            if self.1 {
                Ok(())
            } else {
                Err(Error::BrowserOpen { reason: "no browser".into() })
            }
        }
    }

    impl Clipboard for Recorder {
        fn write_text(&self, text: &str) -> Result<(), Error> {
            self.0.borrow_mut().push(text.to_string());
            if self.1 {
                Ok(())
            } else {
                Err(Error::ClipboardWrite { reason: "no clipboard".into() })
            }
        }
    }

    fn at_install_step(dir: &std::path::Path) -> Session {
        let mut s = Session::open(dir.join("s.json"), Language::En);
        for i in [
            Intent::ChooseUseCase { use_case: UseCase::DataSync },
            Intent::Next,
            Intent::ChooseRegion { region: Region::Eu },
            Intent::Next,
            Intent::DetectOrg { input: "acme--uat.sandbox.my.salesforce.com".into() },
            Intent::Next,
        ] {
            s.apply(i);
        }
        s
    }

    #[test]
    fn opening_and_copying_use_the_links_the_core_built_and_confirm_or_explain() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = at_install_step(dir.path());
        let ok = Recorder(Default::default(), true);
        s.open_install_link(None, &ok);
        s.copy_install_link(Some(LinkKind::Generic), &ok);
        assert_eq!(
            *ok.0.borrow(),
            vec![
                "https://acme--uat.sandbox.my.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz"
                    .to_string(),
                "https://test.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz".to_string(),
            ]
        );
        assert_eq!(s.view().confirmation, Some(Confirmation::Copied { kind: LinkKind::Generic }));
        let broken = Recorder(Default::default(), false);
        s.open_install_link(None, &broken);
        let v = s.view();
        assert!(v.confirmation.is_none());
        assert!(v.problem.unwrap().next.contains("Copy"));
    }

    #[test]
    fn a_practice_org_sign_in_does_not_outlive_the_app() {
        use crate::salesforce::instance::InstanceUrl;
        use crate::salesforce::org_facts::{OrgFacts, RegionEvidence};
        let dir = tempfile::tempdir().unwrap();
        let mut s = at_install_step(dir.path());
        let facts = OrgFacts {
            org_id: "00D5g00000PRACTEA5".into(),
            name: "Acme".into(),
            instance_name: "NA224".into(),
            organization_type: "Enterprise Edition".into(),
            environment: crate::salesforce_host::Environment::Production,
            username: "admin@acme-practice.example".into(),
            region: RegionEvidence { findings: vec![] },
            status_url: String::new(),
        };
        s.state
            .wizard
            .record_sign_in(SignedIn { instance: InstanceUrl::parse("http://127.0.0.1:4100").unwrap(), facts });
        s.sync_signed_in(None);
        assert!(s.state().wizard.signed_in().is_none());
    }

    #[test]
    fn install_link_follows_the_answers() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Session::open(dir.path().join("s.json"), Language::En);
        assert!(s.install_link(None).is_err());
        for i in [
            Intent::ChooseUseCase { use_case: UseCase::DataSync },
            Intent::Next,
            Intent::DetectRegion { input: "acme.gainsightcloud.com".into() },
            Intent::Next,
            Intent::DetectOrg { input: "acme.lightning.force.com".into() },
            Intent::Next,
        ] {
            s.apply(i);
        }
        assert_eq!(
            s.install_link(None).unwrap().url,
            "https://acme.my.salesforce.com/packaging/installPackage.apexp?p0=04tg50000000tZD"
        );
        assert_eq!(s.install_link(Some(LinkKind::Generic)).unwrap().host, "login.salesforce.com");
    }

    const NOW: i64 = 1_795_000_000;

    fn link(rest: &str) -> String {
        format!("reconnect://wizard?v=1&exp={}{rest}", NOW + 3600)
    }

    #[test]
    fn a_refused_link_says_why_and_leaves_saved_progress_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = at_install_step(dir.path());
        let before = std::fs::read(dir.path().join("s.json")).unwrap();
        for bad in
            [link("&org=https://evil.example"), link("&region=eu&region=us1"), "reconnect://wizard?v=1&exp=1".into()]
        {
            assert_eq!(s.open_link(bad.as_bytes(), NOW), LinkOutcome::Refused, "{bad}");
            assert!(s.view().problem.is_some());
            assert_eq!(s.view().current, Step::SignIn);
        }
        assert_eq!(std::fs::read(dir.path().join("s.json")).unwrap(), before);
    }

    #[test]
    fn a_link_that_would_replace_answers_waits_for_the_admin() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = at_install_step(dir.path());
        let other = link("&region=us1&step=region");
        assert_eq!(s.open_link(other.as_bytes(), NOW), LinkOutcome::Pending);
        let pending = s.view().pending_link.expect("waiting");
        assert_eq!(pending.changes.len(), 1);
        assert_eq!((pending.changes[0].from.as_str(), pending.changes[0].to.as_str()), ("EU", "US1"));
        assert!(!pending.from.verified);
        s.dismiss_pending_link();
        assert!(s.view().pending_link.is_none());
        assert_eq!(s.state().wizard.region().unwrap().region(), Some(Region::Eu));
        assert_eq!(s.open_link(other.as_bytes(), NOW), LinkOutcome::Pending);
        s.accept_pending_link();
        assert_eq!(s.state().wizard.region().unwrap().region(), Some(Region::Us1));
        assert_eq!(s.view().current, Step::Region);
        let prefill = s.view().prefill.expect("who filled it in");
        assert!(!prefill.verified);
    }

    #[test]
    fn a_link_on_a_fresh_session_fills_in_takes_its_language_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut s = Session::open(&path, Language::En);
        let l = link("&use=data-sync&region=us2&env=sandbox&step=sign-in&lang=ja&ticket=CS-1");
        assert_eq!(s.open_link(l.as_bytes(), NOW), LinkOutcome::Applied);
        assert_eq!(s.view().current, Step::SignIn);
        assert_eq!(s.view().language, Language::Ja);
        drop(s);
        let s = Session::open(&path, Language::En);
        assert_eq!(s.view().current, Step::SignIn);
        assert_eq!(s.view().prefill.unwrap().ticket.as_deref(), Some("CS-1"));
    }

    #[test]
    fn share_copies_a_link_of_the_answers_that_opens_the_same_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = at_install_step(dir.path());
        let clipboard = Recorder(Default::default(), true);
        let shared = s.share(&clipboard, NOW);
        assert_eq!(clipboard.0.borrow().as_slice(), std::slice::from_ref(&shared));
        assert_eq!(s.view().shared_link.as_deref(), Some(shared.as_str()));
        assert_eq!(s.view().confirmation, Some(Confirmation::LinkCopied));
        let other_dir = tempfile::tempdir().unwrap();
        let mut other = Session::open(other_dir.path().join("s.json"), Language::En);
        assert_eq!(other.open_link(shared.as_bytes(), NOW), LinkOutcome::Applied);
        assert_eq!(other.view().current, Step::SignIn);
        assert_eq!(other.state().wizard.org(), s.state().wizard.org());
        assert_eq!(other.state().wizard.region().unwrap().region(), Some(Region::Eu));
    }
}
