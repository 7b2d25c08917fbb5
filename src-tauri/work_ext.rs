//! Reconnection commands: each hands the core an operation, runs the job it returns in the
//! background, and tells the window when the view changed (progress included).

use std::sync::Arc;

use reconnect_core::accounts::Accounts;
use reconnect_core::browser::SystemBrowser;
use reconnect_core::clock::{Clock, SystemClock};
use reconnect_core::keychain::OsKeychain;
use reconnect_core::operations::{run, Env, Finished, Operation};
use reconnect_core::package::polling::Polling;
use reconnect_core::wizard_view::View;
use reconnect_core::Error;
use tauri::{AppHandle, Emitter};

use crate::clipboard_ext::TauriClipboard;
use crate::sign_in_ext::VIEW_CHANGED;
use crate::with_session;

fn env(app: &AppHandle) -> Result<Env, Error> {
    let dir = reconnect_core::paths::config_dir();
    Ok(Env {
        accounts: Accounts::new(&dir, Arc::new(OsKeychain::open()?)),
        journal: with_session(app, |s| s.journal().clone()),
        clock: Arc::new(SystemClock),
        api_polling: Polling::API_INSTALL,
        link_polling: Polling::LINK_INSTALL,
    })
}

/// Starts an operation; returns at once with the busy view.
#[tauri::command]
pub async fn run_operation(app: AppHandle, operation: Operation) -> Result<View, ()> {
    if let Some(job) = with_session(&app, |s| s.prepare(operation)) {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let finished = match env(&handle) {
                Ok(env) => {
                    let progress_handle = handle.clone();
                    let mut progress = move |p| {
                        with_session(&progress_handle, |s| s.progress(p));
                        let _ = progress_handle.emit(VIEW_CHANGED, ());
                    };
                    run(job, &env, &mut progress).await
                }
                Err(e) => Finished::failed(&job, e),
            };
            with_session(&handle, |s| s.finish(finished));
            let _ = handle.emit(VIEW_CHANGED, ());
        });
    }
    Ok(with_session(&app, |s| s.view()))
}

/// Opens the tenant's Connectors 2.0 page and notes when re-authorization started.
#[tauri::command]
pub async fn start_reauthorization(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.start_reauthorization(&SystemBrowser, SystemClock.now_ms());
        s.view()
    }))
}

/// Saves the report (HTML and Markdown) in the reports folder.
#[tauri::command]
pub async fn save_report(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.save_report(&reconnect_core::paths::reports_dir(), &SystemClock.now_text());
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
