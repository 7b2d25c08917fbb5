//! Tauri commands: each locks the session, calls one core method and returns the new view.

use std::sync::Mutex;

use reconnect_core::browser::SystemBrowser;
use reconnect_core::install_link::LinkKind;
use reconnect_core::language::Language;
use reconnect_core::session::Session;
use reconnect_core::wizard::Intent;
use reconnect_core::wizard_view::View;
use tauri::{AppHandle, State};

use crate::clipboard_ext::TauriClipboard;

type SessionState<'a> = State<'a, Mutex<Session>>;

fn with<R>(session: &SessionState<'_>, f: impl FnOnce(&mut Session) -> R) -> R {
    // A panic while holding the lock cannot leave the session half-changed on disk (saves
    // are atomic), so a poisoned lock is safe to reuse.
    let mut guard = session.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// The current screen.
#[tauri::command]
pub async fn wizard_view(session: SessionState<'_>) -> Result<View, ()> {
    Ok(with(&session, |s| s.view()))
}

/// Applies one of the user's intents.
#[tauri::command]
pub async fn wizard_apply(session: SessionState<'_>, intent: Intent) -> Result<View, ()> {
    Ok(with(&session, |s| {
        s.apply(intent);
        s.view()
    }))
}

/// Picks the language (`null` follows the system).
#[tauri::command]
pub async fn set_language(session: SessionState<'_>, language: Option<Language>) -> Result<View, ()> {
    Ok(with(&session, |s| {
        s.set_language(language);
        s.view()
    }))
}

/// Opens an install link in the default browser.
#[tauri::command]
pub async fn open_install_link(session: SessionState<'_>, kind: Option<LinkKind>) -> Result<View, ()> {
    Ok(with(&session, |s| {
        s.open_install_link(kind, &SystemBrowser);
        s.view()
    }))
}

/// Copies an install link to the clipboard.
#[tauri::command]
pub async fn copy_install_link(app: AppHandle, session: SessionState<'_>, kind: Option<LinkKind>) -> Result<View, ()> {
    Ok(with(&session, |s| {
        s.copy_install_link(kind, &TauriClipboard(&app));
        s.view()
    }))
}
