//! The readiness playbook's journey on the practice org, by keyboard alone in the app window:
//! the header's Trust status line, the practice Trust API switched to an incident and seen to
//! appear, the subscription recorded, the admins Salesforce e-mails read with their warnings,
//! and the runbook saved. Every screen is captured in English and Japanese and checked.

use super::journeys::{sign_in_in_the_browser, use_a_free_redirect_port, OpenedPages};
use super::*;

/// Switches what the practice Trust API answers (the practice org's own control, not the
/// admin's doing).
async fn switch_trust(practice: &str, scenario: &str) {
    let r = reqwest::Client::new()
        .post(format!("{practice}/trust/practice/scenario"))
        .body(scenario.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_sees_the_trust_status_records_the_subscription_reads_the_admins_and_saves_the_runbook() {
    let config = tempfile_dir("journey-readiness");
    let mut pages = OpenedPages::new(&config);
    let mut app =
        App::start_with("journey-readiness", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)]).await;

    app.on_step("home").await;
    app.wait_for("[data-playbook='readiness']").await;
    app.capture("home").await;
    app.activate("#open-readiness", Key::Enter).await;

    app.on_step("org").await;
    app.activate("input[name='practice']", Key::Space).await;
    app.wait_for("label.selected[data-practice='hardening-large']").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("sign_in").await;
    use_a_free_redirect_port(&app).await;
    app.activate("#primary", Key::Enter).await;
    let page = pages.next().await;
    let practice = url::Url::parse(&page).unwrap().origin().ascii_serialization();
    let browser_actions =
        sign_in_in_the_browser(&config, &page, "admin@acme-practice.example", "Practice-Admin-1").await;
    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    // Signed in: the header reads the instance's status by itself.
    app.expect_containing("#trust-line", "NA224: all services available").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("status").await;
    app.expect_text("#trust-instance", "NA224").await;
    app.wait_for("#trust-status-summary").await;
    app.capture("status-ok").await;

    // Salesforce posts an incident: checking again shows it, in the header and in full.
    switch_trust(&practice, "minor-incident").await;
    app.activate("#check-trust", Key::Enter).await;
    app.wait_for("#trust-line[data-level='incident']").await;
    app.expect_containing("[data-testid='incidents']", "Performance Degradation").await;
    app.expect_containing("[data-testid='messages']", "Gainsight applications").await;
    app.capture("status-incident").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("subscribe").await;
    app.capture("subscribe").await;
    app.activate("#record-subscription", Key::Enter).await;
    app.expect_containing("#subscription-recorded", "NA224").await;
    app.capture("subscribed").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("contacts").await;
    app.capture("contacts-not-read").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='holders']").await;
    app.expect_containing("tr[data-holder='notifications@acme-practice.example'] .warnings", "no-reply").await;
    app.expect_containing("tr[data-holder='platform.admin@acme-practice.example']", "Platform Admins").await;
    app.capture("contacts").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("runbook").await;
    app.capture("runbook-not-made").await;
    app.activate("#primary", Key::Enter).await;
    app.expect_containing("#runbook-summary", "integrations").await;
    app.activate("#save-report", Key::Enter).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("Partner App 01") && html.contains("GAINSIGHTCSUS"), "every integration");
    assert!(html.contains("status.salesforce.com/instances/NA224"), "the Trust page");
    assert!(html.contains("Subscription recorded for NA224"), "the subscription");
    assert!(!html.contains("Practice-Admin-1"), "no secret in the runbook");
    app.capture("runbook-saved").await;
    switch_trust(&practice, "ok").await;
    app.report("readiness", browser_actions);
    app.stop().await;
}
