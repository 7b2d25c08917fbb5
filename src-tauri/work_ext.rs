//! Long operations and reports: an operation goes to the playbook on screen, which makes it a
//! job; the job runs in the background with the real keychain, journal and clock, and the
//! window hears when the view changed (progress included).

use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::paths::reports_dir;
use reconnect_api::system::job_env;
use reconnect_api::view::View;
use serde_json::Value;
use tauri::{AppHandle, Emitter};

use crate::clipboard_ext::TauriClipboard;
use crate::sign_in_ext::VIEW_CHANGED;
use crate::with_session;

/// Starts an operation of the playbook on screen; returns at once with the busy view.
#[tauri::command]
pub async fn run_operation(app: AppHandle, operation: Value) -> Result<View, ()> {
    if let Some(job) = with_session(&app, |s| s.prepare(operation)) {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let progress_handle = handle.clone();
            let progress = Box::new(move |p| {
                with_session(&progress_handle, |s| s.progress(p));
                let _ = progress_handle.emit(VIEW_CHANGED, ());
            });
            match job_env(progress) {
                Ok(env) => {
                    let done = job.run(env).await;
                    let now = SystemClock.now_text();
                    let concluded = with_session(&handle, |s| {
                        s.finish(done);
                        s.take_conclusion(&reports_dir(), &now)
                    });
                    if let Some(note) = concluded {
                        notify(&handle, &note);
                    }
                }
                Err(e) => with_session(&handle, |s| s.job_failed(&e)),
            }
            let _ = handle.emit(VIEW_CHANGED, ());
        });
    }
    Ok(with_session(&app, |s| s.view()))
}

/// Tells the admin, through the desktop's notifications, that a wait ended: the window may
/// be behind another by then. A desktop without a notification service still shows it in the
/// window, so a failure is only logged.
fn notify(app: &AppHandle, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    match app.notification().builder().title("Reconnect").body(body).show() {
        Ok(()) => tracing::info!("notification shown"),
        Err(e) => tracing::warn!(error = %e, "notification not shown"),
    }
}

/// Saves the report (HTML and Markdown) in the reports folder.
#[tauri::command]
pub async fn save_report(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.save_report(&reports_dir(), &SystemClock.now_text());
        s.view()
    }))
}

/// Copies the report as Markdown.
#[tauri::command]
pub async fn copy_report(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.copy_report(&TauriClipboard(&app), &SystemClock.now_text());
        s.view()
    }))
}
