//! The playbooks this build has: one line each. The first is the one a link without a
//! `playbook` field opens (links made before there were playbooks).

use reconnect_engine::link::{Vocabularies, Vocabulary};
use reconnect_engine::playbook::Registration;

/// Every playbook, in the order the home screen lists them.
pub const PLAYBOOKS: &[Registration] = &[
    reconnect_gainsight::REGISTRATION,
    reconnect_hardening::REGISTRATION,
    reconnect_readiness::REGISTRATION,
    reconnect_zendesk::REGISTRATION,
];

/// The playbooks' link vocabularies, in the same order.
pub fn vocabularies() -> &'static [Vocabulary] {
    static VOCABULARIES: std::sync::OnceLock<Vec<Vocabulary>> = std::sync::OnceLock::new();
    VOCABULARIES.get_or_init(|| PLAYBOOKS.iter().map(|r| *(r.open)(None).vocabulary()).collect())
}

/// The vocabularies as the link checker takes them.
pub fn link_vocabularies() -> Vocabularies<'static> {
    Vocabularies(vocabularies())
}

/// The registration of `id`.
pub fn find(id: &str) -> Option<&'static Registration> {
    PLAYBOOKS.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_each_playbook_names_itself_in_its_links() {
        let mut ids: Vec<&str> = PLAYBOOKS.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PLAYBOOKS.len());
        for (r, v) in PLAYBOOKS.iter().zip(vocabularies()) {
            assert_eq!(r.id, v.playbook);
            assert_eq!((r.open)(None).id(), r.id);
        }
    }

    #[test]
    fn a_link_may_open_exactly_the_practice_scenarios_each_playbook_offers() {
        for (r, v) in PLAYBOOKS.iter().zip(vocabularies()) {
            let offered: Vec<&str> = (r.open)(None).practice_orgs().iter().map(|p| p.scenario).collect();
            assert_eq!(offered, v.practice.to_vec(), "{}", r.id);
        }
    }
}
