//! The UI's TypeScript types are generated from the Rust types the UI receives and sends, so
//! the two cannot drift: this test writes them afresh and compares them with the checked-in
//! copy in `ui/src/generated/`. `make types` (this test with `UPDATE_UI_TYPES=1`) rewrites
//! the copy after a change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::TS;

fn generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated")
}

fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

fn export(dir: &Path) {
    reconnect_api::view::View::export_all_to(dir).unwrap();
    reconnect_api::view::Intent::export_all_to(dir).unwrap();
    reconnect_gainsight::screens::types::Screen::export_all_to(dir).unwrap();
    reconnect_gainsight::playbook::Intent::export_all_to(dir).unwrap();
    reconnect_gainsight::ops::Operation::export_all_to(dir).unwrap();
    reconnect_hardening::screens::Screen::export_all_to(dir).unwrap();
    reconnect_hardening::playbook::Intent::export_all_to(dir).unwrap();
    reconnect_hardening::playbook::Operation::export_all_to(dir).unwrap();
    reconnect_readiness::screens::Screen::export_all_to(dir).unwrap();
    reconnect_readiness::playbook::Intent::export_all_to(dir).unwrap();
    reconnect_readiness::playbook::Operation::export_all_to(dir).unwrap();
    reconnect_zendesk::screens::Screen::export_all_to(dir).unwrap();
    reconnect_zendesk::playbook::Intent::export_all_to(dir).unwrap();
    reconnect_zendesk::playbook::Operation::export_all_to(dir).unwrap();
}

#[test]
fn the_ui_types_are_generated_from_the_rust_types() {
    let fresh = tempfile::tempdir().unwrap();
    export(fresh.path());
    if std::env::var_os("UPDATE_UI_TYPES").is_some() {
        let _ = std::fs::remove_dir_all(generated());
        export(&generated());
        return;
    }
    let want = files(fresh.path());
    let have = files(&generated());
    let stale: Vec<_> = want.iter().filter(|(p, body)| have.get(*p) != Some(body)).map(|(p, _)| p).collect();
    let extra: Vec<_> = have.keys().filter(|p| !want.contains_key(*p)).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/generated is not what the Rust types say (run `make types`): stale {stale:?}, not generated {extra:?}"
    );
}
