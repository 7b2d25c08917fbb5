//! The Zendesk playbook's steps and its saved answers: the account and how to sign in to it,
//! who is signed in (never a credential), the incident and its cutoff, each installation's
//! checklist mark, and the TLS certificates' mark. What was read is read again after a restart.

use std::collections::BTreeMap;

use reconnect_engine::language::Text;
use reconnect_engine::oauth::settings::DEFAULT_PORT;
use reconnect_engine::view::Navigation;
use reconnect_engine::zendesk::session::ZendeskRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::data::{data, Cutoff};
use crate::error::Error;
use crate::language::text;

/// A step, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The account and sign-in.
    Account,
    /// The installations that hold secrets.
    Apps,
    /// Rotating them.
    Rotate,
    /// OAuth and API tokens.
    Tokens,
    /// TLS certificates.
    Certificates,
    /// The report.
    Report,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 6] =
        [Step::Account, Step::Apps, Step::Rotate, Step::Tokens, Step::Certificates, Step::Report];

    /// Its id in the step list, `GoTo` and links.
    pub fn id(self) -> &'static str {
        match self {
            Step::Account => "account",
            Step::Apps => "apps",
            Step::Rotate => "rotate",
            Step::Tokens => "tokens",
            Step::Certificates => "certificates",
            Step::Report => "report",
        }
    }

    /// The step with `id`.
    pub fn with_id(id: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Its name.
    pub fn label(self) -> Text {
        text(&format!("step.{}", self.id()), &[])
    }
}

/// Where an installation stands on the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mark", rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskMark")]
pub enum Mark {
    /// New values were written.
    Rotated {
        /// When.
        at: String,
        /// Which settings.
        settings: Vec<String>,
    },
    /// Left as it is, for a reason the admin gave.
    Skipped {
        /// Why.
        reason: String,
    },
    /// Nothing to rotate (the admin says so).
    NotNeeded,
}

/// The TLS certificates' checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskTlsMark")]
pub enum TlsMark {
    /// Uploaded certificates were replaced.
    Replaced,
    /// The account never uploaded one (Zendesk's own certificates only).
    NoneUploaded,
}

/// How the admin signs in to Zendesk (nothing secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountAnswer {
    /// The subdomain, or the practice service's loopback address.
    pub base: String,
    /// The OAuth client's unique identifier the admin created.
    pub client_id: String,
    /// The loopback port of the redirect URL the client was registered with.
    pub port: u16,
}

impl Default for AccountAnswer {
    fn default() -> Self {
        AccountAnswer { base: String::new(), client_id: String::new(), port: DEFAULT_PORT }
    }
}

/// The saved answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    current: Step,
    /// How to sign in.
    #[serde(default)]
    pub account: AccountAnswer,
    /// Who is signed in.
    #[serde(default)]
    pub signed_in: Option<ZendeskRecord>,
    /// The incident answered.
    #[serde(default = "default_incident")]
    pub incident: String,
    /// The cutoff the admin set (else the incident's).
    #[serde(default)]
    pub cutoff: Option<String>,
    /// Each installation's mark, by id.
    #[serde(default)]
    pub checklist: BTreeMap<u64, Mark>,
    /// The TLS certificates' mark.
    #[serde(default)]
    pub tls: Option<TlsMark>,
}

fn default_incident() -> String {
    "zendesk-2019".into()
}

impl Default for State {
    fn default() -> Self {
        State {
            current: Step::Account,
            account: AccountAnswer::default(),
            signed_in: None,
            incident: default_incident(),
            cutoff: None,
            checklist: BTreeMap::new(),
            tls: None,
        }
    }
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

    /// The cutoff in force: the admin's, else the incident's, else tomorrow (everything).
    pub fn cutoff(&self, now_ms: i64) -> Cutoff {
        self.cutoff
            .as_deref()
            .and_then(|c| Cutoff::parse(c).ok())
            .or_else(|| data().incident(&self.incident).and_then(|i| i.cutoff))
            .unwrap_or_else(|| Cutoff::after_today(now_ms))
    }

    /// Sets the incident (its cutoff replaces the admin's).
    pub fn choose_incident(&mut self, id: &str) -> Result<(), Error> {
        data().incident(id).ok_or_else(|| Error::BadCutoff { input: id.chars().take(40).collect() })?;
        self.incident = id.to_string();
        self.cutoff = None;
        Ok(())
    }

    /// Whether a step can be opened: everything after the account needs a signed-in admin
    /// or agent.
    pub fn is_reachable(&self, step: Step) -> bool {
        step == Step::Account || self.signed_in.is_some()
    }

    /// Moves through the steps.
    pub fn navigate(&mut self, nav: Navigation) -> Result<(), Error> {
        let at = Step::ALL.iter().position(|s| *s == self.current).unwrap_or(0);
        let target = match nav {
            Navigation::Next => Step::ALL.get(at + 1).copied().unwrap_or(self.current),
            Navigation::Back => Step::ALL.get(at.saturating_sub(1)).copied().unwrap_or(Step::Account),
            Navigation::GoTo { step } => Step::with_id(&step).ok_or(reconnect_engine::Error::StepUnreachable)?,
            Navigation::StartOver => {
                *self = State { account: self.account.clone(), signed_in: self.signed_in.clone(), ..State::default() };
                return Ok(());
            }
        };
        if !self.is_reachable(target) {
            return Err(reconnect_engine::Error::StepUnreachable.into());
        }
        self.current = target;
        Ok(())
    }

    /// Opens `step`, or the account step when it cannot open yet.
    pub fn open(&mut self, step: Step) {
        self.current = if self.is_reachable(step) { step } else { Step::Account };
    }

    /// The session is gone: back to the account step.
    pub fn signed_out(&mut self) {
        self.signed_in = None;
        self.current = Step::Account;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_past_the_account_opens_before_sign_in_and_start_over_keeps_the_account() {
        let mut s = State::default();
        assert!(s.navigate(Navigation::Next).is_err());
        s.account.base = "acme".into();
        s.checklist.insert(1, Mark::NotNeeded);
        s.navigate(Navigation::StartOver).unwrap();
        assert_eq!((s.account.base.as_str(), s.checklist.len()), ("acme", 0));
    }

    #[test]
    fn the_cutoff_is_the_admins_else_the_incidents_else_everything() {
        let mut s = State::default();
        assert_eq!(s.cutoff(0).text(), "2016-11-01");
        s.cutoff = Some("2020-01-01".into());
        assert_eq!(s.cutoff(0).text(), "2020-01-01");
        s.choose_incident("new").unwrap();
        assert_eq!(s.cutoff(0).text(), "1970-01-02");
        assert!(s.choose_incident("nope").is_err());
    }
}
