//! The readiness playbook's errors: the engine's and the hardening playbook's (whose token
//! inventory the runbook reads), and its own, each with what to do next in both languages.

use reconnect_engine::language::{Language, UserMessage};
use reconnect_engine::playbook::Explain;

use crate::language::text;

/// Everything that can go wrong in the readiness playbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the engine reports.
    #[error(transparent)]
    Engine(#[from] reconnect_engine::Error),
    /// Something the token inventory reports.
    #[error(transparent)]
    Inventory(#[from] reconnect_hardening::Error),
    /// A data file shipped with the playbook is invalid.
    #[error("{}", self.english())]
    DataFile {
        /// Which file.
        file: &'static str,
        /// What is wrong.
        problem: String,
    },
}

impl Error {
    fn english(&self) -> String {
        self.user_message().what.get(Language::En).to_string()
    }

    /// What happened and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        match self {
            Error::Engine(e) => e.user_message(),
            Error::Inventory(e) => e.user_message(),
            Error::DataFile { file, problem } => UserMessage {
                what: text("err.data_file.what", &[("file", file), ("problem", problem)]),
                next: text("err.data_file.next", &[]),
            },
        }
    }
}

impl Explain for Error {
    fn user_message(&self) -> UserMessage {
        Error::user_message(self)
    }

    fn session_ended(&self) -> bool {
        match self {
            Error::Engine(e) => matches!(e, reconnect_engine::Error::SessionExpired),
            Error::Inventory(e) => Explain::session_ended(e),
            Error::DataFile { .. } => false,
        }
    }
}
