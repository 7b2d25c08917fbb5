//! The wizard as a serializable state machine: the admin's answers, the step they are on,
//! and the transitions that are allowed. It holds no secrets and no raw pasted text: only
//! host names, which are validated again whenever saved state is loaded.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Package, UseCase};
use crate::error::Error;
use crate::install_link::{install_links, InstallLinks, OrgTarget};
use crate::language::text;
use crate::oauth::server::{sign_in_server, PRODUCTION_LOGIN, SANDBOX_LOGIN};
use crate::oauth::settings::SignInSettings;
use crate::pasted_host::PastedHost;
use crate::practice::PracticeStage;
use crate::region::{detect_region, detect_region_from_host, Confidence, Edition, Region, RegionDetection, TenantHost};
use crate::salesforce::instance::InstanceUrl;
use crate::salesforce::org_facts::OrgFacts;
use crate::salesforce_host::LoginKind;
use crate::salesforce_host::{detect_org, Environment, MyDomain, OrgDetection};
use crate::wizard_link::{CheckedLink, LinkFields, Trust};

/// A step of the wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// What stopped working.
    UseCase,
    /// Which Gainsight data center.
    Region,
    /// Which Salesforce org.
    Org,
    /// Sign in to the org.
    SignIn,
    /// Check and fix Gainsight's OAuth user.
    OauthUser,
    /// Install the package.
    Install,
    /// The Gainsight admin re-authorizes the connection.
    Authorize,
    /// Verify the connection and save the report.
    Verify,
    /// After reconnection: the checklist.
    Done,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 9] = [
        Step::UseCase,
        Step::Region,
        Step::Org,
        Step::SignIn,
        Step::OauthUser,
        Step::Install,
        Step::Authorize,
        Step::Verify,
        Step::Done,
    ];

    /// The kebab-case code used in links and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Step::UseCase => "use-case",
            Step::Region => "region",
            Step::Org => "org",
            Step::SignIn => "sign-in",
            Step::OauthUser => "oauth-user",
            Step::Install => "install",
            Step::Authorize => "authorize",
            Step::Verify => "verify",
            Step::Done => "done",
        }
    }
}

impl std::str::FromStr for Step {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Step::ALL.into_iter().find(|step| step.code() == s).ok_or(Error::UnknownStep { input: s })
    }
}

/// The region answer: read from a Gainsight address, or chosen by the admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RegionAnswerFile", into = "RegionAnswerFile")]
pub enum RegionAnswer {
    /// Read from an address.
    Detected {
        /// The host that was read.
        host: String,
        /// What it revealed; always `RegionDetection::Found`.
        detection: RegionDetection,
    },
    /// Chosen from the list.
    Chosen {
        /// The region.
        region: Region,
    },
}

impl RegionAnswer {
    /// The single region, when known (an SSO host may narrow it only to an edition).
    pub fn region(&self) -> Option<Region> {
        match self {
            RegionAnswer::Detected { detection, .. } => detection.region(),
            RegionAnswer::Chosen { region } => Some(*region),
        }
    }

    /// The connected-app edition.
    pub fn edition(&self) -> Edition {
        match self {
            RegionAnswer::Detected { detection: RegionDetection::Found { edition, .. }, .. } => *edition,
            RegionAnswer::Detected { .. } => unreachable!("only found detections become answers"),
            RegionAnswer::Chosen { region } => region.edition(),
        }
    }

    /// The tenant host, when an address revealed one.
    pub fn tenant(&self) -> Option<&TenantHost> {
        match self {
            RegionAnswer::Detected { detection: RegionDetection::Found { tenant, .. }, .. } => tenant.as_ref(),
            _ => None,
        }
    }

    /// How sure the answer is; the admin's own choice counts as certain.
    pub fn confidence(&self) -> Confidence {
        match self {
            RegionAnswer::Detected { detection: RegionDetection::Found { confidence, .. }, .. } => *confidence,
            _ => Confidence::Certain,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
enum RegionAnswerFile {
    Detected { host: String },
    Chosen { region: Region },
}

impl TryFrom<RegionAnswerFile> for RegionAnswer {
    type Error = Error;

    fn try_from(f: RegionAnswerFile) -> Result<Self, Error> {
        match f {
            RegionAnswerFile::Chosen { region } => Ok(RegionAnswer::Chosen { region }),
            RegionAnswerFile::Detected { host } => match detect_region(&host)? {
                detection @ RegionDetection::Found { .. } => Ok(RegionAnswer::Detected { host, detection }),
                RegionDetection::Unknown { .. } => Err(Error::NotAnAddress),
            },
        }
    }
}

impl From<RegionAnswer> for RegionAnswerFile {
    fn from(a: RegionAnswer) -> Self {
        match a {
            RegionAnswer::Detected { host, .. } => RegionAnswerFile::Detected { host },
            RegionAnswer::Chosen { region } => RegionAnswerFile::Chosen { region },
        }
    }
}

/// The org answer: read from a Salesforce address, or only its environment chosen.
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
    /// The embedded practice org, started at a stage.
    Practice(PracticeStage),
}

impl OrgAnswer {
    /// What install links need to know, from the answer alone.
    pub fn target(&self) -> OrgTarget {
        match self {
            OrgAnswer::Detected(d) => OrgTarget { environment: d.environment, my_domain: d.my_domain.clone() },
            OrgAnswer::Chosen { environment } => OrgTarget { environment: *environment, my_domain: None },
            OrgAnswer::Practice(_) => OrgTarget { environment: Environment::Production, my_domain: None },
        }
    }

    /// The environment the answer suggests, when it is a guess from an address or a choice.
    fn guessed_environment(&self) -> Option<Environment> {
        match self {
            OrgAnswer::Detected(d) => Some(d.environment),
            OrgAnswer::Chosen { environment } => Some(*environment),
            OrgAnswer::Practice(_) => None,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
enum OrgAnswerFile {
    Detected {
        host: String,
    },
    Chosen {
        environment: Environment,
    },
    // State files from before the stages were practice at the first stage.
    Practice {
        #[serde(default)]
        stage: PracticeStage,
    },
}

impl TryFrom<OrgAnswerFile> for OrgAnswer {
    type Error = Error;

    fn try_from(f: OrgAnswerFile) -> Result<Self, Error> {
        match f {
            OrgAnswerFile::Detected { host } => Ok(OrgAnswer::Detected(detect_org(&host)?)),
            OrgAnswerFile::Chosen { environment } => Ok(OrgAnswer::Chosen { environment }),
            OrgAnswerFile::Practice { stage } => Ok(OrgAnswer::Practice(stage)),
        }
    }
}

impl From<OrgAnswer> for OrgAnswerFile {
    fn from(a: OrgAnswer) -> Self {
        match a {
            OrgAnswer::Detected(d) => OrgAnswerFile::Detected { host: d.host },
            OrgAnswer::Chosen { environment } => OrgAnswerFile::Chosen { environment },
            OrgAnswer::Practice(stage) => OrgAnswerFile::Practice { stage },
        }
    }
}

/// What the user asks the wizard to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Intent {
    /// Pick what stopped working.
    ChooseUseCase {
        /// The use case.
        use_case: UseCase,
    },
    /// Read the region from a pasted Gainsight address.
    DetectRegion {
        /// The pasted text.
        input: String,
    },
    /// Pick the region from the list.
    ChooseRegion {
        /// The region.
        region: Region,
    },
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
    /// Use the embedded practice org instead of a real one.
    ChoosePracticeOrg {
        /// Where the practice org starts.
        stage: PracticeStage,
    },
    /// Change which OAuth client and redirect port the sign-in uses.
    SetSignInSettings {
        /// The settings.
        settings: SignInSettings,
    },
    /// Name Gainsight's OAuth user (its Salesforce username).
    ChooseOauthUser {
        /// The username.
        username: String,
    },
    /// Tick or untick an item of the after-reconnection checklist.
    ToggleChecklistItem {
        /// The item's id.
        id: String,
    },
    /// Go to the next step.
    Next,
    /// Go to the previous step.
    Back,
    /// Jump to a step that is reachable.
    GoTo {
        /// The step.
        step: Step,
    },
    /// Forget every answer and start again.
    StartOver,
}

/// What an intent produced beyond the new state: a finding to show on the current screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing beyond the state change.
    Applied,
    /// The pasted address did not reveal the region; the text says why and where to look.
    RegionUnknown(crate::language::Text),
}

/// The wizard's state: answers and the current step. Serializable; contains no secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    current: Step,
    use_case: Option<UseCase>,
    region: Option<RegionAnswer>,
    org: Option<OrgAnswer>,
    #[serde(default)]
    sign_in_settings: SignInSettings,
    #[serde(default)]
    signed_in: Option<SignedIn>,
    #[serde(default)]
    oauth_user: Option<String>,
    #[serde(default)]
    installed: Option<String>,
    #[serde(default)]
    reauthorization_started_ms: Option<i64>,
    #[serde(default)]
    verified_at: Option<String>,
    #[serde(default, deserialize_with = "known_checklist_items")]
    checklist: std::collections::BTreeSet<String>,
    #[serde(default)]
    prefill: Option<Prefill>,
}

/// What a wizard link filled in, and who vouched for it: kept so the screens can say where an
/// answer came from, and so the org's own facts win over the link's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefill {
    /// The verified issuer's name; `None` for a link nobody signed.
    pub issuer: Option<String>,
    /// The support ticket the link names.
    pub ticket: Option<String>,
    /// The region the link gave, until the admin answers the region step themselves.
    pub region: Option<Region>,
    /// The environment the link gave, until the admin answers the org step themselves.
    pub environment: Option<Environment>,
    /// The My Domain host the link gave, until the admin answers the org step themselves.
    pub org: Option<String>,
}

/// The org answer a link gives: its My Domain when it names one, else only its environment.
fn linked_org(my_domain: Option<&str>, environment: Option<Environment>) -> Option<OrgAnswer> {
    match (my_domain, environment) {
        (Some(host), _) => detect_org(host).ok().map(OrgAnswer::Detected),
        (None, Some(environment)) => Some(OrgAnswer::Chosen { environment }),
        (None, None) => None,
    }
}

/// Ticks saved by another version may name items this one does not have: they are dropped.
fn known_checklist_items<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeSet<String>, D::Error> {
    let ticks = std::collections::BTreeSet::<String>::deserialize(d)?;
    Ok(ticks.into_iter().filter(|id| crate::checklist::is_item(id)).collect())
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
    /// The embedded practice org, started at a stage.
    Practice(PracticeStage),
    /// A real org's login host.
    Org(InstanceUrl),
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            current: Step::UseCase,
            use_case: None,
            region: None,
            org: None,
            sign_in_settings: SignInSettings::default(),
            signed_in: None,
            oauth_user: None,
            installed: None,
            reauthorization_started_ms: None,
            verified_at: None,
            checklist: Default::default(),
            prefill: None,
        }
    }
}

impl Wizard {
    /// The step the admin is on.
    pub fn current(&self) -> Step {
        self.current
    }

    /// The use case, once chosen.
    pub fn use_case(&self) -> Option<UseCase> {
        self.use_case
    }

    /// The region answer.
    pub fn region(&self) -> Option<&RegionAnswer> {
        self.region.as_ref()
    }

    /// The org answer.
    pub fn org(&self) -> Option<&OrgAnswer> {
        self.org.as_ref()
    }

    /// The sign-in settings.
    pub fn sign_in_settings(&self) -> &SignInSettings {
        &self.sign_in_settings
    }

    /// The signed-in org, if any.
    pub fn signed_in(&self) -> Option<&SignedIn> {
        self.signed_in.as_ref()
    }

    /// Gainsight's OAuth user, once named.
    pub fn oauth_user(&self) -> Option<&str> {
        self.oauth_user.as_deref()
    }

    /// The installed package version, once seen.
    pub fn installed(&self) -> Option<&str> {
        self.installed.as_deref()
    }

    /// Records the installed package version (from the org).
    pub fn record_installed(&mut self, version: Option<String>) {
        self.installed = version;
    }

    /// When the Gainsight admin started re-authorizing (milliseconds since the epoch).
    pub fn reauthorization_started_ms(&self) -> Option<i64> {
        self.reauthorization_started_ms
    }

    /// Records that re-authorization starts now; verification looks for token use after it.
    pub fn record_reauthorization_started(&mut self, at_ms: i64) {
        self.reauthorization_started_ms = Some(at_ms);
        self.verified_at = None;
    }

    /// When verification last passed.
    pub fn verified_at(&self) -> Option<&str> {
        self.verified_at.as_deref()
    }

    /// Records a verification: passed (with its time) or not.
    pub fn record_verification(&mut self, passed_at: Option<String>) {
        self.verified_at = passed_at;
    }

    /// The ticked checklist items.
    pub fn checklist(&self) -> &std::collections::BTreeSet<String> {
        &self.checklist
    }

    /// What a wizard link filled in, if one did.
    pub fn prefill(&self) -> Option<&Prefill> {
        self.prefill.as_ref()
    }

    /// Whether opening `fields` would replace an answer already given (or end the sign-in);
    /// such a link asks before it changes anything.
    pub fn link_would_replace(&self, fields: &LinkFields) -> bool {
        fn replaces<T: PartialEq>(now: Option<T>, linked: Option<T>) -> bool {
            now.is_some() && linked.is_some() && now != linked
        }
        replaces(self.use_case, fields.use_case)
            || replaces(self.region.as_ref().map(RegionAnswer::region), fields.region.map(Some))
            || replaces(self.org.clone(), Self::org_from_link(fields))
    }

    fn org_from_link(fields: &LinkFields) -> Option<OrgAnswer> {
        linked_org(fields.org.as_ref().map(MyDomain::host).as_deref(), fields.environment)
    }

    /// Fills in a checked link's answers and opens its step (or, when that step cannot be
    /// opened yet, the first step still to answer).
    pub fn apply_link(&mut self, link: &CheckedLink, catalog: &Catalog) {
        let f = &link.fields;
        if let Some(u) = f.use_case {
            self.use_case = Some(u);
        }
        if let Some(region) = f.region {
            self.region = Some(RegionAnswer::Chosen { region });
        }
        if let Some(org) = Self::org_from_link(f) {
            self.set_org(Some(org));
        }
        self.prefill = Some(Prefill {
            issuer: match &link.trust {
                Trust::Verified { issuer, .. } => Some(issuer.clone()),
                Trust::Unverified => None,
            },
            ticket: f.ticket.as_ref().map(|t| t.as_str().to_string()),
            region: f.region,
            environment: f.environment.or(f.org.as_ref().map(MyDomain::environment)),
            org: f.org.as_ref().map(MyDomain::host),
        });
        self.current = match f.step.filter(|s| self.is_reachable(*s, catalog)) {
            Some(step) => step,
            None => self.first_open_step(catalog),
        };
    }

    /// The answers so far, as the fields of a link to hand to another admin. The org's own
    /// facts are used where the admin signed in.
    pub fn link_fields(&self, expires: i64) -> LinkFields {
        let mut fields = LinkFields::expiring_at(expires);
        fields.use_case = self.use_case;
        fields.region = self.region.as_ref().and_then(RegionAnswer::region);
        if let Some(target) = self.org.as_ref().filter(|o| !matches!(o, OrgAnswer::Practice(_))).and(self.org_target())
        {
            fields.environment = Some(target.environment);
            fields.org = target.my_domain;
        }
        fields.step = Some(self.current);
        fields
    }

    /// Records a finished sign-in.
    pub fn record_sign_in(&mut self, signed_in: SignedIn) {
        self.signed_in = Some(signed_in);
    }

    /// Forgets the sign-in (after sign-out, or when the shared session is gone).
    pub fn record_sign_out(&mut self) {
        self.signed_in = None;
    }

    /// Where to sign in, from the org answer: the My Domain when known, else the generic
    /// login for the environment, or the practice org.
    pub fn sign_in_target(&self) -> Result<SignInTarget, Error> {
        let org = self.org.as_ref().ok_or(Error::StepUnreachable)?;
        Ok(match org {
            OrgAnswer::Practice(stage) => SignInTarget::Practice(*stage),
            OrgAnswer::Detected(d) => SignInTarget::Org(sign_in_server(Some(&d.host))?),
            OrgAnswer::Chosen { environment } => SignInTarget::Org(InstanceUrl::parse(match environment.login() {
                LoginKind::Production => PRODUCTION_LOGIN,
                LoginKind::Sandbox => SANDBOX_LOGIN,
            })?),
        })
    }

    /// The org for install links: the answer, corrected by the org's own API once signed in
    /// (its environment wins over the guess from the address).
    pub fn org_target(&self) -> Option<OrgTarget> {
        let mut target = self.org.as_ref()?.target();
        if let Some(s) = &self.signed_in {
            target.environment = s.facts.environment;
            // The org signed in to wins over the My Domain an address or a link named.
            if let Some(domain) = (!s.instance.is_loopback()).then(|| s.instance.as_str().parse().ok()).flatten() {
                target.my_domain = Some(domain);
            }
        }
        Some(target)
    }

    /// Where what the org's API said disagrees with the answers, in both languages.
    pub fn disagreements(&self) -> Vec<crate::language::Text> {
        let mut out = Vec::new();
        let Some(s) = &self.signed_in else { return out };
        if let Some(guess) = self.org.as_ref().and_then(OrgAnswer::guessed_environment) {
            if guess != s.facts.environment {
                let (g, a) = (guess.name(), s.facts.environment.name());
                out.push(crate::language::Text {
                    en: text("signin.note.environment", &[("guess", &g.en), ("actual", &a.en)]).en,
                    ja: text("signin.note.environment", &[("guess", &g.ja), ("actual", &a.ja)]).ja,
                });
            }
        }
        let linked_org = self.prefill.as_ref().and_then(|p| p.org.as_deref());
        let signed_in_domain =
            (!s.instance.is_loopback()).then(|| s.instance.as_str().parse::<MyDomain>().ok()).flatten();
        if let (Some(linked), Some(actual)) = (linked_org, signed_in_domain) {
            if linked != actual.host() {
                out.push(text("signin.note.link_org", &[("link", linked), ("actual", &actual.host())]));
            }
        }
        let evidence = &s.facts.region;
        if evidence.conflicting() {
            out.push(text("signin.note.region_conflict", &[]));
        } else if let (Some(org_edition), Some(answer)) = (evidence.edition(), &self.region) {
            if org_edition != answer.edition() && self.region_from_link() {
                out.push(text(
                    "signin.note.link_region",
                    &[("org", org_edition.label()), ("link", answer.edition().label())],
                ));
            } else if org_edition != answer.edition() {
                out.push(text(
                    "signin.note.region_differs",
                    &[("org", org_edition.label()), ("answer", answer.edition().label())],
                ));
            }
        }
        out
    }

    /// Whether the region answer is the one a link gave (the admin has not answered it).
    pub fn region_from_link(&self) -> bool {
        let linked = self.prefill.as_ref().and_then(|p| p.region);
        linked.is_some() && self.region.as_ref().and_then(RegionAnswer::region) == linked
    }

    /// The connected-app edition the answers point at. The org's endpoint settings win over
    /// a region that only a link gave; an admin's own answer wins over the settings.
    fn answered_edition(&self) -> Option<Edition> {
        let facts = self.signed_in.as_ref().and_then(|s| s.facts.region.edition());
        let answer = self.region.as_ref().map(RegionAnswer::edition);
        if self.region_from_link() {
            facts.or(answer)
        } else {
            answer.or(facts)
        }
    }

    /// The package for the chosen use case.
    pub fn package<'c>(&self, catalog: &'c Catalog) -> Option<&'c Package> {
        self.use_case.map(|u| catalog.package_for(u))
    }

    /// The install links for the answers so far, when the package can be installed by link
    /// and the region (if it matters) and org are known.
    pub fn install_links(&self, catalog: &Catalog) -> Option<InstallLinks> {
        let package = self.package(catalog)?;
        let edition = if package.needs_region() {
            self.region.as_ref()?;
            package.edition(self.answered_edition()?)?
        } else {
            package.edition_for(None).ok()?
        };
        if let Some(s) = self.signed_in.as_ref().filter(|s| s.instance.is_loopback()) {
            return Some(crate::install_link::practice_links(catalog, edition, &s.instance));
        }
        Some(install_links(catalog, edition, &self.org_target()?))
    }

    /// The connected-app edition for the answers so far (region, else the org's settings).
    pub fn edition<'c>(&self, catalog: &'c Catalog) -> Result<&'c crate::catalog::PackageEdition, Error> {
        catalog.connected_app_edition(self.answered_edition())
    }

    /// Whether a step is part of this admin's path: the region only matters for packages
    /// with regional editions, the org only for packages that can be installed.
    pub fn applies(&self, step: Step, catalog: &Catalog) -> bool {
        match step {
            Step::UseCase | Step::Install => true,
            Step::Region => self.package(catalog).is_none_or(Package::needs_region),
            Step::Org | Step::SignIn => self.package(catalog).is_none_or(Package::installable),
            // The connector's user, its re-authorization and its verification belong to data sync.
            Step::OauthUser | Step::Authorize | Step::Verify | Step::Done => {
                self.package(catalog).is_none_or(|p| p.serves.contains(&UseCase::DataSync))
            }
        }
    }

    /// Whether a step's answer is given.
    pub fn is_complete(&self, step: Step) -> bool {
        match step {
            Step::UseCase => self.use_case.is_some(),
            Step::Region => self.region.is_some(),
            Step::Org => self.org.is_some(),
            Step::SignIn => self.signed_in.is_some(),
            Step::OauthUser => self.oauth_user.is_some(),
            Step::Install => self.installed.is_some(),
            Step::Authorize => self.reauthorization_started_ms.is_some(),
            Step::Verify => self.verified_at.is_some(),
            Step::Done => false,
        }
    }

    /// Whether a step may be passed unanswered: the install link works without signing in
    /// (an admin whose sign-in Salesforce blocks needs exactly that link), and the steps that
    /// need a sign-in can be done by hand in Salesforce and Gainsight.
    pub fn is_optional(step: Step) -> bool {
        !matches!(step, Step::UseCase | Step::Region | Step::Org)
    }

    /// Whether a step can be opened: it applies and every required step before it is done.
    pub fn is_reachable(&self, step: Step, catalog: &Catalog) -> bool {
        self.applies(step, catalog)
            && Step::ALL
                .into_iter()
                .filter(|s| *s < step && self.applies(*s, catalog))
                .all(|s| self.is_complete(s) || Self::is_optional(s))
    }

    /// What the step still needs, in both languages.
    fn missing(&self, step: Step) -> crate::language::Text {
        match step {
            Step::UseCase => text("wizard.missing.use_case", &[]),
            Step::Region => text("wizard.missing.region", &[]),
            Step::Org => text("wizard.missing.org", &[]),
            Step::SignIn => text("wizard.missing.sign_in", &[]),
            Step::OauthUser => text("wizard.missing.oauth_user", &[]),
            Step::Install => text("wizard.missing.install", &[]),
            Step::Authorize => text("wizard.missing.authorize", &[]),
            Step::Verify => text("wizard.missing.verify", &[]),
            Step::Done => text("wizard.missing.done", &[]),
        }
    }

    fn require_step(&self, step: Step) -> Result<(), Error> {
        if self.current == step {
            Ok(())
        } else {
            Err(Error::StepUnreachable)
        }
    }

    /// Applies an intent. On error the state is unchanged except that a failed detection
    /// clears the answer it would have replaced, so the screen never shows an answer that
    /// disagrees with what was last pasted.
    pub fn apply(&mut self, intent: Intent, catalog: &Catalog) -> Result<Outcome, Error> {
        match intent {
            Intent::ChooseUseCase { use_case } => {
                self.require_step(Step::UseCase)?;
                self.use_case = Some(use_case);
            }
            Intent::DetectRegion { input } => {
                self.require_step(Step::Region)?;
                self.region = None;
                self.forget_linked_region();
                let host = PastedHost::parse(&input)?;
                match detect_region_from_host(&host) {
                    RegionDetection::Unknown { reason } => return Ok(Outcome::RegionUnknown(reason)),
                    detection @ RegionDetection::Found { .. } => {
                        self.region = Some(RegionAnswer::Detected { host: host.to_string(), detection });
                    }
                }
            }
            Intent::ChooseRegion { region } => {
                self.require_step(Step::Region)?;
                self.forget_linked_region();
                self.region = Some(RegionAnswer::Chosen { region });
            }
            Intent::DetectOrg { input } => {
                self.require_step(Step::Org)?;
                self.set_org(None);
                self.set_org(Some(OrgAnswer::Detected(detect_org(&input)?)));
            }
            Intent::ChooseEnvironment { environment } => {
                self.require_step(Step::Org)?;
                self.set_org(Some(OrgAnswer::Chosen { environment }));
            }
            Intent::ChoosePracticeOrg { stage } => {
                self.require_step(Step::Org)?;
                self.set_org(Some(OrgAnswer::Practice(stage)));
            }
            Intent::SetSignInSettings { settings } => {
                self.require_step(Step::SignIn)?;
                if settings.client_id.trim().is_empty() || settings.port == 0 {
                    return Err(Error::InvalidSignInSettings);
                }
                self.sign_in_settings =
                    SignInSettings { client_id: settings.client_id.trim().to_string(), port: settings.port };
            }
            Intent::ChooseOauthUser { username } => {
                self.require_step(Step::OauthUser)?;
                let username = username.trim();
                if username.is_empty()
                    || username.len() > 80
                    || !username.contains('@')
                    || username.contains(char::is_whitespace)
                {
                    return Err(Error::UserNotFound { username: username.chars().take(80).collect() });
                }
                if self.oauth_user.as_deref() != Some(username) {
                    self.verified_at = None;
                }
                self.oauth_user = Some(username.to_string());
            }
            Intent::ToggleChecklistItem { id } => {
                self.require_step(Step::Done)?;
                if !crate::checklist::is_item(&id) {
                    return Err(Error::StepUnreachable);
                }
                if !self.checklist.remove(&id) {
                    self.checklist.insert(id);
                }
            }
            Intent::Next => {
                if !self.is_complete(self.current) && !Self::is_optional(self.current) {
                    return Err(Error::StepIncomplete { missing: self.missing(self.current) });
                }
                let next = Step::ALL.into_iter().find(|s| *s > self.current && self.applies(*s, catalog));
                self.current = next.ok_or(Error::StepUnreachable)?;
            }
            Intent::Back => {
                let previous = Step::ALL.into_iter().rev().find(|s| *s < self.current && self.applies(*s, catalog));
                self.current = previous.ok_or(Error::StepUnreachable)?;
            }
            Intent::GoTo { step } => {
                if !self.is_reachable(step, catalog) {
                    return Err(Error::StepUnreachable);
                }
                self.current = step;
            }
            Intent::StartOver => *self = Wizard::default(),
        }
        Ok(Outcome::Applied)
    }

    /// The admin answered the region step: it no longer comes from a link.
    fn forget_linked_region(&mut self) {
        if let Some(p) = &mut self.prefill {
            p.region = None;
        }
    }

    /// A new org answer ends the wizard's claim to a sign-in unless it is the same answer.
    fn set_org(&mut self, org: Option<OrgAnswer>) {
        if self.org != org {
            // An answer of the admin's own replaces what a link said about the org.
            let from_link = org.is_some() && org == self.prefill_org_answer();
            if let Some(p) = self.prefill.as_mut().filter(|_| !from_link) {
                p.org = None;
                p.environment = None;
            }
            // What was seen in one org says nothing about another.
            self.signed_in = None;
            self.installed = None;
            self.reauthorization_started_ms = None;
            self.verified_at = None;
        }
        self.org = org;
    }

    /// The org answer the link's fields give.
    fn prefill_org_answer(&self) -> Option<OrgAnswer> {
        let p = self.prefill.as_ref()?;
        linked_org(p.org.as_deref(), p.environment)
    }

    /// After loading saved state (perhaps written with another catalog), moves the admin back
    /// to the first step they can really be on.
    pub fn settle(&mut self, catalog: &Catalog) {
        if !self.is_reachable(self.current, catalog) {
            self.current = self.first_open_step(catalog);
        }
    }

    /// The first step of this admin's path still to answer; every step before it is done, so
    /// it can always be opened.
    fn first_open_step(&self, catalog: &Catalog) -> Step {
        Step::ALL.into_iter().find(|s| self.applies(*s, catalog) && !self.is_complete(*s)).unwrap_or(Step::UseCase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        Catalog::shipped()
    }

    /// A data-sync wizard with the region answered, on the org step.
    fn data_sync_at_org(region: Region) -> Wizard {
        let mut w = Wizard::default();
        walk(
            &mut w,
            vec![
                Intent::ChooseUseCase { use_case: UseCase::DataSync },
                Intent::Next,
                Intent::ChooseRegion { region },
                Intent::Next,
            ],
        );
        w
    }

    fn walk(w: &mut Wizard, intents: Vec<Intent>) {
        for i in intents {
            w.apply(i.clone(), catalog()).unwrap_or_else(|e| panic!("{i:?}: {e}"));
        }
    }

    fn facts(environment: Environment, region_url: &str) -> OrgFacts {
        use crate::salesforce::org_facts::{EndpointFinding, RegionEvidence};
        let RegionDetection::Found { regions, edition, .. } = detect_region(region_url).unwrap() else { panic!() };
        OrgFacts {
            org_id: "00D5g00000PRACTIAA".into(),
            name: "Acme".into(),
            instance_name: "NA224".into(),
            organization_type: "Enterprise Edition".into(),
            environment,
            username: "admin@acme.example".into(),
            region: RegionEvidence {
                findings: vec![EndpointFinding {
                    source: "RemoteProxy".into(),
                    url: region_url.into(),
                    regions,
                    edition,
                }],
            },
            status_url: "https://status.salesforce.com/instances/NA224".into(),
        }
    }

    fn linked(fields: crate::wizard_link::LinkFields) -> CheckedLink {
        CheckedLink {
            fields,
            trust: Trust::Verified { key_id: crate::wizard_link::KeyId::parse("desk").unwrap(), issuer: "Desk".into() },
        }
    }

    fn link_to_install() -> crate::wizard_link::LinkFields {
        let mut f = crate::wizard_link::LinkFields::expiring_at(2_000_000_000);
        f.use_case = Some(UseCase::DataSync);
        f.region = Some(Region::Eu);
        f.org = Some("acme.my.salesforce.com".parse().unwrap());
        f.step = Some(Step::Install);
        f
    }

    #[test]
    fn a_link_fills_in_its_answers_and_opens_its_step() {
        let mut w = Wizard::default();
        assert!(!w.link_would_replace(&link_to_install()));
        w.apply_link(&linked(link_to_install()), catalog());
        assert_eq!(w.current(), Step::Install);
        assert_eq!(w.region().unwrap().region(), Some(Region::Eu));
        assert_eq!(w.org_target().unwrap().my_domain.unwrap().host(), "acme.my.salesforce.com");
        assert_eq!(w.prefill().unwrap().issuer.as_deref(), Some("Desk"));
        assert!(!w.link_would_replace(&link_to_install()), "the same answers replace nothing");
        let mut other = link_to_install();
        other.region = Some(Region::Us1);
        assert!(w.link_would_replace(&other));
    }

    #[test]
    fn a_link_to_a_step_that_cannot_open_yet_lands_on_the_first_unanswered_step() {
        let mut f = crate::wizard_link::LinkFields::expiring_at(2_000_000_000);
        f.use_case = Some(UseCase::DataSync);
        f.step = Some(Step::Verify);
        let mut w = Wizard::default();
        w.apply_link(&linked(f), catalog());
        assert_eq!(w.current(), Step::Region);
    }

    #[test]
    fn after_sign_in_the_orgs_facts_win_over_the_link_and_the_difference_is_shown() {
        let mut w = Wizard::default();
        w.apply_link(&linked(link_to_install()), catalog());
        w.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://globex.my.salesforce.com").unwrap(),
            facts: facts(Environment::Production, "https://globex.gainsightcloud.com"),
        });
        assert_eq!(w.edition(catalog()).unwrap().edition, Edition::Us);
        assert_eq!(w.org_target().unwrap().my_domain.unwrap().host(), "globex.my.salesforce.com");
        let notes: Vec<String> = w.disagreements().into_iter().map(|t| t.en).collect();
        assert!(
            notes.iter().any(|n| n.contains("acme.my.salesforce.com") && n.contains("globex.my.salesforce.com")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.contains("The link said the EU data center")), "{notes:?}");
        // The admin's own answer is theirs again: it wins over the org's settings.
        walk(&mut w, vec![Intent::GoTo { step: Step::Region }, Intent::ChooseRegion { region: Region::Eu }]);
        assert_eq!(w.edition(catalog()).unwrap().edition, Edition::Eu);
    }

    #[test]
    fn the_answers_so_far_become_link_fields_without_the_practice_org() {
        let mut w = Wizard::default();
        w.apply_link(&linked(link_to_install()), catalog());
        let f = w.link_fields(2_000_000_000);
        assert_eq!((f.region, f.use_case, f.step), (Some(Region::Eu), Some(UseCase::DataSync), Some(Step::Install)));
        assert_eq!(f.org.unwrap().host(), "acme.my.salesforce.com");
        let mut w = data_sync_at_org(Region::Us2);
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }]);
        let f = w.link_fields(2_000_000_000);
        assert_eq!((f.org, f.environment, f.region), (None, None, Some(Region::Us2)));
    }

    #[test]
    fn data_sync_walks_use_case_region_org_sign_in_install() {
        let mut w = Wizard::default();
        walk(
            &mut w,
            vec![
                Intent::ChooseUseCase { use_case: UseCase::DataSync },
                Intent::Next,
                Intent::DetectRegion { input: "https://acme.eu.gainsightcloud.com/v1/ui/home?x=1".into() },
                Intent::Next,
                Intent::DetectOrg { input: "acme--uat.sandbox.lightning.force.com".into() },
                Intent::Next,
            ],
        );
        assert_eq!(w.current(), Step::SignIn);
        assert_eq!(
            w.sign_in_target().unwrap(),
            SignInTarget::Org(InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap())
        );
        assert!(w.is_reachable(Step::Install, catalog()), "signing in is optional");
        let instance = InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap();
        w.record_sign_in(SignedIn {
            instance,
            facts: facts(Environment::Sandbox, "https://acme.eu.gainsightcloud.com"),
        });
        assert!(w.disagreements().is_empty());
        walk(&mut w, vec![Intent::Next]);
        assert_eq!(w.current(), Step::OauthUser);
        walk(&mut w, vec![Intent::Next]);
        assert_eq!(w.current(), Step::Install);
        assert_eq!(w.region().unwrap().edition(), Edition::Eu);
        assert_eq!(w.org_target().unwrap().environment, Environment::Sandbox);
    }

    #[test]
    fn the_reconnection_steps_keep_the_user_the_times_and_the_ticks_and_a_new_org_forgets_what_was_seen() {
        let mut w = data_sync_at_org(Region::Us1);
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }, Intent::Next, Intent::Next]);
        assert_eq!(w.current(), Step::OauthUser);
        for bad in ["", "no-at-sign", "two words@x.example", &format!("{}@x.example", "a".repeat(80))] {
            assert!(w.apply(Intent::ChooseOauthUser { username: bad.into() }, catalog()).is_err(), "{bad}");
        }
        walk(&mut w, vec![Intent::ChooseOauthUser { username: " gs@acme.example ".into() }]);
        assert_eq!(w.oauth_user(), Some("gs@acme.example"));
        w.record_installed(Some("1.0.0.1".into()));
        w.record_reauthorization_started(1_000);
        w.record_verification(Some("2026-11-21T10:00:00.000+0000".into()));
        assert!([Step::OauthUser, Step::Install, Step::Authorize, Step::Verify].iter().all(|s| w.is_complete(*s)));
        walk(&mut w, vec![Intent::GoTo { step: Step::Done }]);
        walk(&mut w, vec![Intent::ToggleChecklistItem { id: "hubspot".into() }]);
        assert!(w.apply(Intent::ToggleChecklistItem { id: "unknown".into() }, catalog()).is_err());
        let mut saved = serde_json::to_value(&w).unwrap();
        saved["checklist"] = serde_json::json!(["hubspot", "from-a-newer-version"]);
        let loaded: Wizard = serde_json::from_value(saved).unwrap();
        assert_eq!(loaded.checklist().iter().collect::<Vec<_>>(), vec!["hubspot"]);
        assert!(w.apply(Intent::Next, catalog()).is_err(), "the checklist is the last step");
        walk(
            &mut w,
            vec![Intent::GoTo { step: Step::Org }, Intent::ChooseEnvironment { environment: Environment::Sandbox }],
        );
        assert!(w.installed().is_none() && w.reauthorization_started_ms().is_none() && w.verified_at().is_none());
        assert_eq!(w.oauth_user(), Some("gs@acme.example"), "the user's name is the admin's answer and stays");
    }

    #[test]
    fn the_embedded_ui_skips_the_connector_steps() {
        let mut w = Wizard::default();
        walk(&mut w, vec![Intent::ChooseUseCase { use_case: UseCase::EmbeddedUi }]);
        for s in [Step::OauthUser, Step::Authorize, Step::Verify, Step::Done] {
            assert!(!w.applies(s, catalog()), "{s:?}");
        }
    }

    #[test]
    fn the_orgs_own_answers_win_and_disagreements_are_named() {
        let mut w = data_sync_at_org(Region::Eu);
        walk(&mut w, vec![Intent::ChooseEnvironment { environment: Environment::Production }, Intent::Next]);
        assert_eq!(
            w.sign_in_target().unwrap(),
            SignInTarget::Org(InstanceUrl::parse("https://login.salesforce.com").unwrap())
        );
        let instance = InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap();
        w.record_sign_in(SignedIn { instance, facts: facts(Environment::Sandbox, "https://acme.gainsightcloud.com") });
        let notes = w.disagreements();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].en.contains("Sandbox") && notes[0].en.contains("Production"));
        assert!(notes[1].en.contains("US") && notes[1].en.contains("EU"));
        let target = w.org_target().unwrap();
        assert_eq!(target.environment, Environment::Sandbox);
        assert_eq!(target.my_domain.unwrap().host(), "acme--uat.sandbox.my.salesforce.com");
    }

    #[test]
    fn a_new_org_answer_drops_the_sign_in_and_practice_org_signs_in_locally() {
        let mut w = data_sync_at_org(Region::Us1);
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }]);
        assert_eq!(w.sign_in_target().unwrap(), SignInTarget::Practice(PracticeStage::Revoked));
        let instance = InstanceUrl::parse("http://127.0.0.1:4100").unwrap();
        w.record_sign_in(SignedIn {
            instance,
            facts: facts(Environment::Production, "https://acme.gainsightcloud.com"),
        });
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }]);
        assert!(w.signed_in().is_some(), "the same answer keeps the sign-in");
        walk(&mut w, vec![Intent::DetectOrg { input: "acme.my.salesforce.com".into() }]);
        assert!(w.signed_in().is_none());
    }

    #[test]
    fn another_practice_stage_is_another_org_and_old_state_files_practise_the_first_stage() {
        let mut w = data_sync_at_org(Region::Us1);
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }]);
        w.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("http://127.0.0.1:4100").unwrap(),
            facts: facts(Environment::Production, "https://acme.gainsightcloud.com"),
        });
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::SalesforceFixed }]);
        assert!(w.signed_in().is_none(), "the other stage's org has not signed in");
        assert_eq!(w.sign_in_target().unwrap(), SignInTarget::Practice(PracticeStage::SalesforceFixed));
        let saved = serde_json::to_string(&w).unwrap();
        assert!(saved.contains(r#"{"source":"practice","stage":"salesforce_fixed"}"#), "{saved}");
        let older = saved.replace(r#","stage":"salesforce_fixed""#, "");
        let back: Wizard = serde_json::from_str(&older).unwrap();
        assert_eq!(back.org(), Some(&OrgAnswer::Practice(PracticeStage::Revoked)));
    }

    #[test]
    fn sign_in_settings_are_checked_and_kept() {
        let mut w = data_sync_at_org(Region::Us1);
        walk(&mut w, vec![Intent::ChoosePracticeOrg { stage: PracticeStage::Revoked }, Intent::Next]);
        let bad = SignInSettings { client_id: " ".into(), port: 1717 };
        assert!(matches!(
            w.apply(Intent::SetSignInSettings { settings: bad }, catalog()),
            Err(Error::InvalidSignInSettings)
        ));
        let mine = SignInSettings { client_id: "3MVG9my.app".into(), port: 8765 };
        walk(&mut w, vec![Intent::SetSignInSettings { settings: mine.clone() }]);
        let back: Wizard = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back.sign_in_settings(), &mine);
    }

    #[test]
    fn next_is_refused_until_the_step_is_answered() {
        let mut w = Wizard::default();
        let err = w.apply(Intent::Next, catalog()).unwrap_err();
        assert!(matches!(err, Error::StepIncomplete { .. }));
        assert_eq!(w.current(), Step::UseCase);
    }

    #[test]
    fn answers_belong_to_their_own_step() {
        let mut w = Wizard::default();
        let err = w.apply(Intent::ChooseRegion { region: Region::Eu }, catalog()).unwrap_err();
        assert!(matches!(err, Error::StepUnreachable));
        assert!(w.region().is_none());
    }

    #[test]
    fn unknown_region_is_an_outcome_not_an_answer() {
        let mut w = Wizard::default();
        walk(&mut w, vec![Intent::ChooseUseCase { use_case: UseCase::DataSync }, Intent::Next]);
        let outcome = w.apply(Intent::DetectRegion { input: "cs.acme.com".into() }, catalog()).unwrap();
        assert!(matches!(outcome, Outcome::RegionUnknown(_)));
        assert!(w.region().is_none());
        w.apply(Intent::ChooseRegion { region: Region::Us2 }, catalog()).unwrap();
        assert_eq!(w.region().unwrap().region(), Some(Region::Us2));
    }

    #[test]
    fn a_bad_paste_clears_the_previous_answer_and_says_why() {
        let mut w = data_sync_at_org(Region::Us1);
        walk(&mut w, vec![Intent::DetectOrg { input: "acme.my.salesforce.com".into() }]);
        let err = w.apply(Intent::DetectOrg { input: "salesforce.com.evil.example".into() }, catalog()).unwrap_err();
        assert!(matches!(err, Error::NotSalesforce { .. }));
        assert!(w.org().is_none());
    }

    #[test]
    fn embedded_ui_skips_region_and_org_because_nothing_can_be_installed_by_link() {
        let mut w = Wizard::default();
        walk(&mut w, vec![Intent::ChooseUseCase { use_case: UseCase::EmbeddedUi }, Intent::Next]);
        assert_eq!(w.current(), Step::Install);
        assert!(!w.applies(Step::Region, catalog()));
        assert!(!w.applies(Step::Org, catalog()));
        walk(&mut w, vec![Intent::Back]);
        assert_eq!(w.current(), Step::UseCase);
    }

    #[test]
    fn go_to_reaches_only_steps_whose_predecessors_are_done() {
        let mut w = Wizard::default();
        assert!(w.apply(Intent::GoTo { step: Step::Org }, catalog()).is_err());
        walk(
            &mut w,
            vec![
                Intent::ChooseUseCase { use_case: UseCase::DataSync },
                Intent::Next,
                Intent::ChooseRegion { region: Region::Eu },
                Intent::GoTo { step: Step::Org },
                Intent::GoTo { step: Step::UseCase },
            ],
        );
        assert_eq!(w.current(), Step::UseCase);
        assert!(w.apply(Intent::GoTo { step: Step::Install }, catalog()).is_err());
    }

    #[test]
    fn state_round_trips_through_json_and_keeps_no_pasted_query_strings() {
        let mut w = Wizard::default();
        walk(
            &mut w,
            vec![
                Intent::ChooseUseCase { use_case: UseCase::DataSync },
                Intent::Next,
                Intent::DetectRegion { input: "https://acme.gainsightcloud.com/x?session=SECRET123".into() },
                Intent::Next,
                Intent::DetectOrg { input: "https://acme.my.salesforce.com/?sid=SECRET456".into() },
            ],
        );
        let json = serde_json::to_string(&w).unwrap();
        assert!(!json.contains("SECRET"), "{json}");
        let back: Wizard = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
    }

    #[test]
    fn tampered_state_is_refused_on_load() {
        let json = r#"{"current":"org","use_case":"data-sync","region":{"source":"chosen","region":"eu"},"org":{"source":"detected","host":"salesforce.com.evil.example"}}"#;
        assert!(serde_json::from_str::<Wizard>(json).is_err());
    }

    #[test]
    fn settle_moves_an_unreachable_step_back_to_the_first_open_one() {
        let json = r#"{"current":"install","use_case":"data-sync","region":null,"org":null}"#;
        let mut w: Wizard = serde_json::from_str(json).unwrap();
        w.settle(catalog());
        assert_eq!(w.current(), Step::Region);
    }
}
