//! The hardening playbook's errors: its own and the engine's, which pass through. Every
//! variant knows what happened and what to do next, in English and Japanese.

use reconnect_engine::language::UserMessage;
use reconnect_engine::playbook::Explain;

use crate::language::text;

/// Everything that can go wrong in the hardening playbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the engine reports.
    #[error(transparent)]
    Engine(#[from] reconnect_engine::Error),
    /// The org's `OauthToken` has no `AppName`: the inventory cannot say which app a token
    /// belongs to, so it says nothing rather than something wrong.
    #[error("{}", self.english())]
    InventoryInconclusive,
    /// Text that is not an IP address, a range or a CIDR block.
    #[error("{}", self.english())]
    InvalidRange {
        /// What was given.
        input: String,
    },
    /// A range wider than this playbook sets for one integration.
    #[error("{}", self.english())]
    RangeTooWide {
        /// What was given.
        input: String,
    },
    /// A restriction with no range at all.
    #[error("{}", self.english())]
    NoRanges,
    /// A revocation that selects no token.
    #[error("{}", self.english())]
    NothingToRevoke,
    /// An app name that no token in the org has.
    #[error("{}", self.english())]
    UnknownApp {
        /// What was given.
        input: String,
    },
    /// The org did not confirm a token's revocation.
    #[error("{}", self.english())]
    RevokeRefused {
        /// What the org answered (never the token).
        answer: String,
    },
    /// A revocation nobody confirmed: nothing was revoked.
    #[error("{}", self.english())]
    RevokeNotConfirmed,
    /// A profile's Login IP Ranges could not be read, so they are not changed blindly.
    #[error("{}", self.english())]
    RangesUnreadable {
        /// The profile.
        profile: String,
    },
    /// A stale period out of bounds.
    #[error("{}", self.english())]
    InvalidDays {
        /// What was given.
        input: u32,
    },
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
        self.user_message().what.en
    }

    /// What happened and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        let (what, next) = match self {
            Error::Engine(e) => return e.user_message(),
            Error::InventoryInconclusive => (text("err.inconclusive.what", &[]), text("err.inconclusive.next", &[])),
            Error::InvalidRange { input } => {
                (text("err.invalid_range.what", &[("input", input)]), text("err.invalid_range.next", &[]))
            }
            Error::RangeTooWide { input } => {
                (text("err.range_too_wide.what", &[("input", input)]), text("err.range_too_wide.next", &[]))
            }
            Error::NoRanges => (text("err.no_ranges.what", &[]), text("err.no_ranges.next", &[])),
            Error::NothingToRevoke => {
                (text("err.nothing_to_revoke.what", &[]), text("err.nothing_to_revoke.next", &[]))
            }
            Error::UnknownApp { input } => {
                (text("err.unknown_app.what", &[("input", input)]), text("err.unknown_app.next", &[]))
            }
            Error::RevokeRefused { answer } => {
                (text("err.revoke_refused.what", &[("answer", answer)]), text("err.revoke_refused.next", &[]))
            }
            Error::RevokeNotConfirmed => {
                (text("err.revoke_not_confirmed.what", &[]), text("err.revoke_not_confirmed.next", &[]))
            }
            Error::RangesUnreadable { profile } => {
                (text("err.ranges_unreadable.what", &[("profile", profile)]), text("err.ranges_unreadable.next", &[]))
            }
            Error::InvalidDays { input } => {
                (text("err.invalid_days.what", &[("input", &input.to_string())]), text("err.invalid_days.next", &[]))
            }
            Error::DataFile { file, problem } => {
                (text("err.data_file.what", &[("file", file), ("problem", problem)]), text("err.data_file.next", &[]))
            }
        };
        UserMessage { what, next }
    }
}

impl Explain for Error {
    fn user_message(&self) -> UserMessage {
        Error::user_message(self)
    }

    fn session_ended(&self) -> bool {
        matches!(self, Error::Engine(reconnect_engine::Error::SessionExpired))
    }
}
