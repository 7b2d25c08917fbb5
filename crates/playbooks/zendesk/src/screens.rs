//! What the UI shows for the Zendesk playbook's steps, every text in the admin's language,
//! every rule applied. The UI renders these and sends intents back.

use reconnect_engine::language::Language;
use reconnect_engine::oauth::settings::SignInSettings;
use reconnect_engine::progress::Progress;
use reconnect_engine::zendesk::session::{AuthKind, API_TOKEN_END, API_TOKEN_NO_NEW};
use reconnect_engine::zendesk::sign_in::OAUTH_CLIENTS_PAGE;
use reconnect_engine::zendesk::ZendeskBase;
use serde::Serialize;
use ts_rs::TS;

use crate::data::data;
use crate::inventory::SecretsFrom;
use crate::language::text;
use crate::steps::{Mark, State, Step, TlsMark};
use crate::work::{Busy, Work};

/// Admin Center's home: where uploaded TLS certificates are managed inside it is not confirmed
/// by any document found (no API was found either), so the steps name the likely place and say
/// how to find it otherwise.
pub const CERTIFICATES_PAGE: &str = "/admin/home";

/// Who is signed in.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct SignedInView {
    /// Name and e-mail.
    pub who: String,
    /// The account.
    pub account: String,
    /// The role, in words.
    pub role: String,
    /// Whether the user is an admin.
    pub admin: bool,
    /// Signed in with an API token: the deadline, in words.
    pub api_token_note: Option<String>,
}

/// The account step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct AccountScreen {
    /// Who is signed in.
    pub signed_in: Option<SignedInView>,
    /// The subdomain (or practice address) given.
    pub base: String,
    /// The OAuth client's identifier.
    pub client_id: String,
    /// The redirect port.
    pub port: u16,
    /// The redirect URL to register.
    pub redirect_uri: String,
    /// The practice Zendesk's address, when it runs.
    pub practice_url: Option<String>,
    /// How to create the OAuth client, step by step.
    pub client_steps: Vec<String>,
    /// The API-token fallback, in words (its deadline).
    pub api_token_note: String,
    /// What the sign-in waits for, with the page to open when the browser did not.
    pub waiting: Option<String>,
    /// Whether an operation runs.
    pub busy: Option<Busy>,
    /// A practice user to sign in with, when practising.
    pub practice_logins: Vec<String>,
}

/// An installation row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct AppRow {
    /// Its id.
    #[ts(type = "number")]
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The app's name.
    pub app_name: String,
    /// Enabled or not.
    pub enabled: bool,
    /// Installed when (shown as given by Zendesk, UTC).
    pub created_at: String,
    /// Last changed when (UTC).
    pub updated_at: String,
    /// Its secret settings.
    pub secrets: Vec<String>,
    /// How they were found, in words.
    pub secrets_from: String,
    /// To rotate.
    pub flagged: bool,
    /// Its checklist mark.
    pub mark: Option<Mark>,
    /// The mark in words.
    pub mark_text: String,
    /// The admin's reason for skipping, in the admin's own words.
    pub reason: Option<String>,
}

/// An incident to choose.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct IncidentChoice {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it asks.
    pub about: String,
    /// Whether it is chosen.
    pub chosen: bool,
}

/// The installations step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct AppsScreen {
    /// The incidents.
    pub incidents: Vec<IncidentChoice>,
    /// The cutoff in force.
    pub cutoff: String,
    /// The installations, when read.
    pub apps: Option<Vec<AppRow>>,
    /// A summary.
    pub summary: Option<String>,
    /// Whether an operation runs.
    pub busy: Option<Busy>,
    /// Progress in words.
    pub progress: Option<String>,
}

/// Where to make a new credential.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct VendorView {
    /// The service.
    pub service: String,
    /// Where, in words.
    pub place: String,
    /// The page.
    pub url: String,
}

/// A rotation on preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct PlanView {
    /// The installation.
    #[ts(type = "number")]
    pub installation: u64,
    /// Its name.
    pub name: String,
    /// The settings that get new values.
    pub settings: Vec<String>,
    /// Where to make the new credential.
    pub vendor: Option<VendorView>,
    /// When the service is not known: what to do.
    pub vendor_unknown: Option<String>,
    /// What happens.
    pub preview: Vec<String>,
}

/// The rotation step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct RotateScreen {
    /// The flagged installations.
    pub apps: Vec<AppRow>,
    /// The rotation on preview.
    pub plan: Option<PlanView>,
    /// Whether the signed-in user may write (admins only).
    pub admin: bool,
    /// Marked of flagged.
    pub done: String,
    /// Whether the installations were read.
    pub read: bool,
    /// Whether an operation runs.
    pub busy: Option<Busy>,
    /// Progress in words.
    pub progress: Option<String>,
}

/// An OAuth token row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct TokenRow {
    /// Its id.
    #[ts(type = "number")]
    pub id: u64,
    /// Its client.
    pub client: String,
    /// Its user.
    pub user: String,
    /// Its scopes.
    pub scopes: String,
    /// Made when.
    pub created_at: String,
    /// Last used, in words.
    pub used: String,
    /// Needs a look.
    pub stale: bool,
    /// Reconnect's own (not revocable here).
    pub own: bool,
    /// Chosen for revocation.
    pub chosen: bool,
}

/// An API token row.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct ApiTokenRow {
    /// Its id.
    #[ts(type = "number")]
    pub id: u64,
    /// What it is for.
    pub description: String,
    /// Active or not, in words.
    pub state: String,
    /// Made when.
    pub created_at: String,
    /// Last used, in words.
    pub used: String,
}

/// The tokens step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct TokensScreen {
    /// OAuth tokens, when read.
    pub oauth: Option<Vec<TokenRow>>,
    /// API tokens, when read and allowed.
    pub api: Option<Vec<ApiTokenRow>>,
    /// The API tokens' retirement, in words.
    pub retirement: String,
    /// Why the API tokens are not listed, when they are not.
    pub api_note: Option<String>,
    /// The revocation on preview.
    pub revoke_preview: Vec<String>,
    /// Whether an operation runs.
    pub busy: Option<Busy>,
    /// Progress in words.
    pub progress: Option<String>,
}

/// The certificates step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct CertificatesScreen {
    /// Admin Center's page.
    pub page: String,
    /// What to do, step by step.
    pub steps: Vec<String>,
    /// The mark.
    pub mark: Option<TlsMark>,
}

/// The report step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "zendesk/")]
pub struct ReportScreen {
    /// What the report says, in lines.
    pub summary: Vec<String>,
    /// Whether it can be made (the installations were read).
    pub ready: bool,
}

/// The screen of the current step.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export_to = "zendesk/", rename = "ZendeskScreen")]
pub enum Screen {
    /// The account.
    Account(AccountScreen),
    /// The installations.
    Apps(AppsScreen),
    /// Rotation.
    Rotate(RotateScreen),
    /// Tokens.
    Tokens(TokensScreen),
    /// Certificates.
    Certificates(CertificatesScreen),
    /// The report.
    Report(ReportScreen),
}

fn progress_text(p: Option<&Progress>, l: Language) -> Option<String> {
    Some(
        match p? {
            Progress::Counting { what, done, total } => text(
                "progress.counting",
                &[
                    ("what", what),
                    ("done", &done.to_string()),
                    ("total", &total.map(|t| t.to_string()).unwrap_or("?".into())),
                ],
            ),
            Progress::RateLimited { seconds } => text("progress.rate_limited", &[("seconds", &seconds.to_string())]),
            _ => text("progress.working", &[]),
        }
        .get(l)
        .to_string(),
    )
}

/// The checklist mark in words.
pub fn mark_text(mark: Option<&Mark>, flagged: bool) -> reconnect_engine::language::Text {
    match mark {
        Some(Mark::Rotated { at, settings }) => text("mark.rotated", &[("at", at), ("settings", &settings.join(", "))]),
        Some(Mark::Skipped { reason }) => text("mark.skipped", &[("reason", reason)]),
        Some(Mark::NotNeeded) => text("mark.not_needed", &[]),
        None if flagged => text("mark.todo", &[]),
        None => text("mark.not_flagged", &[]),
    }
}

fn rows(state: &State, work: &Work, only_flagged: bool, l: Language) -> Vec<AppRow> {
    let Some(inv) = &work.inventory else { return Vec::new() };
    inv.apps
        .iter()
        .filter(|a| !only_flagged || a.flagged)
        .map(|a| {
            let mark = state.checklist.get(&a.id).cloned();
            AppRow {
                id: a.id,
                name: a.name.clone(),
                app_name: a.app_name.clone(),
                enabled: a.enabled,
                created_at: a.created_at.clone(),
                updated_at: a.updated_at.clone(),
                secrets: a.secrets.clone(),
                secrets_from: text(
                    match a.secrets_from {
                        SecretsFrom::Definition => "apps.secrets.definition",
                        SecretsFrom::Names => "apps.secrets.names",
                    },
                    &[],
                )
                .get(l)
                .to_string(),
                flagged: a.flagged,
                mark_text: match &mark {
                    Some(Mark::Skipped { .. }) => text("mark.skipped_short", &[]),
                    other => mark_text(other.as_ref(), a.flagged),
                }
                .get(l)
                .to_string(),
                reason: match &mark {
                    Some(Mark::Skipped { reason }) => Some(reason.clone()),
                    _ => None,
                },
                mark,
            }
        })
        .collect()
}

/// The settings a sign-in uses.
pub fn sign_in_settings(state: &State) -> SignInSettings {
    SignInSettings { client_id: state.account.client_id.trim().to_string(), port: state.account.port }
}

/// The current step's screen.
pub fn screen(state: &State, work: &Work, progress: Option<&Progress>, now_ms: i64, l: Language) -> Screen {
    let t = |k: &str| text(k, &[]).get(l).to_string();
    match state.current() {
        Step::Account => {
            let settings = sign_in_settings(state);
            let redirect_uri = settings.redirect_uri(settings.port);
            let admin_center = ZendeskBase::parse(&state.account.base)
                .map(|b| b.admin_center(OAUTH_CLIENTS_PAGE))
                .unwrap_or_else(|_| format!("https://<subdomain>.zendesk.com{OAUTH_CLIENTS_PAGE}"));
            let signed_in = state.signed_in.as_ref().map(|r| SignedInView {
                who: format!("{} <{}>", r.name, r.email),
                account: r.base.as_str().to_string(),
                role: text(&format!("role.{}", if r.is_admin() { "admin" } else { "agent" }), &[]).get(l).to_string(),
                admin: r.is_admin(),
                api_token_note: (r.auth == AuthKind::ApiToken)
                    .then(|| text("account.api_token.signed_in", &[("end", API_TOKEN_END)]).get(l).to_string()),
            });
            let waiting = match (work.busy, progress) {
                (Some(Busy::SignIn), Some(Progress::Waiting { status, .. })) => {
                    Some(text("account.waiting", &[("url", status)]).get(l).to_string())
                }
                _ => None,
            };
            Screen::Account(AccountScreen {
                signed_in,
                base: state.account.base.clone(),
                client_id: state.account.client_id.clone(),
                port: state.account.port,
                client_steps: (1..=5)
                    .map(|n| {
                        text(&format!("account.client.{n}"), &[("page", &admin_center), ("redirect", &redirect_uri)])
                            .get(l)
                            .to_string()
                    })
                    .collect(),
                redirect_uri,
                practice_url: work.practice_url.clone(),
                api_token_note: text("account.api_token.note", &[("no_new", API_TOKEN_NO_NEW), ("end", API_TOKEN_END)])
                    .get(l)
                    .to_string(),
                waiting,
                busy: work.busy,
                practice_logins: work.practice_logins.clone(),
            })
        }
        Step::Apps => {
            let apps = work.inventory.as_ref().map(|_| rows(state, work, false, l));
            let summary = work.inventory.as_ref().map(|inv| {
                text(
                    "apps.summary",
                    &[
                        ("total", &inv.apps.len().to_string()),
                        ("flagged", &inv.flagged().to_string()),
                        ("cutoff", &inv.cutoff),
                    ],
                )
                .get(l)
                .to_string()
            });
            Screen::Apps(AppsScreen {
                incidents: data()
                    .incidents
                    .iter()
                    .map(|i| IncidentChoice {
                        id: i.id.clone(),
                        name: i.name.get(l).to_string(),
                        about: i.about.get(l).to_string(),
                        chosen: i.id == state.incident,
                    })
                    .collect(),
                cutoff: state.cutoff(now_ms).text(),
                apps,
                summary,
                busy: work.busy,
                progress: if work.busy == Some(Busy::Apps) { progress_text(progress, l) } else { None },
            })
        }
        Step::Rotate => {
            let apps = rows(state, work, true, l);
            let marked = apps.iter().filter(|a| a.mark.is_some()).count();
            let plan = work.plan.as_ref().map(|p| PlanView {
                installation: p.installation,
                name: p.name.clone(),
                settings: p.settings.clone(),
                vendor: p.vendor.as_ref().map(|(service, place, url)| VendorView {
                    service: service.clone(),
                    place: place.get(l).to_string(),
                    url: url.clone(),
                }),
                vendor_unknown: p
                    .vendor
                    .is_none()
                    .then(|| text("rotate.vendor_unknown", &[("app", &p.app_name)]).get(l).to_string()),
                preview: p.preview.iter().map(|x| x.get(l).to_string()).collect(),
            });
            Screen::Rotate(RotateScreen {
                done: text("rotate.done", &[("marked", &marked.to_string()), ("total", &apps.len().to_string())])
                    .get(l)
                    .to_string(),
                apps,
                plan,
                admin: state.signed_in.as_ref().is_some_and(|r| r.is_admin()),
                read: work.inventory.is_some(),
                busy: work.busy,
                progress: if work.busy == Some(Busy::Rotate) { progress_text(progress, l) } else { None },
            })
        }
        Step::Tokens => {
            let never = t("tokens.never");
            let oauth = work.tokens.as_ref().map(|tk| {
                tk.oauth
                    .iter()
                    .map(|o| TokenRow {
                        id: o.id,
                        client: o.client.clone(),
                        user: o.user_id.to_string(),
                        scopes: o.scopes.join(" "),
                        created_at: o.created_at.clone(),
                        used: o.used_at.clone().unwrap_or_else(|| never.clone()),
                        stale: o.stale,
                        own: o.own,
                        chosen: work.revoke.contains(&o.id),
                    })
                    .collect()
            });
            let api = work.tokens.as_ref().and_then(|tk| tk.api.as_ref()).map(|list| {
                list.iter()
                    .map(|a| ApiTokenRow {
                        id: a.id,
                        description: a.description.clone(),
                        state: t(if a.active { "tokens.api.active" } else { "tokens.api.inactive" }),
                        created_at: a.created_at.clone(),
                        used: a.last_used_at.clone().unwrap_or_else(|| never.clone()),
                    })
                    .collect()
            });
            let days = work.tokens.as_ref().map(|tk| tk.api_days_left.to_string()).unwrap_or_else(|| "?".into());
            let active = work.tokens.as_ref().map(|tk| tk.active_api_tokens()).unwrap_or(0);
            let revoke_preview = match &work.tokens {
                Some(tk) if !work.revoke.is_empty() => {
                    let mut lines: Vec<String> = work
                        .revoke
                        .iter()
                        .filter_map(|id| tk.oauth(*id).ok())
                        .map(|o| {
                            text(
                                "tokens.revoke.line",
                                &[("id", &o.id.to_string()), ("client", &o.client), ("user", &o.user_id.to_string())],
                            )
                            .get(l)
                            .to_string()
                        })
                        .collect();
                    lines.push(t("tokens.revoke.irreversible"));
                    lines
                }
                _ => Vec::new(),
            };
            Screen::Tokens(TokensScreen {
                oauth,
                api_note: work.tokens.as_ref().filter(|tk| tk.api.is_none()).map(|_| t("tokens.api.not_admin")),
                api,
                retirement: text(
                    "tokens.retirement",
                    &[
                        ("no_new", API_TOKEN_NO_NEW),
                        ("end", API_TOKEN_END),
                        ("days", &days),
                        ("active", &active.to_string()),
                    ],
                )
                .get(l)
                .to_string(),
                revoke_preview,
                busy: work.busy,
                progress: if matches!(work.busy, Some(Busy::Tokens | Busy::Revoke)) {
                    progress_text(progress, l)
                } else {
                    None
                },
            })
        }
        Step::Certificates => {
            let page = state
                .signed_in
                .as_ref()
                .map(|r| r.base.admin_center(CERTIFICATES_PAGE))
                .unwrap_or_else(|| CERTIFICATES_PAGE.to_string());
            Screen::Certificates(CertificatesScreen {
                steps: (1..=3)
                    .map(|n| text(&format!("certificates.{n}"), &[("page", &page)]).get(l).to_string())
                    .collect(),
                page,
                mark: state.tls,
            })
        }
        Step::Report => {
            let summary = crate::report::summary(state, work).iter().map(|x| x.get(l).to_string()).collect();
            Screen::Report(ReportScreen { summary, ready: work.inventory.is_some() })
        }
    }
}
