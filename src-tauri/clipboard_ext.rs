//! The engine's clipboard trait over Tauri's clipboard plugin.

use reconnect_api::engine::clipboard::Clipboard;
use reconnect_api::engine::Error;
use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt;

/// The system clipboard, through the app.
pub struct TauriClipboard<'a>(pub &'a AppHandle);

impl Clipboard for TauriClipboard<'_> {
    fn write_text(&self, text: &str) -> Result<(), Error> {
        self.0.clipboard().write_text(text).map_err(|e| Error::ClipboardWrite { reason: e.to_string() })
    }
}
