//! `status`, `readiness` and `runbook`: the readiness playbook for admins and scripts. The
//! Trust status is read as the app reads it (the practice Trust API for a practice org); the
//! contacts and the runbook run the playbook's jobs through `ops::run`. A Trust API that
//! cannot be read fails `status` (exit 2) and is reported, not fatal, in `readiness` and
//! `runbook`.

use std::path::Path;
use std::process::ExitCode;

use reconnect_api::engine::accounts::SessionRecord;
use reconnect_api::engine::clock::{Clock, SystemClock};
use reconnect_api::engine::connection::SignedIn;
use reconnect_api::engine::job::JobEnv;
use reconnect_api::engine::language::Text;
use reconnect_api::engine::paths::config_dir;
use reconnect_api::engine::trust::status::StatusWord;
use reconnect_api::engine::trust::{self, TrustReading, TrustRequest, TrustState};
use reconnect_api::engine::Error as EngineError;
use reconnect_api::readiness::contacts::Contacts;
use reconnect_api::readiness::ops::{run, Finished, Job};
use reconnect_api::readiness::status::{grants_text, incident_line, maintenance_line, status_word, warning_text};
use reconnect_api::readiness::steps::{State, SubscriptionCheck};
use reconnect_api::readiness::Error;
use reconnect_api::state::peek_playbook;
use reconnect_api::system::job_env;
use serde_json::json;

use crate::job_output::{pass_or_fail, print_json, show_progress};
use crate::output::{text, Out};

/// The signed-in org and what jobs run with (progress to standard error).
struct Ctx {
    record: SessionRecord,
    env: JobEnv,
}

fn ctx(out: &Out) -> Result<Ctx, Error> {
    let env = job_env(Box::new(show_progress(out.json, out.language)))?;
    let record = env.accounts.current()?.ok_or(EngineError::NotSignedIn)?;
    Ok(Ctx { record, env })
}

async fn read_trust(out: &Out, record: &SessionRecord) -> Result<TrustReading, EngineError> {
    let signed_in = SignedIn { instance: record.instance.clone(), facts: record.facts.clone() };
    let request = TrustRequest::for_org(&signed_in, None, out.language)?;
    trust::read(&request, SystemClock.now_ms()).await
}

fn print_trust(out: &Out, r: &TrustReading) {
    let l = out.language;
    let s = &r.instance;
    println!("{}: {}", s.key, status_word(&s.status).get(l));
    if let Some(release) = &s.release {
        println!("  {}: {release}", out.l("cli.status.release"));
    }
    for i in &s.incidents {
        println!("  - {}", incident_line(i).get(l));
        if let Some(id) = i.id {
            println!("    {}", trust::incident_page(id));
        }
    }
    for m in &s.maintenances {
        println!("  - {}", maintenance_line(m).get(l));
    }
    for m in &r.messages {
        println!("  * {}", m.subject);
        if let Some(id) = m.id {
            println!("    {}", trust::general_message_page(id));
        }
    }
    for n in &r.notes {
        println!("  ({})", n.get(l));
    }
    if let Ok(key) = trust::InstanceKey::parse(&s.key) {
        println!("  {}", trust::instance_page(&key));
    }
}

pub async fn status(out: &Out) -> ExitCode {
    let record = match ctx(out) {
        Ok(c) => c.record,
        Err(e) => return out.fail(&e),
    };
    match read_trust(out, &record).await {
        Ok(r) => {
            let ok = r.instance.status == StatusWord::Ok && r.instance.incidents.iter().all(|i| !i.open());
            if out.json {
                print_json(json!({ "ok": ok, "trust": r }));
            } else {
                print_trust(out, &r);
            }
            pass_or_fail(ok)
        }
        Err(e) => out.fail(&e),
    }
}

/// The subscription the app recorded, against the org's instance now.
fn subscription(record: &SessionRecord) -> SubscriptionCheck {
    let saved = peek_playbook(&config_dir(), reconnect_api::readiness::ID);
    State::from_saved(saved).subscription_for(Some(&record.facts.instance_name))
}

fn subscription_text(check: &SubscriptionCheck, instance: &str) -> Text {
    use reconnect_api::readiness::language::text as rt;
    match check {
        SubscriptionCheck::Current(s) => rt(
            "subscribe.recorded",
            &[("instance", s.instance.as_str()), ("at", &reconnect_api::engine::timestamp::display(&s.at))],
        ),
        SubscriptionCheck::OtherInstance(s) => {
            rt("subscribe.other_instance", &[("recorded", s.instance.as_str()), ("instance", instance)])
        }
        SubscriptionCheck::None => rt("subscribe.none", &[]).then(text("cli.readiness.subscribe_in_app", &[])),
    }
}

fn print_contacts(out: &Out, c: &Contacts) {
    let l = out.language;
    for h in &c.holders {
        println!("- {} <{}> ({})", h.name, h.email, h.username);
        println!("    {}", grants_text(&h.grants).get(l));
        for w in &h.warnings {
            println!("    ! {}", warning_text(w).get(l));
        }
    }
    if c.only_one() {
        println!("! {}", reconnect_api::readiness::language::text("contacts.only_one", &[]).get(l));
    }
}

pub async fn readiness(out: &Out) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out)?;
        let trust = read_trust(out, &c.record).await;
        let contacts = match run(Job::Contacts, &mut c.env).await {
            Finished::Contacts(r) => r?,
            Finished::Runbook(_) => unreachable!("a contacts job finishes with contacts"),
        };
        Ok::<_, Error>((c.record, trust, contacts))
    };
    let (record, trust, contacts) = match run_it.await {
        Ok(x) => x,
        Err(e) => return out.fail(&e),
    };
    let check = subscription(&record);
    let subscribed = matches!(check, SubscriptionCheck::Current(_));
    let ready = subscribed && contacts.findings() == 0;
    let l = out.language;
    if out.json {
        let trust_json = match &trust {
            Ok(r) => json!({ "read": true, "status": r }),
            Err(e) => {
                let m = e.user_message();
                json!({ "read": false, "error": { "what": m.what, "next": m.next } })
            }
        };
        print_json(json!({
            "ready": ready,
            "trust": trust_json,
            "subscription": { "current": subscribed, "text": subscription_text(&check, &record.facts.instance_name) },
            "contacts": contacts,
            "findings": contacts.findings(),
        }));
    } else {
        println!("# {}", out.l("cli.readiness.trust"));
        match &trust {
            Ok(r) => print_trust(out, r),
            Err(e) => {
                let m = e.user_message();
                println!("{}\n{}", m.what.get(l), m.next.get(l));
            }
        }
        println!("\n# {}", out.l("cli.readiness.subscription"));
        println!("{}", subscription_text(&check, &record.facts.instance_name).get(l));
        println!("\n# {}", out.l("cli.readiness.contacts"));
        print_contacts(out, &contacts);
        println!("\n{}", out.l(if ready { "cli.readiness.ready" } else { "cli.readiness.not_ready" }));
    }
    pass_or_fail(ready)
}

pub async fn runbook(out: &Out, path: &Path) -> ExitCode {
    let run_it = async {
        let mut c = ctx(out)?;
        let trust = read_trust(out, &c.record).await;
        let runbook = match run(Job::Runbook, &mut c.env).await {
            Finished::Runbook(r) => r?,
            Finished::Contacts(_) => unreachable!("a runbook job finishes with a runbook"),
        };
        let state = match &trust {
            Ok(r) => TrustState::Read(Box::new(r.clone())),
            Err(e) => TrustState::Unreadable { instance: None, message: e.user_message(), at_ms: SystemClock.now_ms() },
        };
        let check = subscription(&c.record);
        let doc = reconnect_api::readiness::runbook::document(
            &c.record.facts,
            c.record.instance.as_str(),
            &runbook,
            Some(&state),
            &check,
            &SystemClock.now_text(),
        );
        doc.save_as(path, out.language)?;
        Ok::<_, Error>(runbook.integrations.len())
    };
    match run_it.await {
        Ok(n) => {
            if out.json {
                println!("{}", json!({ "saved": path, "integrations": n }));
            } else {
                println!(
                    "{}: {} ({})",
                    out.l("cli.report_saved"),
                    path.display(),
                    text("cli.runbook.integrations", &[("n", &n.to_string())]).get(out.language)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => out.fail(&e),
    }
}
