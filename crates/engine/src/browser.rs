//! Opening a web page in the admin's own browser, behind a trait so that the session's
//! logic runs in tests without a desktop.

use crate::error::Error;

/// Opens URLs in a browser.
pub trait BrowserOpener {
    /// Opens `url`; returns once the browser has been asked to, not when it has loaded.
    fn open(&self, url: &str) -> Result<(), Error>;
}

/// Names a program to open pages with instead of the system's default browser (for a
/// browser profile that is signed in to the right org, or for scripted runs).
pub const BROWSER_OVERRIDE: &str = "RECONNECT_BROWSER";

/// The operating system's default browser, or the program named by `RECONNECT_BROWSER`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), Error> {
        match std::env::var_os(BROWSER_OVERRIDE).filter(|p| !p.is_empty()) {
            Some(program) => std::process::Command::new(program)
                .arg(url)
                .stdin(std::process::Stdio::null())
                .spawn()
                .map(|_| ())
                .map_err(|e| Error::BrowserOpen { reason: e.to_string() }),
            None => open::that_detached(url).map_err(|e| Error::BrowserOpen { reason: e.to_string() }),
        }
    }
}
