//! Shared by the end-to-end tests: the practice org, an HTTP "browser" that fills its login
//! form, and signed-in accounts on the real keychain.

pub mod replay;

use std::sync::Arc;
use std::time::Duration;

use practice_org::{start, Config, RunningOrg};
use reconnect_engine::accounts::{Accounts, SessionRecord};
use reconnect_engine::keychain::OsKeychain;
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::salesforce::instance::InstanceUrl;
use reconnect_engine::Error;

pub const ADMIN: (&str, &str) = ("admin@acme-practice.example", "Practice-Admin-1");
pub const INTEGRATION: (&str, &str) = ("gainsight.integration@acme-practice.example", "Practice-Integration-1");

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Does what a person does in the browser: opens the authorize URL, fills the form, and
/// follows the redirect: back to the loopback listener, or to Salesforce's error page. Returns
/// the address it ended on (what the address bar shows).
pub async fn browser(authorize_url: String, who: (String, String)) -> String {
    let http = no_redirects();
    let page = http.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Practice org"));
    let url = url::Url::parse(&authorize_url).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("username".into(), who.0));
    form.push(("password".into(), who.1));
    form.push(("decision".into(), "allow".into()));
    let posted =
        http.post(format!("{}{}", url.origin().ascii_serialization(), url.path())).form(&form).send().await.unwrap();
    assert_eq!(posted.status(), 303);
    let back = posted.headers()["location"].to_str().unwrap().to_string();
    let back = if back.starts_with('/') { format!("{}{back}", url.origin().ascii_serialization()) } else { back };
    let landed = http.get(&back).send().await.unwrap();
    assert!(landed.status().is_success() || landed.status() == 400, "{}", landed.status());
    back
}

pub fn settings() -> SignInSettings {
    // Port 0: each test gets its own free port; the practice org accepts any loopback port.
    SignInSettings { client_id: "PlatformCLI".into(), port: 0 }
}

pub struct Fixture {
    pub org: RunningOrg,
    pub accounts: Accounts,
    pub keychain: Arc<OsKeychain>,
    pub _dir: tempfile::TempDir,
}

pub async fn fixture(config: Config) -> Fixture {
    let org = start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Tests run in parallel against orgs with the same ids: each keeps its own keychain service.
    let service = format!("app.reconnect.desktop.test.{}", org.url().rsplit(':').next().unwrap());
    let keychain = Arc::new(OsKeychain::open_for(&service).expect("the test keychain (run through make test)"));
    let accounts = Accounts::new(dir.path(), keychain.clone());
    Fixture { org, accounts, keychain, _dir: dir }
}

pub async fn sign_in(f: &Fixture, who: (&str, &str)) -> Result<SessionRecord, Error> {
    let server = InstanceUrl::parse(f.org.url()).unwrap();
    let sign_in = f.accounts.begin(&server, &settings()).await.unwrap();
    let page = tokio::spawn(browser(sign_in.authorize_url().to_string(), (who.0.to_string(), who.1.to_string())));
    let result = f.accounts.complete(sign_in, &settings(), Duration::from_secs(30)).await;
    page.await.unwrap();
    result
}

/// Does what a Gainsight admin does on the practice tenant's Connectors 2.0 page: Re-authorize,
/// sign in to Salesforce as `who`, come back. Returns the connectors page afterwards.
pub async fn reauthorize_in_gainsight(base: &str, who: (&str, &str)) -> String {
    let http = no_redirects();
    let started = http.post(format!("{base}/practice/gainsight/connectors/authorize")).send().await.unwrap();
    assert_eq!(started.status(), 303);
    let authorize_url = started.headers()["location"].to_str().unwrap().to_string();
    let authorize_url = if authorize_url.starts_with('/') { format!("{base}{authorize_url}") } else { authorize_url };
    let page = http.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let url = url::Url::parse(&authorize_url).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("username".into(), who.0.into()));
    form.push(("password".into(), who.1.into()));
    form.push(("decision".into(), "allow".into()));
    let posted =
        http.post(format!("{}{}", url.origin().ascii_serialization(), url.path())).form(&form).send().await.unwrap();
    // A refused login (a frozen user) stays on the login page; a blocked app ends on
    // Salesforce's error page; both leave the connection unauthorized.
    if posted.status() == 303 {
        let back = posted.headers()["location"].to_str().unwrap().to_string();
        let back = if back.starts_with('/') { format!("{base}{back}") } else { back };
        http.get(back).send().await.unwrap();
    }
    http.get(format!("{base}/practice/gainsight/connectors")).send().await.unwrap().text().await.unwrap()
}

/// Does what an admin does with the install link on the practice org: opens it, signs in and
/// presses Install.
pub async fn install_through_link(link: String, who: (&str, &str)) {
    let http = no_redirects();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let url = url::Url::parse(&link).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("username".into(), who.0.into()));
    form.push(("password".into(), who.1.into()));
    form.push(("security".into(), "admins".into()));
    let posted =
        http.post(format!("{}{}", url.origin().ascii_serialization(), url.path())).form(&form).send().await.unwrap();
    assert!(posted.status().is_success() || posted.status().is_redirection(), "{}", posted.status());
}

/// A practice Zendesk with its own config folder and keychain service.
pub struct ZendeskFixture {
    pub zendesk: practice_org::zendesk::RunningZendesk,
    pub accounts: reconnect_engine::zendesk::session::ZendeskAccounts,
    pub keychain: Arc<OsKeychain>,
    pub dir: tempfile::TempDir,
}

pub async fn zendesk_fixture(config: practice_org::zendesk::ZendeskConfig) -> ZendeskFixture {
    let zendesk = practice_org::zendesk::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("app.reconnect.desktop.test.zendesk.{}", zendesk.url().rsplit(':').next().unwrap());
    let keychain = Arc::new(OsKeychain::open_for(&service).expect("the test keychain (run through make test)"));
    let accounts = reconnect_engine::zendesk::session::ZendeskAccounts::new(dir.path(), keychain.clone());
    ZendeskFixture { zendesk, accounts, keychain, dir }
}

/// What an admin does on the practice Zendesk's authorization page: signs in and allows (or
/// denies). Returns where the browser was sent back to.
pub async fn zendesk_browser(authorize_url: String, email: String, password: String, allow: bool) -> String {
    let http = no_redirects();
    let page = http.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "{authorize_url}");
    assert!(page.text().await.unwrap().contains("Practice Zendesk"));
    let url = url::Url::parse(&authorize_url).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    form.push(("email".into(), email));
    form.push(("password".into(), password));
    form.push(("decision".into(), if allow { "allow" } else { "deny" }.into()));
    let posted = http
        .post(format!("{}/oauth/authorizations", url.origin().ascii_serialization()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let back = posted.headers()["location"].to_str().unwrap().to_string();
    let _ = http.get(&back).send().await;
    back
}

/// Signs in to the practice Zendesk by OAuth as the practice user with `email`.
pub async fn zendesk_sign_in(
    f: &ZendeskFixture,
    email: &str,
) -> Result<reconnect_engine::zendesk::session::ZendeskRecord, Error> {
    let user = f.zendesk.users().into_iter().find(|u| u.email == email).expect("a practice user");
    let base = reconnect_engine::zendesk::ZendeskBase::loopback(f.zendesk.url()).unwrap();
    let settings = SignInSettings { client_id: f.zendesk.reconnect_client_id().into(), port: 0 };
    let sign_in = reconnect_engine::zendesk::sign_in::ZendeskSignIn::start(&base, &settings).await?;
    let page = tokio::spawn(zendesk_browser(sign_in.authorize_url().to_string(), user.email, user.password, true));
    let tokens = sign_in.finish(&reconnect_engine::salesforce::client::http_client(), Duration::from_secs(30)).await;
    page.await.unwrap();
    f.accounts.signed_in_oauth(&base, &settings.client_id, tokens?).await
}

/// A browser for jobs that open the practice Zendesk's authorization page: it signs in as the
/// practice user with `email` and allows, as an admin would.
pub struct ZendeskFormBrowser {
    pub email: String,
    pub password: String,
}

impl reconnect_engine::browser::BrowserOpener for ZendeskFormBrowser {
    fn open(&self, url: &str) -> Result<(), Error> {
        tokio::spawn(zendesk_browser(url.to_string(), self.email.clone(), self.password.clone(), true));
        Ok(())
    }
}
