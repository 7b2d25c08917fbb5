//! The whole window as data: the home screen or a playbook with its step list, and what every
//! screen shares (problems, notices, confirmations, links, the report). Every text is already
//! in the admin's language; the UI renders this and sends intents back.

use reconnect_engine::connection::ConnectionIntent;
use reconnect_engine::language::Language;
use reconnect_engine::view::{
    Navigation, OrgScreen, PendingLinkView, PrefillView, Primary, Problem, SignInScreen, StepItem, TrustLine,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The window.
#[derive(Debug, Clone, Serialize, TS)]
pub struct View {
    /// The language of every text in this view.
    pub language: Language,
    /// The language the admin picked; `None` when following the operating system.
    pub language_choice: Option<Language>,
    /// The playbook on screen; `None` on the home screen.
    pub playbook: Option<String>,
    /// The playbook's name, or the app's on the home screen.
    pub title: String,
    /// The playbook's steps (empty on the home screen).
    pub steps: Vec<StepItem>,
    /// The step on screen.
    pub current: Option<String>,
    /// What the screen shows.
    pub screen: Screen,
    /// Whether "Back" leads anywhere.
    pub can_go_back: bool,
    /// The primary action.
    pub primary: Primary,
    /// What went wrong with the last action, and what to do.
    pub problem: Option<Problem>,
    /// Something to know that is not an error of the last action (e.g. saved progress lost).
    pub notice: Option<Problem>,
    /// What the last action did outside the app (copied, opened), to confirm.
    pub confirmation: Option<String>,
    /// Who filled in the answers, when a link did.
    pub prefill: Option<PrefillView>,
    /// A link that would replace answers, waiting for the admin.
    pub pending_link: Option<PendingLinkView>,
    /// The last link made with Share.
    pub shared_link: Option<String>,
    /// Where the last report was saved.
    pub report_saved: Option<String>,
    /// Whether a long operation runs.
    pub busy: bool,
    /// The signed-in org's instance status on Salesforce Trust, for the header.
    pub trust: Option<TrustLine>,
}

/// What the screen shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Screen {
    /// The playbooks, with one line on when each is needed and what is in progress.
    Home {
        /// The playbooks.
        playbooks: Vec<PlaybookCard>,
    },
    /// The shared org step.
    Org(OrgScreen),
    /// The shared sign-in step.
    SignIn(Box<SignInScreen>),
    /// One of the playbook's own steps; its shape is the playbook's (`ui/src/playbooks/<id>`).
    Playbook {
        /// The playbook's screen.
        #[ts(type = "unknown")]
        screen: Value,
    },
}

/// A playbook on the home screen.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaybookCard {
    /// Its id.
    pub id: String,
    /// Its name.
    pub title: String,
    /// When it is needed.
    pub when: String,
    /// What is in progress, when it was started.
    pub status: Option<String>,
}

/// What the admin asks of the session.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Intent {
    /// Show the home screen.
    OpenHome,
    /// Open a playbook where it was left.
    OpenPlaybook {
        /// Its id.
        playbook: String,
    },
    /// Move through the playbook's steps.
    Navigate {
        /// Where.
        nav: Navigation,
    },
    /// Answer the shared org or sign-in step.
    Connection {
        /// The answer.
        intent: ConnectionIntent,
    },
    /// One of the playbook's own intents.
    Playbook {
        /// The intent, in the playbook's shape.
        #[ts(type = "unknown")]
        intent: Value,
    },
}

/// How an incoming link was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Its answers were filled in.
    Applied,
    /// It would replace answers; it waits for the admin to agree.
    Pending,
    /// It was refused; nothing changed.
    Refused,
}
