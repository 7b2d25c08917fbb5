//! The practice org serves what this playbook offers: every starting point is one of its
//! scenarios, and its AppExchange listing names the catalog's package versions.

use reconnect_gainsight::catalog::Catalog;
use reconnect_gainsight::practice::practice_orgs;

#[test]
fn every_practice_starting_point_is_a_scenario_of_the_practice_org() {
    for p in practice_orgs() {
        let s = practice_org::scenario::Scenario::named(p.scenario).unwrap_or_else(|e| panic!("{}: {e}", p.scenario));
        assert!(!s.logins.is_empty(), "{}", p.scenario);
    }
    assert_eq!(practice_orgs()[0].scenario, practice_org::scenario::DEFAULT);
}

#[test]
fn the_practice_appexchange_listing_names_the_catalogs_versions() {
    let catalog = Catalog::shipped();
    for (id, name) in practice_org::listed_package_versions() {
        assert!(
            catalog
                .packages
                .iter()
                .flat_map(|p| &p.editions)
                .any(|e| e.package_version_id.to_15() == id && e.package_name == name),
            "{id} {name}"
        );
    }
}
