//! Where Reconnect keeps its files; the app and the CLI share them.

use std::path::PathBuf;

/// The app's identifier, as in `tauri.conf.json`.
pub const APP_ID: &str = "app.reconnect.desktop";

/// The folder for state and the session list: `$XDG_CONFIG_HOME/app.reconnect.desktop` on
/// Linux, the platform's equivalent elsewhere (the same folder Tauri gives the app).
pub fn config_dir() -> PathBuf {
    dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_ID)
}
