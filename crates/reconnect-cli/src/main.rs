//! `reconnect`: the command-line face of Reconnect, over the same core as the desktop app.
//! Exit codes: 0 answered, 1 the address was understood but not recognized (no org, no data
//! center), 2 bad input or usage.

mod output;

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

fn main() -> ExitCode {
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
    }
}
