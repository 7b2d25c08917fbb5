//! Sign-in commands: they start the engine's sign-in, keep the running practice org and the
//! waiting task, and tell the window when the view changed.

use std::collections::BTreeMap;
use std::sync::Mutex;

use practice_org::RunningOrg;
use reconnect_api::engine::browser::SystemBrowser;
use reconnect_api::engine::connection::SignInTarget;
use reconnect_api::engine::oauth::loopback::SIGN_IN_TIMEOUT;
use reconnect_api::engine::salesforce::instance::InstanceUrl;
use reconnect_api::engine::view::PracticeLogin;
use reconnect_api::engine::Error;
use reconnect_api::registry::PLAYBOOKS;
use reconnect_api::system::accounts;
use reconnect_api::view::View;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::with_session;

/// The event that tells the window to fetch the view again.
pub const VIEW_CHANGED: &str = "view-changed";

/// What the shell keeps for signing in.
#[derive(Default)]
pub struct SignInState {
    practice: tokio::sync::Mutex<Option<(String, RunningOrg)>>,
    waiting: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

/// The users of every practice scenario the playbooks offer (shown before it runs).
pub fn practice_logins() -> BTreeMap<String, Vec<PracticeLogin>> {
    PLAYBOOKS
        .iter()
        .flat_map(|r| (r.open)(None).practice_orgs())
        .filter_map(|p| {
            let s = practice_org::scenario::Scenario::named(p.scenario).ok()?;
            let logins = s.logins.into_iter().map(|l| PracticeLogin { username: l.username, password: l.password });
            Some((p.scenario.to_string(), logins.collect()))
        })
        .collect()
}

/// The practice org's address, starting it with `scenario` on first use, or again when the
/// admin chose another scenario.
async fn practice_url(app: &AppHandle, state: &SignInState, scenario: String) -> Result<InstanceUrl, Error> {
    let mut practice = state.practice.lock().await;
    if practice.as_ref().is_none_or(|(running, _)| *running != scenario) {
        let org = practice_org::start(practice_org::Config::new(&scenario))
            .await
            .map_err(|e| Error::PracticeOrg { reason: e.to_string() })?;
        with_session(app, |s| s.practice_started(org.url()));
        *practice = Some((scenario, org));
    }
    InstanceUrl::parse(practice.as_ref().expect("started above").1.url())
}

/// A link that opens the practice org (a training link, or a hand-off made on it) starts it
/// at once: the steps a Gainsight admin takes before any sign-in (the practice Connectors 2.0
/// page) need it running.
pub fn start_linked_practice(app: &AppHandle) {
    let Some(scenario) = with_session(app, |s| s.practice_scenario()) else { return };
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = handle.state::<SignInState>();
        if let Err(e) = practice_url(&handle, &state, scenario).await {
            with_session(&handle, |s| s.report(&e));
        }
        let _ = handle.emit(VIEW_CHANGED, ());
    });
}

async fn start(app: &AppHandle, state: &SignInState) -> Result<(), Error> {
    let (target, settings) = with_session(app, |s| s.sign_in_target())?;
    let server = match target {
        SignInTarget::Org(url) => url,
        SignInTarget::Practice(scenario) => practice_url(app, state, scenario).await?,
    };
    let accounts = accounts()?;
    let sign_in = accounts.begin(&server, &settings).await?;
    with_session(app, |s| s.sign_in_waiting(sign_in.authorize_url()));
    // The link is on screen, so a browser that does not open is not a failure.
    let _ = sign_in.open_browser(&SystemBrowser);
    let handle = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        let result = accounts.complete(sign_in, &settings, SIGN_IN_TIMEOUT).await;
        with_session(&handle, |s| s.sign_in_finished(result));
        let _ = handle.emit(VIEW_CHANGED, ());
    });
    if let Some(previous) = state.waiting.lock().unwrap_or_else(|p| p.into_inner()).replace(task) {
        previous.abort();
    }
    Ok(())
}

/// Removes a practice-org session left by an earlier run (best effort: the org is gone).
pub async fn forget_practice_session() {
    if let Ok(a) = accounts() {
        let _ = a.sign_out().await;
    }
}

/// Starts signing in: opens the browser and returns at once; the window hears
/// `view-changed` when the sign-in ends.
#[tauri::command]
pub async fn sign_in_start(app: AppHandle, state: State<'_, SignInState>) -> Result<View, ()> {
    if let Err(e) = start(&app, &state).await {
        with_session(&app, |s| s.report(&e));
    }
    Ok(with_session(&app, |s| s.view()))
}

/// Stops waiting for the browser.
#[tauri::command]
pub async fn sign_in_cancel(app: AppHandle, state: State<'_, SignInState>) -> Result<View, ()> {
    if let Some(task) = state.waiting.lock().unwrap_or_else(|p| p.into_inner()).take() {
        task.abort();
    }
    Ok(with_session(&app, |s| {
        s.sign_in_cancelled();
        s.view()
    }))
}

/// Reads the address of the error page the browser shows instead of coming back; when it is
/// one, the waiting sign-in stops with the error it means.
#[tauri::command]
pub async fn sign_in_error_pasted(app: AppHandle, state: State<'_, SignInState>, address: String) -> Result<View, ()> {
    if with_session(&app, |s| s.sign_in_error_pasted(&address)) {
        if let Some(task) = state.waiting.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
    Ok(with_session(&app, |s| s.view()))
}

/// Removes the session's tokens from this computer without revoking them, after a sign-out
/// the org did not confirm.
#[tauri::command]
pub async fn sign_out_forget(app: AppHandle) -> Result<View, ()> {
    let result = accounts().and_then(|a| a.forget()).map(|_| ());
    Ok(with_session(&app, |s| {
        s.sign_out_finished(result);
        s.view()
    }))
}

/// Signs out: revokes the refresh token and removes it from the keychain.
#[tauri::command]
pub async fn sign_out(app: AppHandle) -> Result<View, ()> {
    let result = match accounts() {
        Ok(a) => a.sign_out().await.map(|_| ()),
        Err(e) => Err(e),
    };
    Ok(with_session(&app, |s| {
        s.sign_out_finished(result);
        s.view()
    }))
}
