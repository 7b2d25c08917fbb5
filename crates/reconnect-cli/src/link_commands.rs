//! `reconnect link …`: make signing keys, make wizard links, and check links, over the core's
//! `wizard_link`. The private key stays in its file; only `link new --sign` reads it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use reconnect_core::catalog::UseCase;
use reconnect_core::language::Language;
use reconnect_core::region::Region;
use reconnect_core::salesforce_host::{Environment, MyDomain};
use reconnect_core::timestamp::{format_ms, now_ms};
use reconnect_core::wizard::Step;
use reconnect_core::wizard_link::{self, IssuerEntry, KeyId, LinkFields, LinkSigner, TicketRef, Trust, TrustedIssuers};
use reconnect_core::Error;
use serde_json::json;

use crate::output::Out;

/// Exit code of a link that was refused.
const REFUSED: u8 = 1;

/// What `link new` puts into the link.
pub struct NewLink {
    pub region: Option<String>,
    pub org: Option<String>,
    pub env: Option<String>,
    pub use_case: Option<String>,
    pub step: Option<String>,
    pub language: Option<String>,
    pub ticket: Option<String>,
    pub sign: Option<PathBuf>,
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
        let trusted_in = if trust {
            Some(TrustedIssuers::trust_locally(&reconnect_core::paths::config_dir(), entry.clone())?)
        } else {
            None
        };
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
        let lifetime = wizard_link::lifetime_secs(&args.expires)?;
        let mut fields = LinkFields::expiring_at(now_secs() + lifetime);
        fields.region = args.region.as_deref().map(str::parse::<Region>).transpose()?;
        fields.org = args.org.as_deref().map(str::parse::<MyDomain>).transpose()?;
        fields.environment = args.env.as_deref().map(str::parse::<Environment>).transpose()?;
        fields.use_case = args.use_case.as_deref().map(str::parse::<UseCase>).transpose()?;
        fields.step = args.step.as_deref().map(str::parse::<Step>).transpose()?;
        fields.language = args.language.as_deref().map(str::parse::<Language>).transpose()?;
        fields.ticket = match args.ticket.as_deref() {
            Some(t) => Some(TicketRef::parse(t).ok_or(Error::Link(wizard_link::LinkProblem::InvalidValue {
                field: wizard_link::FieldName::Ticket,
            }))?),
            None => None,
        };
        let signer = args.sign.as_deref().map(LinkSigner::load).transpose()?;
        let link = wizard_link::render(&fields, signer.as_ref());
        // What is printed must open: check it the way the app will.
        let issuers = signer.as_ref().map(trusting).unwrap_or_default();
        wizard_link::check(link.as_bytes(), now_secs(), &issuers).map_err(Error::Link)?;
        Ok::<_, Error>(link)
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
    let issuers = match TrustedIssuers::load(&reconnect_core::paths::config_dir()) {
        Ok(i) => i,
        Err(e) => return out.fail(&e),
    };
    match wizard_link::check(link.as_encoded_bytes(), now_secs(), &issuers) {
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
        Trust::Verified { key_id, issuer } => println!(
            "{}",
            reconnect_core::language::text("cli.link.verified", &[("issuer", issuer), ("key", key_id.as_str())])
                .get(out.language)
        ),
        Trust::Unverified => println!("{}", out.l("cli.link.unverified")),
    }
    let row = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            println!("  {:<16} {v}", out.l(key));
        }
    };
    row("cli.link.region", f.region.map(|r| r.label().to_string()));
    row("cli.link.environment", f.environment.map(|e| e.code().to_string()));
    row("cli.link.org", f.org.as_ref().map(MyDomain::host));
    row("cli.link.use_case", f.use_case.map(|u| u.code().to_string()));
    row("cli.link.step", f.step.map(|s| s.code().to_string()));
    row("cli.link.language", f.language.map(|l| l.code().to_string()));
    row("cli.link.ticket", f.ticket.as_ref().map(|t| t.as_str().to_string()));
    row("cli.link.expires", Some(format_ms(f.expires.saturating_mul(1000))));
}
