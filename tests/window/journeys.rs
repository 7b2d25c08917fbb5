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

/// The Gainsight admin's part as the Salesforce admin's app sees it: someone re-authorizes on
/// the practice org's Connectors 2.0 page in Chromium.
async fn reauthorize_in_chromium(config: &Path, connectors: &str, tag: &str) -> u32 {
    reauthorize_as(config, connectors, tag, ("gainsight.integration@acme-practice.example", "Practice-Integration-1"))
        .await
}

/// Re-authorizes on the Connectors 2.0 page as `who` (username, password).
async fn reauthorize_as(config: &Path, connectors: &str, tag: &str, who: (&str, &str)) -> u32 {
    let mut browser = Browser::start(&config.join(tag)).await;
    browser.client.goto(connectors).await.unwrap();
    browser.click("#reauthorize").await;
    browser.type_into("#username", who.0).await;
    browser.type_into("#password", who.1).await;
    browser.click("#allow").await;
    browser.text_containing("main", &format!("Authorized as {}", who.0)).await;
    let actions = browser.actions;
    browser.stop().await;
    actions
}

/// The support engineer's link: the practice org (`scenario`) as the customer's org, data sync
/// in the US data center, opening the sign-in.
fn support_link(desk: &reconnect_api::engine::link::LinkSigner, scenario: &str) -> String {
    use reconnect_api::engine::link::{render, LinkFields, TicketRef};
    use reconnect_api::gainsight::link_fields::{set_region, set_use_case, VOCABULARY};
    let mut fields = LinkFields::expiring_at(reconnect_api::engine::timestamp::now_ms() / 1000 + 3600);
    set_use_case(&mut fields, Some(reconnect_api::gainsight::catalog::UseCase::DataSync));
    set_region(&mut fields, Some(Region::Us1));
    fields.set_practice(&VOCABULARY, scenario).unwrap();
    fields.set_step(&VOCABULARY, Step::SignIn.code()).unwrap();
    fields.ticket = TicketRef::parse("CS-1042");
    render(&fields, Some(desk))
}

/// The Salesforce admin's app, opened by the support link for the practice org `scenario`;
/// with the folder it keeps its data in and the pages it opens.
async fn open_support_link(tag: &str, scenario: &str) -> (App, PathBuf, OpenedPages) {
    let config = tempfile_dir(tag);
    let pages = OpenedPages::new(&config);
    let desk = trusted_desk(&config);
    let app = App::launch(
        tag,
        "en_US.UTF-8",
        &config,
        &[("RECONNECT_BROWSER", &pages.script)],
        &[&support_link(&desk, scenario)],
    )
    .await;
    (app, config, pages)
}

/// From the sign-in step: Enter in the app, then the practice admin signs in on the page it
/// opens. The practice org's origin, and the page's actions.
async fn sign_in_as_the_practice_admin(app: &App, config: &Path, pages: &mut OpenedPages) -> (String, u32) {
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='sign-in-waiting']").await;
    let sign_in_page = pages.next().await;
    let practice = url::Url::parse(&sign_in_page).unwrap().origin().ascii_serialization();
    let actions =
        sign_in_in_the_browser(config, &sign_in_page, "admin@acme-practice.example", "Practice-Admin-1").await;
    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    (practice, actions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_link_to_one_plan_to_hand_off_then_the_gainsight_admin_reauthorizes_from_the_hand_off_link() {
    let (mut app, config, mut pages) = open_support_link("journey-salesforce", "production-us-revoked").await;

    // The link answered everything before the sign-in.
    app.on_step("sign_in").await;
    app.expect_containing("#prefill", "Pre-filled by Acme IT desk (verified)").await;
    app.expect_text("#practice-username", "admin@acme-practice.example").await;
    use_a_free_redirect_port(&app).await;
    app.capture("sign-in").await;
    let (practice, mut browser_actions) = sign_in_as_the_practice_admin(&app, &config, &mut pages).await;
    app.capture("signed-in").await;
    app.activate("#primary", Key::Enter).await;

    // Reconnect finds the OAuth user and works out one plan by itself.
    app.on_step("oauth_user").await;
    app.expect_text("#plan-user", "gainsight.integration@acme-practice.example").await;
    app.expect_containing("#user-source", "Found by Reconnect").await;
    app.expect_containing("[data-testid='whole-plan']", "Gainsight CS US Connected App").await;
    app.expect_containing("[data-testid='whole-plan']", "CanApproveUninstalledApps").await;
    app.expect_text("#primary", "Apply the plan").await;
    app.capture("one-plan").await;
    app.activate("#primary", Key::Enter).await;

    // Applied with progress; then the hand-off and the wait.
    app.on_step("verify").await;
    let link = app.text("#handoff-link").await;
    assert!(
        link.contains("practice=already-fixed")
            && link.contains("user=gainsight.integration@acme-practice.example")
            && link.contains("step=authorize")
            && link.contains("ticket=CS-1042"),
        "{link}"
    );
    app.wait_for("#waiting").await;
    app.capture("handed-off").await;
    app.activate("#copy-handoff", Key::Enter).await;
    app.expect_containing("[data-testid='confirmation']", "Link copied").await;

    // The Gainsight admin re-authorizes; the app sees the token used on its own.
    browser_actions +=
        reauthorize_in_chromium(&config, &format!("{practice}/practice/gainsight/connectors"), "gs").await;
    app.wait_within("#verdict.pass", Duration::from_secs(90)).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("Gainsight CS US Connected App 1.0.0.1"), "the report names what is installed");
    assert!(!html.contains("!AQ") && !html.contains("Practice-Admin-1"), "no secret in the report");
    let log = walk(&config).into_iter().find(|p| p.ends_with("logs/reconnect.log")).expect("the app's log");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(log.contains("notification shown"), "the desktop was told: {log}");
    let shown = notification_containing("Gainsight is connected again").await;
    assert!(shown.contains(&saved), "the notification says where the report is: {shown}");
    assert!(log.contains("apply_plan"), "the plan is in the log: {log}");
    app.capture("verified").await;
    app.report_within("support link → Salesforce admin → verified", browser_actions, 4);
    app.stop().await;

    // The Gainsight admin opens the hand-off link: the re-authorize step, everything filled in.
    let config = tempfile_dir("journey-gainsight-handoff");
    let mut pages = OpenedPages::new(&config);
    let mut app = App::launch(
        "journey-gainsight-handoff",
        "ja_JP.UTF-8",
        &config,
        &[("RECONNECT_BROWSER", &pages.script)],
        &[&link],
    )
    .await;
    app.on_step("authorize").await;
    app.wait_for("#from-handoff").await;
    app.expect_containing("#prefill", "CS-1042").await;
    app.expect_containing("#tenant-url", "/practice/gainsight/connectors").await;
    app.capture("handoff-authorize").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#reauthorization-started").await;
    let connectors = pages.next().await;
    assert!(connectors.ends_with("/practice/gainsight/connectors"), "{connectors}");
    let browser_actions = reauthorize_in_chromium(&config, &connectors, "gs-admin").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#reauthorized").await;
    app.capture("reauthorized").await;
    app.report_within("hand-off link → Gainsight admin → re-authorized", browser_actions, 3);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_two_users_hold_the_gainsight_apps_token_the_admin_picks_one_from_the_candidates_by_keyboard() {
    let (mut app, config, mut pages) = open_support_link("journey-pick-user", "already-fixed").await;
    app.on_step("sign_in").await;
    use_a_free_redirect_port(&app).await;
    let (practice, mut browser_actions) = sign_in_as_the_practice_admin(&app, &config, &mut pages).await;

    // Someone once connected Gainsight as themselves: two users hold a token of the app.
    let connectors = format!("{practice}/practice/gainsight/connectors");
    browser_actions += reauthorize_in_chromium(&config, &connectors, "gs").await;
    browser_actions +=
        reauthorize_as(&config, &connectors, "gs-admin", ("admin@acme-practice.example", "Practice-Admin-1")).await;
    app.activate("#primary", Key::Enter).await;

    // Reconnect does not guess: it lists both with why, and plans once one is picked.
    app.on_step("oauth_user").await;
    app.wait_for("#candidates-intro").await;
    for username in ["gainsight.integration@acme-practice.example", "admin@acme-practice.example"] {
        app.wait_for(&format!("[data-choose='{username}']")).await;
    }
    app.expect_containing("table.users tbody tr:first-child", "gainsight.integration@acme-practice.example").await;
    app.expect_containing("table.users", "holds a token of the Gainsight app").await;
    app.expect_containing("table.users", "2025-11-20 02:00:00 UTC").await;
    assert!(app.client.find_all(fantoccini::Locator::Css("#plan-user")).await.unwrap().is_empty(), "nobody chosen yet");
    app.capture("pick-user").await;
    app.activate("[data-choose='gainsight.integration@acme-practice.example']", Key::Enter).await;
    app.expect_text("#plan-user", "gainsight.integration@acme-practice.example").await;
    app.capture("picked-user").await;
    app.report("support link → two token holders → the admin picks the OAuth user", browser_actions);
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

    // The user Gainsight connects as, found and checked: the Salesforce admin has fixed it.
    app.on_step("oauth_user").await;
    app.expect_text("#plan-user", "gainsight.integration@acme-practice.example").await;
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
    let browser_actions = browser_sign_in + reauthorize_in_chromium(&config, &connectors, "chromium-connectors").await;
    app.capture("reauthorization-started").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("#reauthorized").await;
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
