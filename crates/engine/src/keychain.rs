//! Secrets live only in the operating system's keychain: Secret Service on Linux, the
//! Keychain on macOS, Credential Manager on Windows. There is no plaintext fallback: a
//! missing or locked keychain is an error that says what to do.

use std::sync::Arc;

use keyring_core::CredentialStore;

use crate::error::Error;
use crate::secret::Secret;

/// The keychain "service" every Reconnect entry is filed under.
pub const SERVICE: &str = "app.reconnect.desktop";

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    /// Stores `secret` under `account`, replacing what was there.
    fn put(&self, account: &str, secret: &Secret) -> Result<(), Error>;
    /// Reads the secret under `account`, if any.
    fn get(&self, account: &str) -> Result<Option<Secret>, Error>;
    /// Removes the secret under `account`; removing nothing is not an error.
    fn delete(&self, account: &str) -> Result<(), Error>;
}

/// The operating system's keychain.
pub struct OsKeychain {
    store: Arc<CredentialStore>,
    service: String,
}

impl std::fmt::Debug for OsKeychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OsKeychain")
    }
}

fn keychain_error(e: keyring_core::Error) -> Error {
    match e {
        keyring_core::Error::NoStorageAccess(_) => Error::KeychainLocked,
        other => Error::KeychainUnavailable { reason: other.to_string() },
    }
}

impl OsKeychain {
    /// Connects to the platform's keychain, filing entries under [`SERVICE`].
    pub fn open() -> Result<OsKeychain, Error> {
        Self::open_for(SERVICE)
    }

    /// Connects to the platform's keychain, filing entries under `service` (tests use their
    /// own, so parallel runs never share entries).
    pub fn open_for(service: &str) -> Result<OsKeychain, Error> {
        #[cfg(target_os = "linux")]
        let store = zbus_secret_service_keyring_store::Store::new();
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new();
        #[cfg(target_os = "windows")]
        let store = windows_native_keyring_store::Store::new();
        let store: Arc<CredentialStore> = store.map_err(keychain_error)?;
        Ok(OsKeychain { store, service: service.to_string() })
    }

    fn entry(&self, account: &str) -> Result<keyring_core::Entry, Error> {
        self.store.build(&self.service, account, None).map_err(keychain_error)
    }
}

impl SecretStore for OsKeychain {
    fn put(&self, account: &str, secret: &Secret) -> Result<(), Error> {
        self.entry(account)?.set_password(secret.expose()).map_err(keychain_error)
    }

    fn get(&self, account: &str) -> Result<Option<Secret>, Error> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), Error> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}
