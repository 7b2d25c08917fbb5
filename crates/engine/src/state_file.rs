//! Saves and restores the app's state (answers and preferences) in one JSON file,
//! atomically, so a crash at any moment leaves either the old or the new file, never half.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

/// Something saved in a state file: it names its schema, and reads the files older schemas
/// wrote so an upgrade never loses an admin's progress.
pub trait Saved: Serialize + DeserializeOwned + Clone {
    /// The schema written now.
    const SCHEMA: u32;

    /// Reads a file an older schema wrote (`None` when it cannot be read as this one).
    fn migrate(schema: u32, file: Value) -> Option<Self>;
}

#[derive(Serialize)]
struct FileFormat<'a, T> {
    schema: u32,
    #[serde(flatten)]
    state: &'a T,
}

#[derive(Deserialize)]
struct Header {
    schema: u32,
}

/// What loading found.
#[derive(Debug)]
pub enum Loaded<T> {
    /// No saved state yet.
    Fresh,
    /// The saved state.
    Restored(Box<T>),
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
    pub fn load<T: Saved>(&self) -> Loaded<T> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Fresh,
            Err(_) => return self.set_aside(),
        };
        let Ok(file) = serde_json::from_slice::<Value>(&bytes) else { return self.set_aside() };
        let state = match serde_json::from_value::<Header>(file.clone()) {
            Ok(h) if h.schema == T::SCHEMA => serde_json::from_value::<T>(file).ok(),
            Ok(h) if h.schema < T::SCHEMA => T::migrate(h.schema, file),
            _ => None,
        };
        match state {
            Some(state) => Loaded::Restored(Box::new(state)),
            None => self.set_aside(),
        }
    }

    fn set_aside<T>(&self) -> Loaded<T> {
        let kept_at = self.path.with_extension("unreadable.json");
        let _ = fs::rename(&self.path, &kept_at);
        Loaded::Unreadable { kept_at }
    }

    /// Writes the state: to a temporary file in the same folder, flushed to disk, then
    /// renamed over the old one.
    pub fn save<T: Saved>(&self, state: &T) -> Result<(), Error> {
        let write_err = |source| Error::StateWrite { path: self.path.display().to_string(), source };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(write_err)?;
        let body = serde_json::to_vec_pretty(&FileFormat { schema: T::SCHEMA, state }).expect("state serializes");
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

/// Writes `value` as pretty JSON to `file` through a temporary file and a rename, so a crash
/// never leaves half a file; makes the folder first.
pub fn write_json_atomically<T: Serialize>(file: &Path, value: &T) -> Result<(), Error> {
    let err = |source| Error::StateWrite { path: file.display().to_string(), source };
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = file.with_extension("json.tmp");
    fs::write(&tmp, serde_json::to_vec_pretty(value).expect("state serializes")).map_err(err)?;
    fs::rename(&tmp, file).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;

    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    struct Prefs {
        language: Option<Language>,
        answers: Vec<String>,
    }

    impl Saved for Prefs {
        const SCHEMA: u32 = 2;

        fn migrate(schema: u32, file: Value) -> Option<Self> {
            // Schema 1 kept one answer under another name.
            let answer = file["answer"].as_str().filter(|_| schema == 1)?;
            Some(Prefs { language: None, answers: vec![answer.to_string()] })
        }
    }

    #[test]
    fn saved_state_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path().join("state.json"));
        assert!(matches!(file.load::<Prefs>(), Loaded::Fresh));
        let state = Prefs { language: Some(Language::Ja), answers: vec!["data-sync".into()] };
        file.save(&state).unwrap();
        let Loaded::Restored(back) = file.load::<Prefs>() else { panic!() };
        assert_eq!(*back, state);
        assert!(!dir.path().join("state.json.tmp").exists());
    }

    #[test]
    fn a_file_of_an_older_schema_is_migrated_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, br#"{"schema":1,"answer":"eu"}"#).unwrap();
        let Loaded::Restored(back) = StateFile::new(&path).load::<Prefs>() else { panic!() };
        assert_eq!(back.answers, vec!["eu".to_string()]);
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_state_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{\"schema\":2,\"answers\":[").unwrap();
        let file = StateFile::new(&path);
        let Loaded::Unreadable { kept_at } = file.load::<Prefs>() else { panic!() };
        assert_eq!(fs::read(&kept_at).unwrap(), b"{\"schema\":2,\"answers\":[");
        assert!(matches!(file.load::<Prefs>(), Loaded::Fresh));
    }

    #[test]
    fn a_file_from_a_newer_schema_is_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, br#"{"schema":3,"language":null,"answers":[]}"#).unwrap();
        assert!(matches!(StateFile::new(&path).load::<Prefs>(), Loaded::Unreadable { .. }));
    }

    #[test]
    fn an_unwritable_place_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let err = StateFile::new(blocker.join("state.json")).save(&Prefs::default()).unwrap_err();
        assert!(matches!(err, Error::StateWrite { .. }));
        assert!(err.user_message().next.en.len() > 10);
    }
}
