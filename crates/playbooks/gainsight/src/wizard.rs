//! The Gainsight playbook's state machine: the admin's answers, the step they are on, and
//! the transitions that are allowed. The org and the sign-in are the engine's shared steps:
//! this reads them from the [`Connection`] it is given. It holds no secrets and no raw pasted
//! text: only host names, which are validated again whenever saved state is loaded.

use reconnect_engine::connection::{Connection, ORG_STEP, SIGN_IN_STEP};
use reconnect_engine::link::{CheckedLink, LinkFields};
use reconnect_engine::pasted_host::PastedHost;
use reconnect_engine::view::Navigation;
use reconnect_engine::Error as EngineError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{Catalog, Package, UseCase};
use crate::error::Error;
use crate::install_link::{install_links, practice_links, InstallLinks};
use crate::language::{text, Text};
use crate::link_fields;
use crate::region::{detect_region, detect_region_from_host, Confidence, Edition, Region, RegionDetection, TenantHost};
use crate::region_evidence::RegionEvidence;

/// A step of the wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
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

    /// Its id in the step list and in `GoTo` (the engine's ids for the shared steps).
    pub fn id(self) -> &'static str {
        match self {
            Step::UseCase => "use_case",
            Step::Region => "region",
            Step::Org => ORG_STEP,
            Step::SignIn => SIGN_IN_STEP,
            Step::OauthUser => "oauth_user",
            Step::Install => "install",
            Step::Authorize => "authorize",
            Step::Verify => "verify",
            Step::Done => "done",
        }
    }

    /// The step with `id`.
    pub fn with_id(id: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.id() == id)
    }

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
        Step::ALL.into_iter().find(|step| step.code() == s).ok_or(EngineError::UnknownStep { input: s }.into())
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
                RegionDetection::Unknown { .. } => Err(EngineError::NotAnAddress.into()),
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

/// What the admin answers on the playbook's own steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
#[ts(rename = "Answer")]
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
}

/// What an intent produced beyond the new state: a finding to show on the current screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing beyond the state change.
    Applied,
    /// The pasted address did not reveal the region; the text says why and where to look.
    RegionUnknown(Text),
}

/// The wizard's state: answers and the current step. Serializable; contains no secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    current: Step,
    use_case: Option<UseCase>,
    region: Option<RegionAnswer>,
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
    /// The region a link gave, until the admin answers the region step themselves.
    #[serde(default)]
    linked_region: Option<Region>,
    /// Where the OAuth user's name came from, when not from the admin.
    #[serde(default)]
    oauth_user_from: Option<UserFrom>,
    /// The link handed to the Gainsight admin once the Salesforce side was done (no secret).
    #[serde(default)]
    handoff_link: Option<String>,
    /// When the Gainsight admin said the connection is re-authorized, in ms since the epoch.
    #[serde(default)]
    reauthorized_ms: Option<i64>,
}

/// Where the OAuth user's name came from, when the admin did not type or pick it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "snake_case")]
pub enum UserFrom {
    /// A link named it.
    Link,
    /// The org pointed at this one user.
    Org,
}

/// Ticks saved by another version may name items this one does not have: they are dropped.
fn known_checklist_items<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeSet<String>, D::Error> {
    let ticks = std::collections::BTreeSet::<String>::deserialize(d)?;
    Ok(ticks.into_iter().filter(|id| crate::checklist::is_item(id)).collect())
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            current: Step::UseCase,
            use_case: None,
            region: None,
            oauth_user: None,
            installed: None,
            reauthorization_started_ms: None,
            verified_at: None,
            checklist: Default::default(),
            linked_region: None,
            oauth_user_from: None,
            handoff_link: None,
            reauthorized_ms: None,
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

    /// Gainsight's OAuth user, once named.
    pub fn oauth_user(&self) -> Option<&str> {
        self.oauth_user.as_deref()
    }

    /// Where the OAuth user's name came from, when not from the admin.
    pub fn oauth_user_from(&self) -> Option<UserFrom> {
        self.oauth_user_from
    }

    /// Takes the OAuth user the org pointed at, unless one is already named.
    pub fn found_oauth_user(&mut self, username: &str) {
        if self.oauth_user.is_none() {
            self.oauth_user = Some(username.to_string());
            self.oauth_user_from = Some(UserFrom::Org);
        }
    }

    /// The link handed to the Gainsight admin, once the Salesforce side is done.
    pub fn handoff_link(&self) -> Option<&str> {
        self.handoff_link.as_deref()
    }

    /// The Salesforce side is done at `at_ms`: the re-authorization is the Gainsight admin's,
    /// token use from now on counts, and the verification waits for it.
    pub fn hand_off(&mut self, at_ms: i64, link: String) {
        self.reauthorization_started_ms = Some(at_ms);
        self.verified_at = None;
        self.handoff_link = Some(link);
        self.current = Step::Verify;
    }

    /// When the Gainsight admin said the connection is re-authorized.
    pub fn reauthorized_ms(&self) -> Option<i64> {
        self.reauthorized_ms
    }

    /// The Gainsight admin re-authorized the connection.
    pub fn record_reauthorized(&mut self, at_ms: i64) -> Result<(), Error> {
        self.require_step(Step::Authorize)?;
        if self.reauthorization_started_ms.is_none() {
            return Err(EngineError::StepIncomplete { missing: self.missing(Step::Authorize) }.into());
        }
        self.reauthorized_ms = Some(at_ms);
        Ok(())
    }

    /// The installed version last seen, once the package was seen.
    pub fn installed(&self) -> Option<&str> {
        self.installed.as_deref()
    }

    /// Records the installed version seen (or that it is gone).
    pub fn record_installed(&mut self, version: Option<String>) {
        self.installed = version;
    }

    /// When re-authorization started, in milliseconds since the epoch.
    pub fn reauthorization_started_ms(&self) -> Option<i64> {
        self.reauthorization_started_ms
    }

    /// Notes that re-authorization started.
    pub fn record_reauthorization_started(&mut self, at_ms: i64) {
        self.reauthorization_started_ms = Some(at_ms);
        self.reauthorized_ms = None;
        self.verified_at = None;
    }

    /// When verification last passed.
    pub fn verified_at(&self) -> Option<&str> {
        self.verified_at.as_deref()
    }

    /// Records a verification: its time when it passed, `None` when it failed.
    pub fn record_verification(&mut self, passed_at: Option<String>) {
        self.verified_at = passed_at;
    }

    /// The ticked checklist items.
    pub fn checklist(&self) -> &std::collections::BTreeSet<String> {
        &self.checklist
    }

    /// Whether opening `fields` would replace an answer already given.
    pub fn link_would_replace(&self, fields: &LinkFields) -> bool {
        fn replaces<T: PartialEq>(now: Option<T>, linked: Option<T>) -> bool {
            now.is_some() && linked.is_some() && now != linked
        }
        replaces(self.use_case, link_fields::use_case(fields))
            || replaces(self.region.as_ref().map(RegionAnswer::region), link_fields::region(fields).map(Some))
            || replaces(self.oauth_user.as_deref(), link_fields::user(fields))
    }

    /// Fills in a checked link's answers (the engine has filled in the org) and opens its step
    /// (or, when that step cannot be opened yet, the first step still to answer).
    pub fn apply_link(&mut self, link: &CheckedLink, catalog: &Catalog, conn: &Connection) {
        let f = &link.fields;
        if let Some(u) = link_fields::use_case(f) {
            self.use_case = Some(u);
        }
        if let Some(region) = link_fields::region(f) {
            self.region = Some(RegionAnswer::Chosen { region });
            self.linked_region = Some(region);
        }
        if let Some(host) = link_fields::tenant(f).and_then(|t| PastedHost::parse(t).ok()) {
            let detection = detect_region_from_host(&host);
            if let RegionDetection::Found { regions, .. } = &detection {
                self.linked_region = regions.first().copied().filter(|_| regions.len() == 1);
                self.region = Some(RegionAnswer::Detected { host: host.to_string(), detection });
            }
        }
        if let Some(user) = link_fields::user(f) {
            if self.oauth_user.as_deref() != Some(user) {
                self.verified_at = None;
            }
            self.oauth_user = Some(user.to_string());
            self.oauth_user_from = Some(UserFrom::Link);
        }
        let linked_step = f.step.and_then(|code| code.parse::<Step>().ok());
        self.current = match linked_step.filter(|s| self.is_reachable(*s, catalog, conn)) {
            Some(step) => step,
            None => self.first_open_step(catalog, conn),
        };
    }

    /// The answers so far and the step, as link fields.
    pub fn link_fields(&self, fields: &mut LinkFields) {
        link_fields::set_use_case(fields, self.use_case);
        link_fields::set_region(fields, self.region.as_ref().and_then(RegionAnswer::region));
        link_fields::set_tenant(fields, self.region.as_ref().and_then(RegionAnswer::tenant));
        link_fields::set_user(fields, self.oauth_user.as_deref());
        fields.step = Some(self.current.code());
    }

    /// The org changed: what was seen in one org says nothing about another. (The OAuth
    /// user's name is the admin's answer and stays.)
    pub fn org_changed(&mut self) {
        self.installed = None;
        self.reauthorization_started_ms = None;
        self.reauthorized_ms = None;
        self.verified_at = None;
        self.handoff_link = None;
    }

    /// What the org's endpoint settings say about the data center, once signed in.
    pub fn evidence(conn: &Connection) -> Option<RegionEvidence> {
        conn.signed_in().map(|s| RegionEvidence::of(&s.facts))
    }

    /// Where the org's endpoint settings disagree with the region answer, in both languages.
    pub fn disagreements(&self, conn: &Connection) -> Vec<Text> {
        let mut out = Vec::new();
        let Some(evidence) = Self::evidence(conn) else { return out };
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
        self.linked_region.is_some() && self.region.as_ref().and_then(RegionAnswer::region) == self.linked_region
    }

    /// The connected-app edition the answers point at. The org's endpoint settings win over
    /// a region that only a link gave; an admin's own answer wins over the settings.
    fn answered_edition(&self, conn: &Connection) -> Option<Edition> {
        let facts = Self::evidence(conn).and_then(|e| e.edition());
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
    pub fn install_links(&self, catalog: &Catalog, conn: &Connection) -> Option<InstallLinks> {
        let package = self.package(catalog)?;
        let edition = if package.needs_region() {
            self.region.as_ref()?;
            package.edition(self.answered_edition(conn)?)?
        } else {
            package.edition_for(None).ok()?
        };
        if let Some(s) = conn.signed_in().filter(|s| s.instance.is_loopback()) {
            return Some(practice_links(catalog, edition, &s.instance));
        }
        Some(install_links(catalog, edition, &conn.org_target()?))
    }

    /// The connected-app edition for the answers so far (region, else the org's settings).
    pub fn edition<'c>(
        &self,
        catalog: &'c Catalog,
        conn: &Connection,
    ) -> Result<&'c crate::catalog::PackageEdition, Error> {
        catalog.connected_app_edition(self.answered_edition(conn))
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
    pub fn is_complete(&self, step: Step, conn: &Connection) -> bool {
        match step {
            Step::UseCase => self.use_case.is_some(),
            Step::Region => self.region.is_some(),
            Step::Org | Step::SignIn => conn.is_complete(step.id()),
            Step::OauthUser => self.oauth_user.is_some(),
            Step::Install => self.installed.is_some(),
            // Handed off, the re-authorization is the Gainsight admin's: done once it is seen.
            Step::Authorize if self.handoff_link.is_some() => {
                self.reauthorized_ms.is_some() || self.verified_at.is_some()
            }
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
    pub fn is_reachable(&self, step: Step, catalog: &Catalog, conn: &Connection) -> bool {
        self.applies(step, catalog)
            && Step::ALL
                .into_iter()
                .filter(|s| *s < step && self.applies(*s, catalog))
                .all(|s| self.is_complete(s, conn) || Self::is_optional(s))
    }

    /// The last step of this admin's path.
    pub fn last(&self, catalog: &Catalog) -> Option<Step> {
        Step::ALL.into_iter().rev().find(|s| self.applies(*s, catalog))
    }

    /// Whether "Back" leads anywhere.
    pub fn can_go_back(&self, catalog: &Catalog) -> bool {
        Step::ALL.into_iter().any(|s| s < self.current && self.applies(s, catalog))
    }

    /// What the step still needs, in both languages.
    fn missing(&self, step: Step) -> Text {
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
            Err(EngineError::StepUnreachable.into())
        }
    }

    /// Applies an answer. On error the state is unchanged except that a failed detection
    /// clears the answer it would have replaced, so the screen never shows an answer that
    /// disagrees with what was last pasted.
    pub fn apply(&mut self, intent: Intent) -> Result<Outcome, Error> {
        match intent {
            Intent::ChooseUseCase { use_case } => {
                self.require_step(Step::UseCase)?;
                self.use_case = Some(use_case);
            }
            Intent::DetectRegion { input } => {
                self.require_step(Step::Region)?;
                self.region = None;
                self.linked_region = None;
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
                self.linked_region = None;
                self.region = Some(RegionAnswer::Chosen { region });
            }
            Intent::ChooseOauthUser { username } => {
                self.require_step(Step::OauthUser)?;
                let username = username.trim();
                if username.is_empty()
                    || username.len() > 80
                    || !username.contains('@')
                    || username.contains(char::is_whitespace)
                {
                    return Err(EngineError::UserNotFound { username: username.chars().take(80).collect() }.into());
                }
                if self.oauth_user.as_deref() != Some(username) {
                    self.verified_at = None;
                }
                self.oauth_user = Some(username.to_string());
                self.oauth_user_from = None;
            }
            Intent::ToggleChecklistItem { id } => {
                self.require_step(Step::Done)?;
                if !crate::checklist::is_item(&id) {
                    return Err(EngineError::StepUnreachable.into());
                }
                if !self.checklist.remove(&id) {
                    self.checklist.insert(id);
                }
            }
        }
        Ok(Outcome::Applied)
    }

    /// Moves through the steps.
    pub fn navigate(&mut self, nav: Navigation, catalog: &Catalog, conn: &Connection) -> Result<(), Error> {
        match nav {
            Navigation::Next => {
                if !self.is_complete(self.current, conn) && !Self::is_optional(self.current) {
                    return Err(EngineError::StepIncomplete { missing: self.missing(self.current) }.into());
                }
                let next = Step::ALL.into_iter().find(|s| *s > self.current && self.applies(*s, catalog));
                self.current = next.ok_or(EngineError::StepUnreachable)?;
            }
            Navigation::Back => {
                let previous = Step::ALL.into_iter().rev().find(|s| *s < self.current && self.applies(*s, catalog));
                self.current = previous.ok_or(EngineError::StepUnreachable)?;
            }
            Navigation::GoTo { step } => {
                let step = Step::with_id(&step).ok_or(EngineError::UnknownStep { input: step })?;
                if !self.is_reachable(step, catalog, conn) {
                    return Err(EngineError::StepUnreachable.into());
                }
                self.current = step;
            }
            Navigation::StartOver => *self = Wizard::default(),
        }
        Ok(())
    }

    /// After loading saved state (perhaps written with another catalog), moves the admin back
    /// to the first step they can really be on.
    pub fn settle(&mut self, catalog: &Catalog, conn: &Connection) {
        if !self.is_reachable(self.current, catalog, conn) {
            self.current = self.first_open_step(catalog, conn);
        }
    }

    /// The first step of this admin's path still to answer; every step before it is done, so
    /// it can always be opened.
    fn first_open_step(&self, catalog: &Catalog, conn: &Connection) -> Step {
        Step::ALL
            .into_iter()
            .find(|s| self.applies(*s, catalog) && !self.is_complete(*s, conn))
            .unwrap_or(Step::UseCase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconnect_engine::connection::{ConnectionIntent, SignInTarget, SignedIn};
    use reconnect_engine::link::{KeyId, Trust};
    use reconnect_engine::oauth::settings::SignInSettings;
    use reconnect_engine::salesforce::instance::InstanceUrl;
    use reconnect_engine::salesforce::org_facts::{Endpoint, OrgFacts};
    use reconnect_engine::salesforce_host::Environment;

    use crate::practice::{practice_orgs, REVOKED, SALESFORCE_FIXED};

    fn catalog() -> &'static Catalog {
        Catalog::shipped()
    }

    /// One thing the admin does: an answer, a move, or an answer of the shared org steps
    /// (applied as the engine applies them: the connection changes and the playbook hears of
    /// a new org).
    #[derive(Debug, Clone)]
    enum Do {
        A(Intent),
        N(Navigation),
        C(ConnectionIntent),
    }

    #[derive(Default)]
    struct Admin {
        w: Wizard,
        c: Connection,
    }

    impl Admin {
        fn try_do(&mut self, d: Do) -> Result<(), Error> {
            match d {
                Do::A(i) => self.w.apply(i).map(|_| ()),
                Do::N(n) => self.w.navigate(n, catalog(), &self.c),
                Do::C(i) => {
                    if self.c.apply(i, &practice_orgs())? {
                        self.w.org_changed();
                    }
                    Ok(())
                }
            }
        }

        fn walk(&mut self, steps: Vec<Do>) {
            for d in steps {
                self.try_do(d.clone()).unwrap_or_else(|e| panic!("{d:?}: {e}"));
            }
        }
    }

    fn next() -> Do {
        Do::N(Navigation::Next)
    }

    fn go(step: Step) -> Do {
        Do::N(Navigation::GoTo { step: step.id().into() })
    }

    /// A data-sync admin with the region answered, on the org step.
    fn data_sync_at_org(region: Region) -> Admin {
        let mut a = Admin::default();
        a.walk(vec![
            Do::A(Intent::ChooseUseCase { use_case: UseCase::DataSync }),
            next(),
            Do::A(Intent::ChooseRegion { region }),
            next(),
        ]);
        a
    }

    fn facts(environment: Environment, region_url: &str) -> OrgFacts {
        OrgFacts {
            org_id: "00D5g00000PRACTIAA".into(),
            name: "Acme".into(),
            instance_name: "NA224".into(),
            organization_type: "Enterprise Edition".into(),
            environment,
            username: "admin@acme.example".into(),
            endpoints: vec![Endpoint { source: "RemoteProxy".into(), url: region_url.into() }],
            status_url: "https://status.salesforce.com/instances/NA224".into(),
        }
    }

    fn linked(fields: LinkFields) -> CheckedLink {
        CheckedLink { fields, trust: Trust::Verified { key_id: KeyId::parse("desk").unwrap(), issuer: "Desk".into() } }
    }

    fn link_to_install() -> LinkFields {
        let mut f = LinkFields::expiring_at(2_000_000_000);
        link_fields::set_use_case(&mut f, Some(UseCase::DataSync));
        link_fields::set_region(&mut f, Some(Region::Eu));
        f.org = Some("acme.my.salesforce.com".parse().unwrap());
        f.step = Some(Step::Install.code());
        f
    }

    /// A link opened as the engine opens it: the org first, then the playbook's answers.
    fn open_link(a: &mut Admin, link: &CheckedLink) {
        if a.c.apply_link(&link.fields) {
            a.w.org_changed();
        }
        a.w.apply_link(link, catalog(), &a.c);
    }

    #[test]
    fn a_link_fills_in_its_answers_and_opens_its_step() {
        let mut a = Admin::default();
        assert!(!a.w.link_would_replace(&link_to_install()));
        open_link(&mut a, &linked(link_to_install()));
        assert_eq!(a.w.current(), Step::Install);
        assert_eq!(a.w.region().unwrap().region(), Some(Region::Eu));
        assert_eq!(a.c.org_target().unwrap().my_domain.unwrap().host(), "acme.my.salesforce.com");
        assert!(!a.w.link_would_replace(&link_to_install()), "the same answers replace nothing");
        let mut other = link_to_install();
        link_fields::set_region(&mut other, Some(Region::Us1));
        assert!(a.w.link_would_replace(&other));
    }

    #[test]
    fn a_link_to_a_step_that_cannot_open_yet_lands_on_the_first_unanswered_step() {
        let mut f = LinkFields::expiring_at(2_000_000_000);
        link_fields::set_use_case(&mut f, Some(UseCase::DataSync));
        f.step = Some(Step::Verify.code());
        let mut a = Admin::default();
        open_link(&mut a, &linked(f));
        assert_eq!(a.w.current(), Step::Region);
    }

    #[test]
    fn after_sign_in_the_orgs_facts_win_over_the_link_and_the_difference_is_shown() {
        let mut a = Admin::default();
        open_link(&mut a, &linked(link_to_install()));
        a.c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://globex.my.salesforce.com").unwrap(),
            facts: facts(Environment::Production, "https://globex.gainsightcloud.com"),
        });
        assert_eq!(a.w.edition(catalog(), &a.c).unwrap().edition, Edition::Us);
        assert_eq!(a.c.org_target().unwrap().my_domain.unwrap().host(), "globex.my.salesforce.com");
        let mut notes: Vec<String> = a.c.disagreements().into_iter().map(|t| t.en).collect();
        notes.extend(a.w.disagreements(&a.c).into_iter().map(|t| t.en));
        assert!(
            notes.iter().any(|n| n.contains("acme.my.salesforce.com") && n.contains("globex.my.salesforce.com")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.contains("The link said the EU data center")), "{notes:?}");
        // The admin's own answer is theirs again: it wins over the org's settings.
        a.walk(vec![go(Step::Region), Do::A(Intent::ChooseRegion { region: Region::Eu })]);
        assert_eq!(a.w.edition(catalog(), &a.c).unwrap().edition, Edition::Eu);
    }

    #[test]
    fn the_answers_so_far_become_link_fields_without_the_practice_org() {
        let mut a = Admin::default();
        open_link(&mut a, &linked(link_to_install()));
        let mut f = LinkFields::expiring_at(2_000_000_000);
        a.c.link_fields(&mut f);
        a.w.link_fields(&mut f);
        assert_eq!(link_fields::region(&f), Some(Region::Eu));
        assert_eq!(link_fields::use_case(&f), Some(UseCase::DataSync));
        assert_eq!(f.step, Some("install"));
        assert_eq!(f.org.unwrap().host(), "acme.my.salesforce.com");
        let mut a = data_sync_at_org(Region::Us2);
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() })]);
        let mut f = LinkFields::expiring_at(2_000_000_000);
        a.c.link_fields(&mut f);
        a.w.link_fields(&mut f);
        assert_eq!((&f.org, f.environment, link_fields::region(&f)), (&None, None, Some(Region::Us2)));
    }

    #[test]
    fn data_sync_walks_use_case_region_org_sign_in_install() {
        let mut a = Admin::default();
        a.walk(vec![
            Do::A(Intent::ChooseUseCase { use_case: UseCase::DataSync }),
            next(),
            Do::A(Intent::DetectRegion { input: "https://acme.eu.gainsightcloud.com/v1/ui/home?x=1".into() }),
            next(),
            Do::C(ConnectionIntent::DetectOrg { input: "acme--uat.sandbox.lightning.force.com".into() }),
            next(),
        ]);
        assert_eq!(a.w.current(), Step::SignIn);
        assert_eq!(
            a.c.sign_in_target().unwrap(),
            SignInTarget::Org(InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap())
        );
        assert!(a.w.is_reachable(Step::Install, catalog(), &a.c), "signing in is optional");
        a.c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap(),
            facts: facts(Environment::Sandbox, "https://acme.eu.gainsightcloud.com"),
        });
        assert!(a.c.disagreements().is_empty() && a.w.disagreements(&a.c).is_empty());
        a.walk(vec![next()]);
        assert_eq!(a.w.current(), Step::OauthUser);
        a.walk(vec![next()]);
        assert_eq!(a.w.current(), Step::Install);
        assert_eq!(a.w.region().unwrap().edition(), Edition::Eu);
        assert_eq!(a.c.org_target().unwrap().environment, Environment::Sandbox);
    }

    #[test]
    fn the_reconnection_steps_keep_the_user_the_times_and_the_ticks_and_a_new_org_forgets_what_was_seen() {
        let mut a = data_sync_at_org(Region::Us1);
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() }), next(), next()]);
        assert_eq!(a.w.current(), Step::OauthUser);
        for bad in ["", "no-at-sign", "two words@x.example", &format!("{}@x.example", "a".repeat(80))] {
            assert!(a.w.apply(Intent::ChooseOauthUser { username: bad.into() }).is_err(), "{bad}");
        }
        a.walk(vec![Do::A(Intent::ChooseOauthUser { username: " gs@acme.example ".into() })]);
        assert_eq!(a.w.oauth_user(), Some("gs@acme.example"));
        a.w.record_installed(Some("1.0.0.1".into()));
        a.w.record_reauthorization_started(1_000);
        a.w.record_verification(Some("2026-11-21T10:00:00.000+0000".into()));
        assert!([Step::OauthUser, Step::Install, Step::Authorize, Step::Verify]
            .iter()
            .all(|s| a.w.is_complete(*s, &a.c)));
        a.walk(vec![go(Step::Done), Do::A(Intent::ToggleChecklistItem { id: "hubspot".into() })]);
        assert!(a.w.apply(Intent::ToggleChecklistItem { id: "unknown".into() }).is_err());
        let mut saved = serde_json::to_value(&a.w).unwrap();
        saved["checklist"] = serde_json::json!(["hubspot", "from-a-newer-version"]);
        let loaded: Wizard = serde_json::from_value(saved).unwrap();
        assert_eq!(loaded.checklist().iter().collect::<Vec<_>>(), vec!["hubspot"]);
        assert!(a.try_do(next()).is_err(), "the checklist is the last step");
        a.walk(vec![go(Step::Org), Do::C(ConnectionIntent::ChooseEnvironment { environment: Environment::Sandbox })]);
        assert!(a.w.installed().is_none() && a.w.reauthorization_started_ms().is_none() && a.w.verified_at().is_none());
        assert_eq!(a.w.oauth_user(), Some("gs@acme.example"), "the user's name is the admin's answer and stays");
    }

    #[test]
    fn a_hand_off_opens_the_wait_and_a_hand_off_link_opens_the_reauthorization_with_the_user_filled_in() {
        let mut a = data_sync_at_org(Region::Us1);
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() }), next(), next()]);
        a.w.found_oauth_user("gainsight.integration@acme.example");
        assert_eq!(a.w.oauth_user_from(), Some(UserFrom::Org));
        a.w.hand_off(5_000, "reconnect://wizard?v=1".into());
        assert_eq!((a.w.current(), a.w.reauthorization_started_ms()), (Step::Verify, Some(5_000)));
        assert!(!a.w.is_complete(Step::Authorize, &a.c), "the Gainsight admin has not re-authorized yet");
        a.w.record_verification(Some("2026-12-01T10:00:00.000+0000".into()));
        assert!(a.w.is_complete(Step::Authorize, &a.c), "the token's use shows the re-authorization");

        let mut f = LinkFields::expiring_at(2_000_000_000);
        f.set_practice(&link_fields::VOCABULARY, crate::practice::SALESFORCE_FIXED).unwrap();
        a.w.link_fields(&mut f);
        f.set_step(&link_fields::VOCABULARY, Step::Authorize.code()).unwrap();
        let mut gainsight_admin = Admin::default();
        open_link(&mut gainsight_admin, &linked(f));
        let w = &gainsight_admin.w;
        assert_eq!(
            (w.current(), w.oauth_user(), w.oauth_user_from()),
            (Step::Authorize, Some("gainsight.integration@acme.example"), Some(UserFrom::Link))
        );
        assert!(gainsight_admin.c.is_practice());
        let mut w = gainsight_admin.w.clone();
        assert!(w.record_reauthorized(6_000).is_err(), "re-authorized before it started");
        w.record_reauthorization_started(6_000);
        w.record_reauthorized(7_000).unwrap();
        assert_eq!(w.reauthorized_ms(), Some(7_000));
    }

    #[test]
    fn the_embedded_ui_skips_the_connector_steps() {
        let mut a = Admin::default();
        a.walk(vec![Do::A(Intent::ChooseUseCase { use_case: UseCase::EmbeddedUi })]);
        for s in [Step::OauthUser, Step::Authorize, Step::Verify, Step::Done] {
            assert!(!a.w.applies(s, catalog()), "{s:?}");
        }
    }

    #[test]
    fn the_orgs_own_answers_win_and_disagreements_are_named() {
        let mut a = data_sync_at_org(Region::Eu);
        a.walk(vec![Do::C(ConnectionIntent::ChooseEnvironment { environment: Environment::Production }), next()]);
        assert_eq!(
            a.c.sign_in_target().unwrap(),
            SignInTarget::Org(InstanceUrl::parse("https://login.salesforce.com").unwrap())
        );
        a.c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("https://acme--uat.sandbox.my.salesforce.com").unwrap(),
            facts: facts(Environment::Sandbox, "https://acme.gainsightcloud.com"),
        });
        let mut notes = a.c.disagreements();
        notes.extend(a.w.disagreements(&a.c));
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].en.contains("Sandbox") && notes[0].en.contains("Production"));
        assert!(notes[1].en.contains("US") && notes[1].en.contains("EU"));
        let target = a.c.org_target().unwrap();
        assert_eq!(target.environment, Environment::Sandbox);
        assert_eq!(target.my_domain.unwrap().host(), "acme--uat.sandbox.my.salesforce.com");
    }

    #[test]
    fn another_practice_stage_is_another_org() {
        let mut a = data_sync_at_org(Region::Us1);
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() })]);
        a.c.record_sign_in(SignedIn {
            instance: InstanceUrl::parse("http://127.0.0.1:4100").unwrap(),
            facts: facts(Environment::Production, "https://acme.gainsightcloud.com"),
        });
        a.w.record_installed(Some("1.0".into()));
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() })]);
        assert!(a.c.signed_in().is_some() && a.w.installed().is_some(), "the same answer keeps what was seen");
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: SALESFORCE_FIXED.into() })]);
        assert!(a.c.signed_in().is_none(), "the other stage's org has not signed in");
        assert!(a.w.installed().is_none());
        assert_eq!(a.c.sign_in_target().unwrap(), SignInTarget::Practice(SALESFORCE_FIXED.into()));
    }

    #[test]
    fn sign_in_settings_are_checked_and_kept() {
        let mut a = data_sync_at_org(Region::Us1);
        a.walk(vec![Do::C(ConnectionIntent::ChoosePracticeOrg { scenario: REVOKED.into() }), next()]);
        let bad = SignInSettings { client_id: " ".into(), port: 1717 };
        let refused = a.try_do(Do::C(ConnectionIntent::SetSignInSettings { settings: bad })).unwrap_err();
        assert!(matches!(refused, Error::Engine(EngineError::InvalidSignInSettings)));
        let mine = SignInSettings { client_id: "3MVG9my.app".into(), port: 8765 };
        a.walk(vec![Do::C(ConnectionIntent::SetSignInSettings { settings: mine.clone() })]);
        let back: Connection = serde_json::from_str(&serde_json::to_string(&a.c).unwrap()).unwrap();
        assert_eq!(back.sign_in_settings(), &mine);
    }

    #[test]
    fn next_is_refused_until_the_step_is_answered() {
        let mut a = Admin::default();
        let err = a.try_do(next()).unwrap_err();
        assert!(matches!(err, Error::Engine(EngineError::StepIncomplete { .. })));
        assert_eq!(a.w.current(), Step::UseCase);
    }

    #[test]
    fn answers_belong_to_their_own_step() {
        let mut a = Admin::default();
        let err = a.w.apply(Intent::ChooseRegion { region: Region::Eu }).unwrap_err();
        assert!(matches!(err, Error::Engine(EngineError::StepUnreachable)));
        assert!(a.w.region().is_none());
    }

    #[test]
    fn unknown_region_is_an_outcome_not_an_answer() {
        let mut a = Admin::default();
        a.walk(vec![Do::A(Intent::ChooseUseCase { use_case: UseCase::DataSync }), next()]);
        let outcome = a.w.apply(Intent::DetectRegion { input: "cs.acme.com".into() }).unwrap();
        assert!(matches!(outcome, Outcome::RegionUnknown(_)));
        assert!(a.w.region().is_none());
        a.w.apply(Intent::ChooseRegion { region: Region::Us2 }).unwrap();
        assert_eq!(a.w.region().unwrap().region(), Some(Region::Us2));
    }

    #[test]
    fn embedded_ui_skips_region_and_org_because_nothing_can_be_installed_by_link() {
        let mut a = Admin::default();
        a.walk(vec![Do::A(Intent::ChooseUseCase { use_case: UseCase::EmbeddedUi }), next()]);
        assert_eq!(a.w.current(), Step::Install);
        assert!(!a.w.applies(Step::Region, catalog()));
        assert!(!a.w.applies(Step::Org, catalog()));
        a.walk(vec![Do::N(Navigation::Back)]);
        assert_eq!(a.w.current(), Step::UseCase);
    }

    #[test]
    fn go_to_reaches_only_steps_whose_predecessors_are_done() {
        let mut a = Admin::default();
        assert!(a.try_do(go(Step::Org)).is_err());
        a.walk(vec![
            Do::A(Intent::ChooseUseCase { use_case: UseCase::DataSync }),
            next(),
            Do::A(Intent::ChooseRegion { region: Region::Eu }),
            go(Step::Org),
            go(Step::UseCase),
        ]);
        assert_eq!(a.w.current(), Step::UseCase);
        assert!(a.try_do(go(Step::Install)).is_err());
        let unknown = a.try_do(Do::N(Navigation::GoTo { step: "nowhere".into() })).unwrap_err();
        assert!(matches!(unknown, Error::Engine(EngineError::UnknownStep { .. })));
    }

    #[test]
    fn state_round_trips_through_json_and_keeps_no_pasted_query_strings() {
        let mut a = Admin::default();
        a.walk(vec![
            Do::A(Intent::ChooseUseCase { use_case: UseCase::DataSync }),
            next(),
            Do::A(Intent::DetectRegion { input: "https://acme.gainsightcloud.com/x?session=SECRET123".into() }),
            next(),
            Do::C(ConnectionIntent::DetectOrg { input: "https://acme.my.salesforce.com/?sid=SECRET456".into() }),
        ]);
        let json = serde_json::to_string(&(&a.w, &a.c)).unwrap();
        assert!(!json.contains("SECRET"), "{json}");
        let back: Wizard = serde_json::from_str(&serde_json::to_string(&a.w).unwrap()).unwrap();
        assert_eq!(back, a.w);
    }

    #[test]
    fn tampered_state_is_refused_on_load() {
        let json = r#"{"current":"region","use_case":"data-sync","region":{"source":"detected","host":"gainsightcloud.com.evil.example"}}"#;
        assert!(serde_json::from_str::<Wizard>(json).is_err());
    }

    #[test]
    fn settle_moves_an_unreachable_step_back_to_the_first_open_one() {
        let json = r#"{"current":"install","use_case":"data-sync","region":null}"#;
        let mut w: Wizard = serde_json::from_str(json).unwrap();
        w.settle(catalog(), &Connection::default());
        assert_eq!(w.current(), Step::Region);
    }
}
