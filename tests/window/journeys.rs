//! The two roles' whole journeys on the practice org, by keyboard alone in the app window:
//! the Salesforce admin who gets a signed link from support, and the Gainsight admin who
//! re-authorizes and verifies. Each prints how many actions it took; every screen is captured
//! in English and Japanese and checked (see `audit`).

use super::*;

/// The "system browser" the app opens pages with: a script that hands each URL to the test,
/// which opens it in headless Chromium as the admin would.
pub(crate) struct OpenedPages {
    log: PathBuf,
    pub(crate) script: String,
    seen: usize,
}

impl OpenedPages {
    pub(crate) fn new(config: &Path) -> OpenedPages {
        let log = config.join("opened-urls.txt");
        let script = config.join("browser.sh");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display())).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
        OpenedPages { log, script: script.display().to_string(), seen: 0 }
    }

    /// The next page the app opened.
    pub(crate) async fn next(&mut self) -> String {
        for _ in 0..200 {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(line) = text.lines().nth(self.seen) {
                self.seen += 1;
                return line.to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the app opened no page");
    }
}

/// Points the sign-in at a free redirect port, so parallel tests do not meet. This is the
/// harness's doing, not the admin's, so it is not counted.
pub(crate) async fn use_a_free_redirect_port(app: &App) {
    app.wait_for("details.settings summary").await.click().await.unwrap();
    let port = app.wait_for("#redirect-port").await;
    port.clear().await.unwrap();
    port.send_keys(&free_port().to_string()).await.unwrap();
    app.wait_for(".settings-form button[type='submit']").await.click().await.unwrap();
    app.wait_for("details.settings summary").await.click().await.unwrap();
}

/// Finds Gainsight's OAuth user by part of its name and chooses it, by keyboard.
async fn choose_the_integration_user(app: &App) {
    app.type_by_keyboard("#user-search", "integration").await;
    app.press(Key::Enter).await;
    app.activate("button[data-choose='gainsight.integration@acme-practice.example']", Key::Enter).await;
}

/// Signs in on the practice org's login page in Chromium.
pub(crate) async fn sign_in_in_the_browser(config: &Path, page: &str, username: &str, password: &str) -> u32 {
    assert!(page.contains("/services/oauth2/authorize?") && page.contains("code_challenge="), "{page}");
    let mut browser = Browser::start(&config.join("chromium-sign-in")).await;
    browser.client.goto(page).await.unwrap();
    assert!(browser.text(".banner").await.contains("Practice org"));
    browser.type_into("#username", username).await;
    browser.type_into("#password", password).await;
    browser.click("#allow").await;
    browser.text_containing("h1", "You are signed in").await;
    let actions = browser.actions;
    browser.stop().await;
    actions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_link_to_salesforce_admin_signs_in_fixes_the_user_installs_and_saves_the_report() {
    let config = tempfile_dir("journey-salesforce");
    let mut pages = OpenedPages::new(&config);
    // Support signs a link with what the ticket already says: data sync in the US data center,
    // starting at the org (the practice org stands in for the customer's).
    let desk = trusted_desk(&config);
    let signed = gainsight_link(&desk, Region::Us1, None, Step::Org, "CS-1042");
    let mut app =
        App::launch("journey-salesforce", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)], &[&signed])
            .await;

    app.on_step("org").await;
    app.expect_containing("#prefill", "Pre-filled by Acme IT desk (verified)").await;
    app.capture("linked-org").await;
    app.activate("input[name='practice']", Key::Space).await;
    app.wait_for("label.selected[data-practice='production-us-revoked']").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("sign_in").await;
    app.expect_text("#practice-username", "admin@acme-practice.example").await;
    use_a_free_redirect_port(&app).await;
    app.capture("sign-in").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='sign-in-waiting']").await;
    app.capture("sign-in-waiting").await;
    let browser_actions =
        sign_in_in_the_browser(&config, &pages.next().await, "admin@acme-practice.example", "Practice-Admin-1").await;
    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    app.capture("signed-in").await;
    app.activate("#primary", Key::Enter).await;

    // Gainsight's OAuth user: find, diagnose, preview, fix.
    app.on_step("oauth_user").await;
    app.capture("oauth-user").await;
    choose_the_integration_user(&app).await;
    app.expect_text("#oauth-username", "gainsight.integration@acme-practice.example").await;
    app.activate("#diagnose", Key::Enter).await;
    app.scroll_to("[data-check='approve_uninstalled'][data-status='fail']").await;
    app.capture("oauth-user-diagnosed").await;
    app.activate("#preview-fix", Key::Enter).await;
    app.scroll_to("[data-testid='plan']").await;
    app.capture("oauth-user-preview").await;
    app.activate("#apply-fix", Key::Enter).await;
    app.wait_for("[data-check='approve_uninstalled'][data-status='pass']").await;
    app.wait_for("#undo").await;
    app.scroll_to("[data-testid='done']").await;
    app.capture("oauth-user-fixed").await;
    app.activate("#primary", Key::Enter).await;

    // The package, installed through the API with progress.
    app.on_step("install").await;
    app.capture("install").await;
    app.activate("#install-api", Key::Enter).await;
    app.wait_for("[data-testid='working']").await;
    app.screenshot("install-progress").await;
    app.wait_for("#installed.pass").await;
    app.capture("installed").await;

    // Re-authorizing is the Gainsight admin's part; the report says what is done and what is left.
    app.activate("button[data-step='verify']", Key::Enter).await;
    app.on_step("verify").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#verdict.fail").await;
    app.wait_for("[data-check='app_installed'][data-status='pass']").await;
    app.scroll_to("[data-check='token_used'][data-status='fail']").await;
    app.capture("verified-before-reauthorization").await;
    app.activate("#save-report", Key::Enter).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("Gainsight CS US Connected App"), "the report names the package");
    assert!(!html.contains("!AQ") && !html.contains("Practice-Admin-1"), "no secret in the report");
    app.capture("report-saved").await;
    app.report("support link → Salesforce admin", browser_actions);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gainsight_admin_pastes_the_tenant_reauthorizes_verifies_and_saves_the_report() {
    let config = tempfile_dir("journey-gainsight");
    let mut pages = OpenedPages::new(&config);
    let mut app =
        App::start_with("journey-gainsight", "ja_JP.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)]).await;

    // The home screen: the Gainsight playbook, opened by keyboard.
    app.on_step("home").await;
    app.capture("home").await;
    app.activate("#open-gainsight", Key::Enter).await;
    app.on_step("use_case").await;
    app.capture("use-case").await;
    app.activate("input[value='data-sync']", Key::Space).await;
    app.wait_for("label.selected[data-use-case='data-sync']").await;
    app.activate("#primary", Key::Enter).await;

    // The tenant's address, pasted from the browser: the region follows from it.
    app.on_step("region").await;
    app.type_by_keyboard("#region-input", "https://acme.gainsightcloud.com/v1/ui/home#/").await;
    app.press(Key::Enter).await;
    app.expect_text("#region-value", "US1").await;
    app.capture("region").await;
    app.activate("#primary", Key::Enter).await;

    // The practice org where the Salesforce admin's part is done.
    app.on_step("org").await;
    app.tab_to("input[name='practice']").await;
    app.arrow_to(Key::Down, "input[name='practice'][value='already-fixed']").await;
    app.wait_for("label.selected[data-practice='already-fixed']").await;
    app.capture("org").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("sign_in").await;
    use_a_free_redirect_port(&app).await;
    app.activate("#primary", Key::Enter).await;
    let browser_sign_in =
        sign_in_in_the_browser(&config, &pages.next().await, "admin@acme-practice.example", "Practice-Admin-1").await;
    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    app.activate("#primary", Key::Enter).await;

    // The user Gainsight connects as, checked: the Salesforce admin has fixed it.
    app.on_step("oauth_user").await;
    choose_the_integration_user(&app).await;
    app.activate("#diagnose", Key::Enter).await;
    app.wait_for("[data-check='app_installed'][data-status='pass']").await;
    app.capture("oauth-user-already-fixed").await;

    // Then straight to the Gainsight admin's own step.
    app.activate("button[data-step='authorize']", Key::Enter).await;
    app.on_step("authorize").await;
    app.capture("authorize").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#reauthorization-started").await;
    let connectors = pages.next().await;
    assert!(connectors.ends_with("/practice/gainsight/connectors"), "{connectors}");
    let mut browser = Browser::start(&config.join("chromium-connectors")).await;
    browser.client.goto(&connectors).await.unwrap();
    browser.click("#reauthorize").await;
    browser.type_into("#username", "gainsight.integration@acme-practice.example").await;
    browser.type_into("#password", "Practice-Integration-1").await;
    browser.click("#allow").await;
    browser.text_containing("main", "Authorized as gainsight.integration@acme-practice.example").await;
    let browser_actions = browser_sign_in + browser.actions;
    browser.stop().await;
    app.capture("reauthorization-started").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("verify").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#verdict.pass").await;
    app.capture("verified").await;
    app.activate("#save-report", Key::Enter).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("Gainsight CS US Connected App 1.0.0.1"), "the report names what is installed");
    assert!(!html.contains("!AQ") && !html.contains("Practice-Integration-1"), "no secret in the report");
    app.capture("report-saved").await;
    app.activate("#primary", Key::Enter).await;

    // After reconnection: the checklist, ticked by keyboard, is kept.
    app.on_step("done").await;
    app.activate("input[data-item='journey-orchestrator']", Key::Space).await;
    app.wait_for("input[data-item='journey-orchestrator']:checked").await;
    app.capture("checklist").await;
    let state = std::fs::read_to_string(config.join("app.reconnect.desktop/wizard-state.json")).unwrap();
    assert!(state.contains("journey-orchestrator"), "{state}");
    app.report("Gainsight admin", browser_actions);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_sign_in_ends_on_salesforces_error_page_and_its_address_leads_to_the_fix() {
    let config = tempfile_dir("blocked-sign-in");
    let mut pages = OpenedPages::new(&config);
    let mut app =
        App::start_with("blocked-sign-in", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)]).await;
    app.on_step("home").await;
    app.activate("#open-gainsight", Key::Enter).await;
    app.on_step("use_case").await;
    app.activate("input[value='data-sync']", Key::Space).await;
    app.activate("#primary", Key::Enter).await;
    app.on_step("region").await;
    app.type_by_keyboard("#region-input", "https://acme.gainsightcloud.com/").await;
    app.press(Key::Enter).await;
    app.expect_text("#region-value", "US1").await;
    app.activate("#primary", Key::Enter).await;
    app.on_step("org").await;
    app.activate("input[name='practice']", Key::Space).await;
    app.wait_for("label.selected[data-practice='production-us-revoked']").await;
    app.activate("#primary", Key::Enter).await;

    // The Salesforce CLI's client is not installed in the org; a user without Approve
    // Uninstalled Connected Apps signs in with it.
    app.on_step("sign_in").await;
    use_a_free_redirect_port(&app).await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='sign-in-waiting']").await;
    app.click("#browser-error summary").await;
    app.wait_for("#error-page-address").await;
    app.capture("sign-in-waiting-browser-error").await;
    let help = app.text("#browser-error").await;
    assert!(help.contains("OAUTH_APPROVAL_ERROR_GENERIC") && help.contains("redirect_uri must match"), "{help}");

    let mut browser = Browser::start(&config.join("chromium-blocked")).await;
    browser.client.goto(&pages.next().await).await.unwrap();
    browser.type_into("#username", "gainsight.integration@acme-practice.example").await;
    browser.type_into("#password", "Practice-Integration-1").await;
    browser.click("#allow").await;
    // Salesforce's own page, not the app: nothing comes back to the window.
    browser.text_containing("#oauth-error-detail", "OAUTH_APPROVAL_ERROR_GENERIC").await;
    let address = browser.client.current_url().await.unwrap().to_string();
    assert!(address.contains("/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client"), "{address}");
    browser.stop().await;
    app.wait_for("[data-testid='sign-in-waiting']").await;

    // The admin pastes the address the browser shows.
    app.type_by_keyboard("#error-page-address", &address).await;
    app.press(Key::Enter).await;
    app.expect_containing("[data-testid='problem']", "not installed in this org").await;
    app.wait_for("#settings-fix").await;
    assert!(app.focused_matches("#client-id").await, "the fix's setting takes the focus");
    app.capture("sign-in-blocked-fix").await;

    // The fix: a client the org has installed; the same user then signs in.
    let client_id = app.wait_for("#client-id").await;
    client_id.clear().await.unwrap();
    client_id.send_keys("reconnect-practice").await.unwrap();
    app.press(Key::Enter).await;
    app.activate("#primary", Key::Enter).await;
    sign_in_in_the_browser(
        &config,
        &pages.next().await,
        "gainsight.integration@acme-practice.example",
        "Practice-Integration-1",
    )
    .await;
    app.expect_containing("#signed-in-user", "gainsight.integration@acme-practice.example").await;
    app.assert_clean("blocked sign-in");
    app.stop().await;
}
