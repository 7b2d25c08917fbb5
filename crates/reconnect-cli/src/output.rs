//! The output settings every command shares, the CLI's texts, and the address and catalog
//! commands (`detect`, `packages`, `install-link`).

use std::process::ExitCode;

use reconnect_api::engine::confidence::Confidence;
use reconnect_api::engine::connection::OrgTarget;
use reconnect_api::engine::language::{Language, Locales, Text};
use reconnect_api::engine::playbook::Explain;
use reconnect_api::engine::salesforce_host::{detect_org, OrgDetection};
use reconnect_api::gainsight::address::{detect_address, AddressDetection};
use reconnect_api::gainsight::catalog::{Catalog, Package, PackageStatus, UseCase};
use reconnect_api::gainsight::install_link::install_links;
use reconnect_api::gainsight::region::{Region, RegionDetection};
use serde_json::json;

static LOCALES: Locales = Locales::new(include_str!("../locales/en.json"), include_str!("../locales/ja.json"));

/// A message of the CLI's locale files.
pub fn text(key: &str, args: &[(&str, &str)]) -> Text {
    LOCALES.text(key, args)
}

/// Exit code when an address is understood but names no org and no data center.
const NOT_RECOGNIZED: u8 = 1;
/// Exit code for bad input.
pub const BAD_INPUT: u8 = 2;

/// Prints an error (what happened, what to do) and returns the bad-input exit code.
pub fn fail(error: &dyn Explain, language: Language, json: bool) -> ExitCode {
    let m = error.user_message();
    if json {
        println!("{}", json!({ "error": { "what": m.what, "next": m.next } }));
    } else {
        eprintln!("{}: {}\n{}", label("cli.error", language), m.what.get(language), m.next.get(language));
    }
    ExitCode::from(BAD_INPUT)
}

fn label(key: &str, language: Language) -> String {
    text(key, &[]).get(language).to_string()
}

fn confidence(c: Confidence, l: Language) -> String {
    match c {
        Confidence::Certain => label("cli.certain", l),
        Confidence::Likely => label("cli.likely", l),
    }
}

/// The output settings shared by every command.
pub struct Out {
    pub language: Language,
    pub json: bool,
}

impl Out {
    pub fn l(&self, key: &str) -> String {
        label(key, self.language)
    }

    pub fn fail(&self, e: &dyn Explain) -> ExitCode {
        fail(e, self.language, self.json)
    }

    pub fn detect(&self, input: &str) -> ExitCode {
        let d = match detect_address(input) {
            Ok(d) => d,
            Err(e) => return self.fail(&e),
        };
        if self.json {
            println!("{}", serde_json::to_string_pretty(&d).expect("detections serialize"));
        }
        match d {
            AddressDetection::Salesforce(org) => {
                if !self.json {
                    self.print_org(&org);
                }
                ExitCode::SUCCESS
            }
            AddressDetection::Gainsight(region) => {
                if !self.json {
                    self.print_region(&region);
                }
                ExitCode::SUCCESS
            }
            AddressDetection::Unrecognized { host, salesforce, gainsight } => {
                if !self.json {
                    let l = self.language;
                    eprintln!("{}: {host}", self.l("cli.unrecognized"));
                    eprintln!("- {} {}", salesforce.what.get(l), salesforce.next.get(l));
                    eprintln!("- {}", gainsight.get(l));
                }
                ExitCode::from(NOT_RECOGNIZED)
            }
        }
    }

    pub fn print_org(&self, org: &OrgDetection) {
        let l = self.language;
        println!("{}", self.l("cli.salesforce_org"));
        println!(
            "  {}: {} ({})",
            self.l("cli.environment"),
            org.environment.name().get(l),
            confidence(org.confidence, l)
        );
        match &org.my_domain {
            Some(d) => println!("  {}: {}", self.l("cli.my_domain"), d.host()),
            None => println!("  {}: {}", self.l("cli.my_domain"), self.l("cli.none")),
        }
        println!("  {}: {}", self.l("cli.why"), org.basis.get(l));
    }

    fn print_region(&self, region: &RegionDetection) {
        let l = self.language;
        if let RegionDetection::Found { regions, edition, tenant, confidence: c, basis } = region {
            let names: Vec<&str> = regions.iter().map(|r| r.label()).collect();
            println!("{}: {} ({})", self.l("cli.data_center"), names.join(" / "), confidence(*c, l));
            println!("  {}: {}", self.l("cli.edition"), edition.label());
            if let Some(t) = tenant {
                println!("  {}: {}", self.l("cli.tenant"), t.as_str());
            }
            println!("  {}: {}", self.l("cli.why"), basis.get(l));
        }
    }

    pub fn packages(&self, use_case: Option<&str>, region: Option<&str>) -> ExitCode {
        let use_case = match use_case.map(str::parse::<UseCase>).transpose() {
            Ok(u) => u,
            Err(e) => return self.fail(&e),
        };
        let region = match region.map(str::parse::<Region>).transpose() {
            Ok(r) => r,
            Err(e) => return self.fail(&e),
        };
        let catalog = Catalog::shipped();
        let packages: Vec<&Package> =
            catalog.packages.iter().filter(|p| use_case.is_none_or(|u| p.serves.contains(&u))).collect();
        let editions_of = |p: &'_ Package| -> Vec<_> {
            p.editions.iter().filter(|e| region.is_none_or(|r| e.regions.contains(&r))).cloned().collect()
        };
        if self.json {
            let list: Vec<_> = packages
                .iter()
                .map(|p| {
                    json!({
                        "id": p.id, "name": p.name, "status": p.status, "serves": p.serves,
                        "does_not_serve": p.does_not_serve(), "does": p.does, "does_not": p.does_not,
                        "editions": editions_of(p), "no_id_reason": p.no_id_reason, "source": p.source,
                    })
                })
                .collect();
            let body =
                json!({ "catalog_version": catalog.version, "packages": list, "unconfirmed": catalog.unconfirmed });
            println!("{}", serde_json::to_string_pretty(&body).expect("catalog serializes"));
            return ExitCode::SUCCESS;
        }
        let l = self.language;
        println!("{} {}", self.l("cli.catalog_version"), catalog.version);
        for p in packages {
            let status = match p.status {
                PackageStatus::Available => self.l("cli.available"),
                PackageStatus::ComingSoon => self.l("cli.coming_soon"),
            };
            println!("\n{} [{}] ({})", p.name.get(l), status, p.id);
            let codes = |v: Vec<UseCase>| v.iter().map(|u| u.code()).collect::<Vec<_>>().join(", ");
            println!("  {}: {}", self.l("cli.serves"), codes(p.serves.clone()));
            println!("  {}: {}", self.l("cli.does_not_serve"), codes(p.does_not_serve()));
            println!("  {}: {}", self.l("cli.does"), p.does.get(l));
            println!("  {}: {}", self.l("cli.does_not"), p.does_not.get(l));
            for e in editions_of(p) {
                let regions: Vec<&str> = e.regions.iter().map(|r| r.label()).collect();
                println!(
                    "  {} {} ({}): {} / {} / {} [{}]",
                    e.edition.label(),
                    self.l("cli.edition_short"),
                    regions.join(", "),
                    e.package_name,
                    e.connected_app,
                    e.package_version_id.to_15(),
                    e.source
                );
            }
            if let Some(reason) = &p.no_id_reason {
                println!("  {}: {}", self.l("cli.no_install_id"), reason.get(l));
            }
        }
        ExitCode::SUCCESS
    }

    pub fn install_link(&self, org: &str, package: Option<&str>, region: Option<&str>) -> ExitCode {
        let region = match region.map(str::parse::<Region>).transpose() {
            Ok(r) => r,
            Err(e) => return self.fail(&e),
        };
        let catalog = Catalog::shipped();
        let org = match detect_org(org) {
            Ok(o) => o,
            Err(e) => return self.fail(&e),
        };
        let (_, edition) = match catalog.resolve_edition(package, region) {
            Ok(x) => x,
            Err(e) => return self.fail(&e),
        };
        let links = install_links(
            catalog,
            edition,
            &OrgTarget { environment: org.environment, my_domain: org.my_domain.clone() },
        );
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "org": org, "links": links })).expect("links serialize")
            );
            return ExitCode::SUCCESS;
        }
        let l = self.language;
        println!(
            "{}: {} ({} / {})",
            self.l("cli.package"),
            links.package_name,
            links.connected_app,
            links.package_version_id
        );
        let target = org.my_domain.as_ref().map(|d| d.host()).unwrap_or_else(|| org.host.clone());
        println!("{}: {} ({})", self.l("cli.org"), target, org.environment.name().get(l));
        println!("\n{}:\n  {}", self.l("cli.recommended"), links.recommended_link().url);
        println!("  {}", links.why.get(l));
        for other in [&links.my_domain, &links.generic].into_iter().flatten() {
            if other.kind != links.recommended {
                println!("\n{}:\n  {}", self.l("cli.other_link"), other.url);
            }
        }
        for n in &links.notes {
            println!("\n{}: {}", self.l("cli.note"), n.get(l));
        }
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cli_locale_files_agree_with_each_other_and_with_the_sources() {
        let problems = super::LOCALES.check(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
