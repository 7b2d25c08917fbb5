//! The screens of the reconnection work (OAuth user, install through the API, re-authorize,
//! verify, checklist), built from the wizard's saved answers and what the running session
//! found.

use crate::catalog::Catalog;
use crate::checklist::checklist;
use crate::language::{text, Language};
use crate::oauth_user::diagnosis::Check;
use crate::package::installed::PackageState;
use crate::package::polling::Progress;
use crate::timestamp::format_ms;
use crate::wizard::Wizard;
use crate::wizard_view::{
    ApiInstallView, Busy, CheckView, ChecklistRow, ErrorHelp, InstalledView, PlanRow, PlanView, Screen, SignInContext,
    UserRow, WorkContext,
};

fn check_view(c: &Check, l: Language) -> CheckView {
    CheckView {
        id: c.id.clone(),
        status: c.status,
        title: c.title.get(l).to_string(),
        explanation: c.explanation.get(l).to_string(),
        evidence: c.evidence.clone(),
    }
}

pub(crate) fn oauth_user_screen(wizard: &Wizard, work: &WorkContext, l: Language) -> Screen {
    let never = text("work.never", &[]).get(l).to_string();
    Screen::OauthUser {
        signed_in: wizard.signed_in().is_some(),
        username: wizard.oauth_user().map(str::to_string),
        users: work.users.as_ref().map(|users| {
            users
                .iter()
                .map(|u| UserRow {
                    username: u.username.clone(),
                    name: u.name.clone(),
                    email: u.email.clone(),
                    profile: u.profile.clone().unwrap_or_default(),
                    active: u.active,
                    last_login: u.last_login.clone().unwrap_or_else(|| never.clone()),
                })
                .collect()
        }),
        checks: work.diagnosis.iter().flat_map(|d| d.checks.iter()).map(|c| check_view(c, l)).collect(),
        passed: work.diagnosis.as_ref().map(|d| d.passed()),
        plan: work.plan.as_ref().map(|p| PlanView {
            rows: p
                .preview()
                .into_iter()
                .map(|r| PlanRow { object: r.object, action: r.action.get(l).to_string(), fields: r.fields })
                .collect(),
            cannot_fix: p.cannot_fix.iter().map(|t| t.get(l).to_string()).collect(),
        }),
        done: work.done.iter().map(|t| t.get(l).to_string()).collect(),
        can_undo: work.live_changes > 0,
        busy: work.busy,
    }
}

fn progress_text(p: &Progress, l: Language) -> (String, Option<u8>) {
    match p {
        Progress::Requested { request } => {
            (text("work.install.requested", &[("id", request)]).get(l).to_string(), Some(0))
        }
        Progress::Waiting { status, elapsed_secs, timeout_secs } => {
            let key = if status == "NOT_YET" { "work.install.watching" } else { "work.install.waiting" };
            let t = text(key, &[("status", status), ("elapsed", &elapsed_secs.to_string())]);
            let percent = (elapsed_secs * 100).checked_div(*timeout_secs).unwrap_or(0).min(99) as u8;
            (t.get(l).to_string(), Some(percent))
        }
    }
}

pub(crate) fn api_install_view(
    wizard: &Wizard,
    catalog: &Catalog,
    work: &WorkContext,
    l: Language,
) -> Option<ApiInstallView> {
    wizard.signed_in()?;
    wizard.edition(catalog).ok()?;
    let (progress, percent) = match (&work.progress, work.busy) {
        (Some(p), Some(Busy::Install | Busy::Watch)) => {
            let (t, p) = progress_text(p, l);
            (Some(t), p)
        }
        (None, Some(Busy::Install | Busy::Watch)) => {
            (Some(text("work.install.starting", &[]).get(l).to_string()), None)
        }
        _ => (None, None),
    };
    Some(ApiInstallView { busy: work.busy, progress, percent })
}

pub(crate) fn installed_view(wizard: &Wizard, work: &WorkContext, l: Language) -> Option<InstalledView> {
    match &work.package {
        Some((state, ui_package)) => {
            let ui_note = (!ui_package).then(|| text("check.ui_package.missing", &[]).get(l).to_string());
            let text = match state {
                PackageState::Missing => text("work.package.missing", &[]),
                PackageState::Current { installed } | PackageState::Newer { installed } => text(
                    "work.package.installed",
                    &[("name", &installed.name), ("version", &installed.version_number())],
                ),
                PackageState::Other { installed } => {
                    text("work.package.other", &[("name", &installed.name), ("version", &installed.version_number())])
                }
            };
            Some(InstalledView { ok: state.ok(), text: text.get(l).to_string(), ui_note })
        }
        None => wizard.installed().map(|v| InstalledView {
            ok: true,
            text: text("work.package.seen", &[("version", v)]).get(l).to_string(),
            ui_note: None,
        }),
    }
}

/// Where the Gainsight admin re-authorizes: the practice tenant's page, else the tenant host
/// from the region step or from the org's endpoint settings.
pub(crate) fn tenant_url(wizard: &Wizard, sign_in: &SignInContext) -> Option<String> {
    if wizard.signed_in().is_some_and(|s| s.instance.is_loopback()) {
        return sign_in.practice_url.as_ref().map(|u| format!("{u}/practice/gainsight/connectors"));
    }
    if let Some(t) = wizard.region().and_then(|r| r.tenant()) {
        return Some(format!("https://{}", t.as_str()));
    }
    wizard
        .signed_in()
        .and_then(|s| s.facts.region.findings.first())
        .and_then(|f| url::Url::parse(&f.url).ok().map(|u| u.origin().ascii_serialization()))
}

pub(crate) fn authorize_screen(wizard: &Wizard, sign_in: &SignInContext, l: Language) -> Screen {
    let user = wizard.oauth_user().unwrap_or("—").to_string();
    let steps = ["work.authorize.step1", "work.authorize.step2", "work.authorize.step3", "work.authorize.step4"]
        .iter()
        .map(|k| text(k, &[("user", &user)]).get(l).to_string())
        .collect();
    let errors = [
        ("app must be installed into org", "work.authorize.fix_not_installed"),
        ("user is not admin approved to access this app", "work.authorize.fix_not_approved"),
        ("API_DISABLED_FOR_ORG", "work.authorize.fix_api_disabled"),
        ("inactive user", "work.authorize.fix_inactive"),
    ]
    .iter()
    .map(|(error, key)| ErrorHelp { error: error.to_string(), fix: text(key, &[("user", &user)]).get(l).to_string() })
    .collect();
    Screen::Authorize {
        tenant_url: tenant_url(wizard, sign_in),
        steps,
        authorize_as: wizard.oauth_user().map(str::to_string),
        errors,
        started_at: wizard.reauthorization_started_ms().map(format_ms),
    }
}

pub(crate) fn verify_screen(wizard: &Wizard, work: &WorkContext, l: Language) -> Screen {
    let v = work.verification.as_ref();
    Screen::Verify {
        signed_in: wizard.signed_in().is_some(),
        username: wizard.oauth_user().map(str::to_string),
        since: wizard.reauthorization_started_ms().map(format_ms),
        checks: v.iter().flat_map(|v| v.checks.iter()).map(|c| check_view(c, l)).collect(),
        passed: v.map(|v| v.passed()).or(wizard.verified_at().map(|_| true)),
        measured: v.map(|v| {
            text("work.verify.measured", &[("n", &v.round_trips.to_string()), ("ms", &v.elapsed_ms.to_string())])
                .get(l)
                .to_string()
        }),
        report_saved: work.report_saved.clone(),
        busy: work.busy,
    }
}

pub(crate) fn done_screen(wizard: &Wizard, l: Language) -> Screen {
    Screen::Done {
        items: checklist()
            .iter()
            .map(|i| ChecklistRow {
                id: i.id.clone(),
                title: i.title.get(l).to_string(),
                meaning: i.meaning.get(l).to_string(),
                ticked: wizard.checklist().contains(&i.id),
            })
            .collect(),
    }
}
