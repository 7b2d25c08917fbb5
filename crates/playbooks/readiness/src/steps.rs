//! The readiness playbook's steps and its saved answers: where the admin is, the Trust
//! subscription the admin recorded (and for which instance), and when the contacts were
//! read and the runbook made. What was read is read again from the org after a restart.

use reconnect_engine::connection::{Connection, ORG_STEP, SIGN_IN_STEP};
use reconnect_engine::language::Text;
use reconnect_engine::playbook::shared_step_label;
use reconnect_engine::trust::InstanceKey;
use reconnect_engine::view::Navigation;
use reconnect_engine::Error as EngineError;
use serde::{Deserialize, Serialize};

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
    /// The instance's Trust status.
    Status,
    /// Subscribing to Trust notifications.
    Subscribe,
    /// The Modify All Data holders.
    Contacts,
    /// The runbook.
    Runbook,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 6] = [Step::Org, Step::SignIn, Step::Status, Step::Subscribe, Step::Contacts, Step::Runbook];

    /// Its id in the step list and in `GoTo` (the engine's ids for the shared steps).
    pub fn id(self) -> &'static str {
        match self {
            Step::Org => ORG_STEP,
            Step::SignIn => SIGN_IN_STEP,
            Step::Status => "status",
            Step::Subscribe => "subscribe",
            Step::Contacts => "contacts",
            Step::Runbook => "runbook",
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

/// The admin's record of subscribing to Trust notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The instance subscribed to.
    pub instance: InstanceKey,
    /// When it was recorded (Salesforce's datetime form).
    pub at: String,
}

/// The saved answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    current: Step,
    /// The recorded subscription.
    #[serde(default)]
    pub subscription: Option<Subscription>,
    /// When the contacts were last read.
    #[serde(default)]
    pub contacts_at: Option<String>,
    /// When the runbook was last made.
    #[serde(default)]
    pub runbook_at: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State { current: Step::Org, subscription: None, contacts_at: None, runbook_at: None }
    }
}

/// Whether the recorded subscription covers the org's instance now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionCheck {
    /// Recorded for this instance.
    Current(Subscription),
    /// Recorded for another instance: a sandbox refresh or an instance move since.
    OtherInstance(Subscription),
    /// Not recorded.
    None,
}

impl State {
    /// Opens saved state; state that no longer reads starts fresh.
    pub fn from_saved(saved: Option<serde_json::Value>) -> State {
        saved.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
    }

    /// The step on screen.
    pub fn current(&self) -> Step {
        self.current
    }

    /// The subscription against the instance the org runs on now.
    pub fn subscription_for(&self, instance: Option<&str>) -> SubscriptionCheck {
        match (&self.subscription, instance) {
            (None, _) => SubscriptionCheck::None,
            (Some(s), Some(i)) if !s.instance.as_str().eq_ignore_ascii_case(i) => {
                SubscriptionCheck::OtherInstance(s.clone())
            }
            (Some(s), _) => SubscriptionCheck::Current(s.clone()),
        }
    }

    /// Whether a step is done.
    pub fn is_complete(&self, step: Step, conn: &Connection) -> bool {
        let instance = conn.signed_in().map(|s| s.facts.instance_name.as_str());
        match step {
            Step::Org | Step::SignIn => conn.is_complete(step.id()),
            Step::Status => conn.signed_in().is_some(),
            Step::Subscribe => matches!(self.subscription_for(instance), SubscriptionCheck::Current(_)),
            Step::Contacts => self.contacts_at.is_some(),
            Step::Runbook => self.runbook_at.is_some(),
        }
    }

    /// Whether a step can be opened: the org and the sign-in first, then any step.
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
                self.current = Step::ALL.into_iter().find(|s| *s > self.current).ok_or(EngineError::StepUnreachable)?;
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

    /// The org changed: what was read in the old one is gone. The subscription stays: it is
    /// checked against the new org's instance.
    pub fn org_changed(&mut self) {
        self.contacts_at = None;
        self.runbook_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_for_another_instance_is_noticed() {
        let mut s = State::default();
        assert_eq!(s.subscription_for(Some("NA224")), SubscriptionCheck::None);
        s.subscription = Some(Subscription { instance: InstanceKey::parse("NA137").unwrap(), at: "2026-11-01".into() });
        assert!(matches!(s.subscription_for(Some("na137")), SubscriptionCheck::Current(_)));
        assert!(matches!(s.subscription_for(Some("NA224")), SubscriptionCheck::OtherInstance(_)));
        let saved = serde_json::to_value(&s).unwrap();
        assert_eq!(State::from_saved(Some(saved)), s);
        assert_eq!(State::from_saved(Some(serde_json::json!({"current": "nowhere"}))), State::default());
    }
}
