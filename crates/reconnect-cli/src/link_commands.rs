//! `reconnect link …`: make signing keys, make links, and check links, over the engine's
//! `link` and the registered playbooks' vocabularies. The private key stays in its file; only
//! `link new --sign` reads it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use reconnect_api::engine::language::Language;
use reconnect_api::engine::link::{
    self, FieldName, IssuerEntry, KeyId, LinkFields, LinkProblem, LinkSigner, TicketRef, Trust, TrustedIssuers,
};
use reconnect_api::engine::paths::config_dir;
use reconnect_api::engine::salesforce_host::{Environment, MyDomain};
use reconnect_api::engine::timestamp::{format_ms, now_ms};
use reconnect_api::engine::Error;
use reconnect_api::registry::link_vocabularies;
use serde_json::json;

use crate::output::{text, Out};

/// Exit code of a link that was refused.
const REFUSED: u8 = 1;

/// What `link new` puts into the link.
#[derive(clap::Args)]
pub struct NewLink {
    /// The playbook it opens (default: gainsight, as links without one do).
    #[arg(long)]
    pub playbook: Option<String>,
    /// Gainsight data center: us1, us2, eu.
    #[arg(long)]
    pub region: Option<String>,
    /// The org: any address from its browser tab; the link keeps its My Domain host.
    #[arg(long)]
    pub org: Option<String>,
    /// The org's environment: production, sandbox, …
    #[arg(long)]
    pub env: Option<String>,
    /// What stopped working: data-sync, embedded-ui, extension-login.
    #[arg(long)]
    pub use_case: Option<String>,
    /// The Gainsight tenant's host, e.g. acme.gainsightcloud.com (its data center follows).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Gainsight's OAuth user: its Salesforce username.
    #[arg(long)]
    pub user: Option<String>,
    /// Open the practice org with this scenario instead of a real org (for training).
    #[arg(long)]
    pub practice: Option<String>,
    /// The step to open: use-case, region, org, sign-in, oauth-user, install, authorize,
    /// verify, done.
    #[arg(long)]
    pub step: Option<String>,
    /// The language the app opens in (en, ja) unless its user picked one.
    #[arg(long, value_name = "en|ja")]
    pub language: Option<String>,
    /// Support ticket reference: up to 20 letters, digits or hyphens.
    #[arg(long)]
    pub ticket: Option<String>,
    /// Sign with this key file (from `link keygen`).
    #[arg(long, value_name = "KEY_FILE")]
    pub sign: Option<std::path::PathBuf>,
    /// How long the link works: 30m, 12h, 7d (at most 90d).
    #[arg(long, default_value = "7d")]
    pub expires: String,
}

fn now_secs() -> i64 {
    now_ms() / 1000
}

/// `link keygen`: a new key file (owner-only), and the public entry for a trusted list.
pub fn keygen(out: &Out, id: &str, name: &str, path: Option<PathBuf>, trust: bool) -> ExitCode {
    let result = (|| {
        let signer = LinkSigner::generate(KeyId::parse(id)?, name)?;
        let path = path.unwrap_or_else(|| PathBuf::from(format!("reconnect-link-{id}.key.json")));
        signer.save(&path)?;
        let entry = IssuerEntry::for_signer(&signer);
        let trusted_in = if trust { Some(TrustedIssuers::trust_locally(&config_dir(), entry.clone())?) } else { None };
        Ok::<_, Error>((path, entry, trusted_in))
    })();
    let (path, entry, trusted_in) = match result {
        Ok(r) => r,
        Err(e) => return out.fail(&e),
    };
    if out.json {
        println!("{}", json!({ "key_file": path, "issuer": entry, "trusted_in": trusted_in }));
    } else {
        eprintln!("{}: {}", out.l("cli.link.key_written"), path.display());
        if let Some(t) = &trusted_in {
            eprintln!("{}: {}", out.l("cli.link.trusted_in"), t.display());
        }
        eprintln!("{}", out.l("cli.link.entry_follows"));
        println!("{}", serde_json::to_string_pretty(&entry).expect("entries serialize"));
    }
    ExitCode::SUCCESS
}

/// `link new`: prints the link (and nothing else on standard output, for pipes).
pub fn new(out: &Out, args: NewLink) -> ExitCode {
    let result = (|| {
        let lifetime = link::lifetime_secs(&args.expires)?;
        let mut fields = LinkFields::expiring_at(now_secs() + lifetime);
        let vocabulary = link_vocabularies()
            .of(args.playbook.as_deref())
            .ok_or(Error::UnknownPlaybook { input: args.playbook.clone().unwrap_or_default() })?;
        if args.playbook.is_some() {
            fields.playbook = Some(vocabulary.playbook);
        }
        // The playbook's own fields and steps are checked against its vocabulary.
        let extra = |fields: &mut LinkFields, key: &str, value: Option<&str>| -> Result<(), Error> {
            match value {
                Some(v) => fields.set_extra(vocabulary, key, &v.trim().to_ascii_lowercase()).map_err(Error::Link),
                None => Ok(()),
            }
        };
        extra(&mut fields, "region", args.region.as_deref())?;
        extra(&mut fields, "use", args.use_case.as_deref())?;
        extra(&mut fields, "tenant", args.tenant.as_deref())?;
        extra(&mut fields, "user", args.user.as_deref())?;
        if let Some(p) = args.practice.as_deref() {
            fields.set_practice(vocabulary, p.trim()).map_err(Error::Link)?;
        }
        if let Some(step) = args.step.as_deref() {
            let code = step.trim().to_ascii_lowercase().replace('_', "-");
            fields.set_step(vocabulary, &code).map_err(|_| Error::UnknownStep { input: code })?;
        }
        fields.org = args.org.as_deref().map(str::parse::<MyDomain>).transpose()?;
        fields.environment = args.env.as_deref().map(str::parse::<Environment>).transpose()?;
        fields.language = args.language.as_deref().map(str::parse::<Language>).transpose()?;
        fields.ticket = match args.ticket.as_deref() {
            Some(t) => {
                Some(TicketRef::parse(t).ok_or(Error::Link(LinkProblem::InvalidValue { field: FieldName::Ticket }))?)
            }
            None => None,
        };
        let signer = args.sign.as_deref().map(LinkSigner::load).transpose()?;
        let rendered = link::render(&fields, signer.as_ref());
        // What is printed must open: check it the way the app will.
        let issuers = signer.as_ref().map(trusting).unwrap_or_default();
        link::check(rendered.as_bytes(), now_secs(), &issuers, link_vocabularies()).map_err(Error::Link)?;
        Ok::<_, Error>(rendered)
    })();
    match result {
        Ok(link) => {
            if out.json {
                println!("{}", json!({ "link": link }));
            } else {
                println!("{link}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}

/// The signer's own key, to check what it just signed.
fn trusting(signer: &LinkSigner) -> TrustedIssuers {
    TrustedIssuers::with(IssuerEntry::for_signer(signer))
}

/// `link check`: prints the link's fields and who signed it; exit 1 when it is refused.
pub fn check(out: &Out, link: &OsString) -> ExitCode {
    let issuers = match TrustedIssuers::load(&config_dir()) {
        Ok(i) => i,
        Err(e) => return out.fail(&e),
    };
    match link::check(link.as_encoded_bytes(), now_secs(), &issuers, link_vocabularies()) {
        Ok(checked) => {
            if out.json {
                println!("{}", json!({ "valid": true, "fields": checked.fields, "trust": checked.trust }));
            } else {
                print_checked(out, &checked.fields, &checked.trust);
            }
            ExitCode::SUCCESS
        }
        Err(problem) => {
            let m = Error::Link(problem.clone()).user_message();
            if out.json {
                println!("{}", json!({ "valid": false, "problem": problem, "what": m.what, "next": m.next }));
            } else {
                eprintln!("{}: {}\n{}", out.l("cli.link.refused"), m.what.get(out.language), m.next.get(out.language));
            }
            ExitCode::from(REFUSED)
        }
    }
}

fn print_checked(out: &Out, f: &LinkFields, trust: &Trust) {
    match trust {
        Trust::Verified { key_id, issuer } => {
            println!("{}", text("cli.link.verified", &[("issuer", issuer), ("key", key_id.as_str())]).get(out.language))
        }
        Trust::Unverified => println!("{}", out.l("cli.link.unverified")),
    }
    let row = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            println!("  {:<16} {v}", out.l(key));
        }
    };
    row("cli.link.playbook", f.playbook.map(str::to_string));
    row("cli.link.region", f.extra("region").map(str::to_uppercase));
    row("cli.link.environment", f.environment.map(|e| e.code().to_string()));
    row("cli.link.org", f.org.as_ref().map(MyDomain::host));
    row("cli.link.use_case", f.extra("use").map(str::to_string));
    row("cli.link.tenant", f.extra("tenant").map(str::to_string));
    row("cli.link.user", f.extra("user").map(str::to_string));
    row("cli.link.practice", f.practice.map(str::to_string));
    row("cli.link.step", f.step.map(str::to_string));
    row("cli.link.language", f.language.map(|l| l.code().to_string()));
    row("cli.link.ticket", f.ticket.as_ref().map(|t| t.as_str().to_string()));
    row("cli.link.expires", Some(format_ms(f.expires.saturating_mul(1000))));
}
