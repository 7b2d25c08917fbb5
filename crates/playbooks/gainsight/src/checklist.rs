//! The after-reconnection checklist, from `data/after_reconnection.json`: what to review and
//! rotate once data flows again, each item with what it means.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::language::Text;

/// One item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Stable id, kept in the wizard state when ticked.
    pub id: String,
    /// What to do.
    pub title: Text,
    /// What it means.
    pub meaning: Text,
}

#[derive(Deserialize)]
struct ChecklistFile {
    schema: u32,
    items: Vec<ChecklistItem>,
}

/// The items, in order.
pub fn checklist() -> &'static [ChecklistItem] {
    static ITEMS: OnceLock<Vec<ChecklistItem>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        let f: ChecklistFile = serde_json::from_str(include_str!("../data/after_reconnection.json"))
            .expect("after_reconnection.json is checked by a unit test");
        assert_eq!(f.schema, 1, "after_reconnection.json schema");
        f.items
    })
}

/// Whether `id` names an item (ticks from a saved state are checked against this).
pub fn is_item(id: &str) -> bool {
    checklist().iter().any(|i| i.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_names_jo_and_every_integration_to_rotate_in_both_languages() {
        let ids: Vec<&str> = checklist().iter().map(|i| i.id.as_str()).collect();
        for id in ["journey-orchestrator", "hubspot", "gong", "zendesk", "s3-keys"] {
            assert!(ids.contains(&id), "{id}");
        }
        assert!(checklist().iter().all(|i| !i.meaning.en.is_empty() && !i.meaning.ja.is_empty()));
        assert!(!is_item("unknown"));
    }
}
