//! How the playbooks' commands print what their jobs report: progress on standard error (JSON
//! lines with `--json`), checks, results as JSON, and the exit code of a verdict.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use reconnect_api::engine::check::{Check, CheckStatus};
use reconnect_api::engine::language::{Language, Text};
use reconnect_api::engine::progress::Progress;
use serde_json::json;

use crate::output::{text, Out};

/// Exit code when something was found or is left to do.
pub const FAIL: u8 = 1;

/// Prints a job's progress to standard error, so standard output stays the result.
pub fn show_progress(json_out: bool, language: Language) -> impl FnMut(Progress) + Send {
    move |p| {
        if json_out {
            eprintln!("{}", json!(p));
            return;
        }
        match p {
            Progress::Requested { request } => {
                eprintln!("{} ({request})", text("cli.install_requested", &[]).get(language))
            }
            Progress::Waiting { status, elapsed_secs, timeout_secs } => {
                eprintln!("  … {status} {elapsed_secs}s / {timeout_secs}s")
            }
            Progress::Counting { what, done, total } => match total {
                Some(t) => eprintln!("  … {what} {done} / {t}"),
                None => eprintln!("  … {what} {done}"),
            },
            Progress::RateLimited { seconds } => {
                eprintln!("  … {}", text("cli.rate_limited", &[("seconds", &seconds.to_string())]).get(language))
            }
        }
    }
}

/// A check's status in the admin's language.
pub fn status_word(out: &Out, s: CheckStatus) -> String {
    s.label().get(out.language).to_string()
}

/// Prints checks: status and title, explanation, evidence.
pub fn print_checks(out: &Out, checks: &[Check]) {
    let l = out.language;
    for c in checks {
        println!("[{}] {}", status_word(out, c.status), c.title.get(l));
        println!("    {}", c.explanation.get(l));
        println!("    {}", c.evidence);
    }
}

/// 0 when passed, else 1.
pub fn pass_or_fail(passed: bool) -> ExitCode {
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAIL)
    }
}

/// Prints a result as pretty JSON.
pub fn print_json(value: serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(&value).expect("results serialize"));
}

/// Whether `n` irreversible revocations may go ahead: `--yes`, or "y" on a terminal; where no
/// one can answer, no.
pub fn revocation_confirmed(out: &Out, n: usize, yes: bool) -> bool {
    confirmed(out, &text("cli.revoke.confirm", &[("n", &n.to_string())]), yes)
}

/// Whether what `prompt` asks may go ahead: `--yes`, or "y" on a terminal; where no one can
/// answer, no.
pub fn confirmed(out: &Out, prompt: &Text, yes: bool) -> bool {
    if yes {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{}", prompt.get(out.language));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "はい")
}
