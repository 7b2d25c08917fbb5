//! Where Reconnect keeps its files; the app and the CLI share them.

use std::path::PathBuf;

/// The app's identifier, as in `tauri.conf.json`.
pub const APP_ID: &str = "app.reconnect.desktop";

/// The folder for state and the session list: `$XDG_CONFIG_HOME/app.reconnect.desktop` on
/// Linux, the platform's equivalent elsewhere (the same folder Tauri gives the app).
pub fn config_dir() -> PathBuf {
    dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_ID)
}

/// The name one running app holds on the session bus: one window per config folder, so a
/// second start with the same folder hands its link to the first, while apps with separate
/// folders (other profiles, parallel tests) stay apart.
pub fn instance_bus_name() -> String {
    instance_bus_name_for(&config_dir())
}

/// The bus name of the app whose config folder is `dir`.
pub fn instance_bus_name_for(dir: &std::path::Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{APP_ID}.p{hex}")
}

/// Where saved reports go: `Documents/Reconnect`, or the config folder when the system has no
/// documents folder.
pub fn reports_dir() -> PathBuf {
    dirs::document_dir().map(|d| d.join("Reconnect")).unwrap_or_else(|| config_dir().join("reports"))
}
