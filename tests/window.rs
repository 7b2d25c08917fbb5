//! Real-window tests: the built app under Xvfb, driven through WebDriver (tauri-driver in
//! front of WebKitWebDriver). Run them through `make test`, which provides the X server, the
//! session bus and the drivers; without those they fail and say so.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

#[path = "window/audit.rs"]
mod audit;
mod driver;
#[path = "window/hardening.rs"]
mod hardening;
#[path = "window/journeys.rs"]
mod journeys;
#[path = "window/readiness.rs"]
mod readiness;
#[path = "window/zendesk.rs"]
mod zendesk;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use driver::{free_port, wait_for_port, Driver};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use reconnect_api::gainsight::region::Region;
use reconnect_api::gainsight::wizard::Step;
use serde_json::json;
use tokio::process::{Child, Command};

/// One window at a time: on a shared display a new window takes the keyboard focus, and a
/// window without it shows no focus ring, which the keyboard journeys check.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One app instance behind its own tauri-driver, with its own config folder and language.
struct App {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    client: Client,
    driver: Driver,
    /// The session-bus name the app holds while it runs (the single-instance plugin's).
    bus_name: String,
    shots: PathBuf,
    shot_count: u32,
    tag: String,
    /// The user's actions so far: keys that activate a control, and fields typed into.
    actions: AtomicU32,
    /// Keys that only move the focus (Tab, arrows).
    moves: AtomicU32,
    /// What the screen checks and the focus checks found.
    findings: Mutex<Vec<String>>,
    /// Screens captured in both languages.
    captured: u32,
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
        let turn = TURN.lock().await;
        let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![
            ("XDG_CONFIG_HOME", config.as_os_str()),
            // The app's log (and WebKit's data) stay in the test's folder, where the scans look.
            ("XDG_DATA_HOME", config.as_os_str()),
            ("LANG", locale.as_ref()),
            ("LC_ALL", locale.as_ref()),
        ];
        env.extend(envs.iter().map(|(k, v)| (*k, v.as_ref())));
        let driver = Driver::start(&env).await;
        let client = driver.session(Path::new(env!("CARGO_BIN_EXE_reconnect-app")), args).await;
        let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        // This tag's screenshots from an earlier run would mix with this run's.
        for entry in std::fs::read_dir(&shots).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let numbered = name.strip_prefix(&format!("{tag}-")).is_some_and(|rest| {
                rest.len() > 3 && rest.as_bytes()[..2].iter().all(u8::is_ascii_digit) && rest.as_bytes()[2] == b'-'
            });
            if numbered || name == format!("{tag}-failed.png") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let bus_name = format!(
            "{}.SingleInstance",
            reconnect_api::engine::paths::instance_bus_name_for(&config.join(reconnect_api::engine::paths::APP_ID))
        );
        let app = App {
            _turn: turn,
            client,
            driver,
            bus_name,
            shots,
            shot_count: 0,
            tag: tag.to_string(),
            actions: AtomicU32::new(0),
            moves: AtomicU32::new(0),
            findings: Mutex::new(Vec::new()),
            captured: 0,
        };
        app.wait_for("#step-heading").await;
        app
    }

    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.wait_within(css, Duration::from_secs(20)).await
    }

    /// Waits for what the app does on its own over a longer time (a verification that backs
    /// off while another admin works).
    async fn wait_within(&self, css: &str, limit: Duration) -> fantoccini::elements::Element {
        let found = self.client.wait().at_most(limit).for_element(Locator::Css(css)).await;
        match found {
            Ok(el) => el,
            Err(e) => {
                // What the window showed instead, for whoever reads the failure.
                let shot = self.shots.join(format!("{}-failed.png", self.tag));
                if let Ok(png) = self.client.screenshot().await {
                    let _ = std::fs::write(&shot, png);
                }
                panic!("{css} never appeared ({e}); the window as it was: {}", shot.display())
            }
        }
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
        // The DOM may be ahead of the last painted frame: wait for two frames.
        let painted = "const done = arguments[arguments.length - 1]; \
                       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.client.execute_async(painted, vec![]).await.unwrap();
        self.shot_count += 1;
        let png = self.client.screenshot().await.unwrap();
        let path = self.shots.join(format!("{}-{:02}-{name}.png", self.tag, self.shot_count));
        std::fs::write(&path, png).unwrap();
    }

    /// Presses one key in the window, wherever the focus is.
    async fn key(&self, key: Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let c: char = key.into();
        let press =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
        self.client.perform_actions(press).await.unwrap_or_else(|e| panic!("key {key:?}: {e}"));
    }

    /// Presses a key that acts where the focus is (Enter in a field submits it): one user action.
    async fn press(&self, key: Key) {
        self.key(key).await;
        self.actions.fetch_add(1, Ordering::Relaxed);
    }

    async fn focused_matches(&self, css: &str) -> bool {
        let js = "const el = document.activeElement; return !!el && el.matches(arguments[0]);";
        self.client.execute(js, vec![json!(css)]).await.unwrap() == json!(true)
    }

    /// Moves the focus with Tab (wrapping round the window) until it is on `css`, checking at
    /// every stop that the focus can be seen.
    async fn tab_to(&self, css: &str) {
        for _ in 0..150 {
            if self.focused_matches(css).await {
                return;
            }
            self.key(Key::Tab).await;
            self.moves.fetch_add(1, Ordering::Relaxed);
            // The key is handled after the command returns; give the focus a moment to land.
            let mut ring = audit::focus_ring(&self.client).await;
            for _ in 0..5 {
                if ring.is_ok() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                ring = audit::focus_ring(&self.client).await;
            }
            if let Err(problem) = ring {
                self.findings.lock().unwrap().push(format!("after Tab: {problem}"));
            }
        }
        panic!("Tab never reached {css}");
    }

    /// Reaches `css` by keyboard and activates it with `key` (Enter for buttons, Space for
    /// choices): one user action.
    async fn activate(&self, css: &str, key: Key) {
        self.wait_for(css).await;
        self.tab_to(css).await;
        self.key(key).await;
        self.actions.fetch_add(1, Ordering::Relaxed);
    }

    /// Moves within a group of choices with an arrow key, which also chooses: one user action.
    async fn arrow_to(&self, key: Key, css: &str) {
        self.key(key).await;
        self.actions.fetch_add(1, Ordering::Relaxed);
        assert!(self.focused_matches(css).await, "the arrow key should have reached {css}");
    }

    /// Reaches a field by keyboard and types into it: one user action.
    async fn type_by_keyboard(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        self.tab_to(css).await;
        self.client.active_element().await.unwrap().send_keys(text).await.unwrap();
        self.actions.fetch_add(1, Ordering::Relaxed);
    }

    async fn language(&self) -> (String, String) {
        let js = "return [document.documentElement.lang, document.querySelector('#language').value]";
        let v = self.client.execute(js, vec![]).await.unwrap();
        (v[0].as_str().unwrap().to_string(), v[1].as_str().unwrap().to_string())
    }

    /// Switches the language the way the language menu does, without moving the focus.
    async fn switch_language(&self, choice: &str, lang: &str) {
        let js = "const s = document.querySelector('#language'); s.value = arguments[0]; \
                  s.dispatchEvent(new Event('change', { bubbles: true }));";
        self.client.execute(js, vec![json!(choice)]).await.unwrap();
        for _ in 0..100 {
            if self.language().await.0 == lang {
                // The texts arrive in the same update as the attribute; let them paint.
                tokio::time::sleep(Duration::from_millis(200)).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the window never switched to {lang}");
    }

    /// Screenshots of the screen as it is, in English and in Japanese, each checked by axe and
    /// for raw keys, untranslated and cut-off text; the language is put back afterwards.
    async fn capture(&mut self, name: &str) {
        self.captured += 1;
        let (lang, choice) = self.language().await;
        let other = if lang == "ja" { "en" } else { "ja" };
        for l in [lang.as_str(), other] {
            if l != lang {
                self.switch_language(l, l).await;
            }
            self.screenshot(&format!("{name}-{l}")).await;
            let mut found = audit::axe(&self.client).await;
            found.extend(audit::text_problems(&self.client, l).await);
            self.findings.lock().unwrap().extend(found.into_iter().map(|f| format!("{name} ({l}): {f}")));
        }
        self.switch_language(&choice, &lang).await;
    }

    /// Scrolls `css` into the middle of the window, as the admin would to read it; the focus
    /// stays where it is.
    async fn scroll_to(&self, css: &str) {
        self.wait_for(css).await;
        let js = "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });";
        self.client.execute(js, vec![json!(css)]).await.unwrap();
    }

    /// Prints what the journey took and fails on anything the checks found, or when it took
    /// more actions in the app than `target`.
    fn report_within(&self, journey: &str, browser_actions: u32, target: u32) {
        self.report(journey, browser_actions);
        let in_app = self.actions.load(Ordering::Relaxed);
        assert!(in_app <= target, "{journey}: {in_app} actions in the app, the target is {target} or fewer");
    }

    /// Prints what the journey took and fails on anything the checks found.
    fn report(&self, journey: &str, browser_actions: u32) {
        let in_app = self.actions.load(Ordering::Relaxed);
        // Straight to stderr: the test harness keeps `println!` of passing tests to itself, and
        // this figure belongs in `make test`'s output.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "journey {journey}: {} user actions ({in_app} in the app by keyboard alone, {browser_actions} on the \
             sign-in and Gainsight pages), {} focus moves, {} screens captured in en and ja",
            in_app + browser_actions,
            self.moves.load(Ordering::Relaxed),
            self.captured
        );
        self.assert_clean(journey);
    }

    /// Fails on anything the screen and focus checks found.
    fn assert_clean(&self, what: &str) {
        let findings = self.findings.lock().unwrap();
        assert!(findings.is_empty(), "{what}: {} problems:\n{}", findings.len(), findings.join("\n"));
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
    home_heading: &'static str,
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
    home_heading: "What needs doing?",
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
    home_heading: "何をしますか？",
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

    // The home screen lists the playbooks; the Gainsight one opens on its first step.
    app.expect_text("#step-heading", texts.home_heading).await;
    app.wait_for("[data-playbook='gainsight']").await;
    app.capture("home").await;
    app.click("#open-gainsight").await;
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
    app.capture("org-phishing-rejected").await;
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
    app.capture("oauth-user-not-signed-in").await;
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
    app.capture("install").await;
    app.assert_clean(texts.tag);
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
    app.expect_text("#step-heading", EN.home_heading).await;
    app.wait_for("#language").await.select_by_value("ja").await.unwrap();
    app.expect_text("#step-heading", JA.home_heading).await;
    let lang = app.client.execute("return document.documentElement.lang", vec![]).await.unwrap();
    assert_eq!(lang, json!("ja"));
    app.screenshot("switched-to-ja").await;
    app.stop().await;
    let app = App::start("switch-restarted", "en_US.UTF-8", &config).await;
    app.expect_text("#step-heading", JA.home_heading).await;
    app.stop().await;
}

/// Headless Chromium behind chromedriver: the "system browser" in which the practice org's
/// login page is filled, as an admin would.
struct Browser {
    client: Client,
    driver: Child,
    /// Clicks and typed fields on the pages, as the admin would make them.
    actions: u32,
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
        Browser { client, driver, actions: 0 }
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared in the browser: {e}"))
    }

    /// Types into a field: one user action.
    async fn type_into(&mut self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
        self.actions += 1;
    }

    /// Clicks: one user action.
    async fn click(&mut self, css: &str) {
        self.find(css).await.click().await.unwrap();
        self.actions += 1;
    }

    /// The page's text once `css` shows.
    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Waits until `css` contains `needle` and gives its text: after a click the old page's
    /// element may still be found, and go stale, before the next page arrives.
    async fn text_containing(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} in the browser should contain {needle:?} but reads {last:?}");
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
    }
}

/// A support desk's signing key, trusted in `config` the way `reconnect link keygen --trust`
/// does it.
/// Every file under `dir`.
/// Waits until the desktop's notification service (dunst, in the test session) has received a
/// notification containing `text`; returns everything it holds.
pub(crate) async fn notification_containing(text: &str) -> String {
    let mut seen = String::new();
    for _ in 0..50 {
        // Shown notifications move to the history, where `dunstctl` can read them.
        let _ = std::process::Command::new("dunstctl").arg("close-all").status();
        let out = std::process::Command::new("dunstctl").arg("history").output().expect("dunstctl runs");
        seen = String::from_utf8_lossy(&out.stdout).into_owned();
        if seen.contains(text) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no notification with {text:?}; the service holds: {seen}");
}

pub(crate) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

fn trusted_desk(config: &Path) -> reconnect_api::engine::link::LinkSigner {
    use reconnect_api::engine::link::{IssuerEntry, KeyId, LinkSigner, TrustedIssuers};
    let signer = LinkSigner::generate(KeyId::parse("acme-desk").unwrap(), "Acme IT desk").unwrap();
    let dir = config.join(reconnect_api::engine::paths::APP_ID);
    TrustedIssuers::trust_locally(&dir, IssuerEntry::for_signer(&signer)).unwrap();
    signer
}

/// A link to the Gainsight playbook (without a playbook field, as links made before there
/// were playbooks), signed by `desk`.
fn gainsight_link(
    desk: &reconnect_api::engine::link::LinkSigner,
    region: Region,
    org: Option<&str>,
    step: Step,
    ticket: &str,
) -> String {
    use reconnect_api::engine::link::{render, LinkFields, TicketRef};
    use reconnect_api::gainsight::link_fields::{set_region, set_use_case};
    let mut fields = LinkFields::expiring_at(reconnect_api::engine::timestamp::now_ms() / 1000 + 3600);
    set_use_case(&mut fields, Some(reconnect_api::gainsight::catalog::UseCase::DataSync));
    set_region(&mut fields, Some(region));
    fields.org = org.map(|o| o.parse().unwrap());
    fields.step = Some(step.code());
    fields.ticket = TicketRef::parse(ticket);
    render(&fields, Some(desk))
}

fn link(rest: &str) -> String {
    let exp = reconnect_api::engine::timestamp::now_ms() / 1000 + 3600;
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
    let signed = gainsight_link(&desk, Region::Eu, Some("acme--uat.sandbox.my.salesforce.com"), Step::Install, "CS-77");

    // Cold start with the link as the only argument, as the desktop entry's `%u` passes it.
    let mut app = App::launch("links", "en_US.UTF-8", &config, &[], &[&signed]).await;
    app.on_step("install").await;
    let prefill = app.text("#prefill").await;
    assert!(prefill.contains("Pre-filled by Acme IT desk (verified)") && prefill.contains("CS-77"), "{prefill}");
    app.screenshot("cold-start-signed-link").await;
    // A copy run from the source tree registers itself for reconnect:// links, a few seconds
    // after start (the app's data folder is the test's config folder).
    let handler = config.join("applications/reconnect-app-handler.desktop");
    for _ in 0..100 {
        if handler.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let entry = std::fs::read_to_string(&handler).expect("the handler's desktop entry");
    assert!(entry.contains("MimeType=x-scheme-handler/reconnect"), "{entry}");

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
    app.capture("tampered-link-refused").await;

    // A link that would change an answer asks first.
    second_start(&config, &link("&region=us2&step=region")).await;
    let pending = app.text("#pending-link").await;
    assert!(pending.contains("EU → US2"), "{pending}");
    app.capture("link-asks-before-changing-answers").await;
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
        shared.starts_with(
            "reconnect://wizard?v=1&playbook=gainsight&region=us2&env=sandbox&org=acme--uat.sandbox.my.salesforce.com"
        ),
        "{shared}"
    );
    assert!(shared.contains("&step=region"), "{shared}");
    let checked = reconnect_api::engine::link::check(
        shared.as_bytes(),
        reconnect_api::engine::timestamp::now_ms() / 1000,
        &reconnect_api::engine::link::TrustedIssuers::shipped(),
        reconnect_api::registry::link_vocabularies(),
    )
    .unwrap();
    assert_eq!(reconnect_api::gainsight::link_fields::region(&checked.fields), Some(Region::Us2));
    app.expect_text("[data-testid='confirmation']", "Link copied").await;
    app.capture("shared-link").await;
    app.assert_clean("links");
    app.stop().await;
}
