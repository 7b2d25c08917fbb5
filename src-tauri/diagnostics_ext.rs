//! "Copy diagnostics for support": the shell gathers the text once, the window shows exactly
//! that text, and copying copies the text that was shown.

use std::sync::Mutex;

use reconnect_api::diagnostics::gather;
use reconnect_api::engine::clipboard::Clipboard;
use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::paths::config_dir;
use reconnect_api::engine::support_log::log_dir;
use tauri::{AppHandle, State};

use crate::clipboard_ext::TauriClipboard;

/// The text last shown.
#[derive(Default)]
pub struct Shown(Mutex<Option<String>>);

/// Gathers the diagnostics and returns them for the preview.
#[tauri::command]
pub async fn diagnostics_preview(shown: State<'_, Shown>) -> Result<String, ()> {
    let text = gather(&config_dir(), &log_dir(), env!("CARGO_PKG_VERSION"), &SystemClock.now_text());
    *shown.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.clone());
    Ok(text)
}

/// Copies the text that was shown; `false` when nothing was shown or the clipboard refused.
#[tauri::command]
pub async fn diagnostics_copy(app: AppHandle, shown: State<'_, Shown>) -> Result<bool, ()> {
    let text = shown.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(text.is_some_and(|t| TauriClipboard(&app).write_text(&t).is_ok()))
}
