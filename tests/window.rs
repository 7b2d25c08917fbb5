//! Real-window tests: the built app under Xvfb, driven through WebDriver (tauri-driver in
//! front of WebKitWebDriver). Run them through `make test`, which provides the X server, the
//! session bus and the drivers; without those they fail and say so.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

mod driver;

use driver::{free_port, wait_for_port, Driver};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

/// One app instance behind its own tauri-driver, with its own config folder and language.
struct App {
    client: Client,
    driver: Driver,
    /// The session-bus name the app holds while it runs (the single-instance plugin's).
    bus_name: String,
    shots: PathBuf,
    shot_count: u32,
    tag: String,
}

impl App {
    /// Starts the app with `locale` as the system locale and `config` as its config folder.
    async fn start(tag: &str, locale: &str, config: &Path) -> App {
        Self::start_with(tag, locale, config, &[]).await
    }

    /// Starts the app with extra environment variables.
    async fn start_with(tag: &str, locale: &str, config: &Path, envs: &[(&str, &str)]) -> App {
        Self::launch(tag, locale, config, envs, &[]).await
    }

    /// Starts the app with extra environment variables and command-line arguments.
    async fn launch(tag: &str, locale: &str, config: &Path, envs: &[(&str, &str)], args: &[&str]) -> App {
        let mut env: Vec<(&str, &std::ffi::OsStr)> =
            vec![("XDG_CONFIG_HOME", config.as_os_str()), ("LANG", locale.as_ref()), ("LC_ALL", locale.as_ref())];
        env.extend(envs.iter().map(|(k, v)| (*k, v.as_ref())));
        let driver = Driver::start(&env).await;
        let client = driver.session(Path::new(env!("CARGO_BIN_EXE_reconnect-app")), args).await;
        let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        let bus_name = format!(
            "{}.SingleInstance",
            reconnect_core::paths::instance_bus_name_for(&config.join(reconnect_core::paths::APP_ID))
        );
        let app = App { client, driver, bus_name, shots, shot_count: 0, tag: tag.to_string() };
        app.wait_for("#step-heading").await;
        app
    }

    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Waits until the screen shows `step`.
    async fn on_step(&self, step: &str) {
        self.wait_for(&format!("#screen[data-step='{step}']")).await;
    }

    /// Waits until `css` shows exactly `expected`.
    async fn expect_text(&self, css: &str, expected: &str) {
        for _ in 0..100 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.text().await.map(|t| t.trim() == expected).unwrap_or(false) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} should read {expected:?} but reads {:?}", self.text(css).await);
    }

    /// Waits until `css` contains `needle`.
    async fn expect_containing(&self, css: &str, needle: &str) {
        for _ in 0..100 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.text().await.is_ok_and(|t| t.contains(needle)) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} should contain {needle:?} but reads {:?}", self.text(css).await);
    }

    async fn screenshot(&mut self, name: &str) {
        self.shot_count += 1;
        let png = self.client.screenshot().await.unwrap();
        let path = self.shots.join(format!("{}-{:02}-{name}.png", self.tag, self.shot_count));
        std::fs::write(&path, png).unwrap();
    }

    async fn stop(self) {
        self.client.close().await.unwrap();
        self.driver.stop().await;
        wait_until_gone(&self.bus_name).await;
    }
}

/// Waits until the app has let go of its bus name, so a restart with the same config folder
/// is a first instance again. An app still holding it after 15 s is killed, and the test says
/// so: on these shared machines an app can take long to exit after its WebDriver session ends.
async fn wait_until_gone(bus_name: &str) {
    let ask = |method: &str| {
        std::process::Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .arg(format!("org.freedesktop.DBus.{method}"))
            .arg(format!("string:{bus_name}"))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    for _ in 0..150 {
        if !ask("NameHasOwner").contains("boolean true") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if let Some(pid) = ask("GetConnectionUnixProcessID").split_whitespace().last() {
        eprintln!("warning: the app (pid {pid}) still ran 15 s after its session ended; killing it");
        let _ = std::process::Command::new("kill").args(["-9", pid]).status();
    }
}

/// Expected texts of one language.
struct Texts {
    locale: &'static str,
    tag: &'static str,
    use_case_heading: &'static str,
    region_heading: &'static str,
    org_heading: &'static str,
    install_heading: &'static str,
    sign_in_heading: &'static str,
    sandbox: &'static str,
    not_salesforce: &'static str,
    copied: &'static str,
}

const EN: Texts = Texts {
    locale: "en_US.UTF-8",
    tag: "en",
    use_case_heading: "What stopped working?",
    region_heading: "Which Gainsight data center?",
    org_heading: "Which Salesforce org?",
    install_heading: "Install the package",
    sign_in_heading: "Sign in to the org",
    sandbox: "Sandbox",
    not_salesforce: "is not a Salesforce address",
    copied: "Link copied to the clipboard.",
};

const JA: Texts = Texts {
    locale: "ja_JP.UTF-8",
    tag: "ja",
    use_case_heading: "何が止まっていますか?",
    region_heading: "Gainsight のデータセンターはどこですか?",
    org_heading: "どの Salesforce 組織ですか?",
    install_heading: "パッケージをインストール",
    sign_in_heading: "組織にサインイン",
    sandbox: "Sandbox",
    not_salesforce: "は Salesforce のアドレスではありません",
    copied: "リンクをクリップボードにコピーしました。",
};

async fn walk_the_wizard(texts: Texts) {
    let config = tempfile_dir(texts.tag);
    let mut app = App::start(texts.tag, texts.locale, &config).await;

    app.expect_text("#step-heading", texts.use_case_heading).await;
    assert!(!app.wait_for("#primary").await.is_enabled().await.unwrap(), "Continue before an answer");
    app.screenshot("use-case").await;
    app.click("label[data-use-case='data-sync']").await;
    app.wait_for("label.selected[data-use-case='data-sync']").await;
    app.screenshot("use-case-chosen").await;
    app.click("#primary").await;

    app.on_step("region").await;
    app.expect_text("#step-heading", texts.region_heading).await;
    // Enter in the box reads the address, as a keyboard user would.
    app.type_into("#region-input", "  HTTPS://Acme.EU.gainsightcloud.com/v1/ui/home#/  ").await;
    app.wait_for("#region-input").await.send_keys(&Key::Enter.to_string()).await.unwrap();
    app.expect_text("#region-value", "EU").await;
    app.screenshot("region").await;
    app.click("#primary").await;

    app.on_step("org").await;
    app.expect_text("#step-heading", texts.org_heading).await;
    app.type_into("#org-input", "https://my.salesforce.com@salesforce.com.evil.example/").await;
    app.click("#org-read").await;
    let problem = app.text("[data-testid='problem']").await;
    assert!(problem.contains("evil.example"), "{problem}");
    app.screenshot("org-phishing-rejected").await;
    app.type_into("#org-input", "salesforce.com.evil.example").await;
    app.click("#org-read").await;
    // The earlier problem stays on screen until the new answer arrives.
    app.expect_containing("[data-testid='problem']", texts.not_salesforce).await;
    app.type_into("#org-input", "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home")
        .await;
    app.click("#org-read").await;
    app.expect_text("#org-environment", texts.sandbox).await;
    app.expect_text("#org-my-domain", "acme--uat.sandbox.my.salesforce.com").await;
    app.screenshot("org").await;
    app.click("#primary").await;

    app.on_step("sign_in").await;
    app.expect_text("#step-heading", texts.sign_in_heading).await;
    app.screenshot("sign-in").await;
    app.click("#sign-in-skip").await;

    // Without a sign-in the OAuth user step says what to do by hand and can be passed.
    app.on_step("oauth_user").await;
    app.wait_for("[data-testid='info']").await;
    app.screenshot("oauth-user-not-signed-in").await;
    app.click("#primary").await;

    app.on_step("install").await;
    app.expect_text("#step-heading", texts.install_heading).await;
    app.expect_text("#install-package", "Gainsight CS EU Connected App").await;
    app.expect_text(
        "[data-testid='install-url-my_domain']",
        "https://acme--uat.sandbox.my.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz",
    )
    .await;
    app.expect_text(
        "[data-testid='install-url-generic']",
        "https://test.salesforce.com/packaging/installPackage.apexp?p0=04tJ9000000Hgiz",
    )
    .await;
    app.click("[data-copy='my_domain']").await;
    app.expect_text("[data-testid='confirmation']", texts.copied).await;
    app.screenshot("install").await;
    app.stop().await;

    // A restart (or a crash) loses nothing: the app reopens at the install step.
    let mut app = App::start(&format!("{}-restarted", texts.tag), texts.locale, &config).await;
    app.on_step("install").await;
    app.expect_text("#install-package", "Gainsight CS EU Connected App").await;
    app.click("button[data-step='org']").await;
    app.on_step("org").await;
    app.expect_text("#org-my-domain", "acme--uat.sandbox.my.salesforce.com").await;
    app.screenshot("restored-org").await;
    app.stop().await;
}

fn tempfile_dir(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("window-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_admin_walks_use_case_region_org_to_install_link() {
    walk_the_wizard(EN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn japanese_admin_walks_use_case_region_org_to_install_link() {
    walk_the_wizard(JA).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_changes_every_text_and_is_remembered() {
    let config = tempfile_dir("switch");
    let mut app = App::start("switch", "en_US.UTF-8", &config).await;
    app.expect_text("#step-heading", EN.use_case_heading).await;
    app.wait_for("#language").await.select_by_value("ja").await.unwrap();
    app.expect_text("#step-heading", JA.use_case_heading).await;
    let lang = app.client.execute("return document.documentElement.lang", vec![]).await.unwrap();
    assert_eq!(lang, json!("ja"));
    app.screenshot("switched-to-ja").await;
    app.stop().await;
    let app = App::start("switch-restarted", "en_US.UTF-8", &config).await;
    app.expect_text("#step-heading", JA.use_case_heading).await;
    app.stop().await;
}

/// Headless Chromium behind chromedriver: the "system browser" in which the practice org's
/// login page is filled, as an admin would.
struct Browser {
    client: Client,
    driver: Child,
}

impl Browser {
    async fn start(profile: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver is not installed: run `make test`, which installs it");
        wait_for_port(port).await;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         format!("--user-data-dir={}", profile.display())],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver session");
        Browser { client, driver }
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_walks_the_whole_wizard_on_the_practice_org_to_the_saved_report() {
    let config = tempfile_dir("practice");
    // The app opens sign-in pages with this "browser": it hands the URL to the test, which
    // opens it in Chromium.
    let urls = config.join("opened-urls.txt");
    let script = config.join("browser.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display())).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
    let script = script.display().to_string();
    let mut app = App::start_with("practice", "en_US.UTF-8", &config, &[("RECONNECT_BROWSER", &script)]).await;

    app.click("label[data-use-case='data-sync']").await;
    app.wait_for("label.selected[data-use-case='data-sync']").await;
    app.click("#primary").await;
    app.on_step("region").await;
    app.type_into("#region-input", "https://acme.gainsightcloud.com/v1/ui/home").await;
    app.click("#region-read").await;
    app.expect_text("#region-value", "US1").await;
    app.click("#primary").await;
    app.on_step("org").await;
    app.click("label[data-practice]").await;
    app.wait_for("label.selected[data-practice]").await;
    app.click("#primary").await;

    app.on_step("sign_in").await;
    app.expect_text("#practice-username", "admin@acme-practice.example").await;
    app.click("details.settings summary").await;
    app.type_into("#redirect-port", &free_port().to_string()).await;
    app.click(".settings-form button[type='submit']").await;
    app.click("#primary").await;
    app.wait_for("[data-testid='sign-in-waiting']").await;
    app.screenshot("sign-in-waiting").await;

    let mut authorize = String::new();
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(&urls) {
            if let Some(line) = text.lines().last() {
                authorize = line.to_string();
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(authorize.contains("/services/oauth2/authorize?") && authorize.contains("code_challenge="), "{authorize}");

    let browser = Browser::start(&config.join("chromium-profile")).await;
    browser.client.goto(&authorize).await.unwrap();
    let banner = browser.client.find(Locator::Css(".banner")).await.unwrap().text().await.unwrap();
    assert!(banner.contains("Practice org"), "{banner}");
    browser
        .client
        .find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys("admin@acme-practice.example")
        .await
        .unwrap();
    browser.client.find(Locator::Css("#password")).await.unwrap().send_keys("Practice-Admin-1").await.unwrap();
    browser.client.find(Locator::Css("#allow")).await.unwrap().click().await.unwrap();
    let answer = browser.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("h1")).await.unwrap();
    assert_eq!(answer.text().await.unwrap(), "You are signed in");
    browser.stop().await;

    app.expect_text("#signed-in-org", "Acme Corporation (practice)").await;
    app.expect_text("#signed-in-environment", "Production").await;
    app.expect_text("#signed-in-region", "US1").await;
    app.screenshot("signed-in").await;
    app.click("#primary").await;

    // Gainsight's OAuth user: find, diagnose, preview, fix; a second preview changes nothing.
    app.on_step("oauth_user").await;
    app.type_into("#user-search", "integration").await;
    app.click("#user-search-go").await;
    app.click("button[data-choose='gainsight.integration@acme-practice.example']").await;
    app.expect_text("#oauth-username", "gainsight.integration@acme-practice.example").await;
    app.click("#diagnose").await;
    app.wait_for("[data-check='approve_uninstalled'][data-status='fail']").await;
    app.screenshot("oauth-user-diagnosed").await;
    app.click("#preview-fix").await;
    app.wait_for("[data-testid='plan']").await;
    app.screenshot("oauth-user-preview").await;
    app.click("#apply-fix").await;
    app.wait_for("[data-check='approve_uninstalled'][data-status='pass']").await;
    app.wait_for("#undo").await;
    app.click("#preview-fix").await;
    app.wait_for("#plan-empty").await;
    app.click("#primary").await;

    // Install through the API, with progress, until the org has the package.
    app.on_step("install").await;
    let link = app.text("[data-testid='install-url-generic']").await;
    assert!(
        link.starts_with("http://127.0.0.1:") && link.ends_with("/packaging/installPackage.apexp?p0=04tg50000000tZD"),
        "{link}"
    );
    app.click("#install-api").await;
    app.wait_for("[data-testid='working']").await;
    app.screenshot("install-progress").await;
    app.wait_for("#installed.pass").await;
    app.screenshot("installed").await;
    app.click("#primary").await;

    // The Gainsight admin re-authorizes on the practice tenant's Connectors 2.0 page.
    app.on_step("authorize").await;
    let opened_before = std::fs::read_to_string(&urls).unwrap().lines().count();
    app.click("#primary").await;
    app.wait_for("#reauthorization-started").await;
    let mut connectors = String::new();
    for _ in 0..100 {
        let text = std::fs::read_to_string(&urls).unwrap();
        if text.lines().count() > opened_before {
            connectors = text.lines().last().unwrap().to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(connectors.ends_with("/practice/gainsight/connectors"), "{connectors}");
    let browser = Browser::start(&config.join("chromium-profile-2")).await;
    browser.client.goto(&connectors).await.unwrap();
    browser.client.find(Locator::Css("#reauthorize")).await.unwrap().click().await.unwrap();
    let user =
        browser.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("#username")).await.unwrap();
    user.send_keys("gainsight.integration@acme-practice.example").await.unwrap();
    browser.client.find(Locator::Css("#password")).await.unwrap().send_keys("Practice-Integration-1").await.unwrap();
    browser.client.find(Locator::Css("#allow")).await.unwrap().click().await.unwrap();
    let page = browser.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("main")).await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Authorized as gainsight.integration@acme-practice.example"), "{page}");
    browser.stop().await;
    app.screenshot("reauthorization-started").await;
    app.click("#primary").await;

    // Verify, then save the report.
    app.on_step("verify").await;
    app.click("#primary").await;
    app.wait_for("#verdict.pass").await;
    let measured = app.text("#measured").await;
    assert!(measured.starts_with("2 round trips"), "{measured}");
    app.screenshot("verified").await;
    app.click("#save-report").await;
    let saved = app.text("#report-path").await;
    let html = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{saved}: {e}"));
    assert!(html.contains("Verified: the connection works again.") && html.contains("Gainsight CS US Connected App"));
    assert!(!html.contains("!AQ"), "no access token in the report");
    assert!(std::path::Path::new(&saved.replace(".html", ".md")).exists());
    app.click("#primary").await;

    // After reconnection: ticks persist.
    app.on_step("done").await;
    app.click("input[data-item='journey-orchestrator']").await;
    app.wait_for("input[data-item='journey-orchestrator']:checked").await;
    app.screenshot("checklist").await;
    let state = std::fs::read_to_string(config.join("app.reconnect.desktop/wizard-state.json")).unwrap();
    assert!(state.contains("journey-orchestrator"), "{state}");

    app.click("button[data-step='sign_in']").await;
    app.click("#sign-out").await;
    app.wait_for("#sign-in-skip").await;
    app.stop().await;
}

/// A support desk's signing key, trusted in `config` the way `reconnect link keygen --trust`
/// does it.
fn trusted_desk(config: &Path) -> reconnect_core::wizard_link::LinkSigner {
    use reconnect_core::wizard_link::{IssuerEntry, KeyId, LinkSigner, TrustedIssuers};
    let signer = LinkSigner::generate(KeyId::parse("acme-desk").unwrap(), "Acme IT desk").unwrap();
    let dir = config.join(reconnect_core::paths::APP_ID);
    TrustedIssuers::trust_locally(&dir, IssuerEntry::for_signer(&signer)).unwrap();
    signer
}

fn link(rest: &str) -> String {
    let exp = reconnect_core::timestamp::now_ms() / 1000 + 3600;
    format!("reconnect://wizard?v=1&exp={exp}{rest}")
}

/// Starts the app binary a second time with `arg`, as the desktop does when a link is
/// clicked; it must hand the link over and exit.
async fn second_start(config: &Path, arg: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_reconnect-app"))
        .arg(arg)
        .env("XDG_CONFIG_HOME", config)
        .env("LANG", "en_US.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status();
    let status = tokio::time::timeout(Duration::from_secs(20), status)
        .await
        .expect("the second start should hand its link over and exit, not open a second window")
        .unwrap();
    assert!(status.success(), "second start: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_link_opens_the_app_at_its_step_and_later_links_move_the_same_window() {
    let config = tempfile_dir("links");
    let desk = trusted_desk(&config);
    let mut fields =
        reconnect_core::wizard_link::LinkFields::expiring_at(reconnect_core::timestamp::now_ms() / 1000 + 3600);
    fields.use_case = Some(reconnect_core::catalog::UseCase::DataSync);
    fields.region = Some(reconnect_core::region::Region::Eu);
    fields.org = Some("acme--uat.sandbox.my.salesforce.com".parse().unwrap());
    fields.step = Some(reconnect_core::wizard::Step::Install);
    fields.ticket = reconnect_core::wizard_link::TicketRef::parse("CS-77");
    let signed = reconnect_core::wizard_link::render(&fields, Some(&desk));

    // Cold start with the link as the only argument, as the desktop entry's `%u` passes it.
    let mut app = App::launch("links", "en_US.UTF-8", &config, &[], &[&signed]).await;
    app.on_step("install").await;
    let prefill = app.text("#prefill").await;
    assert!(prefill.contains("Pre-filled by Acme IT desk (verified)") && prefill.contains("CS-77"), "{prefill}");
    app.screenshot("cold-start-signed-link").await;
    // A copy run from the source tree registers itself for reconnect:// links.
    if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
        let entry = std::fs::read_to_string(Path::new(&data).join("applications/reconnect-app-handler.desktop"))
            .expect("the handler's desktop entry");
        assert!(entry.contains("MimeType=x-scheme-handler/reconnect"), "{entry}");
    }

    // A second link while the app runs: the same window moves to its step.
    second_start(&config, &link("&use=data-sync&region=eu&org=acme--uat.sandbox.my.salesforce.com&step=org")).await;
    app.on_step("org").await;
    app.expect_text("#prefill", "Pre-filled from a link that is not verified: check each answer").await;
    app.screenshot("second-link-moved-the-window").await;

    // A tampered link is refused with its reason; nothing moves.
    second_start(&config, &signed.replace("region=eu", "region=us1")).await;
    let problem = app.text("[data-testid='problem']").await;
    assert!(problem.contains("changed after it was signed"), "{problem}");
    app.on_step("org").await;
    app.screenshot("tampered-link-refused").await;

    // A link that would change an answer asks first.
    second_start(&config, &link("&region=us2&step=region")).await;
    let pending = app.text("#pending-link").await;
    assert!(pending.contains("EU → US2"), "{pending}");
    app.screenshot("link-asks-before-changing-answers").await;
    app.click("#link-keep").await;
    app.on_step("org").await;
    assert!(app.client.find(Locator::Css("#pending-link")).await.is_err());

    // The paste box, for places where reconnect:// is not clickable; Enter opens it.
    app.click("#paste-link summary").await;
    app.type_into("#wizard-link-input", &link("&region=us2&step=region")).await;
    app.wait_for("#wizard-link-input").await.send_keys(&Key::Enter.to_string()).await.unwrap();
    app.wait_for("#pending-link").await;
    app.click("#link-apply").await;
    app.on_step("region").await;
    app.wait_for("#region-value").await;
    app.expect_text("#region-value", "US2").await;

    // Share: a link of the answers so far, shown and checked by the core like any other.
    app.click("#share").await;
    let shared = app.wait_for("#shared-link").await.prop("value").await.unwrap().unwrap();
    assert!(
        shared.starts_with("reconnect://wizard?v=1&region=us2&env=sandbox&org=acme--uat.sandbox.my.salesforce.com"),
        "{shared}"
    );
    assert!(shared.contains("&step=region"), "{shared}");
    let checked = reconnect_core::wizard_link::check(
        shared.as_bytes(),
        reconnect_core::timestamp::now_ms() / 1000,
        &reconnect_core::wizard_link::TrustedIssuers::shipped(),
    )
    .unwrap();
    assert_eq!(checked.fields.region, Some(reconnect_core::region::Region::Us2));
    app.expect_text("[data-testid='confirmation']", "Link copied").await;
    app.screenshot("shared-link").await;
    app.stop().await;
}
