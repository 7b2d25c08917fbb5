//! The Zendesk playbook's long operations, one API for the app and the CLI: a [`Job`] holds
//! every input (new values as secrets); [`run`] does it with progress (a rate limit's wait
//! included) and says what it [`Finished`] with. The `reconnect zendesk` commands run exactly
//! these.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reconnect_engine::browser::BrowserOpener;
use reconnect_engine::clock::Clock;
use reconnect_engine::job::JobEnv;
use reconnect_engine::journal::Journal;
use reconnect_engine::oauth::loopback::SIGN_IN_TIMEOUT;
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::progress::{Progress, ProgressSink};
use reconnect_engine::salesforce::client::http_client;
use reconnect_engine::secret::Secret;
use reconnect_engine::zendesk::session::{ZendeskAccounts, ZendeskRecord};
use reconnect_engine::zendesk::sign_in::ZendeskSignIn;
use reconnect_engine::zendesk::{ZendeskBase, ZendeskClient};

use crate::data::Cutoff;
use crate::error::Error;
use crate::inventory::{self, Inventory};
use crate::rotation::{self, Rotated, RotationPlan};
use crate::tokens::{self, Tokens};

/// An operation with its inputs.
#[derive(Debug)]
pub enum Job {
    /// Sign in by OAuth: open the authorization page and wait for the browser.
    SignIn {
        /// The account.
        base: ZendeskBase,
        /// The OAuth client and redirect port.
        settings: SignInSettings,
        /// How long to wait for the browser.
        timeout: Duration,
    },
    /// Sign in with an API token (until Zendesk retires them).
    ApiToken {
        /// The account.
        base: ZendeskBase,
        /// The agent's e-mail.
        email: String,
        /// The token.
        token: Secret,
    },
    /// Read the installations against a cutoff.
    ReadApps {
        /// The cutoff.
        cutoff: Cutoff,
    },
    /// Write new values into an installation's secret settings.
    Rotate {
        /// What to change.
        plan: RotationPlan,
        /// The new values.
        values: Vec<(String, Secret)>,
    },
    /// Read the OAuth and API tokens.
    ReadTokens,
    /// Revoke OAuth tokens.
    Revoke {
        /// The tokens as read (to name them in the journal).
        tokens: Box<Tokens>,
        /// Which.
        ids: Vec<u64>,
    },
    /// Sign out: revoke Reconnect's token and forget the credential.
    SignOut,
}

impl Job {
    /// A sign-in with the usual five minutes for the browser.
    pub fn sign_in(base: ZendeskBase, settings: SignInSettings) -> Job {
        Job::SignIn { base, settings, timeout: SIGN_IN_TIMEOUT }
    }
}

/// What a job found.
#[derive(Debug)]
pub enum Finished {
    /// Signed in.
    SignedIn(Result<ZendeskRecord, Error>),
    /// The installations.
    Apps(Result<Inventory, Error>),
    /// A rotation.
    Rotated(Result<Rotated, Error>),
    /// The tokens.
    Tokens(Result<Tokens, Error>),
    /// Revoked tokens.
    Revoked(Result<Vec<u64>, Error>),
    /// Signed out (who was signed in).
    SignedOut(Result<Option<ZendeskRecord>, Error>),
}

/// The job's progress sink, shared with the client's rate-limit observer.
fn shared(env: &mut JobEnv) -> Arc<Mutex<ProgressSink>> {
    Arc::new(Mutex::new(std::mem::replace(&mut env.progress, Box::new(|_| {}))))
}

fn report(sink: &Arc<Mutex<ProgressSink>>, p: Progress) {
    (sink.lock().unwrap_or_else(|e| e.into_inner()))(p);
}

/// What a job uses of its environment, without the progress sink (shared apart).
struct Parts {
    zendesk: ZendeskAccounts,
    journal: Journal,
    clock: Arc<dyn Clock>,
    browser: Arc<dyn BrowserOpener + Send + Sync>,
}

fn client(env: &Parts, sink: &Arc<Mutex<ProgressSink>>) -> Result<(ZendeskRecord, ZendeskClient), Error> {
    let (record, client) = env.zendesk.client()?;
    let sink = sink.clone();
    Ok((record, client.with_wait_observer(Arc::new(move |seconds| report(&sink, Progress::RateLimited { seconds })))))
}

/// Runs a job against the signed-in Zendesk account.
pub async fn run(job: Job, env: &mut JobEnv) -> Finished {
    let name = job.name();
    reconnect_engine::support_log::logged(crate::ID, name, run_job(job, env), Finished::error).await
}

impl Job {
    /// The operation's name in the log.
    pub fn name(&self) -> &'static str {
        match self {
            Job::SignIn { .. } => "sign_in",
            Job::ApiToken { .. } => "api_token_sign_in",
            Job::ReadApps { .. } => "read_apps",
            Job::Rotate { .. } => "rotate",
            Job::ReadTokens => "read_tokens",
            Job::Revoke { .. } => "revoke",
            Job::SignOut => "sign_out",
        }
    }
}

impl Finished {
    /// What went wrong, in English (for the log; never a value).
    pub fn error(&self) -> Option<String> {
        match self {
            Finished::SignedIn(Err(e))
            | Finished::Apps(Err(e))
            | Finished::Rotated(Err(e))
            | Finished::Tokens(Err(e))
            | Finished::Revoked(Err(e))
            | Finished::SignedOut(Err(e)) => Some(e.user_message().what.en.clone()),
            _ => None,
        }
    }
}

async fn run_job(job: Job, env: &mut JobEnv) -> Finished {
    let sink = shared(env);
    let parts = Parts {
        zendesk: env.accounts.zendesk(),
        journal: env.journal.clone(),
        clock: env.clock.clone(),
        browser: env.browser.clone(),
    };
    let finished = run_with(job, &parts, &sink).await;
    if let Ok(m) = Arc::try_unwrap(sink) {
        env.progress = m.into_inner().unwrap_or_else(|e| e.into_inner());
    }
    finished
}

async fn run_with(job: Job, env: &Parts, sink: &Arc<Mutex<ProgressSink>>) -> Finished {
    let zendesk = &env.zendesk;
    match job {
        Job::SignIn { base, settings, timeout } => Finished::SignedIn(
            async {
                let sign_in = ZendeskSignIn::start(&base, &settings).await?;
                // The page to open is the status: the screen shows it for when the browser does not.
                let status = sign_in.authorize_url().to_string();
                report(sink, Progress::Waiting { status, elapsed_secs: 0, timeout_secs: timeout.as_secs() });
                // The address is on screen too, so a browser that does not open is not a failure.
                let _ = sign_in.open_browser(&*env.browser);
                let tokens = sign_in.finish(&http_client(), timeout).await?;
                Ok(zendesk.signed_in_oauth(&base, &settings.client_id, tokens).await?)
            }
            .await,
        ),
        Job::ApiToken { base, email, token } => {
            Finished::SignedIn(zendesk.sign_in_api_token(&base, &email, token).await.map_err(Error::from))
        }
        Job::ReadApps { cutoff } => Finished::Apps(
            async {
                let (_, c) = client(env, sink)?;
                inventory::read(&c, cutoff, &mut |p| report(sink, p)).await
            }
            .await,
        ),
        Job::Rotate { plan, values } => Finished::Rotated(
            async {
                let (record, c) = client(env, sink)?;
                rotation::apply(&c, &env.journal, &*env.clock, &record, &plan, values).await
            }
            .await,
        ),
        Job::ReadTokens => Finished::Tokens(
            async {
                let (record, c) = client(env, sink)?;
                tokens::read(&c, &record, env.clock.now_ms()).await
            }
            .await,
        ),
        Job::Revoke { tokens, ids } => Finished::Revoked(
            async {
                let (record, c) = client(env, sink)?;
                tokens::revoke(&c, &env.journal, &*env.clock, &record, &tokens, &ids).await
            }
            .await,
        ),
        Job::SignOut => Finished::SignedOut(zendesk.sign_out().await.map_err(Error::from)),
    }
}
