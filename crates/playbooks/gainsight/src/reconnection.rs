//! What the app and the CLI both need to know about the signed-in org before fixing,
//! installing or verifying: which connected-app edition applies and which install link opens
//! the install in this org.

use crate::catalog::{Catalog, PackageEdition};
use crate::error::Error;
use crate::install_link::{install_links, practice_links, InstallLink};
use crate::region::Region;
use crate::region_evidence::RegionEvidence;
use reconnect_engine::accounts::SessionRecord;
use reconnect_engine::connection::OrgTarget;
use reconnect_engine::salesforce_host::detect_org;

/// The connected-app edition for the org: the region given, else the one the org's endpoint
/// settings reveal (a region or at least the edition).
pub fn edition_for<'a>(
    catalog: &'a Catalog,
    record: &SessionRecord,
    region: Option<Region>,
) -> Result<&'a PackageEdition, Error> {
    catalog.connected_app_edition(region.map(Region::edition).or_else(|| RegionEvidence::of(&record.facts).edition()))
}

/// The install link for the signed-in org: the practice org serves its own install page;
/// a real org gets the recommended link for its environment and My Domain.
pub fn install_link_for(catalog: &Catalog, record: &SessionRecord, edition: &PackageEdition) -> InstallLink {
    if record.is_practice() {
        return practice_links(catalog, edition, &record.instance).recommended_link().clone();
    }
    let my_domain = detect_org(record.instance.as_str()).ok().and_then(|d| d.my_domain);
    let links = install_links(catalog, edition, &OrgTarget { environment: record.facts.environment, my_domain });
    links.recommended_link().clone()
}
