//! Links reaching the app: from the command line at a cold start, from a second start
//! (the single-instance plugin hands its arguments over), from macOS's URL events, and from
//! the paste box. Each goes through the core's checks; the window comes forward.

use std::ffi::OsString;

use reconnect_api::engine::link::links_in_args;
use reconnect_api::engine::timestamp::now_ms;
use reconnect_api::session::Session;
use reconnect_api::view::View;
use tauri::{AppHandle, Emitter, Manager};

use crate::clipboard_ext::TauriClipboard;
use crate::sign_in_ext::{start_linked_practice, VIEW_CHANGED};
use crate::with_session;

/// Takes links into the session and brings the main window forward to show the result.
pub fn open_links(app: &AppHandle, links: Vec<Vec<u8>>) {
    if !links.is_empty() {
        let now = now_ms() / 1000;
        with_session(app, |s: &mut Session| {
            for link in &links {
                s.open_link(link, now);
            }
        });
        start_linked_practice(app);
        let _ = app.emit(VIEW_CHANGED, ());
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// A second start of the app: its arguments (after the program name) may hold links; with
/// or without one, the admin is looking for the window.
pub fn second_start(app: &AppHandle, argv: Vec<String>) {
    open_links(app, links_in_args(argv.into_iter().skip(1).map(OsString::from)));
}

/// Makes sure the operating system sends `reconnect://` links here. On Linux a copy run from
/// the source tree writes its own handler entry (the .deb's desktop entry covers installed
/// copies); on macOS links arrive as URL events.
pub fn register_scheme(app: &AppHandle) {
    use tauri_plugin_deep_link::DeepLinkExt;
    #[cfg(any(target_os = "linux", windows))]
    {
        let packaged = std::env::current_exe().is_ok_and(|exe| exe.starts_with("/usr/"));
        if !packaged {
            // It runs xdg-mime and update-desktop-database: off the start-up path, and a few
            // seconds later, so their processes do not compete with the first paint for the CPU.
            let handle = app.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(3));
                if let Err(e) = handle.deep_link().register_all() {
                    eprintln!("Reconnect could not register itself for reconnect:// links: {e}");
                }
            });
        }
    }
    #[cfg(target_os = "macos")]
    {
        let handle = app.clone();
        app.deep_link().on_open_url(move |event| {
            let links = event.urls().iter().map(|u| u.as_str().as_bytes().to_vec()).collect();
            open_links(&handle, links);
        });
    }
}

/// A link pasted into the app.
#[tauri::command]
pub async fn open_wizard_link(app: AppHandle, link: String) -> Result<View, ()> {
    let now = now_ms() / 1000;
    with_session(&app, |s| s.open_link(link.as_bytes(), now));
    start_linked_practice(&app);
    Ok(with_session(&app, |s| s.view()))
}

/// The admin takes the waiting link's answers.
#[tauri::command]
pub async fn accept_wizard_link(app: AppHandle) -> Result<View, ()> {
    with_session(&app, |s| s.accept_pending_link());
    start_linked_practice(&app);
    Ok(with_session(&app, |s| s.view()))
}

/// The admin keeps their answers.
#[tauri::command]
pub async fn dismiss_wizard_link(app: AppHandle) -> Result<View, ()> {
    Ok(with_session(&app, |s| {
        s.dismiss_pending_link();
        s.view()
    }))
}

/// Makes a link of the answers so far and copies it.
#[tauri::command]
pub async fn share_wizard_link(app: AppHandle) -> Result<View, ()> {
    let now = now_ms() / 1000;
    Ok(with_session(&app, |s| {
        s.share(&TauriClipboard(&app), now);
        s.view()
    }))
}
