//! Tauri commands: each locks the session, calls one core method and returns the new view.

use reconnect_core::browser::SystemBrowser;
use reconnect_core::install_link::LinkKind;
use reconnect_core::language::Language;
use reconnect_core::wizard::Intent;
use reconnect_core::wizard_view::View;
use tauri::AppHandle;

use crate::clipboard_ext::TauriClipboard;
use crate::with_session;

/// The current screen.
#[tauri::command]
pub async fn wizard_view(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| s.view()))
}

/// Applies one of the user's intents.
#[tauri::command]
pub async fn wizard_apply(app: AppHandle, intent: Intent) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.apply(intent);
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

/// Opens an install link in the default browser.
#[tauri::command]
pub async fn open_install_link(app: AppHandle, kind: Option<LinkKind>) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.open_install_link(kind, &SystemBrowser);
        s.view()
    }))
}

/// Copies an install link to the clipboard.
#[tauri::command]
pub async fn copy_install_link(app: AppHandle, kind: Option<LinkKind>) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.copy_install_link(kind, &TauriClipboard(&app));
        s.view()
    }))
}
