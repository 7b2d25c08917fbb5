//! The desktop shell: a Tauri window over `reconnect-api`. Everything here adapts; the rules
//! live in the engine and the playbooks.

mod clipboard_ext;
mod commands;
mod diagnostics_ext;
mod link_ext;
mod sign_in_ext;
mod trust_ext;
mod work_ext;
mod zendesk_ext;

use std::sync::Mutex;

use reconnect_api::engine::accounts::{current_session, SessionRecord};
use reconnect_api::engine::language::Language;
use reconnect_api::engine::link::links_in_args;
use reconnect_api::engine::paths::{config_dir, instance_bus_name};
use reconnect_api::engine::support_log;
use reconnect_api::session::Session;
use reconnect_api::state::STATE_FILE;
use tauri::{AppHandle, Manager};

/// Runs `f` on the app's session. A panic while holding the lock cannot leave the session
/// half-changed on disk (saves are atomic), so a poisoned lock is safe to reuse.
pub(crate) fn with_session<R>(app: &AppHandle, f: impl FnOnce(&mut Session) -> R) -> R {
    let state = app.state::<Mutex<Session>>();
    let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// Starts the app.
pub fn run() {
    support_log::install(&support_log::log_dir(), false);
    tracing::info!(target: "reconnect::app", version = env!("CARGO_PKG_VERSION"), os = std::env::consts::OS, "started");
    // The single-instance plugin goes first: a second start hands its arguments to the
    // running app and exits before anything else starts.
    let single_instance = tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_bus_name())
        .callback(|app, argv, _cwd| link_ext::second_start(app, argv))
        .build();
    let mut builder = tauri::Builder::default().plugin(single_instance);
    // The deep-link plugin reads the arguments as Unicode and would abort on any that is not;
    // such a start still reaches the core, which refuses the link with its reason.
    let unicode_args = std::env::args_os().all(|a| a.to_str().is_some());
    if unicode_args {
        builder = builder.plugin(tauri_plugin_deep_link::init());
    }
    builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let setup_started = std::time::Instant::now();
            // The CLI uses the same folder, so a session started in one shows in the other.
            let dir = config_dir();
            let mut session = Session::open(dir.join(STATE_FILE), Language::from_os());
            let current = current_session(&dir);
            session.sync_signed_in(current.as_ref());
            if current.as_ref().is_some_and(SessionRecord::is_practice) {
                // A practice-org session from an earlier run: its org is gone; clear it.
                tauri::async_runtime::spawn(sign_in_ext::forget_practice_session());
            }
            session.practice_logins(sign_in_ext::practice_logins());
            app.manage(Mutex::new(session));
            app.manage(sign_in_ext::SignInState::default());
            app.manage(zendesk_ext::ZendeskPractice::default());
            app.manage(diagnostics_ext::Shown::default());
            if unicode_args {
                link_ext::register_scheme(app.handle());
            }
            link_ext::open_links(app.handle(), links_in_args(std::env::args_os().skip(1)));
            tracing::info!(target: "reconnect::app", micros = setup_started.elapsed().as_micros() as u64, "set up");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::view,
            commands::apply,
            commands::set_language,
            sign_in_ext::sign_in_start,
            sign_in_ext::sign_in_cancel,
            sign_in_ext::sign_out,
            sign_in_ext::sign_in_error_pasted,
            sign_in_ext::sign_out_forget,
            work_ext::run_operation,
            work_ext::save_report,
            work_ext::copy_report,
            trust_ext::refresh_trust,
            zendesk_ext::zendesk_practice,
            diagnostics_ext::diagnostics_preview,
            diagnostics_ext::diagnostics_copy,
            link_ext::open_wizard_link,
            link_ext::accept_wizard_link,
            link_ext::dismiss_wizard_link,
            link_ext::share_wizard_link,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the Reconnect window could not start");
}
