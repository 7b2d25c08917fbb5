//! `reconnect`: the command-line face of Reconnect, over the same core as the desktop app.
//! Exit codes: 0 answered, 1 the address was understood but not recognized (no org, no data
//! center), 2 bad input or usage.

mod output;
mod session_commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use reconnect_core::language::Language;

/// Reconnect Gainsight CS and Salesforce: find the data center, the org and the right
/// install link.
#[derive(Parser)]
#[command(name = "reconnect", version, about, after_help = "Exit codes: 0 answered, 1 not recognized, 2 bad input.")]
struct Cli {
    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages: en or ja (default: the system's).
    #[arg(long, global = true, value_name = "en|ja")]
    lang: Option<String>,
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
    Logout,
    /// Run the practice org: a Salesforce-compatible org on loopback for training and tests.
    PracticeOrg {
        /// Scenario: production-us-revoked, eu-sandbox or already-fixed.
        #[arg(long, default_value = practice_org::scenario::DEFAULT)]
        scenario: String,
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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Whoami => session_commands::whoami(&out).await,
        Command::Logout => session_commands::logout(&out).await,
        Command::PracticeOrg { scenario, addr, latency_ms, error_share, session_ttl, request_limit } => {
            let faults = practice_org::Faults {
                latency: std::time::Duration::from_millis(latency_ms),
                error_share,
                session_ttl: session_ttl.map(std::time::Duration::from_secs),
                request_limit,
            };
            session_commands::practice_org(&out, &scenario, addr, faults).await
        }
    }
}
