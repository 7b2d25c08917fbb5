//! Tauri commands: each locks the session, calls one API method and returns the new view.

use reconnect_api::engine::browser::SystemBrowser;
use reconnect_api::engine::clock::SystemClock;
use reconnect_api::engine::language::Language;
use reconnect_api::engine::playbook::Effects;
use reconnect_api::view::{Intent, View};
use tauri::AppHandle;

use crate::clipboard_ext::TauriClipboard;
use crate::with_session;

/// The current screen.
#[tauri::command]
pub async fn view(app: AppHandle) -> Result<View, ()> {
    tracing::debug!(target: "reconnect::app", "view asked");
    Ok(with_session(&app, |s| s.view()))
}

/// Applies one of the admin's intents (the browser, the clipboard and the clock are the
/// real ones).
#[tauri::command]
pub async fn apply(app: AppHandle, intent: Intent) -> Result<View, ()> {
    let clipboard = TauriClipboard(&app);
    let fx = Effects { browser: &SystemBrowser, clipboard: &clipboard, clock: &SystemClock };
    Ok(with_session(&app, |s| {
        s.apply(intent, &fx);
        s.view()
    }))
}

/// Picks the language (`null` follows the system).
#[tauri::command]
pub async fn set_language(app: AppHandle, language: Option<Language>) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.set_language(language);
        s.view()
    }))
}
