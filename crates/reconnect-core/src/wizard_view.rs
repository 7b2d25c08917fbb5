//! What the UI shows for the wizard's current state: every text already in the admin's
//! language, every rule already applied. The UI only renders this and sends intents back.

use serde::Serialize;

use crate::catalog::{Catalog, PackageStatus, UseCase};
use crate::install_link::LinkKind;
use crate::language::{Language, UserMessage};
use crate::oauth::settings::SignInSettings;
use crate::practice::PracticeStage;
use crate::region::{Confidence, Region, RegionDetection};
use crate::salesforce_host::{Environment, HostKind};
use crate::wizard::{OrgAnswer, RegionAnswer, SignInTarget, Step, Wizard};

/// The whole screen.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The language of every text in this view.
    pub language: Language,
    /// The language the admin picked; `None` when following the operating system.
    pub language_choice: Option<Language>,
    /// The step list.
    pub steps: Vec<StepItem>,
    /// The step on screen.
    pub current: Step,
    /// The screen's content.
    pub screen: Screen,
    /// Whether "Back" leads anywhere.
    pub can_go_back: bool,
    /// The primary action, always in the same place.
    pub primary: Primary,
    /// What went wrong with the last action, and what to do.
    pub problem: Option<Problem>,
    /// Something to know that is not an error of the last action (e.g. saved progress lost).
    pub notice: Option<Problem>,
    /// What the last action did, when it did something outside the app.
    pub confirmation: Option<Confirmation>,
    /// The package catalog's version.
    pub catalog_version: String,
    /// Who filled in the answers, when a wizard link did.
    pub prefill: Option<crate::link_view::PrefillView>,
    /// A wizard link that would replace answers, waiting for the admin.
    pub pending_link: Option<crate::link_view::PendingLinkView>,
    /// The last link made with Share.
    pub shared_link: Option<String>,
}

/// A problem, in the view's language.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// What happened.
    pub what: String,
    /// What to do next.
    pub next: String,
}

impl Problem {
    pub(crate) fn from_message(m: &UserMessage, language: Language) -> Self {
        Problem { what: m.what.get(language).to_string(), next: m.next.get(language).to_string() }
    }
}

/// Something done outside the app, to confirm to the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "done", rename_all = "snake_case")]
pub enum Confirmation {
    /// A link was copied.
    Copied {
        /// Which link.
        kind: LinkKind,
    },
    /// A link was opened in the browser.
    Opened {
        /// Which link.
        kind: LinkKind,
    },
    /// The report was copied.
    ReportCopied,
    /// A wizard link of the answers so far was copied.
    LinkCopied,
}

/// A line of the step list.
#[derive(Debug, Clone, Serialize)]
pub struct StepItem {
    /// Which step.
    pub step: Step,
    /// Its state.
    pub status: StepStatus,
    /// Whether clicking it opens it.
    pub reachable: bool,
}

/// A step's state in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Answered.
    Done,
    /// On screen.
    Current,
    /// Still to do.
    Todo,
    /// Not needed for this use case.
    Skipped,
}

/// The primary action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Primary {
    /// Go on to the next step.
    Next {
        /// Whether the step is answered.
        enabled: bool,
    },
    /// Open the recommended install link.
    OpenInstallLink,
    /// Open the tenant's Connectors 2.0 page and note the time.
    StartReauthorization,
    /// Run the verification.
    Verify {
        /// Whether it runs now.
        busy: bool,
    },
    /// Start signing in (disabled while a sign-in waits for the browser).
    SignIn {
        /// Whether a sign-in is waiting for the browser.
        waiting: bool,
    },
    /// Nothing to do on this screen.
    None,
}

/// The content of the current step.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Screen {
    /// Choose what stopped working.
    UseCase {
        /// The choices.
        options: Vec<UseCaseOption>,
    },
    /// Find the Gainsight data center.
    Region {
        /// The host to show in the input box.
        host: Option<String>,
        /// The answer, when given.
        answer: Option<RegionSummary>,
        /// Why the last pasted address did not reveal the region.
        unknown_reason: Option<String>,
        /// The regions to choose from by hand.
        choices: Vec<RegionChoice>,
    },
    /// Identify the Salesforce org.
    Org {
        /// The host to show in the input box.
        host: Option<String>,
        /// The answer, when given.
        answer: Option<OrgSummary>,
        /// Environments to choose from when the address is not at hand.
        environment_choices: Vec<EnvironmentChoice>,
        /// The practice org's starting points.
        practice_choices: Vec<PracticeChoice>,
    },
    /// Sign in to the org.
    SignIn {
        /// The host the sign-in opens.
        target: String,
        /// Whether it is the practice org.
        practice: bool,
        /// The practice org's users, when it is the practice org.
        practice_logins: Vec<PracticeLogin>,
        /// While waiting for the browser: the sign-in link, to copy when no browser opened.
        waiting_url: Option<String>,
        /// The signed-in org.
        signed_in: Option<SignedInView>,
        /// The OAuth client and redirect port.
        settings: SignInSettings,
        /// Where the org's own answers disagree with the wizard's.
        notes: Vec<String>,
        /// The errors the browser may show instead of coming back, and their fixes.
        error_help: ErrorHelpView,
        /// The sign-in setting to change, after an error page whose fix is there.
        settings_fix: Option<SettingsFix>,
        /// The last sign-out was not confirmed by the org: offer to remove the tokens anyway.
        sign_out_failed: bool,
    },
    /// Install the package.
    Install {
        /// The package.
        package: PackageCard,
        /// The install links, when the package can be installed by link.
        links: Option<LinksView>,
        /// Why there is no link, when there is none.
        no_link_reason: Option<String>,
        /// Facts that are not confirmed and matter here.
        unconfirmed: Vec<String>,
        /// Installing through the API and watching the org, when signed in.
        api: Option<ApiInstallView>,
        /// The package as the org has it, once looked at.
        installed: Option<InstalledView>,
    },
    /// Check and fix Gainsight's OAuth user.
    OauthUser {
        /// Whether the org can be read (signed in).
        signed_in: bool,
        /// The chosen username.
        username: Option<String>,
        /// Users found by the last search.
        users: Option<Vec<UserRow>>,
        /// The last diagnosis's checks.
        checks: Vec<CheckView>,
        /// Whether the last diagnosis passed.
        passed: Option<bool>,
        /// The fix's preview, once asked for.
        plan: Option<PlanView>,
        /// What the last fix or undo did, one line each.
        done: Vec<String>,
        /// Whether the journal holds changes in this org that undo can remove.
        can_undo: bool,
        /// The operation running, if any.
        busy: Option<Busy>,
    },
    /// The Gainsight admin re-authorizes the connection.
    Authorize {
        /// Where the tenant's Connectors 2.0 page is, when known.
        tenant_url: Option<String>,
        /// What to click, in order.
        steps: Vec<String>,
        /// The user to authorize as.
        authorize_as: Option<String>,
        /// Errors the admin may see, with their fix.
        errors: Vec<ErrorHelp>,
        /// When re-authorization was started.
        started_at: Option<String>,
    },
    /// Verify the connection and keep the report.
    Verify {
        /// Whether the org can be read.
        signed_in: bool,
        /// The OAuth user verified.
        username: Option<String>,
        /// Token use is looked for from this time.
        since: Option<String>,
        /// The checks of the last verification.
        checks: Vec<CheckView>,
        /// Whether it passed.
        passed: Option<bool>,
        /// Its round trips and time.
        measured: Option<String>,
        /// Where the report was saved.
        report_saved: Option<String>,
        /// The operation running, if any.
        busy: Option<Busy>,
    },
    /// After reconnection.
    Done {
        /// The checklist.
        items: Vec<ChecklistRow>,
    },
}

/// Which long operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Busy {
    /// Searching users.
    Search,
    /// Diagnosing the OAuth user.
    Diagnose,
    /// Planning the fix.
    Preview,
    /// Applying the fix.
    Fix,
    /// Undoing.
    Undo,
    /// Installing through the API.
    Install,
    /// Watching for an install through the link.
    Watch,
    /// Verifying.
    Verify,
}

/// A user found by a search.
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Profile.
    pub profile: String,
    /// Active or not.
    pub active: bool,
    /// Last login, or "never".
    pub last_login: String,
}

/// A check, in the view's language.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    /// Stable id.
    pub id: String,
    /// Outcome.
    pub status: crate::oauth_user::diagnosis::CheckStatus,
    /// What is checked.
    pub title: String,
    /// What it means.
    pub explanation: String,
    /// What was found.
    pub evidence: String,
}

/// The fix's preview.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// Each change: object, action, fields.
    pub rows: Vec<PlanRow>,
    /// What a permission set cannot fix.
    pub cannot_fix: Vec<String>,
}

/// One change of the preview.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    /// The object.
    pub object: String,
    /// What happens.
    pub action: String,
    /// Field and value pairs.
    pub fields: Vec<(String, String)>,
}

/// Installing through the API, or watching for the package.
#[derive(Debug, Clone, Serialize)]
pub struct ApiInstallView {
    /// The operation running.
    pub busy: Option<Busy>,
    /// Where it stands.
    pub progress: Option<String>,
    /// Share done, 0 to 100, for a progress bar (time against the deadline).
    pub percent: Option<u8>,
}

/// The package as the org has it.
#[derive(Debug, Clone, Serialize)]
pub struct InstalledView {
    /// Whether it serves the connection.
    pub ok: bool,
    /// What the org has.
    pub text: String,
    /// About Gainsight's UI package, when it is missing.
    pub ui_note: Option<String>,
}

/// An error the Gainsight admin may see, and its fix.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorHelp {
    /// The error as shown.
    pub error: String,
    /// What to do.
    pub fix: String,
}

/// A checklist item.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRow {
    /// Its id.
    pub id: String,
    /// What to do.
    pub title: String,
    /// What it means.
    pub meaning: String,
    /// Ticked or not.
    pub ticked: bool,
}

/// What the session knows about the reconnection work beyond the wizard's state; it lives
/// only while the app runs.
#[derive(Debug, Clone, Default)]
pub struct WorkContext {
    /// The operation running.
    pub busy: Option<Busy>,
    /// Install progress.
    pub progress: Option<crate::package::polling::Progress>,
    /// The last user search.
    pub users: Option<Vec<crate::oauth_user::diagnosis::UserSummary>>,
    /// The last diagnosis.
    pub diagnosis: Option<crate::oauth_user::diagnosis::Diagnosis>,
    /// The last fix preview.
    pub plan: Option<crate::oauth_user::fix::FixPlan>,
    /// What the last fix or undo did.
    pub done: Vec<crate::language::Text>,
    /// Changes in the journal for the signed-in org.
    pub live_changes: usize,
    /// The package as last seen.
    pub package: Option<(crate::package::installed::PackageState, bool)>,
    /// The last verification.
    pub verification: Option<crate::verify::Verification>,
    /// Where the report was saved.
    pub report_saved: Option<String>,
}

/// A practice org user.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeLogin {
    /// Username.
    pub username: String,
    /// Password (a practice credential).
    pub password: String,
}

/// What the org's API said, described.
#[derive(Debug, Clone, Serialize)]
pub struct SignedInView {
    /// The signed-in user.
    pub username: String,
    /// The org's name.
    pub org_name: String,
    /// The org's id.
    pub org_id: String,
    /// The environment's name.
    pub environment_name: String,
    /// Salesforce's edition name.
    pub organization_type: String,
    /// The instance.
    pub instance_name: String,
    /// The data center the org's endpoint settings point at, when they agree.
    pub region_label: Option<String>,
    /// Each endpoint setting that names a Gainsight host.
    pub region_findings: Vec<String>,
    /// The trust status page.
    pub status_url: String,
}

/// The help for an error page, in the view's language.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorHelpView {
    /// What happens.
    pub intro: String,
    /// Each error with its fix.
    pub errors: Vec<String>,
    /// What to paste.
    pub paste: String,
}

impl ErrorHelpView {
    fn of(help: &crate::oauth::error_page::ErrorHelp, l: Language) -> ErrorHelpView {
        ErrorHelpView {
            intro: help.intro.get(l).to_string(),
            errors: help.errors.iter().map(|t| t.get(l).to_string()).collect(),
            paste: help.paste.get(l).to_string(),
        }
    }
}

/// Which sign-in setting fixes what the browser showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsFix {
    /// Another client id: one installed in the org, or admitting this user.
    ClientId,
    /// The redirect port the client's callback URL names.
    Port,
}

impl SettingsFix {
    /// The setting that fixes `error`, when one does.
    pub fn for_error(error: &crate::Error) -> Option<SettingsFix> {
        match error {
            crate::Error::AppBlocked | crate::Error::AppNotApproved => Some(SettingsFix::ClientId),
            crate::Error::RedirectMismatch => Some(SettingsFix::Port),
            _ => None,
        }
    }
}

/// What the session knows about signing in beyond the wizard's state.
#[derive(Debug, Clone, Default)]
pub struct SignInContext {
    /// The sign-in link while waiting for the browser.
    pub waiting_url: Option<String>,
    /// The setting to change after the last sign-in's error.
    pub settings_fix: Option<SettingsFix>,
    /// Whether the last sign-out was not confirmed by the org.
    pub sign_out_failed: bool,
    /// The practice org's users.
    pub practice_logins: Vec<PracticeLogin>,
    /// The practice org's address, once it runs.
    pub practice_url: Option<String>,
}

/// A use case to choose.
#[derive(Debug, Clone, Serialize)]
pub struct UseCaseOption {
    /// Which one.
    pub use_case: UseCase,
    /// Title.
    pub title: String,
    /// What it covers.
    pub summary: String,
    /// The package that serves it.
    pub package: PackageCard,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// A package, described.
#[derive(Debug, Clone, Serialize)]
pub struct PackageCard {
    /// Name.
    pub name: String,
    /// Published or coming soon.
    pub status: PackageStatus,
    /// What it does.
    pub does: String,
    /// What it does not do.
    pub does_not: String,
}

/// The region answer, described.
#[derive(Debug, Clone, Serialize)]
pub struct RegionSummary {
    /// The candidate regions' labels (`US1`, or `US1`, `US2` when an SSO host cannot tell).
    pub regions: Vec<String>,
    /// The package edition (`US`, `EU`).
    pub edition: String,
    /// The tenant's host, when known.
    pub tenant: Option<String>,
    /// How sure.
    pub confidence: Confidence,
    /// Why, or that the admin chose it.
    pub basis: String,
    /// Whether the admin chose it by hand.
    pub chosen: bool,
}

/// A region to choose.
#[derive(Debug, Clone, Serialize)]
pub struct RegionChoice {
    /// Which one.
    pub region: Region,
    /// Its label.
    pub label: String,
    /// Its package edition.
    pub edition: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// The org answer, described.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSummary {
    /// The environment.
    pub environment: Environment,
    /// Its name.
    pub environment_name: String,
    /// The My Domain host, when known.
    pub my_domain: Option<String>,
    /// What was pasted, when an address was.
    pub host_kind: Option<HostKind>,
    /// How sure.
    pub confidence: Confidence,
    /// Why.
    pub basis: String,
}

/// An environment to choose.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentChoice {
    /// Which one.
    pub environment: Environment,
    /// Its name.
    pub name: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// A starting point of the practice org to choose.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeChoice {
    /// Which one.
    pub stage: PracticeStage,
    /// Its name.
    pub name: String,
    /// Who it suits and what it starts with.
    pub hint: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// The install links, described.
#[derive(Debug, Clone, Serialize)]
pub struct LinksView {
    /// The package's name in Salesforce.
    pub package_name: String,
    /// The connected app it brings.
    pub connected_app: String,
    /// The package version id.
    pub package_version_id: String,
    /// The org's environment.
    pub environment_name: String,
    /// The region, or the edition when only that is known.
    pub region_label: Option<String>,
    /// The links, recommended first.
    pub links: Vec<LinkView>,
    /// Why the recommended one.
    pub why: String,
    /// What else to know.
    pub notes: Vec<String>,
}

/// One link.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Which link.
    pub kind: LinkKind,
    /// The URL.
    pub url: String,
    /// The host.
    pub host: String,
    /// Whether it is the one to use.
    pub recommended: bool,
}

/// The environments offered when no address is at hand: the two that decide the login host.
const OFFERED_ENVIRONMENTS: [Environment; 2] = [Environment::Production, Environment::Sandbox];

impl View {
    /// Builds the view of `wizard` in `language`.
    pub fn build(
        wizard: &Wizard,
        catalog: &Catalog,
        sign_in: &SignInContext,
        work: &WorkContext,
        language: Language,
        language_choice: Option<Language>,
    ) -> View {
        let l = language;
        let steps = Step::ALL
            .into_iter()
            .map(|step| StepItem {
                step,
                status: if step == wizard.current() {
                    StepStatus::Current
                } else if !wizard.applies(step, catalog) {
                    StepStatus::Skipped
                } else if wizard.is_complete(step) {
                    StepStatus::Done
                } else {
                    StepStatus::Todo
                },
                reachable: wizard.is_reachable(step, catalog),
            })
            .collect();
        let screen = match wizard.current() {
            Step::UseCase => Screen::UseCase {
                options: UseCase::ALL
                    .into_iter()
                    .map(|u| {
                        let entry = catalog.use_case(u);
                        UseCaseOption {
                            use_case: u,
                            title: entry.title.get(l).to_string(),
                            summary: entry.summary.get(l).to_string(),
                            package: package_card(catalog, u, l),
                            selected: wizard.use_case() == Some(u),
                        }
                    })
                    .collect(),
            },
            Step::Region => Screen::Region {
                host: match wizard.region() {
                    Some(RegionAnswer::Detected { host, .. }) => Some(host.clone()),
                    _ => None,
                },
                answer: wizard.region().map(|a| region_summary(a, wizard.region_from_link(), l)),
                unknown_reason: None,
                choices: Region::ALL
                    .into_iter()
                    .map(|r| RegionChoice {
                        region: r,
                        label: r.label().to_string(),
                        edition: r.edition().label().to_string(),
                        selected: matches!(wizard.region(), Some(RegionAnswer::Chosen { region }) if *region == r),
                    })
                    .collect(),
            },
            Step::Org => Screen::Org {
                host: match wizard.org() {
                    Some(OrgAnswer::Detected(d)) => Some(d.host.clone()),
                    _ => None,
                },
                answer: wizard.org().map(|a| org_summary(a, l)),
                environment_choices: OFFERED_ENVIRONMENTS
                    .into_iter()
                    .map(|e| EnvironmentChoice {
                        environment: e,
                        name: e.name().get(l).to_string(),
                        selected: matches!(wizard.org(), Some(OrgAnswer::Chosen { environment }) if *environment == e),
                    })
                    .collect(),
                practice_choices: PracticeStage::ALL
                    .into_iter()
                    .map(|stage| PracticeChoice {
                        stage,
                        name: stage.name().get(l).to_string(),
                        hint: stage.hint().get(l).to_string(),
                        selected: wizard.org() == Some(&OrgAnswer::Practice(stage)),
                    })
                    .collect(),
            },
            Step::SignIn => sign_in_screen(wizard, sign_in, l),
            Step::Install => install_screen(wizard, catalog, work, l),
            Step::OauthUser => crate::work_view::oauth_user_screen(wizard, work, l),
            Step::Authorize => crate::work_view::authorize_screen(wizard, sign_in, l),
            Step::Verify => crate::work_view::verify_screen(wizard, work, l),
            Step::Done => crate::work_view::done_screen(wizard, l),
        };
        let last = Step::ALL.into_iter().rev().find(|s| wizard.applies(*s, catalog));
        let primary = match (&screen, wizard.current()) {
            (Screen::Install { installed: Some(i), .. }, _) if i.ok => Primary::Next { enabled: true },
            (Screen::Install { links: Some(_), .. }, _) => Primary::OpenInstallLink,
            (Screen::SignIn { signed_in: None, waiting_url, .. }, _) => {
                Primary::SignIn { waiting: waiting_url.is_some() }
            }
            (Screen::Authorize { started_at: None, .. }, _) => Primary::StartReauthorization,
            (Screen::Verify { passed, busy, signed_in: true, .. }, _) if *passed != Some(true) => {
                Primary::Verify { busy: busy.is_some() }
            }
            (_, step) if Some(step) == last => Primary::None,
            (_, step) => Primary::Next { enabled: wizard.is_complete(step) || Wizard::is_optional(step) },
        };
        View {
            language,
            language_choice,
            can_go_back: Step::ALL.into_iter().any(|s| s < wizard.current() && wizard.applies(s, catalog)),
            steps,
            current: wizard.current(),
            screen,
            primary,
            problem: None,
            notice: None,
            confirmation: None,
            catalog_version: catalog.version.clone(),
            prefill: None,
            pending_link: None,
            shared_link: None,
        }
    }
}

fn package_card(catalog: &Catalog, use_case: UseCase, l: Language) -> PackageCard {
    let p = catalog.package_for(use_case);
    PackageCard {
        name: p.name.get(l).to_string(),
        status: p.status,
        does: p.does.get(l).to_string(),
        does_not: p.does_not.get(l).to_string(),
    }
}

fn region_summary(answer: &RegionAnswer, from_link: bool, l: Language) -> RegionSummary {
    match answer {
        RegionAnswer::Detected {
            detection: RegionDetection::Found { regions, edition, tenant, confidence, basis },
            ..
        } => RegionSummary {
            regions: regions.iter().map(|r| r.label().to_string()).collect(),
            edition: edition.label().to_string(),
            tenant: tenant.as_ref().map(|t| t.as_str().to_string()),
            confidence: *confidence,
            basis: basis.get(l).to_string(),
            chosen: false,
        },
        RegionAnswer::Detected { .. } => unreachable!("only found detections become answers"),
        RegionAnswer::Chosen { region } => RegionSummary {
            regions: vec![region.label().to_string()],
            edition: region.edition().label().to_string(),
            tenant: None,
            // A link's answer is only as sure as its sender; the org's settings can overrule it.
            confidence: if from_link { Confidence::Likely } else { Confidence::Certain },
            basis: if from_link {
                crate::language::text("region.basis.link", &[]).get(l).to_string()
            } else {
                crate::language::text("region.basis.chosen", &[]).get(l).to_string()
            },
            chosen: true,
        },
    }
}

fn org_summary(answer: &OrgAnswer, l: Language) -> OrgSummary {
    match answer {
        OrgAnswer::Detected(d) => OrgSummary {
            environment: d.environment,
            environment_name: d.environment.name().get(l).to_string(),
            my_domain: d.my_domain.as_ref().map(|m| m.host()),
            host_kind: Some(d.host_kind),
            confidence: d.confidence,
            basis: d.basis.get(l).to_string(),
        },
        OrgAnswer::Chosen { environment } => OrgSummary {
            environment: *environment,
            environment_name: environment.name().get(l).to_string(),
            my_domain: None,
            host_kind: None,
            confidence: Confidence::Certain,
            basis: crate::language::text("org.basis.chosen", &[]).get(l).to_string(),
        },
        OrgAnswer::Practice(stage) => OrgSummary {
            environment: Environment::Production,
            environment_name: stage.name().get(l).to_string(),
            my_domain: None,
            host_kind: None,
            confidence: Confidence::Certain,
            basis: crate::language::text("org.basis.practice", &[]).get(l).to_string(),
        },
    }
}

fn sign_in_screen(wizard: &Wizard, ctx: &SignInContext, l: Language) -> Screen {
    let target = wizard.sign_in_target();
    let practice = matches!(target, Ok(SignInTarget::Practice(_)));
    let target = match target {
        Ok(SignInTarget::Org(url)) => url.as_str().trim_start_matches("https://").to_string(),
        Ok(SignInTarget::Practice(_)) => ctx.practice_url.clone().unwrap_or_default(),
        Err(_) => String::new(),
    };
    let signed_in = wizard.signed_in().map(|s| {
        let f = &s.facts;
        SignedInView {
            username: f.username.clone(),
            org_name: f.name.clone(),
            org_id: f.org_id.clone(),
            environment_name: f.environment.name().get(l).to_string(),
            organization_type: f.organization_type.clone(),
            instance_name: f.instance_name.clone(),
            region_label: f
                .region
                .region()
                .map(|r| r.label().to_string())
                .or_else(|| f.region.edition().map(|e| e.label().to_string())),
            region_findings: f
                .region
                .findings
                .iter()
                .map(|x| {
                    let regions: Vec<&str> = x.regions.iter().map(|r| r.label()).collect();
                    format!("{}: {} → {}", x.source, x.url, regions.join(" / "))
                })
                .collect(),
            status_url: f.status_url.clone(),
        }
    });
    let settings = wizard.sign_in_settings().clone();
    Screen::SignIn {
        target,
        practice,
        practice_logins: if practice { ctx.practice_logins.clone() } else { Vec::new() },
        waiting_url: ctx.waiting_url.clone(),
        signed_in,
        error_help: ErrorHelpView::of(&crate::oauth::error_page::help(&settings.redirect_uri(settings.port)), l),
        settings_fix: ctx.settings_fix,
        sign_out_failed: ctx.sign_out_failed,
        settings,
        notes: wizard.disagreements().iter().map(|t| t.get(l).to_string()).collect(),
    }
}

fn install_screen(wizard: &Wizard, catalog: &Catalog, work: &WorkContext, l: Language) -> Screen {
    let use_case = wizard.use_case().expect("the install step is reachable only with a use case");
    let package = catalog.package_for(use_case);
    let links = wizard.install_links(catalog).map(|links| {
        let environment = wizard.org_target().expect("links need an org").environment;
        let mut ordered: Vec<LinkView> = [LinkKind::MyDomain, LinkKind::Generic]
            .into_iter()
            .filter_map(|k| links.get(k))
            .map(|link| LinkView {
                kind: link.kind,
                url: link.url.clone(),
                host: link.host.clone(),
                recommended: link.kind == links.recommended,
            })
            .collect();
        ordered.sort_by_key(|v| !v.recommended);
        LinksView {
            package_name: links.package_name,
            connected_app: links.connected_app,
            package_version_id: links.package_version_id,
            environment_name: environment.name().get(l).to_string(),
            region_label: wizard.region().filter(|_| package.needs_region()).map(|r| match r.region() {
                Some(region) => region.label().to_string(),
                None => r.edition().label().to_string(),
            }),
            links: ordered,
            why: links.why.get(l).to_string(),
            notes: links.notes.iter().map(|n| n.get(l).to_string()).collect(),
        }
    });
    Screen::Install {
        package: package_card(catalog, use_case, l),
        no_link_reason: package.no_id_reason.as_ref().map(|t| t.get(l).to_string()),
        links,
        unconfirmed: catalog.unconfirmed.iter().map(|t| t.get(l).to_string()).collect(),
        api: crate::work_view::api_install_view(wizard, catalog, work, l),
        installed: crate::work_view::installed_view(wizard, work, l),
    }
}
