//! Saves and restores the app's state (wizard answers and preferences) in one JSON file,
//! atomically, so a crash at any moment leaves either the old or the new file, never half.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::language::Language;
use crate::wizard::Wizard;

const SCHEMA: u32 = 1;

/// Everything that survives a restart. Holds no secrets by construction: its parts keep
/// only validated host names, choices and preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedState {
    /// The language the admin picked; `None` follows the operating system.
    pub language: Option<Language>,
    /// The wizard.
    pub wizard: Wizard,
}

#[derive(Serialize, Deserialize)]
struct FileFormat {
    schema: u32,
    #[serde(flatten)]
    state: SavedState,
}

/// What loading found.
#[derive(Debug)]
pub enum Loaded {
    /// No saved state yet.
    Fresh,
    /// The saved state.
    Restored(Box<SavedState>),
    /// The file could not be used; it was moved aside to `kept_at`.
    Unreadable {
        /// Where the old file now is.
        kept_at: PathBuf,
    },
}

/// The state file at one path.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The state file at `path`; nothing is read or written yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state. A file that is not valid (corrupt, from a newer version, or
    /// tampered so that a host no longer validates) is moved aside, not deleted, so nothing
    /// is lost for good.
    pub fn load(&self) -> Loaded {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Fresh,
            Err(_) => return self.set_aside(),
        };
        match serde_json::from_slice::<FileFormat>(&bytes) {
            Ok(f) if f.schema == SCHEMA => Loaded::Restored(Box::new(f.state)),
            _ => self.set_aside(),
        }
    }

    fn set_aside(&self) -> Loaded {
        let kept_at = self.path.with_extension("unreadable.json");
        let _ = fs::rename(&self.path, &kept_at);
        Loaded::Unreadable { kept_at }
    }

    /// Writes the state: to a temporary file in the same folder, flushed to disk, then
    /// renamed over the old one.
    pub fn save(&self, state: &SavedState) -> Result<(), Error> {
        let write_err = |source| Error::StateWrite { path: self.path.display().to_string(), source };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(write_err)?;
        let body =
            serde_json::to_vec_pretty(&FileFormat { schema: SCHEMA, state: state.clone() }).expect("state serializes");
        let tmp = self.path.with_extension("json.tmp");
        let mut f = fs::File::create(&tmp).map_err(write_err)?;
        f.write_all(&body).map_err(write_err)?;
        f.sync_all().map_err(write_err)?;
        drop(f);
        fs::rename(&tmp, &self.path).map_err(write_err)?;
        // Persist the rename itself; not every platform can open a folder, so best effort.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, UseCase};
    use crate::wizard::Intent;

    #[test]
    fn saved_state_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path().join("state.json"));
        assert!(matches!(file.load(), Loaded::Fresh));
        let mut state = SavedState { language: Some(Language::Ja), ..Default::default() };
        state.wizard.apply(Intent::ChooseUseCase { use_case: UseCase::DataSync }, Catalog::shipped()).unwrap();
        file.save(&state).unwrap();
        let Loaded::Restored(back) = file.load() else { panic!() };
        assert_eq!(*back, state);
        assert!(!dir.path().join("state.json.tmp").exists());
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_wizard_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{\"schema\":1,\"wizard\":{\"current\":").unwrap();
        let file = StateFile::new(&path);
        let Loaded::Unreadable { kept_at } = file.load() else { panic!() };
        assert_eq!(fs::read(&kept_at).unwrap(), b"{\"schema\":1,\"wizard\":{\"current\":");
        assert!(matches!(file.load(), Loaded::Fresh));
    }

    #[test]
    fn a_file_from_a_newer_schema_is_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(
            &path,
            br#"{"schema":2,"language":null,"wizard":{"current":"use_case","use_case":null,"region":null,"org":null}}"#,
        )
        .unwrap();
        assert!(matches!(StateFile::new(&path).load(), Loaded::Unreadable { .. }));
    }

    #[test]
    fn an_unwritable_place_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let err = StateFile::new(blocker.join("state.json")).save(&SavedState::default()).unwrap_err();
        assert!(matches!(err, Error::StateWrite { .. }));
        assert!(err.user_message().next.en.len() > 10);
    }
}
