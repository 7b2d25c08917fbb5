//! The header's Trust status: the window asks for it when the view says it is due (and every
//! few minutes while an org is signed in); the reading runs in the background and the window
//! hears when the view changed.

use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::trust;
use reconnect_api::view::View;
use tauri::{AppHandle, Emitter};

use crate::sign_in_ext::VIEW_CHANGED;
use crate::with_session;

/// Reads the signed-in org's Trust status, unless a reading is under way; returns at once.
#[tauri::command]
pub async fn refresh_trust(app: AppHandle) -> Result<View, ()> {
    if let Some(request) = with_session(&app, |s| s.trust_request()) {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let result = trust::read(&request, SystemClock.now_ms()).await;
            with_session(&handle, |s| s.trust_read(&request, result, SystemClock.now_ms()));
            let _ = handle.emit(VIEW_CHANGED, ());
        });
    }
    Ok(with_session(&app, |s| s.view()))
}
