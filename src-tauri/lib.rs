//! The desktop shell: a Tauri window over `reconnect-core`. Everything here adapts; the
//! rules live in the core.

mod clipboard_ext;
mod commands;

use std::sync::Mutex;

use reconnect_core::language::Language;
use reconnect_core::session::Session;
use tauri::Manager;

/// Name of the state file inside the app's config folder.
const STATE_FILE: &str = "wizard-state.json";

/// Starts the app.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(|app| {
            let dir = app.path().app_config_dir()?;
            app.manage(Mutex::new(Session::open(dir.join(STATE_FILE), Language::from_os())));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::wizard_view,
            commands::wizard_apply,
            commands::set_language,
            commands::open_install_link,
            commands::copy_install_link,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the Reconnect window could not start");
}
