//! `reconnect`: the command-line face of Reconnect, over the same API as the desktop app.
//! Exit codes: 0 answered or passed, 1 not recognized or a check failed (something is left
//! to do), 2 bad input, usage or an error that kept the answer from being found.

mod gainsight_commands;
mod hardening_commands;
mod job_output;
mod link_commands;
mod output;
mod readiness_commands;
mod session_commands;
mod zendesk_commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use reconnect_api::engine::language::Language;
use reconnect_api::engine::support_log;

/// Reconnect: what a SaaS-integration incident leaves behind in Salesforce. Reconnect
/// Gainsight CS (detect … report), harden OAuth access (audit, ioc, revoke), get ready for the
/// next incident (status, readiness, runbook), rotate what Zendesk apps keep (zendesk …).
#[derive(Parser)]
#[command(
    name = "reconnect",
    version,
    about,
    after_help = "Exit codes: 0 answered / passed, 1 not recognized / failed, 2 error."
)]
struct Cli {
    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages: en or ja (default: the system's).
    #[arg(long, global = true, value_name = "en|ja")]
    lang: Option<String>,
    /// Also write the log (requests, operations) to standard error; RECONNECT_LOG=debug for more.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tell what an address is: a Salesforce org (environment, My Domain) or a Gainsight
    /// tenant (data center).
    Detect {
        /// A URL or host name, as copied from the browser.
        input: String,
    },
    /// List Gainsight's Salesforce packages, what each serves and its install ids.
    Packages {
        /// Only the package for this use case: data-sync, embedded-ui, extension-login.
        #[arg(long)]
        use_case: Option<String>,
        /// Only the edition for this Gainsight data center: us1, us2, eu.
        #[arg(long)]
        region: Option<String>,
    },
    /// Sign in to a Salesforce org in the browser (OAuth with PKCE); tokens go to the system
    /// keychain.
    Login {
        /// The org: any address from its browser tab (default: login.salesforce.com), or the
        /// practice org's URL.
        #[arg(long)]
        org: Option<String>,
        /// OAuth client id (default: PlatformCLI, the Salesforce CLI's app).
        #[arg(long)]
        client_id: Option<String>,
        /// Loopback port of the redirect URI (default: 1717).
        #[arg(long)]
        port: Option<u16>,
        /// Print the sign-in link instead of opening a browser (for remote sessions).
        #[arg(long)]
        no_browser: bool,
    },
    /// Show the signed-in org's facts, read from its API.
    Whoami,
    /// Sign out: revoke the refresh token at Salesforce and delete it from the keychain.
    Logout {
        /// Remove the tokens from this computer without revoking them (when Salesforce cannot
        /// be reached); then revoke the app's access in Setup › Connected Apps OAuth Usage.
        #[arg(long)]
        forget: bool,
    },
    /// Run the practice org: a Salesforce-compatible org on loopback for training and tests.
    PracticeOrg {
        /// Scenario: production-us-revoked, eu-sandbox or already-fixed.
        #[arg(long, default_value = practice_org::scenario::DEFAULT)]
        scenario: String,
        /// What its Trust API (under /trust) answers: ok, minor-incident, maintenance, slow or
        /// garbage (switch later with POST <url>/trust/practice/scenario).
        #[arg(long, default_value = "ok")]
        trust: String,
        /// Address to listen on (loopback only).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: std::net::SocketAddr,
        /// Delay added to every response, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Share of API requests answered with a server error (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        error_share: f64,
        /// Access tokens expire after this many seconds.
        #[arg(long)]
        session_ttl: Option<u64>,
        /// API requests served before REQUEST_LIMIT_EXCEEDED.
        #[arg(long)]
        request_limit: Option<u64>,
        /// Rotate refresh tokens: every refresh answers with a new one and the old one stops
        /// working, as connected apps with rotation turned on do.
        #[arg(long)]
        rotate_refresh_tokens: bool,
    },
    /// Run the practice Zendesk: a Zendesk-compatible account on loopback for training and
    /// tests.
    PracticeZendesk {
        /// Address to listen on (loopback only).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: std::net::SocketAddr,
        /// Answer every n-th API request 429 with Retry-After: 1.
        #[arg(long)]
        rate_limit_every: Option<u64>,
        /// Access tokens expire after this many seconds.
        #[arg(long)]
        access_ttl: Option<u64>,
    },
    /// Write diagnostics for support (versions, the playbook and step, the last operations and
    /// errors, the log's last 500 lines, the journal without values) to a file, or `-` for
    /// standard output. Read it before you send it: it holds no secret.
    Diagnostics {
        /// Where to write it.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Zendesk: rotate the credentials installed apps keep, and review the account's tokens.
    Zendesk {
        #[command(subcommand)]
        command: ZendeskCommand,
    },
    /// Check Gainsight's OAuth user in the signed-in org: active, API Enabled, the connected
    /// app, pre-authorization, Approve Uninstalled Connected Apps, a dedicated user.
    Diagnose {
        /// The OAuth user's Salesforce username.
        #[arg(long)]
        user: String,
        /// Gainsight data center (us1, us2, eu), when the org's settings do not reveal it.
        #[arg(long)]
        region: Option<String>,
    },
    /// The whole Salesforce side as one plan: Gainsight's OAuth user (found in the org unless
    /// named), the package to install, the user's fix. With --apply, applied on one
    /// confirmation (--yes where no one can answer). Exit 0 when nothing is left to do.
    Plan {
        /// The OAuth user's Salesforce username (default: the one the org points at).
        #[arg(long)]
        user: Option<String>,
        /// Apply the plan after showing it.
        #[arg(long)]
        apply: bool,
        /// Do not ask before applying (for scripts).
        #[arg(long)]
        yes: bool,
        /// Gainsight data center (us1, us2, eu).
        #[arg(long)]
        region: Option<String>,
    },
    /// Give the OAuth user what is missing: a permission set with only the missing
    /// permissions, assigned, and pre-authorized for the app when needed. Journaled for undo.
    Fix {
        /// The OAuth user's Salesforce username.
        #[arg(long)]
        user: String,
        /// Show the changes without making them.
        #[arg(long)]
        dry_run: bool,
        /// Gainsight data center (us1, us2, eu).
        #[arg(long)]
        region: Option<String>,
    },
    /// Remove exactly what Reconnect created in the signed-in org (from the journal).
    Undo,
    /// Install the Gainsight CS Connected App package.
    Install {
        /// `api`: through the Tooling API, for admins only; `link`: open the install link and
        /// watch for the package.
        #[arg(long, default_value = "api", value_parser = ["api", "link"])]
        via: String,
        /// Gainsight data center (us1, us2, eu).
        #[arg(long)]
        region: Option<String>,
        /// With --via link: print the link instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Verify the connection: package, the OAuth user's permissions, and the connector's
    /// token used since re-authorization (two round trips).
    Verify {
        /// The OAuth user's Salesforce username.
        #[arg(long)]
        user: String,
        /// When re-authorization started: a datetime, or a time ago (30m, 2h, 1d).
        #[arg(long)]
        since: Option<String>,
        /// Gainsight data center (us1, us2, eu).
        #[arg(long)]
        region: Option<String>,
        /// Also check the Gainsight tenant's API with its access key from the keychain.
        #[arg(long)]
        gainsight_tenant: Option<String>,
        /// Read the access key from standard input and keep it in the keychain.
        #[arg(long, requires = "gainsight_tenant")]
        gainsight_key_stdin: bool,
    },
    /// Save the reconnection report (Markdown, or HTML for .html); with --user it verifies
    /// first. The language follows --lang.
    Report {
        /// Where to save it.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The OAuth user to verify.
        #[arg(long)]
        user: Option<String>,
        /// When re-authorization started (with --user).
        #[arg(long)]
        since: Option<String>,
        /// Gainsight data center (us1, us2, eu).
        #[arg(long)]
        region: Option<String>,
    },
    /// Harden OAuth access: the token inventory by connected app, who may use each app,
    /// the integration users (privileges, API Only, frozen, Login IP Ranges) and Health
    /// Check. Exit 1 when anything needs a look.
    Audit {
        /// Days without use after which a token counts as stale (default 90).
        #[arg(long, value_name = "N")]
        unused_days: Option<u32>,
    },
    /// Search the published indicators of compromise (Salesloft Drift, Gainsight) in the
    /// org's login history and, with Event Monitoring, its login and API event logs. Exit 1
    /// on a hit.
    Ioc {
        /// From when: a date (2025-08-01), a datetime, or a time ago (90d); default: each
        /// incident's first activity.
        #[arg(long)]
        since: Option<String>,
    },
    /// Revoke OAuth tokens of one connected app (optionally one user's, or those unused for
    /// N days). It cannot be undone: the integration stops until someone authorizes it
    /// again. Asks first on a terminal; elsewhere needs --yes.
    Revoke {
        /// The connected app's name, as the audit lists it.
        #[arg(long)]
        app: String,
        /// Only this user's tokens (username).
        #[arg(long)]
        user: Option<String>,
        /// Only tokens unused for at least N days (or never used).
        #[arg(long, value_name = "N")]
        unused_days: Option<u32>,
        /// Show what would be revoked without revoking it (exit 1 when tokens match).
        #[arg(long)]
        dry_run: bool,
        /// Revoke without asking (for scripts).
        #[arg(long, conflicts_with = "dry_run")]
        yes: bool,
    },
    /// The Salesforce Trust status of the signed-in org's instance: incidents, maintenances
    /// and Salesforce's general messages. Exit 1 when something is not OK, 2 when it cannot
    /// be read.
    Status,
    /// Whether the org is ready for the next incident: its Trust status, the Trust
    /// subscription recorded in the app, and the Modify All Data holders Salesforce e-mails,
    /// with what may keep the e-mails from them. Exit 0 ready, 1 something to do.
    Readiness,
    /// Save the incident runbook (Markdown, or HTML for .html): every integration with its
    /// connected app, users, package, how to revoke and reconnect it, and who to call.
    Runbook {
        /// Where to save it.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Wizard links: reconnect://wizard?… links that open the app at a step with answers
    /// filled in, optionally signed by a support desk.
    Link {
        #[command(subcommand)]
        command: LinkCommand,
    },
    /// Build the install links for a package in an org.
    InstallLink {
        /// The org: any address from its browser tab, or login/test.salesforce.com.
        #[arg(long)]
        org: String,
        /// Package id, package name or connected-app name (default: the CS Connected App).
        #[arg(long)]
        package: Option<String>,
        /// Gainsight data center (us1, us2, eu); picks the US or EU edition.
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Subcommand)]
enum LinkCommand {
    /// Make a signing key for a support desk. The key file is readable by its owner only;
    /// the public entry for the trusted-issuers list is printed.
    Keygen {
        /// The key's id, written into every link it signs (lowercase letters, digits, -).
        #[arg(long)]
        id: String,
        /// The issuer's name, shown as "Pre-filled by <name> (verified)".
        #[arg(long)]
        name: String,
        /// Where to write the key (default: reconnect-link-<id>.key.json); never overwritten.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Also trust the key on this machine (adds it to link-issuers.json in the config
        /// folder).
        #[arg(long)]
        trust: bool,
    },
    /// Make a link; only the link is printed, so it can be piped.
    New(Box<link_commands::NewLink>),
    /// Check a link: its fields, and whether and by whom it is signed. Exit 1 when refused.
    Check {
        /// The link.
        link: std::ffi::OsString,
    },
}

#[derive(Subcommand)]
enum ZendeskCommand {
    /// Sign in to a Zendesk account: OAuth with PKCE through an OAuth client you create in
    /// Admin Center, or an API token on standard input (until 2027-04-30). The credential goes
    /// to the system keychain.
    Login {
        /// The account: its subdomain (acme for acme.zendesk.com), any of its addresses, or the
        /// practice Zendesk's URL.
        #[arg(long)]
        subdomain: String,
        /// The OAuth client's unique identifier.
        #[arg(long)]
        client_id: Option<String>,
        /// Loopback port of the redirect URL registered with the client (default: 1717).
        #[arg(long)]
        port: Option<u16>,
        /// Print the authorization page instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// Sign in with an API token read from standard input instead, as this agent.
        #[arg(long, value_name = "EMAIL", requires = "api_token_stdin")]
        email: Option<String>,
        /// Read the API token from standard input (needs --email).
        #[arg(long, requires = "email")]
        api_token_stdin: bool,
    },
    /// List installed apps, their secret settings, and those installed before the cutoff
    /// (exit 1 when some are flagged).
    Apps {
        /// The cutoff date (YYYY-MM-DD); default: the incident's.
        #[arg(long, value_name = "DATE")]
        before: Option<String>,
        /// The incident whose cutoff applies: zendesk-2019.
        #[arg(long, default_value = "zendesk-2019")]
        incident: String,
    },
    /// Write new values into an installation's secret settings, read from standard input
    /// (one line per setting). Cannot be undone: the old values cannot be read back.
    Rotate {
        /// The installation's id.
        #[arg(long)]
        installation: u64,
        /// A setting to rotate (repeat for several; default: all its secret settings).
        #[arg(long = "setting")]
        settings: Vec<String>,
        /// Read the new values from standard input.
        #[arg(long)]
        value_stdin: bool,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List the account's OAuth tokens and API tokens with last use and the API tokens'
    /// retirement (exit 1 when some need a look).
    Tokens,
    /// Revoke OAuth tokens. Cannot be undone. Asks first on a terminal; elsewhere needs --yes.
    Revoke {
        /// A token's id (repeat for several).
        #[arg(long = "token", required = true)]
        tokens: Vec<u64>,
        /// Show what would be revoked and revoke nothing.
        #[arg(long)]
        dry_run: bool,
        /// Revoke without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Sign out: revoke Reconnect's token at Zendesk and delete the credential from the keychain.
    Logout,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    support_log::install(&support_log::log_dir(), cli.verbose);
    let language = match cli.lang.as_deref().map(str::parse::<Language>) {
        None => Language::from_os(),
        Some(Ok(l)) => l,
        Some(Err(e)) => return output::fail(&e, Language::En, cli.json),
    };
    let out = output::Out { language, json: cli.json };
    match cli.command {
        Command::Detect { input } => out.detect(&input),
        Command::Packages { use_case, region } => out.packages(use_case.as_deref(), region.as_deref()),
        Command::InstallLink { org, package, region } => out.install_link(&org, package.as_deref(), region.as_deref()),
        Command::Login { org, client_id, port, no_browser } => {
            session_commands::login(&out, org.as_deref(), client_id, port, no_browser).await
        }
        Command::Diagnose { user, region } => gainsight_commands::diagnose_user(&out, &user, region.as_deref()).await,
        Command::Plan { user, apply, yes, region } => {
            gainsight_commands::plan(&out, user.as_deref(), region.as_deref(), apply, yes).await
        }
        Command::Fix { user, dry_run, region } => {
            gainsight_commands::fix_user(&out, &user, region.as_deref(), dry_run).await
        }
        Command::Undo => gainsight_commands::undo_changes(&out).await,
        Command::Install { via, region, no_browser } => {
            gainsight_commands::install(&out, &via, region.as_deref(), no_browser).await
        }
        Command::Verify { user, since, region, gainsight_tenant, gainsight_key_stdin } => {
            let args = gainsight_commands::VerifyArgs { user, since, region, gainsight_tenant, gainsight_key_stdin };
            gainsight_commands::verify_connection(&out, args).await
        }
        Command::Report { out: path, user, since, region } => {
            let args = user.map(|user| gainsight_commands::VerifyArgs {
                user,
                since,
                region: region.clone(),
                gainsight_tenant: None,
                gainsight_key_stdin: false,
            });
            gainsight_commands::report(&out, &path, args, region.as_deref()).await
        }
        Command::Audit { unused_days } => hardening_commands::audit(&out, unused_days).await,
        Command::Ioc { since } => hardening_commands::ioc(&out, since.as_deref()).await,
        Command::Revoke { app, user, unused_days, dry_run, yes } => {
            let args = hardening_commands::RevokeArgs { app, user, unused_days, dry_run, yes };
            hardening_commands::revoke(&out, args).await
        }
        Command::Status => readiness_commands::status(&out).await,
        Command::Readiness => readiness_commands::readiness(&out).await,
        Command::Runbook { out: path } => readiness_commands::runbook(&out, &path).await,
        Command::Link { command } => match command {
            LinkCommand::Keygen { id, name, out: path, trust } => link_commands::keygen(&out, &id, &name, path, trust),
            LinkCommand::New(args) => link_commands::new(&out, *args),
            LinkCommand::Check { link } => link_commands::check(&out, &link),
        },
        Command::Zendesk { command } => match command {
            ZendeskCommand::Login { subdomain, client_id, port, no_browser, email, api_token_stdin } => {
                let args = zendesk_commands::LoginArgs {
                    subdomain,
                    client_id,
                    port,
                    no_browser,
                    api_token_email: email.filter(|_| api_token_stdin),
                };
                zendesk_commands::login(&out, args).await
            }
            ZendeskCommand::Apps { before, incident } => {
                zendesk_commands::apps(&out, before.as_deref(), &incident).await
            }
            ZendeskCommand::Rotate { installation, settings, value_stdin, dry_run } => {
                let args = zendesk_commands::RotateArgs { installation, settings, value_stdin, dry_run };
                zendesk_commands::rotate(&out, args).await
            }
            ZendeskCommand::Tokens => zendesk_commands::tokens(&out).await,
            ZendeskCommand::Revoke { tokens, dry_run, yes } => {
                zendesk_commands::revoke(&out, tokens, dry_run, yes).await
            }
            ZendeskCommand::Logout => zendesk_commands::logout(&out).await,
        },
        Command::PracticeZendesk { addr, rate_limit_every, access_ttl } => {
            let config =
                practice_org::zendesk::ZendeskConfig { addr, rate_limit_every, access_ttl, ..Default::default() };
            zendesk_commands::practice(&out, config).await
        }
        Command::Diagnostics { out: path } => session_commands::diagnostics(&out, &path),
        Command::Whoami => session_commands::whoami(&out).await,
        Command::Logout { forget } => session_commands::logout(&out, forget).await,
        Command::PracticeOrg {
            scenario,
            trust,
            addr,
            latency_ms,
            error_share,
            session_ttl,
            request_limit,
            rotate_refresh_tokens,
        } => {
            let faults = practice_org::Faults {
                latency: std::time::Duration::from_millis(latency_ms),
                error_share,
                session_ttl: session_ttl.map(std::time::Duration::from_secs),
                request_limit,
                rotate_refresh_tokens,
                ..practice_org::Faults::default()
            };
            session_commands::practice_org(&out, &scenario, &trust, addr, faults).await
        }
    }
}
