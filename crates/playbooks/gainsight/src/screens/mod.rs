//! What the UI shows for the Gainsight playbook's own steps: every text already in the
//! admin's language, every rule already applied.

mod setup;
pub mod types;
mod work;

use reconnect_engine::connection::Connection;
use reconnect_engine::language::{Language, Text};
use reconnect_engine::playbook::shared_step_label;
use reconnect_engine::progress::Progress;
use reconnect_engine::view::{Primary, StepItem, StepStatus};
use serde_json::json;

use crate::catalog::Catalog;
use crate::language::text;
use crate::wizard::{Step, Wizard};
use crate::work::Work;
use types::Screen;

pub(crate) use work::tenant_url;

/// The step list.
pub fn steps(wizard: &Wizard, catalog: &Catalog, conn: &Connection, l: Language) -> Vec<StepItem> {
    Step::ALL
        .into_iter()
        .map(|step| StepItem {
            id: step.id().to_string(),
            label: step_label(step).get(l).to_string(),
            status: if step == wizard.current() {
                StepStatus::Current
            } else if !wizard.applies(step, catalog) {
                StepStatus::Skipped
            } else if wizard.is_complete(step, conn) {
                StepStatus::Done
            } else {
                StepStatus::Todo
            },
            reachable: wizard.is_reachable(step, catalog, conn),
        })
        .collect()
}

/// A step's name.
pub fn step_label(step: Step) -> Text {
    match step {
        Step::Org | Step::SignIn => shared_step_label(step.id()),
        _ => text(&format!("step.{}", step.id()), &[]),
    }
}

/// The screen of the current step (one of the playbook's own).
pub fn screen(
    wizard: &Wizard,
    catalog: &Catalog,
    conn: &Connection,
    work: &Work,
    practice_url: Option<&str>,
    progress: Option<&Progress>,
    l: Language,
) -> Screen {
    match wizard.current() {
        Step::UseCase => setup::use_case_screen(wizard, catalog, l),
        Step::Region => setup::region_screen(wizard, work, l),
        Step::Install => setup::install_screen(wizard, catalog, conn, work, progress, l),
        Step::OauthUser => work::oauth_user_screen(wizard, catalog, conn, work, progress, l),
        Step::Authorize => work::authorize_screen(wizard, conn, practice_url, l),
        Step::Verify => work::verify_screen(wizard, conn, work, l),
        Step::Done => work::done_screen(wizard, l),
        Step::Org | Step::SignIn => unreachable!("the engine shows the shared steps"),
    }
}

/// The primary action on the current step.
pub fn primary(wizard: &Wizard, catalog: &Catalog, conn: &Connection, work: &Work, l: Language) -> Primary {
    let step = wizard.current();
    let label = |key: &str| text(key, &[]).get(l).to_string();
    let installed_ok = work.package.as_ref().is_some_and(|(state, _)| state.ok());
    match step {
        Step::Install if !installed_ok && wizard.install_links(catalog, conn).is_some() => Primary::Intent {
            label: label("primary.open_install_link"),
            intent: json!({ "type": "open_install_link" }),
        },
        Step::OauthUser if work.whole.as_ref().is_some_and(|w| w.user.is_some()) => Primary::Operation {
            label: label(if work.whole.as_ref().is_some_and(|w| w.has_changes()) {
                "primary.apply_plan"
            } else {
                "primary.hand_off"
            }),
            operation: json!({ "type": "apply_plan" }),
            busy: work.busy.is_some(),
        },
        Step::Authorize if wizard.reauthorization_started_ms().is_none() => Primary::Intent {
            label: label("primary.start_reauthorization"),
            intent: json!({ "type": "start_reauthorization" }),
        },
        Step::Authorize if wizard.reauthorized_ms().is_none() => Primary::Intent {
            label: label("primary.confirm_reauthorized"),
            intent: json!({ "type": "confirm_reauthorized" }),
        },
        Step::Verify if conn.signed_in().is_some() && !verified(wizard, work) => Primary::Operation {
            label: label("primary.verify"),
            operation: json!({ "type": "verify" }),
            busy: work.busy.is_some(),
        },
        _ if Some(step) == wizard.last(catalog) => Primary::None,
        _ => Primary::Next { enabled: wizard.is_complete(step, conn) || Wizard::is_optional(step) },
    }
}

fn verified(wizard: &Wizard, work: &Work) -> bool {
    work.verification.as_ref().map(|v| v.passed()).or(wizard.verified_at().map(|_| true)) == Some(true)
}
