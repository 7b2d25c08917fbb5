//! The practice Zendesk for the Zendesk playbook: started on first use, kept while the app
//! runs, and its address handed to the playbook.

use practice_org::zendesk::{start, RunningZendesk, ZendeskConfig};
use reconnect_api::engine::browser::SystemBrowser;
use reconnect_api::engine::clock::SystemClock;
use reconnect_api::engine::playbook::Effects;
use reconnect_api::engine::Error;
use reconnect_api::view::{Intent, View};
use serde_json::json;
use tauri::{AppHandle, State};

use crate::clipboard_ext::TauriClipboard;
use crate::with_session;

/// The running practice Zendesk.
#[derive(Default)]
pub struct ZendeskPractice(tokio::sync::Mutex<Option<RunningZendesk>>);

/// Starts the practice Zendesk (once) and points the Zendesk playbook at it.
#[tauri::command]
pub async fn zendesk_practice(app: AppHandle, state: State<'_, ZendeskPractice>) -> Result<View, ()> {
    let mut running = state.0.lock().await;
    if running.is_none() {
        match start(ZendeskConfig::default()).await {
            Ok(z) => *running = Some(z),
            Err(e) => {
                return Ok(with_session(&app, |s| {
                    s.report(&Error::PracticeOrg { reason: e.to_string() });
                    s.view()
                }))
            }
        }
    }
    let url = running.as_ref().map(|z| z.url().to_string()).unwrap_or_default();
    let logins: Vec<String> = running
        .as_ref()
        .map(|z| z.users().iter().map(|u| format!("{} / {}", u.email, u.password)).collect())
        .unwrap_or_default();
    let clipboard = TauriClipboard(&app);
    let fx = Effects { browser: &SystemBrowser, clipboard: &clipboard, clock: &SystemClock };
    Ok(with_session(&app, |s| {
        s.apply(Intent::Playbook { intent: json!({ "type": "practice_started", "url": url, "logins": logins }) }, &fx);
        s.view()
    }))
}
