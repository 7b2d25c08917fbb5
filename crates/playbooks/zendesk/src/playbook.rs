//! The Zendesk playbook as the engine drives it: its saved answers, what it read while the app
//! runs, and the translation between the engine's JSON boundary and its typed intents,
//! operations and jobs. New values and API tokens arrive in operations and go straight into
//! a job as secrets; nothing keeps them.

use std::collections::BTreeMap;

use reconnect_engine::connection::PracticeOrg;
use reconnect_engine::job::{Done, Job};
use reconnect_engine::language::{Language, Text};
use reconnect_engine::link::{CheckedLink, LinkFields, Vocabulary};
use reconnect_engine::playbook::{parse, step_unreachable, Context, Effects, Failure, Playbook, Registration, Said};
use reconnect_engine::report::Report;
use reconnect_engine::secret::Secret;
use reconnect_engine::timestamp::now_ms;
use reconnect_engine::view::{LinkChange, Navigation, Primary, StepItem, StepStatus};
use reconnect_engine::zendesk::sign_in::OAUTH_CLIENTS_PAGE;
use reconnect_engine::zendesk::ZendeskBase;
use reconnect_engine::Error as EngineError;
use serde::Deserialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::data::Cutoff;
use crate::error::Error;
use crate::language::text;
use crate::ops::{Finished, Job as OpJob};
use crate::rotation::{self, journal_org};
use crate::screens::{self, sign_in_settings, CERTIFICATES_PAGE};
use crate::steps::{Mark, State, Step, TlsMark};
use crate::work::{Busy, Work};

/// A page the playbook may open (never an address from the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskPage")]
pub enum Page {
    /// Admin Center's OAuth clients.
    OauthClients,
    /// Where the previewed rotation's service makes new credentials.
    Vendor,
    /// Admin Center, for TLS certificates.
    Certificates,
}

/// What the UI may send the playbook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskIntent")]
pub enum Intent {
    /// The account and OAuth client.
    SetAccount {
        /// Subdomain or address.
        base: String,
        /// The OAuth client's identifier.
        client_id: String,
        /// The redirect port.
        port: u16,
    },
    /// The app started its practice Zendesk at `url` (sent by the app's shell).
    PracticeStarted {
        /// Its loopback address.
        url: String,
        /// Its practice users, `e-mail / password`, to show.
        logins: Vec<String>,
    },
    /// Choose an incident (its cutoff replaces the admin's).
    ChooseIncident {
        /// Its id.
        id: String,
    },
    /// Set the cutoff date.
    SetCutoff {
        /// `YYYY-MM-DD`.
        date: String,
    },
    /// Preview a rotation of an installation's secret settings.
    PreviewRotation {
        /// The installation.
        #[ts(type = "number")]
        installation: u64,
    },
    /// Close the preview.
    CancelRotation,
    /// Leave an installation as it is, for a reason.
    Skip {
        /// The installation.
        #[ts(type = "number")]
        installation: u64,
        /// Why.
        reason: String,
    },
    /// Nothing to rotate in an installation.
    NotNeeded {
        /// The installation.
        #[ts(type = "number")]
        installation: u64,
    },
    /// Take an installation's mark back.
    Reopen {
        /// The installation.
        #[ts(type = "number")]
        installation: u64,
    },
    /// Choose OAuth tokens to revoke (the preview follows).
    ChooseTokens {
        /// Their ids.
        #[ts(type = "Array<number>")]
        ids: Vec<u64>,
    },
    /// Mark the TLS certificates.
    Tls {
        /// The mark, or none to take it back.
        mark: Option<TlsMark>,
    },
    /// Open a page in the browser.
    Open {
        /// Which.
        page: Page,
    },
}

/// What the UI may start.
#[derive(Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskOperation")]
pub enum Operation {
    /// Sign in by OAuth.
    SignIn,
    /// Sign in with an API token.
    ApiTokenSignIn {
        /// The agent's e-mail.
        email: String,
        /// The token (goes to the keychain only).
        token: String,
    },
    /// Read the installations.
    ReadApps,
    /// Write the previewed rotation's new values.
    Rotate {
        /// Setting name → new value.
        values: BTreeMap<String, String>,
    },
    /// Read the tokens.
    ReadTokens,
    /// Revoke the chosen tokens.
    Revoke,
    /// Sign out of Zendesk.
    SignOut,
}

/// The Zendesk playbook.
#[derive(Debug, Default)]
pub struct Zendesk {
    state: State,
    work: Work,
}

/// The registry's entry for this playbook.
pub const REGISTRATION: Registration = Registration { id: crate::ID, open };

fn open(saved: Option<Value>) -> Box<dyn Playbook> {
    Box::new(Zendesk { state: State::from_saved(saved), work: Work::default() })
}

/// The steps a link may open.
const STEPS: [&str; 6] = ["account", "apps", "rotate", "tokens", "certificates", "report"];

/// The playbook's link vocabulary: no fields of its own.
pub static VOCABULARY: Vocabulary = Vocabulary { playbook: crate::ID, steps: &STEPS, extras: &[], practice: &[] };

impl Zendesk {
    fn base(&self) -> Result<ZendeskBase, Error> {
        Ok(ZendeskBase::parse(&self.state.account.base)?)
    }

    fn answer(&mut self, intent: Intent, fx: &Effects<'_>) -> Result<Said, Error> {
        match intent {
            Intent::SetAccount { base, client_id, port } => {
                let trimmed = base.trim();
                if !trimmed.is_empty() {
                    // Stored as read: the subdomain, or the practice service's address.
                    let parsed = ZendeskBase::parse(trimmed)?;
                    self.state.account.base =
                        if parsed.is_loopback() { parsed.as_str().to_string() } else { parsed.subdomain() };
                } else {
                    self.state.account.base.clear();
                }
                self.state.account.client_id = client_id.trim().chars().take(200).collect();
                if port == 0 {
                    return Err(EngineError::InvalidSignInSettings.into());
                }
                self.state.account.port = port;
            }
            Intent::PracticeStarted { url, logins } => {
                let base = ZendeskBase::loopback(&url)?;
                self.work.practice_url = Some(base.as_str().to_string());
                self.work.practice_logins = logins;
                self.state.account.base = base.as_str().to_string();
                self.state.account.client_id = "reconnect".into();
                // The practice client accepts any loopback port: a free one avoids a clash.
                self.state.account.port = free_port().unwrap_or(self.state.account.port);
            }
            Intent::ChooseIncident { id } => {
                self.state.choose_incident(&id)?;
                self.work.inventory = None;
            }
            Intent::SetCutoff { date } => {
                let c = Cutoff::parse(&date)?;
                self.state.cutoff = Some(c.text());
                self.work.inventory = None;
            }
            Intent::PreviewRotation { installation } => {
                let inv = self.work.inventory.as_ref().ok_or(EngineError::StepUnreachable)?;
                self.work.plan = Some(rotation::plan(inv, installation, &[])?);
            }
            Intent::CancelRotation => self.work.plan = None,
            Intent::Skip { installation, reason } => {
                let reason: String = reason.trim().chars().take(300).collect();
                if reason.is_empty() {
                    return Err(Error::BadValue { setting: text("rotate.reason", &[]).en });
                }
                self.known(installation)?;
                self.state.checklist.insert(installation, Mark::Skipped { reason });
            }
            Intent::NotNeeded { installation } => {
                self.known(installation)?;
                self.state.checklist.insert(installation, Mark::NotNeeded);
            }
            Intent::Reopen { installation } => {
                self.state.checklist.remove(&installation);
            }
            Intent::ChooseTokens { ids } => {
                let tokens = self.work.tokens.as_ref().ok_or(EngineError::StepUnreachable)?;
                for id in &ids {
                    if tokens.oauth(*id)?.own {
                        return Err(Error::OwnToken);
                    }
                }
                self.work.revoke = ids;
            }
            Intent::Tls { mark } => self.state.tls = mark,
            Intent::Open { page } => {
                let url = match page {
                    Page::OauthClients => self.base()?.admin_center(OAUTH_CLIENTS_PAGE),
                    Page::Certificates => self.base()?.admin_center(CERTIFICATES_PAGE),
                    Page::Vendor => self
                        .work
                        .plan
                        .as_ref()
                        .and_then(|p| p.vendor.as_ref())
                        .map(|v| v.2.clone())
                        .ok_or(EngineError::StepUnreachable)?,
                };
                fx.browser.open(&url)?;
                return Ok(Said::Done(text("confirm.opened", &[])));
            }
        }
        Ok(Said::Nothing)
    }

    fn known(&self, installation: u64) -> Result<(), Error> {
        self.work.inventory.as_ref().ok_or(EngineError::StepUnreachable)?.app(installation).map(|_| ())
    }

    fn job(&mut self, operation: Operation) -> Result<(OpJob, Busy), Error> {
        Ok(match operation {
            Operation::SignIn => {
                let settings = sign_in_settings(&self.state);
                if settings.client_id.is_empty() {
                    return Err(EngineError::InvalidSignInSettings.into());
                }
                (OpJob::sign_in(self.base()?, settings), Busy::SignIn)
            }
            Operation::ApiTokenSignIn { email, token } => {
                (OpJob::ApiToken { base: self.base()?, email, token: Secret::new(token) }, Busy::SignIn)
            }
            Operation::ReadApps => (OpJob::ReadApps { cutoff: self.state.cutoff(now_ms()) }, Busy::Apps),
            Operation::Rotate { values } => {
                let plan = self.work.plan.clone().ok_or(EngineError::StepUnreachable)?;
                let values = values.into_iter().map(|(k, v)| (k, Secret::new(v))).collect();
                (OpJob::Rotate { plan, values }, Busy::Rotate)
            }
            Operation::ReadTokens => (OpJob::ReadTokens, Busy::Tokens),
            Operation::Revoke => {
                let tokens = self.work.tokens.clone().ok_or(EngineError::StepUnreachable)?;
                if self.work.revoke.is_empty() {
                    return Err(EngineError::StepUnreachable.into());
                }
                (OpJob::Revoke { tokens: Box::new(tokens), ids: self.work.revoke.clone() }, Busy::Revoke)
            }
            Operation::SignOut => (OpJob::SignOut, Busy::SignOut),
        })
    }

    fn take(&mut self, finished: Finished) -> Result<Said, Error> {
        match finished {
            Finished::SignedIn(r) => {
                let record = r?;
                if self.state.signed_in.as_ref().is_some_and(|old| old.base != record.base) {
                    self.state.checklist.clear();
                }
                self.state.signed_in = Some(record);
                self.work.inventory = None;
                self.work.tokens = None;
            }
            Finished::Apps(r) => self.work.inventory = Some(r?),
            Finished::Rotated(r) => {
                let rotated = r?;
                self.state
                    .checklist
                    .insert(rotated.installation, Mark::Rotated { at: rotated.at, settings: rotated.settings });
                self.work.plan = None;
                return Ok(Said::Done(text("confirm.rotated", &[])));
            }
            Finished::Tokens(r) => {
                self.work.tokens = Some(r?);
                self.work.revoke.clear();
            }
            Finished::Revoked(r) => {
                let gone = r?;
                if let Some(t) = &mut self.work.tokens {
                    t.oauth.retain(|o| !gone.contains(&o.id));
                }
                self.work.revoke.clear();
                return Ok(Said::Done(text("confirm.revoked", &[("count", &gone.len().to_string())])));
            }
            Finished::SignedOut(r) => {
                r?;
                self.state.signed_out();
                self.work.forget_findings();
            }
        }
        Ok(Said::Nothing)
    }

    fn is_complete(&self, step: Step) -> bool {
        match step {
            Step::Account => self.state.signed_in.is_some(),
            Step::Apps => self.work.inventory.is_some(),
            Step::Rotate => self.work.inventory.as_ref().is_some_and(|inv| {
                inv.apps.iter().filter(|a| a.flagged).all(|a| self.state.checklist.contains_key(&a.id))
            }),
            Step::Tokens => self.work.tokens.is_some(),
            Step::Certificates => self.state.tls.is_some(),
            Step::Report => false,
        }
    }
}

/// A free loopback port for the practice sign-in's redirect.
fn free_port() -> Option<u16> {
    std::net::TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok().map(|a| a.port())
}

impl Playbook for Zendesk {
    fn id(&self) -> &'static str {
        crate::ID
    }

    fn title(&self) -> Text {
        text("playbook.title", &[])
    }

    fn when(&self) -> Text {
        text("playbook.when", &[])
    }

    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }

    fn practice_orgs(&self) -> Vec<PracticeOrg> {
        Vec::new()
    }

    fn steps(&self, ctx: &Context<'_>) -> Vec<StepItem> {
        Step::ALL
            .into_iter()
            .map(|step| StepItem {
                id: step.id().to_string(),
                label: step.label().get(ctx.language).to_string(),
                status: if step == self.state.current() {
                    StepStatus::Current
                } else if self.is_complete(step) {
                    StepStatus::Done
                } else {
                    StepStatus::Todo
                },
                reachable: self.state.is_reachable(step),
            })
            .collect()
    }

    fn current(&self) -> &'static str {
        self.state.current().id()
    }

    fn status(&self, _ctx: &Context<'_>) -> Option<Text> {
        let who = self.state.signed_in.as_ref()?;
        Some(text(
            "playbook.status",
            &[("account", &who.base.subdomain()), ("marked", &self.state.checklist.len().to_string())],
        ))
    }

    fn screen(&self, ctx: &Context<'_>) -> Value {
        let s = screens::screen(&self.state, &self.work, ctx.progress, now_ms(), ctx.language);
        serde_json::to_value(s).expect("screens serialize")
    }

    fn primary(&self, ctx: &Context<'_>) -> Primary {
        let label = |k: &str| text(k, &[]).get(ctx.language).to_string();
        let busy = self.work.busy.is_some();
        let operation = |k: &str, op: Value| Primary::Operation { label: label(k), operation: op, busy };
        match self.state.current() {
            Step::Account if self.state.signed_in.is_none() => operation("primary.sign_in", json!({"type": "sign_in"})),
            Step::Apps if self.work.inventory.is_none() => operation("primary.read_apps", json!({"type": "read_apps"})),
            Step::Tokens if self.work.tokens.is_none() => {
                operation("primary.read_tokens", json!({"type": "read_tokens"}))
            }
            Step::Report => Primary::None,
            _ => Primary::Next { enabled: !busy },
        }
    }

    fn can_go_back(&self, _ctx: &Context<'_>) -> bool {
        self.state.current() != Step::Account
    }

    fn navigate(&mut self, nav: Navigation, _ctx: &Context<'_>) -> Result<(), Failure> {
        if nav == Navigation::StartOver {
            self.work.forget_findings();
        }
        Ok(self.state.navigate(nav)?)
    }

    fn apply(&mut self, intent: Value, _ctx: &Context<'_>, fx: &Effects<'_>) -> Result<Said, Failure> {
        Ok(self.answer(parse::<Intent>(intent)?, fx)?)
    }

    fn prepare(&mut self, operation: Value, _ctx: &Context<'_>) -> Result<Job, Failure> {
        if self.work.busy.is_some() {
            return Err(step_unreachable());
        }
        let (job, busy) = self.job(parse::<Operation>(operation)?)?;
        self.work.busy = Some(busy);
        Ok(Job::new(move |mut env| async move { crate::ops::run(job, &mut env).await }))
    }

    fn finish(&mut self, done: Done, _ctx: &Context<'_>) -> Result<Said, Failure> {
        self.work.busy = None;
        let finished = done.take::<Finished>().ok_or_else(step_unreachable)?;
        let refused = matches!(
            &finished,
            Finished::Apps(Err(Error::Engine(EngineError::ZendeskUnauthorized)))
                | Finished::Tokens(Err(Error::Engine(EngineError::ZendeskUnauthorized)))
                | Finished::Rotated(Err(Error::Engine(EngineError::ZendeskUnauthorized)))
                | Finished::Revoked(Err(Error::Engine(EngineError::ZendeskUnauthorized)))
                | Finished::Apps(Err(Error::Engine(EngineError::ZendeskNotSignedIn)))
        );
        if refused {
            // Zendesk no longer takes the credential: its sign-in step asks again.
            self.state.signed_out();
        }
        Ok(self.take(finished)?)
    }

    fn job_not_run(&mut self) {
        self.work.busy = None;
    }

    fn org_changed(&mut self) {}

    fn link_would_replace(&self, _fields: &LinkFields) -> bool {
        false
    }

    fn link_changes(&self, _fields: &LinkFields, _l: Language) -> Vec<LinkChange> {
        Vec::new()
    }

    fn apply_link(&mut self, link: &CheckedLink, _ctx: &Context<'_>) {
        self.state.open(link.fields.step.and_then(Step::with_id).unwrap_or(Step::Account));
    }

    fn link_fields(&self, fields: &mut LinkFields) {
        fields.step = Some(self.state.current().id());
    }

    fn report(&self, ctx: &Context<'_>, now: &str) -> Result<Report, Failure> {
        let record = self.state.signed_in.as_ref().ok_or(Error::from(EngineError::ZendeskNotSignedIn))?;
        if self.work.inventory.is_none() {
            return Err(Error::from(EngineError::StepUnreachable).into());
        }
        let org = journal_org(record);
        let changes: Vec<_> =
            ctx.journal.for_org(&org).map_err(Error::from)?.into_iter().filter(|e| e.playbook == crate::ID).collect();
        Ok(crate::report::document(&self.state, &self.work, &changes, now))
    }

    fn save(&self) -> Value {
        serde_json::to_value(&self.state).expect("the state serializes")
    }

    fn settle(&mut self, _ctx: &Context<'_>) {
        let current = self.state.current();
        self.state.open(current);
    }
}
