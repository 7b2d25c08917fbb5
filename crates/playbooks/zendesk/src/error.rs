//! The Zendesk playbook's errors: the engine's (Zendesk's own answers among them) and its own,
//! each with what to do next in both languages.

use reconnect_engine::language::{Language, UserMessage};
use reconnect_engine::playbook::Explain;

use crate::language::text;

/// Everything that can go wrong in the Zendesk playbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the engine reports.
    #[error(transparent)]
    Engine(#[from] reconnect_engine::Error),
    /// A data file shipped with the playbook is invalid.
    #[error("{}", self.english())]
    DataFile {
        /// Which file.
        file: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A cutoff that is not a date.
    #[error("{}", self.english())]
    BadCutoff {
        /// What was given.
        input: String,
    },
    /// No installation with this id was read.
    #[error("{}", self.english())]
    UnknownInstallation {
        /// The id.
        id: u64,
    },
    /// A setting the installation's app does not declare.
    #[error("{}", self.english())]
    UnknownSetting {
        /// The installation.
        installation: String,
        /// The setting.
        setting: String,
        /// The settings it has.
        known: String,
    },
    /// A new value was empty, or a setting was given twice.
    #[error("{}", self.english())]
    BadValue {
        /// The setting.
        setting: String,
    },
    /// No OAuth token with this id was read.
    #[error("{}", self.english())]
    UnknownToken {
        /// The id.
        id: u64,
    },
    /// The token Reconnect itself signs in with: revoking it ends this session.
    #[error("{}", self.english())]
    OwnToken,
    /// The change needs a Zendesk admin.
    #[error("{}", self.english())]
    NotAdmin,
    /// A revocation nobody confirmed (no terminal and no `--yes`).
    #[error("{}", self.english())]
    RevokeNotConfirmed,
}

impl Error {
    fn english(&self) -> String {
        self.user_message().what.get(Language::En).to_string()
    }

    /// What happened and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        let (what, next) = match self {
            Error::Engine(e) => return e.user_message(),
            Error::DataFile { file, problem } => {
                (text("err.data_file.what", &[("file", file), ("problem", problem)]), text("err.data_file.next", &[]))
            }
            Error::BadCutoff { input } => (text("err.cutoff.what", &[("input", input)]), text("err.cutoff.next", &[])),
            Error::UnknownInstallation { id } => {
                (text("err.installation.what", &[("id", &id.to_string())]), text("err.installation.next", &[]))
            }
            Error::UnknownSetting { installation, setting, known } => (
                text("err.setting.what", &[("installation", installation), ("setting", setting)]),
                text("err.setting.next", &[("known", known)]),
            ),
            Error::BadValue { setting } => {
                (text("err.value.what", &[("setting", setting)]), text("err.value.next", &[]))
            }
            Error::UnknownToken { id } => {
                (text("err.token.what", &[("id", &id.to_string())]), text("err.token.next", &[]))
            }
            Error::OwnToken => (text("err.own_token.what", &[]), text("err.own_token.next", &[])),
            Error::NotAdmin => (text("err.not_admin.what", &[]), text("err.not_admin.next", &[])),
            Error::RevokeNotConfirmed => (text("err.not_confirmed.what", &[]), text("err.not_confirmed.next", &[])),
        };
        UserMessage { what, next }
    }
}

impl Explain for Error {
    fn user_message(&self) -> UserMessage {
        Error::user_message(self)
    }

    // Never `session_ended`: that ends the Salesforce session, and a refused Zendesk credential
    // is this playbook's own to handle (its sign-in step asks again).
}
