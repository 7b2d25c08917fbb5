//! What every playbook's screens share, in the admin's language: the step list, problems,
//! the primary action, and the org and sign-in steps. The UI renders these and sends intents
//! back; it applies no rule of its own.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::connection::{Connection, OrgAnswer, OrgSummary, PracticeOrg, SignInTarget};
use crate::error::Error;
use crate::language::{Language, Text, UserMessage};
use crate::oauth::error_page::ErrorHelp;
use crate::oauth::settings::SignInSettings;
use crate::salesforce_host::Environment;

/// A problem, in the view's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct Problem {
    /// What happened.
    pub what: String,
    /// What to do next.
    pub next: String,
}

impl Problem {
    /// `m` in `language`.
    pub fn from_message(m: &UserMessage, language: Language) -> Self {
        Problem { what: m.what.get(language).to_string(), next: m.next.get(language).to_string() }
    }
}

/// A step of a playbook, for the step list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct StepItem {
    /// The step's id.
    pub id: String,
    /// Its name.
    pub label: String,
    /// Its state.
    pub status: StepStatus,
    /// Whether clicking it opens it.
    pub reachable: bool,
}

/// A step's state in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Answered.
    Done,
    /// On screen.
    Current,
    /// Still to do.
    Todo,
    /// Not needed on this admin's path.
    Skipped,
}

/// Moving through a playbook's steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "engine/")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Navigation {
    /// The next step.
    Next,
    /// The previous step.
    Back,
    /// A step that is reachable.
    GoTo {
        /// The step's id.
        step: String,
    },
    /// Forget the playbook's answers and start again.
    StartOver,
}

/// The primary action, always in the same place.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export_to = "engine/")]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Primary {
    /// Go on to the next step.
    Next {
        /// Whether the step allows it.
        enabled: bool,
    },
    /// Start signing in (disabled while a sign-in waits for the browser).
    SignIn {
        /// Whether a sign-in is waiting for the browser.
        waiting: bool,
    },
    /// One of the playbook's intents.
    Intent {
        /// The button's label.
        label: String,
        /// The intent it sends.
        #[ts(type = "unknown")]
        intent: Value,
    },
    /// One of the playbook's long operations.
    Operation {
        /// The button's label.
        label: String,
        /// The operation it starts.
        #[ts(type = "unknown")]
        operation: Value,
        /// Whether an operation runs.
        busy: bool,
    },
    /// Nothing to do on this screen.
    None,
}

/// A practice org user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct PracticeLogin {
    /// Username.
    pub username: String,
    /// Password (a practice credential, shown on purpose).
    pub password: String,
}

/// What the session knows about signing in beyond the saved answers; it lives only while the
/// app runs.
#[derive(Debug, Clone, Default)]
pub struct SignInContext {
    /// The sign-in link while waiting for the browser.
    pub waiting_url: Option<String>,
    /// The setting to change after the last sign-in's error.
    pub settings_fix: Option<SettingsFix>,
    /// Whether the last sign-out was not confirmed by the org.
    pub sign_out_failed: bool,
    /// The practice org's users, by scenario.
    pub practice_logins: std::collections::BTreeMap<String, Vec<PracticeLogin>>,
    /// The practice org's address, once it runs.
    pub practice_url: Option<String>,
}

/// Which sign-in setting fixes what the browser showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "snake_case")]
pub enum SettingsFix {
    /// Another client id: one installed in the org, or admitting this user.
    ClientId,
    /// The redirect port the client's callback URL names.
    Port,
}

impl SettingsFix {
    /// The setting that fixes `error`, when one does.
    pub fn for_error(error: &Error) -> Option<SettingsFix> {
        match error {
            Error::AppBlocked | Error::AppNotApproved => Some(SettingsFix::ClientId),
            Error::RedirectMismatch => Some(SettingsFix::Port),
            _ => None,
        }
    }
}

/// The help for an error page, in the view's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct ErrorHelpView {
    /// What happens.
    pub intro: String,
    /// Each error with its fix.
    pub errors: Vec<String>,
    /// What to paste.
    pub paste: String,
}

impl ErrorHelpView {
    fn of(help: &ErrorHelp, l: Language) -> ErrorHelpView {
        ErrorHelpView {
            intro: help.intro.get(l).to_string(),
            errors: help.errors.iter().map(|t| t.get(l).to_string()).collect(),
            paste: help.paste.get(l).to_string(),
        }
    }
}

/// What the org's API said, described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
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
    /// What the playbook read from the org's facts, as label and value.
    pub details: Vec<Detail>,
    /// The trust status page.
    pub status_url: String,
}

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct Detail {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

/// An environment to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct EnvironmentChoice {
    /// Which one.
    pub environment: Environment,
    /// Its name.
    pub name: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// A starting point of the practice org to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct PracticeChoice {
    /// The practice org's scenario.
    pub scenario: String,
    /// Its name.
    pub name: String,
    /// Who it suits and what it starts with.
    pub hint: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// The org step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct OrgScreen {
    /// The host to show in the input box.
    pub host: Option<String>,
    /// The answer, when given.
    pub answer: Option<OrgSummary>,
    /// Environments to choose from when the address is not at hand.
    pub environment_choices: Vec<EnvironmentChoice>,
    /// The practice org's starting points for this playbook.
    pub practice_choices: Vec<PracticeChoice>,
}

/// The environments offered when no address is at hand: the two that decide the login host.
const OFFERED_ENVIRONMENTS: [Environment; 2] = [Environment::Production, Environment::Sandbox];

impl OrgScreen {
    /// The org step for `connection`, offering `practice`.
    pub fn build(connection: &Connection, practice: &[PracticeOrg], l: Language) -> OrgScreen {
        let org = connection.org();
        OrgScreen {
            host: match org {
                Some(OrgAnswer::Detected(d)) => Some(d.host.clone()),
                _ => None,
            },
            answer: connection.org_summary(practice, l),
            environment_choices: OFFERED_ENVIRONMENTS
                .into_iter()
                .map(|e| EnvironmentChoice {
                    environment: e,
                    name: e.name().get(l).to_string(),
                    selected: matches!(org, Some(OrgAnswer::Chosen { environment }) if *environment == e),
                })
                .collect(),
            practice_choices: practice
                .iter()
                .map(|p| PracticeChoice {
                    scenario: p.scenario.to_string(),
                    name: p.name.get(l).to_string(),
                    hint: p.hint.get(l).to_string(),
                    selected: matches!(org, Some(OrgAnswer::Practice { scenario }) if scenario == p.scenario),
                })
                .collect(),
        }
    }
}

/// The sign-in step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct SignInScreen {
    /// The host the sign-in opens.
    pub target: String,
    /// Whether it is the practice org.
    pub practice: bool,
    /// The practice org's users, when it is the practice org.
    pub practice_logins: Vec<PracticeLogin>,
    /// While waiting for the browser: the sign-in link, to copy when no browser opened.
    pub waiting_url: Option<String>,
    /// The signed-in org.
    pub signed_in: Option<SignedInView>,
    /// The OAuth client and redirect port.
    pub settings: SignInSettings,
    /// Where the org's own answers disagree with the answers given.
    pub notes: Vec<String>,
    /// The errors the browser may show instead of coming back, and their fixes.
    pub error_help: ErrorHelpView,
    /// The sign-in setting to change, after an error page whose fix is there.
    pub settings_fix: Option<SettingsFix>,
    /// The last sign-out was not confirmed by the org: offer to remove the tokens anyway.
    pub sign_out_failed: bool,
    /// Whether the playbook can go on without signing in.
    pub can_skip: bool,
}

impl SignInScreen {
    /// The sign-in step for `connection`; `notes` and `details` are the playbook's own
    /// readings of the org.
    pub fn build(
        connection: &Connection,
        ctx: &SignInContext,
        notes: Vec<Text>,
        details: Vec<(Text, Text)>,
        l: Language,
    ) -> SignInScreen {
        let target = connection.sign_in_target();
        let practice = matches!(target, Ok(SignInTarget::Practice(_)));
        let practice_logins = match &target {
            Ok(SignInTarget::Practice(scenario)) => ctx.practice_logins.get(scenario).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        let target = match target {
            Ok(SignInTarget::Org(url)) => url.as_str().trim_start_matches("https://").to_string(),
            Ok(SignInTarget::Practice(_)) => ctx.practice_url.clone().unwrap_or_default(),
            Err(_) => String::new(),
        };
        let signed_in = connection.signed_in().map(|s| {
            let f = &s.facts;
            SignedInView {
                username: f.username.clone(),
                org_name: f.name.clone(),
                org_id: f.org_id.clone(),
                environment_name: f.environment.name().get(l).to_string(),
                organization_type: f.organization_type.clone(),
                instance_name: f.instance_name.clone(),
                details: details
                    .iter()
                    .map(|(k, v)| Detail { label: k.get(l).to_string(), value: v.get(l).to_string() })
                    .collect(),
                status_url: f.status_url.clone(),
            }
        });
        let settings = connection.sign_in_settings().clone();
        let mut all_notes = connection.disagreements();
        all_notes.extend(notes);
        SignInScreen {
            target,
            practice,
            practice_logins,
            waiting_url: ctx.waiting_url.clone(),
            signed_in,
            error_help: ErrorHelpView::of(&crate::oauth::error_page::help(&settings.redirect_uri(settings.port)), l),
            settings_fix: ctx.settings_fix,
            sign_out_failed: ctx.sign_out_failed,
            can_skip: false,
            settings,
            notes: all_notes.iter().map(|t| t.get(l).to_string()).collect(),
        }
    }
}

/// Who filled in the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "engine/")]
pub struct PrefillView {
    /// Whether a trusted issuer signed the link.
    pub verified: bool,
    /// The issuer's name, from the trusted list.
    pub issuer: Option<String>,
    /// The support ticket the link names.
    pub ticket: Option<String>,
}

/// An incoming link that would replace answers already given; nothing changes until the
/// admin agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct PendingLinkView {
    /// Who vouches for it.
    pub from: PrefillView,
    /// The playbook it opens.
    pub playbook: String,
    /// Each answer it would change.
    pub changes: Vec<LinkChange>,
}

/// One answer a link would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct LinkChange {
    /// Which answer, in the view's language.
    pub what: String,
    /// The answer now.
    pub from: String,
    /// The link's answer.
    pub to: String,
}

/// How the org's instance is doing, for the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "engine/")]
pub enum TrustLevel {
    /// All services available.
    Ok,
    /// An incident.
    Incident,
    /// A maintenance under way or planned.
    Maintenance,
    /// Something to read, nothing broken.
    Info,
    /// Not read (yet, or it could not be).
    Unknown,
}

/// The header's status line for the signed-in org's instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "engine/")]
pub struct TrustLine {
    /// The instance (`NA224`).
    pub instance: String,
    /// How it is doing.
    pub level: TrustLevel,
    /// In a sentence.
    pub text: String,
    /// Its page on the Trust site.
    pub page: String,
    /// Whether the status should be read now (never read, and not being read).
    pub due: bool,
    /// Whether it is being read.
    pub reading: bool,
}

impl TrustLine {
    /// The line for `instance` from the last reading, in `l`.
    pub fn build(instance: &str, state: Option<&crate::trust::TrustState>, reading: bool, l: Language) -> TrustLine {
        use crate::language::text;
        use crate::timestamp::display_local;
        use crate::trust::status::StatusWord;
        use crate::trust::TrustState;
        let page = crate::trust::InstanceKey::parse(instance)
            .map(|k| crate::trust::instance_page(&k))
            .unwrap_or_else(|_| crate::trust::SITE.to_string());
        let say = |key: &str, args: &[(&str, &str)]| {
            let mut all = vec![("instance", instance)];
            all.extend_from_slice(args);
            text(key, &all).get(l).to_string()
        };
        let (level, line) = match state {
            None if reading => (TrustLevel::Unknown, say("trust.line.reading", &[])),
            None => (TrustLevel::Unknown, say("trust.line.not_read", &[])),
            Some(TrustState::Unreadable { .. }) => (TrustLevel::Unknown, say("trust.line.unreadable", &[])),
            Some(TrustState::Read(r)) => {
                let s = &r.instance;
                let open = s.incidents.iter().find(|i| i.open());
                let next = s.maintenances.iter().filter_map(|m| m.planned_start_ms).min();
                match (&s.status, open, next) {
                    (StatusWord::MajorIncident { .. } | StatusWord::MinorIncident { .. }, _, _) | (_, Some(_), _) => {
                        let since = open.and_then(|i| i.start_ms()).map(display_local).unwrap_or_default();
                        let major = matches!(s.status, StatusWord::MajorIncident { .. });
                        let key = if major { "trust.line.major" } else { "trust.line.minor" };
                        (TrustLevel::Incident, say(key, &[("since", &since)]))
                    }
                    (StatusWord::Maintenance { .. }, _, _) | (_, _, Some(_)) => {
                        let start = next.map(display_local).unwrap_or_default();
                        (TrustLevel::Maintenance, say("trust.line.maintenance", &[("start", &start)]))
                    }
                    (StatusWord::Ok, _, _) => (TrustLevel::Ok, say("trust.line.ok", &[])),
                    (StatusWord::Informational { .. }, _, _) => (TrustLevel::Info, say("trust.line.info", &[])),
                    (StatusWord::Other { value }, _, _) => {
                        (TrustLevel::Info, say("trust.line.other", &[("word", value)]))
                    }
                }
            }
        };
        TrustLine { instance: instance.to_string(), level, text: line, page, due: state.is_none() && !reading, reading }
    }
}
