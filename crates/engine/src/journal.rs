//! The journal of every change Reconnect makes to an org: JSON lines, appended and flushed one
//! at a time, so a crash or a failure halfway leaves it true. It holds ids, names and times,
//! never a secret. Undo reads it to remove exactly what Reconnect created.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Clock;
use crate::error::Error;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// About to write; followed by the outcome with the same run and step.
    Intent,
    /// A record was created.
    Created,
    /// A record's fields were changed (`before` holds the old values).
    Updated,
    /// A record Reconnect created was deleted (by undo).
    Deleted,
    /// A record's old values were put back (by undo).
    Restored,
    /// The write failed; `maybe_applied` when the org may have done it anyway (network).
    Failed,
    /// Something was revoked (an OAuth token): it cannot be undone, only granted again by
    /// whoever held it.
    Revoked,
    /// A secret was replaced with a new value (a Zendesk app's setting): the old value cannot
    /// be read back, so it cannot be undone. `fields` names the settings, never a value.
    Rotated,
}

/// Which API a change went through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The REST API (records and their fields).
    #[default]
    Rest,
    /// The Metadata API (`fields` and `before` then hold `userPermissions` by name).
    Metadata,
}

impl Via {
    fn is_rest(&self) -> bool {
        *self == Via::Rest
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When, as Salesforce writes datetimes.
    pub at: String,
    /// The fix or undo run.
    pub run: String,
    /// The step within the run; an intent and its outcome share it.
    pub step: u32,
    /// The org's id.
    pub org: String,
    /// The admin who ran it.
    pub by: String,
    /// The playbook that made the change (entries written before playbooks existed came from
    /// the Gainsight playbook).
    #[serde(default = "first_playbook")]
    pub playbook: String,
    /// The OAuth user the change was for (fix runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// What happened.
    pub event: Event,
    /// The object, e.g. `PermissionSet`.
    pub object: String,
    /// The record's id, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// Fields that find the record without its id (its name, or the ids it links).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub key: BTreeMap<String, Value>,
    /// The values written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Value>,
    /// The values before an update.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub before: BTreeMap<String, Value>,
    /// Why a write failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether a failed write may have happened anyway.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub maybe_applied: bool,
    /// The API the write went through.
    #[serde(default, skip_serializing_if = "Via::is_rest")]
    pub via: Via,
}

/// A change Reconnect made that is still in the org, as the journal tells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveChange {
    /// A record Reconnect created.
    Created {
        /// The object.
        object: String,
        /// Its id.
        record: String,
        /// Its natural key (for a Metadata API create, the component's name).
        key: BTreeMap<String, Value>,
        /// The API it was created through, and the one that removes it.
        via: Via,
    },
    /// Fields Reconnect changed, with their old values.
    Updated {
        /// The object.
        object: String,
        /// Its id.
        record: String,
        /// Its natural key (for a Metadata API change, the component's name).
        key: BTreeMap<String, Value>,
        /// The old values.
        before: BTreeMap<String, Value>,
        /// The API the change went through, and the one that puts it back.
        via: Via,
    },
    /// A create whose outcome is unknown (the connection dropped): found by its key.
    Uncertain {
        /// The object.
        object: String,
        /// Its natural key.
        key: BTreeMap<String, Value>,
    },
}

/// The journal file.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal in `dir` (the app's config folder), shared by the app and the CLI.
    pub fn in_dir(dir: &Path) -> Journal {
        Journal { path: dir.join("journal.jsonl") }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry and flushes it to disk before returning.
    pub fn append(&self, entry: &Entry) -> Result<(), Error> {
        let fail =
            |e: std::io::Error| Error::JournalWrite { path: self.path.display().to_string(), reason: e.to_string() };
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut line = serde_json::to_string(entry).expect("entries serialize");
        line.push('\n');
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path).map_err(fail)?;
        file.write_all(line.as_bytes()).map_err(fail)?;
        file.sync_data().map_err(fail)
    }

    /// Every entry; a line cut short by a crash is skipped.
    pub fn entries(&self) -> Result<Vec<Entry>, Error> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::JournalWrite { path: self.path.display().to_string(), reason: e.to_string() }),
        }
    }

    /// The entries about one org, in order.
    pub fn for_org(&self, org: &str) -> Result<Vec<Entry>, Error> {
        Ok(self.entries()?.into_iter().filter(|e| same_org(&e.org, org)).collect())
    }

    /// What Reconnect changed in `org` and has not undone, oldest first.
    pub fn live(&self, org: &str) -> Result<Vec<LiveChange>, Error> {
        Ok(replay(&self.for_org(org)?))
    }

    /// What `playbook` changed in `org` and has not undone, oldest first: each playbook's
    /// undo removes its own changes only.
    pub fn live_of(&self, org: &str, playbook: &str) -> Result<Vec<LiveChange>, Error> {
        let entries: Vec<Entry> = self.for_org(org)?.into_iter().filter(|e| e.playbook == playbook).collect();
        Ok(replay(&entries))
    }
}

fn first_playbook() -> String {
    "gainsight".to_string()
}

fn same_org(a: &str, b: &str) -> bool {
    a.get(..15).is_some() && a.get(..15) == b.get(..15)
}

/// Replays entries into the changes still live.
pub fn replay(entries: &[Entry]) -> Vec<LiveChange> {
    let mut live: Vec<LiveChange> = Vec::new();
    let mut pending: BTreeMap<(String, u32), &Entry> = BTreeMap::new();
    for e in entries {
        let slot = (e.run.clone(), e.step);
        match e.event {
            Event::Intent => {
                pending.insert(slot, e);
            }
            Event::Created => {
                pending.remove(&slot);
                if let Some(record) = &e.record {
                    live.push(LiveChange::Created {
                        object: e.object.clone(),
                        record: record.clone(),
                        key: e.key.clone(),
                        via: e.via,
                    });
                }
            }
            Event::Updated => {
                pending.remove(&slot);
                if let Some(record) = &e.record {
                    live.push(LiveChange::Updated {
                        object: e.object.clone(),
                        record: record.clone(),
                        key: e.key.clone(),
                        before: e.before.clone(),
                        via: e.via,
                    });
                }
            }
            Event::Failed => {
                if let Some(intent) = pending.remove(&slot) {
                    if e.maybe_applied && intent.record.is_none() {
                        live.push(LiveChange::Uncertain { object: intent.object.clone(), key: intent.key.clone() });
                    }
                }
            }
            Event::Deleted => live.retain(|c| match c {
                LiveChange::Created { object, record, .. } => {
                    !(object == &e.object && e.record.as_deref().is_some_and(|r| same_org(r, record)))
                }
                LiveChange::Uncertain { object, key } => !(object == &e.object && key == &e.key),
                LiveChange::Updated { .. } => true,
            }),
            Event::Revoked | Event::Rotated => {
                // Nothing to undo: a revoked token is granted again only by its holder, and a
                // replaced secret's old value was never read.
                pending.remove(&slot);
            }
            Event::Restored => live.retain(|c| match c {
                LiveChange::Updated { object, record, .. } => {
                    !(object == &e.object && e.record.as_deref().is_some_and(|r| same_org(r, record)))
                }
                _ => true,
            }),
        }
    }
    // An intent with no outcome at all: the app stopped mid-write.
    for intent in pending.into_values() {
        if intent.record.is_none() {
            live.push(LiveChange::Uncertain { object: intent.object.clone(), key: intent.key.clone() });
        }
    }
    live
}

/// A fresh run id: time plus randomness, never a secret.
pub fn new_run_id(now_ms: i64) -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    format!("{now_ms:x}-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Writes the journal entries of one run (a fix, an undo, a revocation).
pub struct RunLog<'a> {
    journal: &'a Journal,
    clock: &'a dyn Clock,
    /// The run's id.
    pub run: String,
    playbook: &'static str,
    org: String,
    by: String,
    /// The user the changes are for, when they are for one.
    pub user: Option<String>,
}

impl RunLog<'_> {
    /// A new run of `playbook` in `org` by the signed-in admin `by`.
    pub fn new<'a>(
        journal: &'a Journal,
        clock: &'a dyn Clock,
        playbook: &'static str,
        org: &str,
        by: &str,
    ) -> RunLog<'a> {
        RunLog {
            journal,
            clock,
            run: new_run_id(clock.now_ms()),
            playbook,
            org: org.to_string(),
            by: by.to_string(),
            user: None,
        }
    }

    /// Appends one entry of this run; `fill` sets what the event needs.
    pub fn write(&self, step: u32, event: Event, object: &str, fill: impl FnOnce(&mut Entry)) -> Result<(), Error> {
        let mut e = Entry {
            at: self.clock.now_text(),
            run: self.run.clone(),
            step,
            org: self.org.clone(),
            by: self.by.clone(),
            playbook: self.playbook.to_string(),
            user: self.user.clone(),
            event,
            object: object.to_string(),
            record: None,
            key: BTreeMap::new(),
            fields: BTreeMap::new(),
            before: BTreeMap::new(),
            error: None,
            maybe_applied: false,
            via: Via::Rest,
        };
        fill(&mut e);
        self.journal.append(&e)
    }

    /// Records a failed write; the org may have done it when the answer never came.
    pub fn failed(&self, step: u32, object: &str, error: &Error) -> Result<(), Error> {
        self.write(step, Event::Failed, object, |e| {
            e.error = Some(error.to_string());
            e.maybe_applied = error.may_have_landed();
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(run: &str, step: u32, event: Event, object: &str, record: Option<&str>) -> Entry {
        Entry {
            at: "2026-11-21T10:00:00.000+0000".into(),
            run: run.into(),
            step,
            org: "00D5g00000PRACTAAA".into(),
            by: "admin@example.com".into(),
            playbook: "gainsight".into(),
            user: Some("0055g00000GSINTAAA".into()),
            event,
            object: object.into(),
            record: record.map(str::to_string),
            key: BTreeMap::from([("Name".to_string(), json!(format!("{object}-{step}")))]),
            fields: BTreeMap::new(),
            before: BTreeMap::new(),
            error: None,
            maybe_applied: false,
            via: Via::Rest,
        }
    }

    #[test]
    fn created_then_deleted_is_no_longer_live_and_failures_are_not_changes() {
        let set = "0PS5g00000ABCDE";
        let entries = vec![
            entry("r1", 1, Event::Intent, "PermissionSet", None),
            entry("r1", 1, Event::Created, "PermissionSet", Some(set)),
            entry("r1", 2, Event::Intent, "PermissionSetAssignment", None),
            Entry {
                error: Some("INSUFFICIENT_ACCESS".into()),
                ..entry("r1", 2, Event::Failed, "PermissionSetAssignment", None)
            },
        ];
        assert_eq!(replay(&entries).len(), 1);
        let mut undone = entries.clone();
        undone.push(entry("u1", 1, Event::Deleted, "PermissionSet", Some("0PS5g00000ABCDEAAA")));
        assert!(replay(&undone).is_empty());
    }

    #[test]
    fn a_write_cut_off_by_the_network_or_a_crash_is_uncertain() {
        let entries = vec![
            entry("r1", 1, Event::Intent, "PermissionSet", None),
            Entry { maybe_applied: true, ..entry("r1", 1, Event::Failed, "PermissionSet", None) },
            entry("r2", 1, Event::Intent, "SetupEntityAccess", None),
        ];
        let live = replay(&entries);
        assert!(matches!(&live[0], LiveChange::Uncertain { object, .. } if object == "PermissionSet"));
        assert!(matches!(&live[1], LiveChange::Uncertain { object, .. } if object == "SetupEntityAccess"));
        let mut resolved = entries.clone();
        resolved.push(entry("u1", 1, Event::Deleted, "PermissionSet", None));
        assert_eq!(replay(&resolved).len(), 1);
    }

    #[test]
    fn the_file_survives_a_torn_last_line_and_filters_by_org() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::in_dir(dir.path());
        j.append(&entry("r1", 1, Event::Intent, "PermissionSet", None)).unwrap();
        j.append(&Entry { org: "00D000000000001".into(), ..entry("r9", 1, Event::Intent, "PermissionSet", None) })
            .unwrap();
        std::fs::OpenOptions::new().append(true).open(j.path()).unwrap().write_all(b"{\"at\":\"20").unwrap();
        assert_eq!(j.entries().unwrap().len(), 2);
        assert_eq!(j.for_org("00D5g00000PRACT").unwrap().len(), 1);
    }
}
