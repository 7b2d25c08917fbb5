//! The screens of the steps that find what to install: the use case, the data center and the
//! package with its install links.

use reconnect_engine::connection::Connection;
use reconnect_engine::language::Language;
use reconnect_engine::progress::Progress;

use crate::language::text;

use crate::catalog::{Catalog, UseCase};
use crate::install_link::LinkKind;
use crate::region::{Confidence, Region, RegionDetection};
use crate::screens::types::{LinkView, LinksView, PackageCard, RegionChoice, RegionSummary, Screen, UseCaseOption};
use crate::screens::work::{api_install_view, installed_view};
use crate::wizard::{RegionAnswer, Wizard};
use crate::work::Work;

pub(crate) fn use_case_screen(wizard: &Wizard, catalog: &Catalog, l: Language) -> Screen {
    Screen::UseCase {
        options: UseCase::ALL
            .into_iter()
            .map(|u| {
                let entry = catalog.use_case(u);
                UseCaseOption {
                    use_case: u,
                    title: entry.title.get(l).to_string(),
                    summary: entry.summary.get(l).to_string(),
                    package: package_card(catalog, u, l),
                    selected: wizard.use_case() == Some(u),
                }
            })
            .collect(),
    }
}

pub(crate) fn region_screen(wizard: &Wizard, work: &Work, l: Language) -> Screen {
    Screen::Region {
        host: match wizard.region() {
            Some(RegionAnswer::Detected { host, .. }) => Some(host.clone()),
            _ => None,
        },
        answer: wizard.region().map(|a| region_summary(a, wizard.region_from_link(), l)),
        unknown_reason: work.region_unknown.as_ref().map(|t| t.get(l).to_string()),
        choices: Region::ALL
            .into_iter()
            .map(|r| RegionChoice {
                region: r,
                label: r.label().to_string(),
                edition: r.edition().label().to_string(),
                selected: matches!(wizard.region(), Some(RegionAnswer::Chosen { region }) if *region == r),
            })
            .collect(),
    }
}

fn package_card(catalog: &Catalog, use_case: UseCase, l: Language) -> PackageCard {
    let p = catalog.package_for(use_case);
    PackageCard {
        name: p.name.get(l).to_string(),
        status: p.status,
        does: p.does.get(l).to_string(),
        does_not: p.does_not.get(l).to_string(),
    }
}

fn region_summary(answer: &RegionAnswer, from_link: bool, l: Language) -> RegionSummary {
    match answer {
        RegionAnswer::Detected {
            detection: RegionDetection::Found { regions, edition, tenant, confidence, basis },
            ..
        } => RegionSummary {
            regions: regions.iter().map(|r| r.label().to_string()).collect(),
            edition: edition.label().to_string(),
            tenant: tenant.as_ref().map(|t| t.as_str().to_string()),
            confidence: *confidence,
            basis: basis.get(l).to_string(),
            chosen: false,
        },
        RegionAnswer::Detected { .. } => unreachable!("only found detections become answers"),
        RegionAnswer::Chosen { region } => RegionSummary {
            regions: vec![region.label().to_string()],
            edition: region.edition().label().to_string(),
            tenant: None,
            // A link's answer is only as sure as its sender; the org's settings can overrule it.
            confidence: if from_link { Confidence::Likely } else { Confidence::Certain },
            basis: if from_link {
                text("region.basis.link", &[]).get(l).to_string()
            } else {
                text("region.basis.chosen", &[]).get(l).to_string()
            },
            chosen: true,
        },
    }
}

pub(crate) fn install_screen(
    wizard: &Wizard,
    catalog: &Catalog,
    conn: &Connection,
    work: &Work,
    progress: Option<&Progress>,
    l: Language,
) -> Screen {
    let use_case = wizard.use_case().expect("the install step is reachable only with a use case");
    let package = catalog.package_for(use_case);
    let links = wizard.install_links(catalog, conn).map(|links| {
        let environment = conn.org_target().expect("links need an org").environment;
        let mut ordered: Vec<LinkView> = [LinkKind::MyDomain, LinkKind::Generic]
            .into_iter()
            .filter_map(|k| links.get(k))
            .map(|link| LinkView {
                kind: link.kind,
                url: link.url.clone(),
                host: link.host.clone(),
                recommended: link.kind == links.recommended,
            })
            .collect();
        ordered.sort_by_key(|v| !v.recommended);
        Box::new(LinksView {
            package_name: links.package_name,
            connected_app: links.connected_app,
            package_version_id: links.package_version_id,
            environment_name: environment.name().get(l).to_string(),
            region_label: wizard.region().filter(|_| package.needs_region()).map(|r| match r.region() {
                Some(region) => region.label().to_string(),
                None => r.edition().label().to_string(),
            }),
            links: ordered,
            why: links.why.get(l).to_string(),
            notes: links.notes.iter().map(|n| n.get(l).to_string()).collect(),
        })
    });
    Screen::Install {
        package: package_card(catalog, use_case, l),
        no_link_reason: package.no_id_reason.as_ref().map(|t| t.get(l).to_string()),
        links,
        unconfirmed: catalog.unconfirmed.iter().map(|t| t.get(l).to_string()).collect(),
        api: api_install_view(wizard, catalog, conn, work, progress, l),
        installed: installed_view(wizard, work, l),
    }
}
