//! The Gainsight playbook's errors: its own (the catalog, the data center, installs, the
//! Gainsight tenant) and the engine's, which pass through. Every variant knows what happened
//! and what to do next, in English and Japanese.

use reconnect_engine::language::{Text, UserMessage};
use reconnect_engine::playbook::Explain;

use crate::language::{text, text_with};

/// Everything that can go wrong in the Gainsight playbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the engine reports.
    #[error(transparent)]
    Engine(#[from] reconnect_engine::Error),
    /// A name that is not in the package catalog.
    #[error("{}", self.english())]
    UnknownPackage {
        /// What was given.
        input: String,
    },
    /// A use case name that is not in the catalog.
    #[error("{}", self.english())]
    UnknownUseCase {
        /// What was given.
        input: String,
    },
    /// A region name that is not known.
    #[error("{}", self.english())]
    UnknownRegion {
        /// What was given.
        input: String,
    },
    /// The package has no published version id yet.
    #[error("{}", self.english())]
    PackageNotInstallable {
        /// The package's name.
        package: Text,
    },
    /// The package comes in several editions and the region that picks one is not known.
    #[error("{}", self.english())]
    RegionNeeded {
        /// The package's name.
        package: Text,
    },
    /// Salesforce's installer ended in an error.
    #[error("{}", self.english())]
    InstallFailed {
        /// The installer's message.
        message: String,
    },
    /// The plan was not applied: nobody confirmed it.
    #[error("{}", self.english())]
    PlanNotConfirmed,
    /// The org points at several users, or none, as Gainsight's OAuth user.
    #[error("{}", self.english())]
    OauthUserUnclear,
    /// An install did not finish in time.
    #[error("{}", self.english())]
    InstallTimedOut {
        /// Minutes waited.
        minutes: u64,
    },
    /// The package did not appear while watching for an install through the link.
    #[error("{}", self.english())]
    PackageNotSeen {
        /// Minutes waited.
        minutes: u64,
    },
    /// The Gainsight tenant refused the access key.
    #[error("{}", self.english())]
    GainsightAccessKey,
    /// The Gainsight tenant answered with an error.
    #[error("{}", self.english())]
    GainsightApi {
        /// HTTP status.
        status: u16,
        /// Gainsight's error code or description, when given.
        message: String,
    },
}

impl Error {
    fn english(&self) -> String {
        self.user_message().what.en
    }

    /// Whether this is the engine's `e` (for matching on the engine's variants).
    pub fn engine(&self) -> Option<&reconnect_engine::Error> {
        match self {
            Error::Engine(e) => Some(e),
            _ => None,
        }
    }

    /// What happened and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        let (what, next) = match self {
            Error::Engine(e) => return e.user_message(),
            Error::UnknownPackage { input } => {
                (text("err.unknown_package.what", &[("input", input)]), text("err.unknown_package.next", &[]))
            }
            Error::UnknownUseCase { input } => {
                (text("err.unknown_use_case.what", &[("input", input)]), text("err.unknown_use_case.next", &[]))
            }
            Error::UnknownRegion { input } => {
                (text("err.unknown_region.what", &[("input", input)]), text("err.unknown_region.next", &[]))
            }
            Error::PackageNotInstallable { package } => {
                (text_with("err.not_installable.what", "package", package), text("err.not_installable.next", &[]))
            }
            Error::RegionNeeded { package } => {
                (text_with("err.region_needed.what", "package", package), text("err.region_needed.next", &[]))
            }
            Error::InstallFailed { message } => {
                (text("err.install_failed.what", &[("message", message)]), text("err.install_failed.next", &[]))
            }
            Error::PlanNotConfirmed => {
                (text("err.plan_not_confirmed.what", &[]), text("err.plan_not_confirmed.next", &[]))
            }
            Error::OauthUserUnclear => {
                (text("err.oauth_user_unclear.what", &[]), text("err.oauth_user_unclear.next", &[]))
            }
            Error::InstallTimedOut { minutes } => (
                text("err.install_timeout.what", &[("minutes", &minutes.to_string())]),
                text("err.install_timeout.next", &[]),
            ),
            Error::PackageNotSeen { minutes } => (
                text("err.package_not_seen.what", &[("minutes", &minutes.to_string())]),
                text("err.package_not_seen.next", &[]),
            ),
            Error::GainsightAccessKey => (text("err.gainsight_key.what", &[]), text("err.gainsight_key.next", &[])),
            Error::GainsightApi { status, message } => (
                text("err.gainsight_api.what", &[("status", &status.to_string()), ("message", message)]),
                text("err.gainsight_api.next", &[]),
            ),
        };
        UserMessage { what, next }
    }

    /// Whether the install or watch ended without the package: something is left to do, not
    /// an error that kept the answer from being found.
    pub fn is_install_outcome(&self) -> bool {
        matches!(self, Error::InstallFailed { .. } | Error::InstallTimedOut { .. } | Error::PackageNotSeen { .. })
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
