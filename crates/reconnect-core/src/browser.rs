//! Opening a web page in the admin's own browser, behind a trait so that the session's
//! logic runs in tests without a desktop.

use crate::error::Error;

/// Opens URLs in a browser.
pub trait BrowserOpener {
    /// Opens `url`; returns once the browser has been asked to, not when it has loaded.
    fn open(&self, url: &str) -> Result<(), Error>;
}

/// The operating system's default browser.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), Error> {
        open::that_detached(url).map_err(|e| Error::BrowserOpen { reason: e.to_string() })
    }
}
