//! The hardening playbook's steps and its saved answers: where the admin is, the stale period,
//! the integration user chosen for a restriction, and when a restriction was applied (the
//! connection is checked from then on). What the audit and the search found is read again
//! from the org after a restart, never saved.

use reconnect_engine::connection::{Connection, ORG_STEP, SIGN_IN_STEP};
use reconnect_engine::language::Text;
use reconnect_engine::playbook::shared_step_label;
use reconnect_engine::view::Navigation;
use reconnect_engine::Error as EngineError;
use serde::{Deserialize, Serialize};

use crate::data::integrations;
use crate::error::Error;
use crate::language::text;

/// A step, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The org (shared).
    Org,
    /// Sign in (shared).
    SignIn,
    /// The token inventory and revocation.
    Inventory,
    /// Connected-app access.
    Access,
    /// Integration users and their IP ranges.
    Users,
    /// Indicators of compromise.
    Indicators,
    /// Health Check.
    Health,
    /// The report.
    Report,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 8] = [
        Step::Org,
        Step::SignIn,
        Step::Inventory,
        Step::Access,
        Step::Users,
        Step::Indicators,
        Step::Health,
        Step::Report,
    ];

    /// Its id in the step list and in `GoTo` (the engine's ids for the shared steps).
    pub fn id(self) -> &'static str {
        match self {
            Step::Org => ORG_STEP,
            Step::SignIn => SIGN_IN_STEP,
            Step::Inventory => "inventory",
            Step::Access => "access",
            Step::Users => "users",
            Step::Indicators => "indicators",
            Step::Health => "health",
            Step::Report => "report",
        }
    }

    /// Its code in links.
    pub fn code(self) -> &'static str {
        match self {
            Step::SignIn => "sign-in",
            other => other.id(),
        }
    }

    /// The step with `id`.
    pub fn with_id(id: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The step with link code `code`.
    pub fn with_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Its name.
    pub fn label(self) -> Text {
        match self {
            Step::Org | Step::SignIn => shared_step_label(self.id()),
            other => text(&format!("step.{}", other.id()), &[]),
        }
    }
}

/// A restriction applied, to check the connection after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restricted {
    /// The user's id.
    pub user_id: String,
    /// The user's username.
    pub username: String,
    /// When, in milliseconds since the epoch.
    pub at_ms: i64,
}

/// The saved answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    current: Step,
    /// Days without use after which a token is stale.
    pub stale_days: u32,
    /// The integration user chosen for a restriction.
    #[serde(default)]
    pub user: Option<String>,
    /// The last restriction applied.
    #[serde(default)]
    pub restricted: Option<Restricted>,
    /// When the audit last ran.
    #[serde(default)]
    pub audited_at: Option<String>,
    /// When the indicators were last searched.
    #[serde(default)]
    pub searched_at: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            current: Step::Org,
            stale_days: integrations().stale_days,
            user: None,
            restricted: None,
            audited_at: None,
            searched_at: None,
        }
    }
}

impl State {
    /// The step on screen.
    pub fn current(&self) -> Step {
        self.current
    }

    /// Whether a step is done.
    pub fn is_complete(&self, step: Step, conn: &Connection) -> bool {
        match step {
            Step::Org | Step::SignIn => conn.is_complete(step.id()),
            Step::Inventory | Step::Access | Step::Users | Step::Health => self.audited_at.is_some(),
            Step::Indicators => self.searched_at.is_some(),
            Step::Report => false,
        }
    }

    /// Whether a step can be opened: the org and the sign-in come first; the rest read the
    /// org, in any order.
    pub fn is_reachable(&self, step: Step, conn: &Connection) -> bool {
        match step {
            Step::Org => true,
            Step::SignIn => conn.is_complete(ORG_STEP),
            _ => conn.signed_in().is_some(),
        }
    }

    /// Whether "Back" leads anywhere.
    pub fn can_go_back(&self) -> bool {
        self.current != Step::Org
    }

    /// Moves through the steps.
    pub fn navigate(&mut self, nav: Navigation, conn: &Connection) -> Result<(), Error> {
        match nav {
            Navigation::Next => {
                let needed = matches!(self.current, Step::Org | Step::SignIn);
                if needed && !self.is_complete(self.current, conn) {
                    let missing = text(&format!("missing.{}", self.current.id()), &[]);
                    return Err(EngineError::StepIncomplete { missing }.into());
                }
                let next = Step::ALL.into_iter().find(|s| *s > self.current).ok_or(EngineError::StepUnreachable)?;
                self.current = next;
            }
            Navigation::Back => {
                self.current =
                    Step::ALL.into_iter().rev().find(|s| *s < self.current).ok_or(EngineError::StepUnreachable)?;
            }
            Navigation::GoTo { step } => {
                let step = Step::with_id(&step).ok_or(EngineError::UnknownStep { input: step })?;
                if !self.is_reachable(step, conn) {
                    return Err(EngineError::StepUnreachable.into());
                }
                self.current = step;
            }
            Navigation::StartOver => *self = State::default(),
        }
        Ok(())
    }

    /// After loading, or when the org changed: back to the first step that can be opened.
    pub fn settle(&mut self, conn: &Connection) {
        if !self.is_reachable(self.current, conn) {
            self.current = if conn.is_complete(ORG_STEP) { Step::SignIn } else { Step::Org };
        }
    }

    /// Opens a step a link names, when it can be opened.
    pub fn open(&mut self, step: Step, conn: &Connection) {
        self.current = if self.is_reachable(step, conn) { step } else { Step::Org };
        self.settle(conn);
    }

    /// The org changed: what was found in the old one is gone.
    pub fn org_changed(&mut self) {
        self.audited_at = None;
        self.searched_at = None;
        self.restricted = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::connection::ConnectionIntent;

    #[test]
    fn the_org_and_the_sign_in_come_first_then_any_step() {
        let mut s = State::default();
        let mut c = Connection::default();
        assert!(s.navigate(Navigation::Next, &c).is_err(), "no org yet");
        c.apply(ConnectionIntent::DetectOrg { input: "acme.my.salesforce.com".into() }, &[]).unwrap();
        s.navigate(Navigation::Next, &c).unwrap();
        assert_eq!(s.current(), Step::SignIn);
        assert!(s.navigate(Navigation::Next, &c).is_err(), "not signed in");
        assert!(s.navigate(Navigation::GoTo { step: "indicators".into() }, &c).is_err());
        assert!(Step::ALL.iter().all(|st| Step::with_code(st.code()) == Some(*st)));
    }
}
