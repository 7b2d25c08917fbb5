//! The wizard as a serializable state machine: the admin's answers, the step they are on,
//! and the transitions that are allowed. It holds no secrets and no raw pasted text: only
//! host names, which are validated again whenever saved state is loaded.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Package, UseCase};
use crate::error::Error;
use crate::install_link::{install_links, InstallLinks, OrgTarget};
use crate::language::text;
use crate::pasted_host::PastedHost;
use crate::region::{detect_region, detect_region_from_host, Confidence, Edition, Region, RegionDetection, TenantHost};
use crate::salesforce_host::{detect_org, Environment, OrgDetection};

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
    /// Install the package.
    Install,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 4] = [Step::UseCase, Step::Region, Step::Org, Step::Install];

    /// The snake-case code used in files, links and the UI.
    pub fn code(self) -> &'static str {
        match self {
            Step::UseCase => "use_case",
            Step::Region => "region",
            Step::Org => "org",
            Step::Install => "install",
        }
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
}

impl OrgAnswer {
    /// What install links need to know.
    pub fn target(&self) -> OrgTarget {
        match self {
            OrgAnswer::Detected(d) => OrgTarget { environment: d.environment, my_domain: d.my_domain.clone() },
            OrgAnswer::Chosen { environment } => OrgTarget { environment: *environment, my_domain: None },
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
enum OrgAnswerFile {
    Detected { host: String },
    Chosen { environment: Environment },
}

impl TryFrom<OrgAnswerFile> for OrgAnswer {
    type Error = Error;

    fn try_from(f: OrgAnswerFile) -> Result<Self, Error> {
        match f {
            OrgAnswerFile::Detected { host } => Ok(OrgAnswer::Detected(detect_org(&host)?)),
            OrgAnswerFile::Chosen { environment } => Ok(OrgAnswer::Chosen { environment }),
        }
    }
}

impl From<OrgAnswer> for OrgAnswerFile {
    fn from(a: OrgAnswer) -> Self {
        match a {
            OrgAnswer::Detected(d) => OrgAnswerFile::Detected { host: d.host },
            OrgAnswer::Chosen { environment } => OrgAnswerFile::Chosen { environment },
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
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard { current: Step::UseCase, use_case: None, region: None, org: None }
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

    /// The package for the chosen use case.
    pub fn package<'c>(&self, catalog: &'c Catalog) -> Option<&'c Package> {
        self.use_case.map(|u| catalog.package_for(u))
    }

    /// The install links for the answers so far, when the package can be installed by link
    /// and the region (if it matters) and org are known.
    pub fn install_links(&self, catalog: &Catalog) -> Option<InstallLinks> {
        let package = self.package(catalog)?;
        let edition = if package.needs_region() {
            package.edition(self.region.as_ref()?.edition())?
        } else {
            package.edition_for(None).ok()?
        };
        Some(install_links(catalog, edition, &self.org.as_ref()?.target()))
    }

    /// Whether a step is part of this admin's path: the region only matters for packages
    /// with regional editions, the org only for packages that can be installed.
    pub fn applies(&self, step: Step, catalog: &Catalog) -> bool {
        match step {
            Step::UseCase | Step::Install => true,
            Step::Region => self.package(catalog).is_none_or(Package::needs_region),
            Step::Org => self.package(catalog).is_none_or(Package::installable),
        }
    }

    /// Whether a step's answer is given.
    pub fn is_complete(&self, step: Step) -> bool {
        match step {
            Step::UseCase => self.use_case.is_some(),
            Step::Region => self.region.is_some(),
            Step::Org => self.org.is_some(),
            Step::Install => false,
        }
    }

    /// Whether a step can be opened: it applies and every applicable step before it is done.
    pub fn is_reachable(&self, step: Step, catalog: &Catalog) -> bool {
        self.applies(step, catalog)
            && Step::ALL.into_iter().filter(|s| *s < step && self.applies(*s, catalog)).all(|s| self.is_complete(s))
    }

    /// What the step still needs, in both languages.
    fn missing(&self, step: Step) -> crate::language::Text {
        match step {
            Step::UseCase => text("wizard.missing.use_case", &[]),
            Step::Region => text("wizard.missing.region", &[]),
            Step::Org => text("wizard.missing.org", &[]),
            Step::Install => text("wizard.missing.install", &[]),
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
                self.region = Some(RegionAnswer::Chosen { region });
            }
            Intent::DetectOrg { input } => {
                self.require_step(Step::Org)?;
                self.org = None;
                self.org = Some(OrgAnswer::Detected(detect_org(&input)?));
            }
            Intent::ChooseEnvironment { environment } => {
                self.require_step(Step::Org)?;
                self.org = Some(OrgAnswer::Chosen { environment });
            }
            Intent::Next => {
                if !self.is_complete(self.current) {
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

    /// After loading saved state (perhaps written with another catalog), moves the admin back
    /// to the first step they can really be on.
    pub fn settle(&mut self, catalog: &Catalog) {
        if !self.is_reachable(self.current, catalog) {
            self.current = Step::ALL
                .into_iter()
                .find(|s| self.applies(*s, catalog) && !self.is_complete(*s))
                .unwrap_or(Step::UseCase);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> &'static Catalog {
        Catalog::shipped()
    }

    fn walk(w: &mut Wizard, intents: Vec<Intent>) {
        for i in intents {
            w.apply(i.clone(), catalog()).unwrap_or_else(|e| panic!("{i:?}: {e}"));
        }
    }

    #[test]
    fn data_sync_walks_use_case_region_org_install() {
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
        assert_eq!(w.current(), Step::Install);
        assert_eq!(w.region().unwrap().edition(), Edition::Eu);
        assert_eq!(w.org().unwrap().target().environment, Environment::Sandbox);
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
        let mut w = Wizard::default();
        walk(
            &mut w,
            vec![
                Intent::ChooseUseCase { use_case: UseCase::DataSync },
                Intent::Next,
                Intent::ChooseRegion { region: Region::Us1 },
                Intent::Next,
                Intent::DetectOrg { input: "acme.my.salesforce.com".into() },
            ],
        );
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
