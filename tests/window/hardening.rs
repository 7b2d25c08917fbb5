//! The hardening playbook's journey on the large practice org (ten thousand tokens over forty
//! apps, two hundred thousand login rows), by keyboard alone in the app window: audit, revoke
//! one app's stale tokens, restrict Gainsight's integration user to known addresses and check
//! it still connects, search the indicators, save the report. Every screen is captured in
//! English and Japanese and checked (see `audit`).

use super::journeys::{sign_in_in_the_browser, use_a_free_redirect_port, OpenedPages};
use super::*;

const STALE_APP: &str = "Partner App 01";
const GAINSIGHT_USER: &str = "gainsight.integration@acme-practice.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_audits_revokes_stale_tokens_restricts_the_integration_user_searches_indicators_and_saves_the_report() {
    let config = tempfile_dir("journey-hardening");
    let mut pages = OpenedPages::new(&config);
    let mut app =
        App::start_with("journey-hardening", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)]).await;

    app.on_step("home").await;
    app.wait_for("[data-playbook='hardening']").await;
    app.activate("#open-hardening", Key::Enter).await;

    // The practice org with an incident's worth of tokens and logins.
    app.on_step("org").await;
    app.activate("input[name='practice']", Key::Space).await;
    app.wait_for("label.selected[data-practice='hardening-large']").await;
    app.capture("hardening-org").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("sign_in").await;
    use_a_free_redirect_port(&app).await;
    app.activate("#primary", Key::Enter).await;
    let browser_actions =
        sign_in_in_the_browser(&config, &pages.next().await, "admin@acme-practice.example", "Practice-Admin-1").await;
    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    app.activate("#primary", Key::Enter).await;

    // The audit: every token by app, flagged.
    app.on_step("inventory").await;
    app.capture("inventory-not-run").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='inventory']").await;
    app.expect_containing("#inventory-summary", "tokens").await;
    app.wait_for(&format!("tr[data-app='{STALE_APP}'] [data-flag='stale']")).await;
    app.capture("inventory").await;

    // Revoke that app's tokens unused for 90 days: preview, then confirm.
    app.type_by_keyboard("#revoke-app", STALE_APP).await;
    let chosen = app.wait_for("#revoke-app").await.prop("value").await.unwrap();
    assert_eq!(chosen.as_deref(), Some(STALE_APP), "typing an app's name in the list chooses it");
    app.type_by_keyboard("#revoke-days", "90").await;
    app.activate("#preview-revoke", Key::Enter).await;
    app.expect_containing("#revoke-warning", "cannot be undone").await;
    app.scroll_to("[data-testid='revoke-preview']").await;
    app.capture("revoke-preview").await;
    app.activate("#confirm-revoke", Key::Enter).await;
    app.expect_containing("[data-testid='done']", "Revoked").await;
    app.scroll_to("[data-testid='done']").await;
    app.capture("revoked").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("access").await;
    app.wait_for("[data-testid='access']").await;
    app.capture("access").await;
    app.activate("#primary", Key::Enter).await;

    // Gainsight's integration user, alone on its profile: restricted to the addresses the
    // admin enters (Gainsight publishes none), then checked.
    app.on_step("users").await;
    app.wait_for(&format!("[data-user='{GAINSIGHT_USER}'] [data-check='ip_ranges'][data-status='fail']")).await;
    app.capture("users").await;
    app.activate(&format!("button[data-choose-user='{GAINSIGHT_USER}']"), Key::Enter).await;
    app.wait_for("#ranges").await;
    app.type_by_keyboard("#ranges", "52.35.87.0/28").await;
    app.activate("#preview-restriction", Key::Enter).await;
    app.scroll_to("[data-testid='restriction-preview']").await;
    app.capture("restriction-preview").await;
    app.activate("#apply-restriction", Key::Enter).await;
    app.wait_for("#check-restriction").await;
    app.activate("#check-restriction", Key::Enter).await;
    app.wait_for("[data-check='still_connects']").await;
    app.wait_for("#undo-restriction").await;
    app.scroll_to("[data-check='still_connects']").await;
    app.capture("restricted").await;
    app.activate("#primary", Key::Enter).await;

    // The indicators over the last 45 days: the planted hits show, with what was not searched.
    app.on_step("indicators").await;
    app.capture("indicators-not-run").await;
    app.type_by_keyboard("#since", "45d").await;
    app.press(Key::Enter).await;
    app.wait_for("[data-testid='hits']").await;
    app.expect_containing("[data-testid='notes']", "A hit means").await;
    app.scroll_to("[data-testid='hits']").await;
    app.capture("indicators").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("health").await;
    app.wait_for("#health-score").await;
    app.capture("health").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("report").await;
    app.capture("report").await;
    app.activate("#save-report", Key::Enter).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains(STALE_APP) && html.contains("revoked (cannot be undone)"), "the revocations are in it");
    assert!(html.contains("52.35.87.0"), "the restriction is in it");
    assert!(html.contains("3.239.45.43"), "the hits are in it");
    assert!(!html.contains("Practice-Admin-1"), "no secret in the report");
    app.capture("report-saved").await;

    // The step list leads back by keyboard; the work is still there.
    app.activate("button[data-step='inventory']", Key::Enter).await;
    app.on_step("inventory").await;
    app.wait_for("[data-testid='inventory']").await;
    app.report("hardening", browser_actions);
    app.stop().await;
}
