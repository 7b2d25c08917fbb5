//! The org every playbook works on, and the sign-in to it: the admin's answer (an address,
//! an environment, or the practice org), the sign-in settings, and who is signed in. It is
//! shared: a sign-in made for one playbook serves the others. It holds no secret: tokens stay
//! in the keychain.

use serde::{Deserialize, Serialize};

use crate::confidence::Confidence;
use crate::error::Error;
use crate::language::{text, Language, Text};
use crate::link::LinkFields;
use crate::oauth::server::{sign_in_server, PRODUCTION_LOGIN, SANDBOX_LOGIN};
use crate::oauth::settings::SignInSettings;
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce::org_facts::OrgFacts;
use crate::salesforce_host::{detect_org, Environment, LoginKind, MyDomain, OrgDetection};

/// A starting point of the embedded practice org that a playbook offers.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeOrg {
    /// The practice org's scenario.
    pub scenario: &'static str,
    /// Its name, for the choice.
    pub name: Text,
    /// Who it suits and what it starts with.
    pub hint: Text,
}

/// The org answer: read from a Salesforce address, only its environment chosen, or the
/// practice org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OrgAnswerFile", into = "OrgAnswerFile")]
pub enum OrgAnswer {
    /// Read from an address.
    Detected(OrgDetection),
    /// Only the environment, chosen by the admin.
    Chosen {
        /// The environment.
        environment: Environment,
    },
    /// The embedded practice org, started with a scenario.
    Practice {
        /// The scenario.
        scenario: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
enum OrgAnswerFile {
    Detected { host: String },
    Chosen { environment: Environment },
    Practice { scenario: String },
}

impl TryFrom<OrgAnswerFile> for OrgAnswer {
    type Error = Error;

    fn try_from(f: OrgAnswerFile) -> Result<Self, Error> {
        // Saved hosts are validated again: a tampered file cannot smuggle one in.
        match f {
            OrgAnswerFile::Detected { host } => Ok(OrgAnswer::Detected(detect_org(&host)?)),
            OrgAnswerFile::Chosen { environment } => Ok(OrgAnswer::Chosen { environment }),
            OrgAnswerFile::Practice { scenario } => Ok(OrgAnswer::Practice { scenario }),
        }
    }
}

impl From<OrgAnswer> for OrgAnswerFile {
    fn from(a: OrgAnswer) -> Self {
        match a {
            OrgAnswer::Detected(d) => OrgAnswerFile::Detected { host: d.host },
            OrgAnswer::Chosen { environment } => OrgAnswerFile::Chosen { environment },
            OrgAnswer::Practice { scenario } => OrgAnswerFile::Practice { scenario },
        }
    }
}

impl OrgAnswer {
    /// What links and install pages need to know, from the answer alone.
    pub fn target(&self) -> OrgTarget {
        match self {
            OrgAnswer::Detected(d) => OrgTarget { environment: d.environment, my_domain: d.my_domain.clone() },
            OrgAnswer::Chosen { environment } => OrgTarget { environment: *environment, my_domain: None },
            OrgAnswer::Practice { .. } => OrgTarget { environment: Environment::Production, my_domain: None },
        }
    }

    /// The environment the answer suggests, when it is a guess from an address or a choice.
    fn guessed_environment(&self) -> Option<Environment> {
        match self {
            OrgAnswer::Detected(d) => Some(d.environment),
            OrgAnswer::Chosen { environment } => Some(*environment),
            OrgAnswer::Practice { .. } => None,
        }
    }

    /// The answer in a few words (its host, its environment, or "the practice org").
    pub fn label(&self, l: Language) -> String {
        match self {
            OrgAnswer::Detected(d) => d.host.clone(),
            OrgAnswer::Chosen { environment } => environment.name().get(l).to_string(),
            OrgAnswer::Practice { .. } => text("link.change.practice_org", &[]).get(l).to_string(),
        }
    }
}

/// The org as far as addresses go: its environment and My Domain.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgTarget {
    /// The org's environment.
    pub environment: Environment,
    /// The org's My Domain, when known.
    pub my_domain: Option<MyDomain>,
}

/// Who is signed in and what the org's API said (no tokens: those stay in the keychain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The org's API origin.
    pub instance: InstanceUrl,
    /// The org's facts.
    pub facts: OrgFacts,
}

/// Where the sign-in happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInTarget {
    /// The embedded practice org, started with a scenario.
    Practice(String),
    /// A real org's login host.
    Org(InstanceUrl),
}

/// What a link said about the org, kept until the admin answers the org step themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedOrg {
    /// The environment the link gave.
    pub environment: Option<Environment>,
    /// The My Domain host the link gave.
    pub org: Option<String>,
}

/// What the admin asks of the shared org and sign-in steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectionIntent {
    /// Read the org from a pasted Salesforce address.
    DetectOrg {
        /// The pasted text.
        input: String,
    },
    /// Give only the org's environment.
    ChooseEnvironment {
        /// The environment.
        environment: Environment,
    },
    /// Use the embedded practice org, started with one of the playbook's scenarios.
    ChoosePracticeOrg {
        /// The scenario.
        scenario: String,
    },
    /// Change which OAuth client and redirect port the sign-in uses.
    SetSignInSettings {
        /// The settings.
        settings: SignInSettings,
    },
}

/// The org answer, the sign-in settings and the sign-in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    #[serde(default)]
    org: Option<OrgAnswer>,
    #[serde(default)]
    sign_in_settings: SignInSettings,
    #[serde(default)]
    signed_in: Option<SignedIn>,
    #[serde(default)]
    linked: Option<LinkedOrg>,
}

/// The org step's id in every playbook's step list.
pub const ORG_STEP: &str = "org";
/// The sign-in step's id in every playbook's step list.
pub const SIGN_IN_STEP: &str = "sign_in";

impl Connection {
    /// The org answer.
    pub fn org(&self) -> Option<&OrgAnswer> {
        self.org.as_ref()
    }

    /// The OAuth client and redirect port to sign in with.
    pub fn sign_in_settings(&self) -> &SignInSettings {
        &self.sign_in_settings
    }

    /// Who is signed in.
    pub fn signed_in(&self) -> Option<&SignedIn> {
        self.signed_in.as_ref()
    }

    /// What a link said about the org, while the admin has not answered it themselves.
    pub fn linked(&self) -> Option<&LinkedOrg> {
        self.linked.as_ref()
    }

    /// Whether the org step or the sign-in step is answered.
    pub fn is_complete(&self, step: &str) -> bool {
        match step {
            ORG_STEP => self.org.is_some(),
            SIGN_IN_STEP => self.signed_in.is_some(),
            _ => false,
        }
    }

    /// Applies an intent of the org or sign-in step. Returns whether the org answer changed
    /// (what was seen in one org says nothing about another). A failed detection clears the
    /// answer it would have replaced, so the screen never shows one that disagrees with what
    /// was last pasted.
    pub fn apply(&mut self, intent: ConnectionIntent, offered: &[PracticeOrg]) -> Result<bool, Error> {
        Ok(match intent {
            ConnectionIntent::DetectOrg { input } => {
                let cleared = self.set_org(None);
                let detected = detect_org(&input);
                match detected {
                    Ok(d) => self.set_org(Some(OrgAnswer::Detected(d))) || cleared,
                    Err(e) => return Err(e),
                }
            }
            ConnectionIntent::ChooseEnvironment { environment } => {
                self.set_org(Some(OrgAnswer::Chosen { environment }))
            }
            ConnectionIntent::ChoosePracticeOrg { scenario } => {
                if !offered.iter().any(|p| p.scenario == scenario) {
                    return Err(Error::StepUnreachable);
                }
                self.set_org(Some(OrgAnswer::Practice { scenario }))
            }
            ConnectionIntent::SetSignInSettings { settings } => {
                if settings.client_id.trim().is_empty() || settings.port == 0 {
                    return Err(Error::InvalidSignInSettings);
                }
                self.sign_in_settings =
                    SignInSettings { client_id: settings.client_id.trim().to_string(), port: settings.port };
                false
            }
        })
    }

    /// A new org answer ends the claim to a sign-in unless it is the same answer; returns
    /// whether it changed.
    fn set_org(&mut self, org: Option<OrgAnswer>) -> bool {
        let changed = self.org != org;
        if changed {
            // An answer of the admin's own replaces what a link said about the org.
            let from_link = org.is_some() && org == self.linked_answer();
            if !from_link {
                self.linked = None;
            }
            self.signed_in = None;
        }
        self.org = org;
        changed
    }

    /// The org answer a link's fields give: its My Domain when it names one, else only its
    /// environment.
    fn linked_answer(&self) -> Option<OrgAnswer> {
        let l = self.linked.as_ref()?;
        answer_from(l.org.as_deref(), l.environment)
    }

    /// Where to sign in, from the org answer: the My Domain when known, else the generic
    /// login for the environment, or the practice org.
    pub fn sign_in_target(&self) -> Result<SignInTarget, Error> {
        let org = self.org.as_ref().ok_or(Error::StepUnreachable)?;
        Ok(match org {
            OrgAnswer::Practice { scenario } => SignInTarget::Practice(scenario.clone()),
            OrgAnswer::Detected(d) => SignInTarget::Org(sign_in_server(Some(&d.host))?),
            OrgAnswer::Chosen { environment } => SignInTarget::Org(InstanceUrl::parse(match environment.login() {
                LoginKind::Production => PRODUCTION_LOGIN,
                LoginKind::Sandbox => SANDBOX_LOGIN,
            })?),
        })
    }

    /// The org for links and install pages: the answer, corrected by the org's own API once
    /// signed in (its environment and My Domain win over a guess from an address or a link).
    pub fn org_target(&self) -> Option<OrgTarget> {
        let mut target = self.org.as_ref()?.target();
        if let Some(s) = &self.signed_in {
            target.environment = s.facts.environment;
            if let Some(domain) = self.signed_in_domain() {
                target.my_domain = Some(domain);
            }
        }
        Some(target)
    }

    fn signed_in_domain(&self) -> Option<MyDomain> {
        let s = self.signed_in.as_ref()?;
        (!s.instance.is_loopback()).then(|| s.instance.as_str().parse().ok()).flatten()
    }

    /// Whether the sign-in is to the practice org.
    pub fn is_practice(&self) -> bool {
        matches!(self.org, Some(OrgAnswer::Practice { .. }))
            || self.signed_in.as_ref().is_some_and(|s| s.instance.is_loopback())
    }

    /// Where what the org's API said disagrees with the answers, in both languages.
    pub fn disagreements(&self) -> Vec<Text> {
        let mut out = Vec::new();
        let Some(s) = &self.signed_in else { return out };
        if let Some(guess) = self.org.as_ref().and_then(OrgAnswer::guessed_environment) {
            if guess != s.facts.environment {
                let (g, a) = (guess.name(), s.facts.environment.name());
                out.push(Text {
                    en: text("signin.note.environment", &[("guess", &g.en), ("actual", &a.en)]).en,
                    ja: text("signin.note.environment", &[("guess", &g.ja), ("actual", &a.ja)]).ja,
                });
            }
        }
        let linked = self.linked.as_ref().and_then(|l| l.org.as_deref());
        if let (Some(linked), Some(actual)) = (linked, self.signed_in_domain()) {
            if linked != actual.host() {
                out.push(text("signin.note.link_org", &[("link", linked), ("actual", &actual.host())]));
            }
        }
        out
    }

    /// Records a finished sign-in.
    pub fn record_sign_in(&mut self, signed_in: SignedIn) {
        self.signed_in = Some(signed_in);
    }

    /// Forgets the sign-in (after sign-out, or when the shared session is gone).
    pub fn record_sign_out(&mut self) {
        self.signed_in = None;
    }

    /// Whether opening `fields` would replace the org answer already given.
    pub fn link_would_replace(&self, fields: &LinkFields) -> bool {
        let linked = linked_answer_of(fields);
        self.org.is_some() && linked.is_some() && self.org != linked
    }

    /// The org answer a link would give, described, beside the current one (`None` when the
    /// link says nothing about the org).
    pub fn link_change(&self, fields: &LinkFields, l: Language) -> Option<(String, String)> {
        let to = linked_answer_of(fields)?.label(l);
        let from = self.org.as_ref()?.label(l);
        (from != to).then_some((from, to))
    }

    /// Fills in what a checked link says about the org. Returns whether the answer changed.
    pub fn apply_link(&mut self, fields: &LinkFields) -> bool {
        if let Some(scenario) = fields.practice {
            self.linked = None;
            return self.set_org(Some(OrgAnswer::Practice { scenario: scenario.to_string() }));
        }
        let host = fields.org.as_ref().map(MyDomain::host);
        let Some(answer) = answer_from(host.as_deref(), fields.environment) else { return false };
        self.linked = Some(LinkedOrg {
            environment: fields.environment.or(fields.org.as_ref().map(MyDomain::environment)),
            org: host,
        });
        self.set_org(Some(answer))
    }

    /// A link to hand to another admin: it opens `playbook` on this org and lives the default
    /// lifetime from `now_secs`; the playbook adds its own answers.
    pub fn link_to(&self, playbook: &'static str, now_secs: i64) -> LinkFields {
        let mut fields = LinkFields::expiring_at(now_secs + crate::link::DEFAULT_LIFETIME_SECS);
        fields.playbook = Some(playbook);
        self.link_fields(&mut fields);
        fields
    }

    /// The org, as the fields of a link to hand to another admin (never the practice org).
    pub fn link_fields(&self, fields: &mut LinkFields) {
        if matches!(self.org, Some(OrgAnswer::Practice { .. })) {
            return;
        }
        if let Some(target) = self.org_target() {
            fields.environment = Some(target.environment);
            fields.org = target.my_domain;
        }
    }

    /// The answer described for the org step, in `l`.
    pub fn org_summary(&self, offered: &[PracticeOrg], l: Language) -> Option<OrgSummary> {
        Some(match self.org.as_ref()? {
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
                basis: text("org.basis.chosen", &[]).get(l).to_string(),
            },
            OrgAnswer::Practice { scenario } => OrgSummary {
                environment: Environment::Production,
                environment_name: offered
                    .iter()
                    .find(|p| p.scenario == scenario)
                    .map(|p| p.name.get(l).to_string())
                    .unwrap_or_else(|| scenario.clone()),
                my_domain: None,
                host_kind: None,
                confidence: Confidence::Certain,
                basis: text("org.basis.practice", &[]).get(l).to_string(),
            },
        })
    }
}

/// The org answer a link's fields give, the practice org included.
fn linked_answer_of(fields: &LinkFields) -> Option<OrgAnswer> {
    match fields.practice {
        Some(scenario) => Some(OrgAnswer::Practice { scenario: scenario.to_string() }),
        None => answer_from(fields.org.as_ref().map(MyDomain::host).as_deref(), fields.environment),
    }
}

fn answer_from(my_domain: Option<&str>, environment: Option<Environment>) -> Option<OrgAnswer> {
    match (my_domain, environment) {
        (Some(host), _) => detect_org(host).ok().map(OrgAnswer::Detected),
        (None, Some(environment)) => Some(OrgAnswer::Chosen { environment }),
        (None, None) => None,
    }
}

/// The org answer, described.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
pub struct OrgSummary {
    /// The environment.
    pub environment: Environment,
    /// Its name.
    pub environment_name: String,
    /// The My Domain host, when known.
    pub my_domain: Option<String>,
    /// What was pasted, when an address was.
    pub host_kind: Option<crate::salesforce_host::HostKind>,
    /// How sure.
    pub confidence: Confidence,
    /// Why.
    pub basis: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice() -> Vec<PracticeOrg> {
        vec![PracticeOrg { scenario: "production-us-revoked", name: Text::same("Revoked"), hint: Text::same("") }]
    }

    fn facts(environment: Environment) -> OrgFacts {
        OrgFacts {
            org_id: "00D5g00000PRACTEA5".into(),
            name: "Acme".into(),
            instance_name: "NA224".into(),
            organization_type: "Enterprise Edition".into(),
            environment,
            username: "admin@acme.example".into(),
            endpoints: vec![],
            status_url: String::new(),
        }
    }

    #[test]
    fn a_new_org_answer_ends_the_sign_in_and_the_same_answer_keeps_it() {
        let mut c = Connection::default();
        let production = ConnectionIntent::ChooseEnvironment { environment: Environment::Production };
        assert!(c.apply(production.clone(), &[]).unwrap());
        c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://acme.my.salesforce.com").unwrap(),
            facts: facts(Environment::Production),
        });
        assert!(!c.apply(production, &[]).unwrap());
        assert!(c.signed_in().is_some());
        // A pasted address is read afresh: even the same org's address ends the sign-in.
        assert!(c.apply(ConnectionIntent::DetectOrg { input: "acme.lightning.force.com".into() }, &[]).unwrap());
        assert!(c.signed_in().is_none());
    }

    #[test]
    fn a_failed_detection_clears_the_answer_it_would_replace() {
        let mut c = Connection::default();
        c.apply(ConnectionIntent::DetectOrg { input: "acme.my.salesforce.com".into() }, &[]).unwrap();
        assert!(c.apply(ConnectionIntent::DetectOrg { input: "example.com".into() }, &[]).is_err());
        assert!(c.org().is_none());
    }

    #[test]
    fn only_the_practice_scenarios_a_playbook_offers_can_be_chosen() {
        let mut c = Connection::default();
        let other = ConnectionIntent::ChoosePracticeOrg { scenario: "something-else".into() };
        assert!(matches!(c.apply(other, &practice()), Err(Error::StepUnreachable)));
        let offered = ConnectionIntent::ChoosePracticeOrg { scenario: "production-us-revoked".into() };
        c.apply(offered, &practice()).unwrap();
        assert_eq!(c.sign_in_target().unwrap(), SignInTarget::Practice("production-us-revoked".into()));
    }

    #[test]
    fn sign_in_settings_must_name_a_client_and_a_port() {
        let mut c = Connection::default();
        let bad = SignInSettings { client_id: "  ".into(), port: 1717 };
        assert!(matches!(
            c.apply(ConnectionIntent::SetSignInSettings { settings: bad }, &[]),
            Err(Error::InvalidSignInSettings)
        ));
        let good = SignInSettings { client_id: " MyApp ".into(), port: 1818 };
        c.apply(ConnectionIntent::SetSignInSettings { settings: good }, &[]).unwrap();
        assert_eq!(c.sign_in_settings().client_id, "MyApp");
    }

    #[test]
    fn the_orgs_own_answer_wins_over_the_guess_and_the_difference_is_said() {
        let mut c = Connection::default();
        c.apply(ConnectionIntent::ChooseEnvironment { environment: Environment::Production }, &[]).unwrap();
        c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap(),
            facts: facts(Environment::Sandbox),
        });
        let t = c.org_target().unwrap();
        assert_eq!(t.environment, Environment::Sandbox);
        assert_eq!(t.my_domain.unwrap().host(), "acme--uat.sandbox.my.salesforce.com");
        assert_eq!(c.disagreements().len(), 1);
    }

    #[test]
    fn a_saved_answer_is_checked_again_when_read() {
        let tampered = r#"{"org":{"source":"detected","host":"evil.example"}}"#;
        assert!(serde_json::from_str::<Connection>(tampered).is_err());
        let fine = r#"{"org":{"source":"practice","scenario":"already-fixed"}}"#;
        let c: Connection = serde_json::from_str(fine).unwrap();
        assert!(c.is_practice());
    }
}
