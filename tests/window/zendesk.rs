//! The Zendesk playbook's journey on the practice Zendesk, by keyboard alone in the app
//! window: sign in (the authorization page answered as an admin would), read the installed
//! apps against the 2019 cutoff, rotate two installations and skip the third with a reason,
//! revoke an old OAuth token, mark the TLS certificates and save the report. Every screen is
//! captured in English and Japanese and checked; no new value is left in any file.

use super::journeys::OpenedPages;
use super::*;

const NEW_JIRA: &str = "window-rotated-jira-R5v9";
const NEW_SLACK: &str = "https://hooks.slack.example/services/window-rotated-M2c7";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_signs_in_to_zendesk_rotates_two_installations_revokes_a_token_and_saves_the_report() {
    let config = tempfile_dir("journey-zendesk");
    let mut pages = OpenedPages::new(&config);
    let mut app =
        App::start_with("journey-zendesk", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &pages.script)]).await;

    app.on_step("home").await;
    app.activate("#open-zendesk", Key::Enter).await;

    app.on_step("account").await;
    app.capture("account").await;
    app.activate("#zd-practice", Key::Enter).await;
    app.wait_for("#zd-practice-logins").await;
    app.capture("account-practice").await;
    app.activate("#primary", Key::Enter).await;
    let page = pages.next().await;
    assert!(page.contains("/oauth/authorizations/new") && page.contains("code_challenge_method=S256"), "{page}");
    // On the authorization page: e-mail, password, Allow.
    reconnect_testkit::zendesk_browser(page, "admin@acme-practice.example".into(), "Practice-Zendesk-1".into(), true)
        .await;
    let browser_actions = 3;
    app.expect_containing("#zd-signed-in", "Aiko Admin").await;
    app.capture("signed-in").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("apps").await;
    app.capture("apps-not-read").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='installations']").await;
    app.expect_containing("#zd-apps-summary", "3 hold secrets").await;
    app.expect_containing("tr[data-installation='187701']", "password").await;
    app.capture("apps").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("rotate").await;
    app.capture("rotate").await;
    for (id, setting, value) in [("187701", "password", NEW_JIRA), ("187702", "webhook_url", NEW_SLACK)] {
        app.activate(&format!("button[data-rotate='{id}']"), Key::Enter).await;
        app.wait_for("#zd-plan").await;
        app.expect_containing("#zd-plan", "cannot be undone").await;
        if id == "187701" {
            app.expect_containing("#zd-vendor", "Atlassian").await;
            app.capture("rotate-preview").await;
        }
        app.type_by_keyboard(&format!("input[data-setting='{setting}']"), value).await;
        app.activate("#zd-rotate", Key::Enter).await;
        app.expect_containing(&format!("li[data-installation='{id}'] .mark"), "rotated").await;
    }
    app.type_by_keyboard("#zd-reason-187703", "disabled; removed next week").await;
    app.activate("button[data-skip='187703']", Key::Enter).await;
    app.expect_containing("li[data-installation='187703'] .mark", "skipped").await;
    app.expect_containing("#zd-rotate-done", "3 of 3").await;
    app.capture("rotated").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("tokens").await;
    app.activate("#primary", Key::Enter).await;
    app.wait_for("[data-testid='oauth-tokens']").await;
    app.expect_containing("#zd-retirement", "2027-04-30").await;
    app.capture("tokens").await;
    app.activate("input[data-choose-token='502']", Key::Space).await;
    app.activate("#zd-preview-revoke", Key::Enter).await;
    app.expect_containing("#zd-revoke-preview", "Old reporting script").await;
    app.capture("revoke-preview").await;
    app.activate("#zd-revoke", Key::Enter).await;
    app.wait_for("[data-testid='oauth-tokens']").await;
    for _ in 0..50 {
        if app.client.find(Locator::Css("tr[data-token='502']")).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app.client.find(Locator::Css("tr[data-token='502']")).await.is_err(), "token 502 revoked");
    app.activate("#primary", Key::Enter).await;

    app.on_step("certificates").await;
    // A radio group is one Tab stop; the arrow key moves within it and chooses.
    app.wait_for("input[name='tls'][value='replaced']").await;
    app.tab_to("input[name='tls'][value='replaced']").await;
    app.arrow_to(Key::Down, "input[name='tls'][value='none_uploaded']").await;
    app.wait_for("label.selected input[value='none_uploaded']").await;
    app.capture("certificates").await;
    app.activate("#primary", Key::Enter).await;

    app.on_step("report").await;
    app.activate("#save-report", Key::Enter).await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("JIRA (support)") && html.contains("disabled; removed next week"), "every installation");
    assert!(html.contains("2016-11-01"), "the cutoff");
    app.capture("report").await;

    // Diagnostics for support: previewed whole, copied as shown, without a secret.
    app.activate("#diagnostics", Key::Enter).await;
    app.wait_for("#diagnostics-preview[open]").await;
    let shown: String = app
        .client
        .execute("return document.querySelector('#diagnostics-text').value", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert!(shown.contains("Playbook: zendesk, step report"), "{shown}");
    assert!(shown.contains("service=\"zendesk\"") && shown.contains("operation=\"rotate\""), "{shown}");
    assert!(shown.contains("AppInstallation") && !shown.contains(NEW_JIRA) && !shown.contains(NEW_SLACK));
    app.capture("diagnostics").await;
    app.activate("#diagnostics-copy", Key::Enter).await;
    app.wait_for("#diagnostics-copied").await;
    app.activate("#diagnostics-close", Key::Enter).await;

    let log = walk(&config).into_iter().find(|p| p.ends_with("logs/reconnect.log")).expect("the app's log");
    assert!(std::fs::read_to_string(log).unwrap().contains("reconnect::http"));
    for entry in walk(&config) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains(NEW_JIRA) && !text.contains(NEW_SLACK), "a new value in {}", entry.display());
    }
    app.report("zendesk", browser_actions);
    app.stop().await;
}
