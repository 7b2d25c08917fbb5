//! Install links for a package in an org: the generic one from Gainsight's advisory and, when
//! the org's My Domain is known, the same installer on the org's own host.

use reconnect_engine::connection::OrgTarget;
use serde::Serialize;

use crate::catalog::{Catalog, PackageEdition};
use crate::language::{text, Text};
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::salesforce_host::{Cloud, LoginKind};

/// Which of the two links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export_to = "gainsight/")]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `login.salesforce.com` or `test.salesforce.com`.
    Generic,
    /// The org's My Domain host.
    MyDomain,
}

/// One install link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstallLink {
    /// Which link this is.
    pub kind: LinkKind,
    /// The full `https://` URL.
    pub url: String,
    /// The host it opens.
    pub host: String,
}

/// The links for one package edition in one org, with the one to use and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstallLinks {
    /// The package's name in Salesforce.
    pub package_name: String,
    /// The connected app the package brings, when it brings one.
    pub connected_app: String,
    /// The package version id in the links.
    pub package_version_id: String,
    /// The generic link; absent for clouds the generic login hosts do not serve.
    pub generic: Option<InstallLink>,
    /// The link on the org's My Domain.
    pub my_domain: Option<InstallLink>,
    /// Which link to use.
    pub recommended: LinkKind,
    /// Why that one, in both languages.
    pub why: Text,
    /// What else to know, in both languages.
    pub notes: Vec<Text>,
}

impl InstallLinks {
    /// The link of a kind, when there is one.
    pub fn get(&self, kind: LinkKind) -> Option<&InstallLink> {
        match kind {
            LinkKind::Generic => self.generic.as_ref(),
            LinkKind::MyDomain => self.my_domain.as_ref(),
        }
    }

    /// The recommended link.
    pub fn recommended_link(&self) -> &InstallLink {
        self.get(self.recommended).expect("the recommended link always exists")
    }
}

/// Builds the install links for `edition` in `org`.
pub fn install_links(catalog: &Catalog, edition: &PackageEdition, org: &OrgTarget) -> InstallLinks {
    let rule = &catalog.install_link;
    let id = edition.package_version_id.to_15();
    let link = |kind, host: &str| InstallLink {
        kind,
        url: format!("https://{host}{}?{}={id}", rule.path, rule.parameter),
        host: host.to_string(),
    };
    let generic_host = match org.environment.login() {
        LoginKind::Production => &rule.production_host,
        LoginKind::Sandbox => &rule.sandbox_host,
    };
    let commercial = org.my_domain.as_ref().is_none_or(|d| d.cloud() == Cloud::Commercial);
    let generic = commercial.then(|| link(LinkKind::Generic, generic_host));
    let my_domain = org.my_domain.as_ref().map(|d| link(LinkKind::MyDomain, &d.host()));
    let mut notes = Vec::new();
    let (recommended, why) = match (&my_domain, commercial) {
        (Some(_), true) => {
            if !rule.my_domain_path.confirmed {
                notes.push(text("links.note.my_domain_unconfirmed", &[("generic", generic_host)]));
            }
            (LinkKind::MyDomain, text("links.why.my_domain", &[("generic", generic_host)]))
        }
        (Some(_), false) => (LinkKind::MyDomain, text("links.why.other_cloud", &[])),
        (None, _) => (LinkKind::Generic, text("links.why.generic", &[("generic", generic_host)])),
    };
    if org.environment.login() == LoginKind::Sandbox {
        notes.push(text("links.note.sandbox", &[]));
    }
    InstallLinks {
        package_name: edition.package_name.clone(),
        connected_app: edition.connected_app.clone(),
        package_version_id: id.to_string(),
        generic,
        my_domain,
        recommended,
        why,
        notes,
    }
}

/// The install link of the practice org: its own install page, as a real org's My Domain
/// would serve it.
pub fn practice_links(catalog: &Catalog, edition: &PackageEdition, instance: &InstanceUrl) -> InstallLinks {
    let rule = &catalog.install_link;
    let id = edition.package_version_id.to_15();
    InstallLinks {
        package_name: edition.package_name.clone(),
        connected_app: edition.connected_app.clone(),
        package_version_id: id.to_string(),
        generic: Some(InstallLink {
            kind: LinkKind::Generic,
            url: format!("{}{}?{}={id}", instance.as_str(), rule.path, rule.parameter),
            host: instance.as_str().to_string(),
        }),
        my_domain: None,
        recommended: LinkKind::Generic,
        why: text("links.why.practice", &[]),
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::UseCase;
    use crate::region::Region;
    use reconnect_engine::salesforce_host::detect_org;

    fn links_for(org_input: &str, region: Region) -> InstallLinks {
        let catalog = Catalog::shipped();
        let edition = catalog.package_for(UseCase::DataSync).edition_for(Some(region)).unwrap();
        let d = detect_org(org_input).unwrap();
        install_links(catalog, edition, &OrgTarget { environment: d.environment, my_domain: d.my_domain })
    }

    #[test]
    fn production_org_gets_login_link_and_recommended_my_domain_link() {
        let l = links_for("https://acme.lightning.force.com/lightning/page/home", Region::Us1);
        assert_eq!(
            l.generic.as_ref().unwrap().url,
            "https://login.salesforce.com/packaging/installPackage.apexp?p0=04tg50000000tZD"
        );
        assert_eq!(
            l.my_domain.as_ref().unwrap().url,
            "https://acme.my.salesforce.com/packaging/installPackage.apexp?p0=04tg50000000tZD"
        );
        assert_eq!(l.recommended, LinkKind::MyDomain);
        assert_eq!(l.connected_app, "GAINSIGHTCSUS");
        assert!(l.notes.iter().any(|n| n.en.contains("login.salesforce.com")));
    }

    #[test]
    fn eu_sandbox_gets_test_link_with_the_eu_package() {
        let l = links_for("acme--uat.sandbox.my.salesforce.com", Region::Eu);
        assert_eq!(
            l.generic.as_ref().unwrap().url,
            "https://test.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz"
        );
        assert_eq!(
            l.recommended_link().url,
            "https://acme--uat.sandbox.my.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz"
        );
        assert_eq!(l.package_name, "Gainsight CS EU Connected App");
    }

    #[test]
    fn scratch_orgs_install_through_the_sandbox_login() {
        let l = links_for("x-1.scratch.my.salesforce.com", Region::Us2);
        assert_eq!(l.generic.unwrap().host, "test.salesforce.com");
    }

    #[test]
    fn without_my_domain_the_generic_link_is_recommended() {
        let l = links_for("test.salesforce.com", Region::Us1);
        assert!(l.my_domain.is_none());
        assert_eq!(l.recommended, LinkKind::Generic);
        assert_eq!(l.recommended_link().host, "test.salesforce.com");
    }

    #[test]
    fn government_cloud_gets_only_its_my_domain_link() {
        let l = links_for("agency.my.salesforce.mil", Region::Us1);
        assert!(l.generic.is_none());
        assert_eq!(l.recommended_link().host, "agency.my.salesforce.mil");
    }
}
