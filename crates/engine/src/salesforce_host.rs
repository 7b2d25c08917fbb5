//! Which Salesforce org an address belongs to: its environment (production, sandbox,
//! Developer Edition, …) and its My Domain, from anything pasted from an address bar.
//! Hosts are matched by whole labels against Salesforce's own domains, so look-alikes such
//! as `salesforce.com.evil.example` never pass.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::confidence::Confidence;
use crate::error::Error;
use crate::language::{text, Text};
use crate::pasted_host::PastedHost;

/// The kind of org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// A production org.
    Production,
    /// A sandbox.
    Sandbox,
    /// A Developer Edition org.
    Developer,
    /// A scratch org.
    Scratch,
    /// A demo org.
    Demo,
    /// A patch org.
    Patch,
    /// A Trailhead playground.
    Trailhead,
    /// A free org.
    Free,
}

impl Environment {
    /// Every environment.
    pub const ALL: [Environment; 8] = [
        Environment::Production,
        Environment::Sandbox,
        Environment::Developer,
        Environment::Scratch,
        Environment::Demo,
        Environment::Patch,
        Environment::Trailhead,
        Environment::Free,
    ];

    /// Sandboxes and scratch orgs sign in through the sandbox login; everything else through
    /// the production login.
    pub fn login(self) -> LoginKind {
        match self {
            Environment::Sandbox | Environment::Scratch => LoginKind::Sandbox,
            _ => LoginKind::Production,
        }
    }

    /// The snake-case code used in files, links and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Sandbox => "sandbox",
            Environment::Developer => "developer",
            Environment::Scratch => "scratch",
            Environment::Demo => "demo",
            Environment::Patch => "patch",
            Environment::Trailhead => "trailhead",
            Environment::Free => "free",
        }
    }

    /// The name an admin knows, in both languages.
    pub fn name(self) -> Text {
        match self {
            Environment::Production => text("env.production", &[]),
            Environment::Sandbox => text("env.sandbox", &[]),
            Environment::Developer => text("env.developer", &[]),
            Environment::Scratch => text("env.scratch", &[]),
            Environment::Demo => text("env.demo", &[]),
            Environment::Patch => text("env.patch", &[]),
            Environment::Trailhead => text("env.trailhead", &[]),
            Environment::Free => text("env.free", &[]),
        }
    }

    /// The partition label of enhanced My Domain hosts (`sandbox`, `develop`, …).
    fn partition(self) -> Option<&'static str> {
        match self {
            Environment::Production => None,
            Environment::Sandbox => Some("sandbox"),
            Environment::Developer => Some("develop"),
            Environment::Scratch => Some("scratch"),
            Environment::Demo => Some("demo"),
            Environment::Patch => Some("patch"),
            Environment::Trailhead => Some("trailblaze"),
            Environment::Free => Some("free"),
        }
    }

    fn from_partition(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.partition() == Some(label))
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|e| e.code() == s || e.partition() == Some(s.as_str()))
            .ok_or(Error::UnknownEnvironment { input: s })
    }
}

/// Which generic login an org uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    /// `login.salesforce.com`.
    Production,
    /// `test.salesforce.com`.
    Sandbox,
}

/// The Salesforce cloud an org lives in; the generic login hosts serve only the commercial one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// `*.my.salesforce.com`.
    Commercial,
    /// `*.my.salesforce.mil`.
    Government,
    /// `*.my.sfcrmproducts.cn`.
    China,
    /// `*.my-salesforce.com`.
    Alternate,
}

impl Cloud {
    fn my_domain_suffix(self) -> &'static str {
        match self {
            Cloud::Commercial => "my.salesforce.com",
            Cloud::Government => "my.salesforce.mil",
            Cloud::China => "my.sfcrmproducts.cn",
            Cloud::Alternate => "my-salesforce.com",
        }
    }
}

/// What kind of address was pasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// The org's My Domain login host.
    MyDomain,
    /// A Lightning Experience host.
    Lightning,
    /// A Setup host.
    Setup,
    /// A Visualforce host (Gainsight's own pages inside Salesforce use one).
    Visualforce,
    /// A pre-My-Domain instance host such as `na85.salesforce.com`.
    LegacyInstance,
    /// `login.salesforce.com` or `test.salesforce.com`.
    LoginEndpoint,
}

/// An org's My Domain: its name, the sandbox name for sandboxes, its environment and cloud.
/// Only a valid combination can be built, and it always renders the current (enhanced)
/// login host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyDomain {
    name: String,
    sandbox: Option<String>,
    environment: Environment,
    cloud: Cloud,
}

impl MyDomain {
    /// The org's environment, as its host spells it.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The org's cloud.
    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    /// The login host, e.g. `acme--uat.sandbox.my.salesforce.com`.
    pub fn host(&self) -> String {
        let mut host = self.name.clone();
        if let Some(sbx) = &self.sandbox {
            host.push_str("--");
            host.push_str(sbx);
        }
        if let Some(p) = self.environment.partition() {
            host.push('.');
            host.push_str(p);
        }
        host.push('.');
        host.push_str(self.cloud.my_domain_suffix());
        host
    }
}

impl fmt::Display for MyDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.host())
    }
}

impl FromStr for MyDomain {
    type Err = Error;

    /// Parses any org address and keeps its My Domain; fails when it has none.
    fn from_str(s: &str) -> Result<Self, Error> {
        let d = detect_org(s)?;
        d.my_domain.ok_or(Error::NoMyDomain { host: d.host })
    }
}

impl Serialize for MyDomain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.host())
    }
}

impl<'de> Deserialize<'de> for MyDomain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What an address says about the org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgDetection {
    /// The host that was read.
    pub host: String,
    /// What kind of address it is.
    pub host_kind: HostKind,
    /// The org's environment.
    pub environment: Environment,
    /// The org's My Domain, when the address names one.
    pub my_domain: Option<MyDomain>,
    /// How sure the environment is; the org's own API answers for certain after sign-in.
    pub confidence: Confidence,
    /// Why, in both languages.
    pub basis: Text,
}

/// Reads an org from pasted text; anything that is not a Salesforce org address is an error
/// that says what it is instead.
pub fn detect_org(input: &str) -> Result<OrgDetection, Error> {
    let host = PastedHost::parse(input)?;
    detect_org_from_host(&host)
}

/// The Salesforce domains whose subdomains name an org, most specific first.
const ORG_DOMAINS: &[(&str, HostKind, Cloud)] = &[
    ("my.salesforce-setup.com", HostKind::Setup, Cloud::Commercial),
    ("sandbox.lightning.force.com", HostKind::Lightning, Cloud::Commercial),
    ("lightning.force.com", HostKind::Lightning, Cloud::Commercial),
    ("vf.force.com", HostKind::Visualforce, Cloud::Commercial),
    ("my.salesforce.com", HostKind::MyDomain, Cloud::Commercial),
    ("my.salesforce.mil", HostKind::MyDomain, Cloud::Government),
    ("my.sfcrmproducts.cn", HostKind::MyDomain, Cloud::China),
    ("my-salesforce.com", HostKind::MyDomain, Cloud::Alternate),
];

/// Registrable domains that belong to Salesforce; hosts under them that name no org are
/// "Salesforce, but not an org", not "not Salesforce".
const SALESFORCE_DOMAINS: &[&str] = &[
    "salesforce.com",
    "force.com",
    "salesforce-setup.com",
    "salesforce.mil",
    "sfcrmproducts.cn",
    "my-salesforce.com",
    "site.com",
];

/// Pre-My-Domain instance name prefixes: `cs` instances hosted sandboxes.
const LEGACY_PRODUCTION_PODS: &[&str] = &["na", "eu", "ap", "um"];
const LEGACY_SANDBOX_POD: &str = "cs";

pub fn detect_org_from_host(host: &PastedHost) -> Result<OrgDetection, Error> {
    let h = host.as_str();
    let detection = |host_kind, environment, my_domain, confidence, basis| OrgDetection {
        host: h.to_string(),
        host_kind,
        environment,
        my_domain,
        confidence,
        basis,
    };
    match h {
        "login.salesforce.com" => {
            return Ok(detection(
                HostKind::LoginEndpoint,
                Environment::Production,
                None,
                Confidence::Likely,
                text("org.basis.login", &[]),
            ))
        }
        "test.salesforce.com" => {
            return Ok(detection(
                HostKind::LoginEndpoint,
                Environment::Sandbox,
                None,
                Confidence::Likely,
                text("org.basis.test", &[]),
            ))
        }
        _ => {}
    }
    if let Some([pod]) = host.labels_before("salesforce.com").as_deref() {
        if let Some(env) = legacy_pod(pod) {
            return Ok(detection(
                HostKind::LegacyInstance,
                env,
                None,
                Confidence::Likely,
                text("org.basis.legacy_instance", &[("instance", pod)]),
            ));
        }
    }
    for (suffix, kind, cloud) in ORG_DOMAINS {
        let Some(labels) = host.labels_before(suffix) else { continue };
        let malformed = || Error::MalformedSalesforceHost { host: h.to_string() };
        let (org_label, partition_label) = match labels.as_slice() {
            [org] => (*org, None),
            [org, p] => (*org, Some(*p)),
            _ => return Err(malformed()),
        };
        // `sandbox.lightning.force.com` already carries its partition in the suffix.
        let partition_label = if *suffix == "sandbox.lightning.force.com" {
            if partition_label.is_some() {
                return Err(malformed());
            }
            Some("sandbox")
        } else {
            partition_label
        };
        let parts: Vec<&str> = org_label.split("--").collect();
        let (name, sandbox) = match (kind, parts.as_slice()) {
            // Visualforce hosts end the org label with the package namespace.
            (HostKind::Visualforce, [name, _ns]) => (*name, None),
            (HostKind::Visualforce, [name, sbx, _ns]) => (*name, Some(*sbx)),
            (HostKind::Visualforce, _) => return Err(malformed()),
            (_, [name]) => (*name, None),
            (_, [name, sbx]) => (*name, Some(*sbx)),
            _ => return Err(malformed()),
        };
        if !valid_my_domain_name(name) || sandbox.is_some_and(|s| !valid_sandbox_name(s)) {
            return Err(malformed());
        }
        let (environment, confidence, basis) = match partition_label {
            Some(p) => {
                if let Some(env) = Environment::from_partition(p) {
                    // Only sandboxes carry a sandbox name, and every sandbox does.
                    if (env == Environment::Sandbox) != sandbox.is_some() {
                        return Err(malformed());
                    }
                    (env, Confidence::Certain, text("org.basis.partition", &[("partition", p)]))
                } else if *kind == HostKind::MyDomain && legacy_pod(p).is_some() {
                    let env = if sandbox.is_some() {
                        Environment::Sandbox
                    } else {
                        legacy_pod(p).unwrap_or(Environment::Production)
                    };
                    (env, Confidence::Likely, text("org.basis.legacy_my_domain", &[("instance", p)]))
                } else {
                    return Err(malformed());
                }
            }
            None if sandbox.is_some() => {
                (Environment::Sandbox, Confidence::Likely, text("org.basis.legacy_sandbox", &[]))
            }
            None if name.ends_with("-dev-ed") => {
                (Environment::Developer, Confidence::Likely, text("org.basis.legacy_dev_ed", &[]))
            }
            None => (Environment::Production, Confidence::Certain, text("org.basis.no_partition", &[])),
        };
        let my_domain =
            MyDomain { name: name.to_string(), sandbox: sandbox.map(str::to_string), environment, cloud: *cloud };
        return Ok(detection(*kind, environment, Some(my_domain), confidence, basis));
    }
    if SALESFORCE_DOMAINS.iter().any(|d| h == *d || host.labels_before(d).is_some()) {
        return Err(Error::SalesforceButNotAnOrg { host: h.to_string() });
    }
    Err(Error::NotSalesforce { host: h.to_string() })
}

fn legacy_pod(label: &str) -> Option<Environment> {
    let digits_at = label.find(|c: char| c.is_ascii_digit())?;
    let (prefix, number) = label.split_at(digits_at);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.len() > 3 {
        return None;
    }
    if prefix == LEGACY_SANDBOX_POD {
        Some(Environment::Sandbox)
    } else if LEGACY_PRODUCTION_PODS.contains(&prefix) {
        Some(Environment::Production)
    } else {
        None
    }
}

/// Salesforce: letters, digits and single hyphens, starting with a letter, at most 40
/// characters (a few older names are longer, so the DNS limit is the bound here).
fn valid_my_domain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Salesforce: letters and digits, starting with a letter, at most 10 characters.
fn valid_sandbox_name(name: &str) -> bool {
    (1..=10).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Environment::*;

    /// Real-world pastes: (input, environment, My Domain host or "" when none).
    const GOOD: &[(&str, Environment, &str)] = &[
        ("acme.my.salesforce.com", Production, "acme.my.salesforce.com"),
        ("https://acme.my.salesforce.com/", Production, "acme.my.salesforce.com"),
        ("ACME.MY.SALESFORCE.COM", Production, "acme.my.salesforce.com"),
        ("https://acme.my.salesforce.com/home/home.jsp?source=lex", Production, "acme.my.salesforce.com"),
        (" acme.my.salesforce.com. ", Production, "acme.my.salesforce.com"),
        ("acme--uat.sandbox.my.salesforce.com", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        ("https://acme--full.sandbox.my.salesforce.com/", Sandbox, "acme--full.sandbox.my.salesforce.com"),
        ("acme-dev-ed.develop.my.salesforce.com", Developer, "acme-dev-ed.develop.my.salesforce.com"),
        ("ability-force-1234.scratch.my.salesforce.com", Scratch, "ability-force-1234.scratch.my.salesforce.com"),
        ("acme.demo.my.salesforce.com", Demo, "acme.demo.my.salesforce.com"),
        ("acme.patch.my.salesforce.com", Patch, "acme.patch.my.salesforce.com"),
        (
            "curious-fox-abc123.trailblaze.my.salesforce.com",
            Trailhead,
            "curious-fox-abc123.trailblaze.my.salesforce.com",
        ),
        ("acme.free.my.salesforce.com", Free, "acme.free.my.salesforce.com"),
        ("acme.lightning.force.com", Production, "acme.my.salesforce.com"),
        ("https://acme.lightning.force.com/lightning/setup/SetupOneHome/home", Production, "acme.my.salesforce.com"),
        ("acme--uat.sandbox.lightning.force.com", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        (
            "https://acme--uat.sandbox.lightning.force.com/lightning/page/home",
            Sandbox,
            "acme--uat.sandbox.my.salesforce.com",
        ),
        ("acme-dev-ed.develop.lightning.force.com", Developer, "acme-dev-ed.develop.my.salesforce.com"),
        ("acme.my.salesforce-setup.com", Production, "acme.my.salesforce.com"),
        (
            "https://acme.my.salesforce-setup.com/lightning/setup/ImportedPackage/home",
            Production,
            "acme.my.salesforce.com",
        ),
        ("acme--uat.sandbox.my.salesforce-setup.com", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        ("acme--jbcxm.vf.force.com", Production, "acme.my.salesforce.com"),
        ("https://acme--uat--jbcxm.sandbox.vf.force.com/apex/home", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        ("agency.my.salesforce.mil", Production, "agency.my.salesforce.mil"),
        ("agency--dev.sandbox.my.salesforce.mil", Sandbox, "agency--dev.sandbox.my.salesforce.mil"),
        ("acme.my-salesforce.com", Production, "acme.my-salesforce.com"),
        ("acme.my.sfcrmproducts.cn", Production, "acme.my.sfcrmproducts.cn"),
        ("acme--uat.sandbox.my.sfcrmproducts.cn", Sandbox, "acme--uat.sandbox.my.sfcrmproducts.cn"),
        ("acme--uat.my.salesforce.com", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        ("acme--uat.cs42.my.salesforce.com", Sandbox, "acme--uat.sandbox.my.salesforce.com"),
        ("acme-dev-ed.my.salesforce.com", Developer, "acme-dev-ed.develop.my.salesforce.com"),
        ("na85.salesforce.com", Production, ""),
        ("https://eu12.salesforce.com/setup", Production, ""),
        ("ap5.salesforce.com", Production, ""),
        ("cs42.salesforce.com", Sandbox, ""),
        ("login.salesforce.com", Production, ""),
        ("https://login.salesforce.com/?locale=jp", Production, ""),
        ("test.salesforce.com", Sandbox, ""),
    ];

    /// Inputs that must be rejected, with the reason they must be rejected for.
    const BAD: &[(&str, &str)] = &[
        ("salesforce.com.evil.example", "not_salesforce"),
        ("https://my.salesforce.com@evil.example/", "userinfo"),
        ("acme.my.salesforce.com.evil.example", "not_salesforce"),
        ("acmesalesforce.com", "not_salesforce"),
        ("acme.my-salesforce.co", "not_salesforce"),
        ("acme.lightning.force.com.example.net", "not_salesforce"),
        ("evil-salesforce.com", "not_salesforce"),
        ("www.salesforce.com", "not_org"),
        ("salesforce.com", "not_org"),
        ("help.salesforce.com", "not_org"),
        ("status.salesforce.com", "not_org"),
        ("trailhead.salesforce.com", "not_org"),
        ("acme.file.force.com", "not_org"),
        ("acme.gainsightcloud.com", "not_salesforce"),
        ("a.b.c.my.salesforce.com", "malformed"),
        ("acme.sandbox.my.salesforce.com", "malformed"),
        ("acme--uat.develop.my.salesforce.com", "malformed"),
        ("acme--uat--x.my.salesforce.com", "malformed"),
        ("acme.weird.my.salesforce.com", "malformed"),
        ("-acme.my.salesforce.com", "not_address"),
        ("acme--averyveryverylongname.sandbox.my.salesforce.com", "malformed"),
        ("acme.vf.force.com", "malformed"),
        ("javascript:alert(document.cookie)", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("https://13.110.0.1/", "ip"),
        ("", "empty"),
    ];

    #[test]
    fn real_world_org_addresses_give_environment_and_my_domain() {
        for (input, env, my_domain) in GOOD {
            let d = detect_org(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.environment, *env, "{input}");
            let got = d.my_domain.as_ref().map(MyDomain::host).unwrap_or_default();
            assert_eq!(got, *my_domain, "{input}");
        }
    }

    #[test]
    fn non_salesforce_and_phishing_hosts_are_rejected_for_the_right_reason() {
        for (input, why) in BAD {
            let err = detect_org(input).expect_err(input);
            let ok = match *why {
                "not_salesforce" => matches!(err, Error::NotSalesforce { .. }),
                "not_org" => matches!(err, Error::SalesforceButNotAnOrg { .. }),
                "malformed" => matches!(err, Error::MalformedSalesforceHost { .. }),
                "userinfo" => matches!(err, Error::UserInfoInAddress { .. }),
                "scheme" => matches!(err, Error::UnsupportedScheme { .. }),
                "ip" => matches!(err, Error::IpAddress),
                "empty" => matches!(err, Error::EmptyInput),
                "not_address" => matches!(err, Error::NotAnAddress),
                _ => unreachable!(),
            };
            assert!(ok, "{input}: expected {why}, got {err:?}");
        }
    }

    #[test]
    fn partitioned_hosts_are_certain_and_inferred_ones_only_likely() {
        assert_eq!(detect_org("acme--uat.sandbox.my.salesforce.com").unwrap().confidence, Confidence::Certain);
        assert_eq!(detect_org("acme.my.salesforce.com").unwrap().confidence, Confidence::Certain);
        assert_eq!(detect_org("acme--uat.my.salesforce.com").unwrap().confidence, Confidence::Likely);
        assert_eq!(detect_org("cs42.salesforce.com").unwrap().confidence, Confidence::Likely);
        assert_eq!(detect_org("login.salesforce.com").unwrap().confidence, Confidence::Likely);
    }

    #[test]
    fn host_kind_names_what_was_pasted() {
        assert_eq!(detect_org("acme.lightning.force.com").unwrap().host_kind, HostKind::Lightning);
        assert_eq!(detect_org("acme.my.salesforce-setup.com").unwrap().host_kind, HostKind::Setup);
        assert_eq!(detect_org("acme--c.vf.force.com").unwrap().host_kind, HostKind::Visualforce);
        assert_eq!(detect_org("na1.salesforce.com").unwrap().host_kind, HostKind::LegacyInstance);
        assert_eq!(detect_org("test.salesforce.com").unwrap().host_kind, HostKind::LoginEndpoint);
    }

    #[test]
    fn scratch_orgs_use_the_sandbox_login() {
        assert_eq!(Scratch.login(), LoginKind::Sandbox);
        assert_eq!(Sandbox.login(), LoginKind::Sandbox);
        assert_eq!(Developer.login(), LoginKind::Production);
        assert_eq!(Trailhead.login(), LoginKind::Production);
    }

    #[test]
    fn my_domain_serializes_as_its_host_and_revalidates_on_load() {
        let d: MyDomain = "acme--uat.sandbox.lightning.force.com".parse().unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"acme--uat.sandbox.my.salesforce.com\"");
        assert_eq!(serde_json::from_str::<MyDomain>(&json).unwrap(), d);
        assert!(serde_json::from_str::<MyDomain>("\"salesforce.com.evil.example\"").is_err());
        assert!(serde_json::from_str::<MyDomain>("\"login.salesforce.com\"").is_err());
    }

    fn my_domain_name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,2}"
    }

    fn sandbox_name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9]{0,9}"
    }

    proptest! {
        #[test]
        fn detection_never_panics_on_any_text(s in "\\PC{0,80}") {
            let _ = detect_org(&s);
        }

        #[test]
        fn detection_never_panics_on_host_like_text(s in "[a-z0-9.@:/-]{0,60}(salesforce|force|gainsightcloud)[a-z0-9.@:/-]{0,30}") {
            let _ = detect_org(&s);
        }

        #[test]
        fn every_my_domain_host_round_trips(
            name in my_domain_name(),
            sandbox in sandbox_name(),
            env in proptest::sample::select(Environment::ALL.to_vec()),
            path in "(/[a-zA-Z0-9]{0,10}){0,3}",
        ) {
            let org_label = if env == Sandbox { format!("{name}--{sandbox}") } else { name.clone() };
            let host = match env.partition() {
                Some(p) => format!("{org_label}.{p}.my.salesforce.com"),
                None => format!("{org_label}.my.salesforce.com"),
            };
            prop_assume!(!(env == Production && name.ends_with("-dev-ed")));
            let d = detect_org(&format!("https://{}{path}", host.to_uppercase())).unwrap();
            prop_assert_eq!(d.environment, env);
            prop_assert_eq!(d.my_domain.as_ref().unwrap().host(), host.clone());
            let lightning = host.replace(".my.salesforce.com", ".lightning.force.com");
            let l = detect_org(&lightning).unwrap();
            prop_assert_eq!(l.my_domain.unwrap().host(), host);
        }

        #[test]
        fn any_prefix_on_a_foreign_domain_is_rejected(prefix in "[a-z0-9.-]{0,40}", tld in "(example|evil|test)") {
            let host = format!("{prefix}.my.salesforce.com.{tld}");
            prop_assert!(detect_org(&host).is_err());
        }
    }

    #[test]
    fn environment_codes_round_trip() {
        for e in Environment::ALL {
            assert_eq!(e.code().parse::<Environment>().unwrap(), e);
        }
        assert_eq!("develop".parse::<Environment>().unwrap(), Developer);
        assert!("staging".parse::<Environment>().is_err());
    }
}
