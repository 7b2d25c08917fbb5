//! The screens of the reconnection work (OAuth user, install through the API, re-authorize,
//! verify, checklist), built from the saved answers and what the running playbook found.

use reconnect_engine::check::CheckView;
use reconnect_engine::connection::Connection;
use reconnect_engine::language::Language;
use reconnect_engine::progress::Progress;
use reconnect_engine::timestamp::{display, format_ms};

use crate::catalog::Catalog;
use crate::catalog::PackageEdition;
use crate::checklist::checklist;
use crate::language::{text, text_with};
use crate::oauth_user::candidates::Evidence;
use crate::oauth_user::diagnosis::UserSummary;
use crate::oauth_user::fix::PreviewRow;
use crate::package::installed::PackageState;
use crate::screens::types::{
    ApiInstallView, ChecklistRow, ErrorHelp, HandoffView, InstalledView, PlanRow, PlanView, Screen, UserRow,
    WholePlanView,
};
use crate::whole_plan::{UserSource, WholePlan};
use crate::wizard::{UserFrom, Wizard};
use crate::work::{Busy, Work};

fn user_row(u: &UserSummary, why: Option<String>, l: Language) -> UserRow {
    UserRow {
        username: u.username.clone(),
        name: u.name.clone(),
        email: u.email.clone(),
        profile: u.profile.clone().unwrap_or_default(),
        active: u.active,
        last_login: u.last_login.as_deref().map_or_else(|| text("work.never", &[]).get(l).to_string(), display),
        why,
    }
}

fn whole_plan_view(
    plan: &WholePlan,
    edition: Option<&PackageEdition>,
    work: &Work,
    progress: Option<&Progress>,
    l: Language,
) -> WholePlanView {
    let rows = plan_rows(edition.map(|e| plan.preview(e)).unwrap_or_default(), l);
    let mut notes = Vec::new();
    if plan.grant_may_follow() {
        notes.push(text("plan.grant_may_follow", &[]).get(l).to_string());
    }
    if !plan.has_changes() {
        notes.push(text("plan.nothing", &[]).get(l).to_string());
    }
    let (progress, percent) = install_progress(progress, work.busy == Some(Busy::ApplyPlan), l);
    WholePlanView {
        rows,
        notes,
        cannot_fix: plan.fix.iter().flat_map(|f| f.cannot_fix.iter()).map(|t| t.get(l).to_string()).collect(),
        progress,
        percent,
    }
}

pub(crate) fn oauth_user_screen(
    wizard: &Wizard,
    catalog: &Catalog,
    conn: &Connection,
    work: &Work,
    progress: Option<&Progress>,
    l: Language,
) -> Screen {
    let signed_in = conn.signed_in().is_some();
    let candidates = work.whole.as_ref().and_then(|w| w.candidates.as_ref()).filter(|_| wizard.oauth_user().is_none());
    let user_source = match (wizard.oauth_user_from(), work.whole.as_ref().and_then(|w| w.user.as_ref())) {
        (Some(UserFrom::Org), Some((_, UserSource::Found(evidence)))) => {
            Some(text_with("plan.user_found", "why", &Evidence::describe_all(evidence)).get(l).to_string())
        }
        (Some(UserFrom::Org), _) => Some(text("plan.user_found_before", &[]).get(l).to_string()),
        (Some(UserFrom::Link), _) => Some(text("plan.user_from_link", &[]).get(l).to_string()),
        (None, _) => None,
    };
    Screen::OauthUser {
        signed_in,
        username: wizard.oauth_user().map(str::to_string),
        users: match candidates {
            Some(c) => Some(
                c.users
                    .iter()
                    .map(|c| user_row(&c.user, Some(Evidence::describe_all(&c.evidence).get(l).to_string()), l))
                    .collect(),
            ),
            None => work.users.as_ref().map(|users| users.iter().map(|u| user_row(u, None, l)).collect()),
        },
        checks: work.diagnosis.iter().flat_map(|d| d.checks.iter()).map(|c| CheckView::of(c, l)).collect(),
        passed: work.diagnosis.as_ref().map(|d| d.passed()),
        plan: work.plan.as_ref().map(|p| PlanView {
            rows: plan_rows(p.preview(), l),
            cannot_fix: p.cannot_fix.iter().map(|t| t.get(l).to_string()).collect(),
        }),
        done: work.done.iter().map(|t| t.get(l).to_string()).collect(),
        can_undo: work.live_changes > 0,
        busy: work.busy,
        whole: work
            .whole
            .as_ref()
            .filter(|w| w.user.is_some())
            .map(|w| whole_plan_view(w, wizard.edition(catalog, conn).ok(), work, progress, l)),
        auto_plan: signed_in && !work.plan_asked && work.busy.is_none() && work.whole.is_none(),
        user_source,
        pick_user: candidates.is_some_and(|c| !c.users.is_empty()),
    }
}

fn plan_rows(rows: Vec<PreviewRow>, l: Language) -> Vec<PlanRow> {
    rows.into_iter()
        .map(|r| PlanRow { object: r.object, action: r.action.get(l).to_string(), fields: r.fields })
        .collect()
}

/// How far an install is, in words and percent, while `installing`.
fn install_progress(progress: Option<&Progress>, installing: bool, l: Language) -> (Option<String>, Option<u8>) {
    match (progress, installing) {
        (Some(p), true) => (Some(progress_text(p, l)), p.percent()),
        (None, true) => (Some(text("work.install.starting", &[]).get(l).to_string()), None),
        (_, false) => (None, None),
    }
}

fn progress_text(p: &Progress, l: Language) -> String {
    match p {
        Progress::Requested { request } => text("work.install.requested", &[("id", request)]).get(l).to_string(),
        Progress::Waiting { status, elapsed_secs, .. } => {
            let key = if status == "NOT_YET" { "work.install.watching" } else { "work.install.waiting" };
            text(key, &[("status", status), ("elapsed", &elapsed_secs.to_string())]).get(l).to_string()
        }
        Progress::Counting { what, done, .. } => format!("{what}: {done}"),
        Progress::RateLimited { seconds } => {
            text("progress.rate_limited", &[("seconds", &seconds.to_string())]).get(l).to_string()
        }
    }
}

pub(crate) fn api_install_view(
    wizard: &Wizard,
    catalog: &Catalog,
    conn: &Connection,
    work: &Work,
    progress: Option<&Progress>,
    l: Language,
) -> Option<ApiInstallView> {
    conn.signed_in()?;
    wizard.edition(catalog, conn).ok()?;
    let (progress, percent) = install_progress(progress, matches!(work.busy, Some(Busy::Install | Busy::Watch)), l);
    Some(ApiInstallView { busy: work.busy, progress, percent })
}

pub(crate) fn installed_view(wizard: &Wizard, work: &Work, l: Language) -> Option<InstalledView> {
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
pub(crate) fn tenant_url(wizard: &Wizard, conn: &Connection, practice_url: Option<&str>) -> Option<String> {
    if conn.is_practice() {
        return practice_url.map(|u| format!("{u}/practice/gainsight/connectors"));
    }
    if let Some(t) = wizard.region().and_then(|r| r.tenant()) {
        return Some(format!("https://{}", t.as_str()));
    }
    Wizard::evidence(conn)
        .and_then(|e| e.findings.into_iter().next())
        .and_then(|f| url::Url::parse(&f.url).ok().map(|u| u.origin().ascii_serialization()))
}

pub(crate) fn authorize_screen(wizard: &Wizard, conn: &Connection, practice_url: Option<&str>, l: Language) -> Screen {
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
        tenant_url: tenant_url(wizard, conn, practice_url),
        steps,
        authorize_as: wizard.oauth_user().map(str::to_string),
        errors,
        started_at: wizard.reauthorization_started_ms().map(format_ms),
        reauthorized_at: wizard.reauthorized_ms().map(format_ms),
        from_handoff: wizard.oauth_user_from() == Some(UserFrom::Link) && conn.signed_in().is_none(),
    }
}

pub(crate) fn verify_screen(wizard: &Wizard, conn: &Connection, work: &Work, l: Language) -> Screen {
    let v = work.verification.as_ref();
    Screen::Verify {
        signed_in: conn.signed_in().is_some(),
        username: wizard.oauth_user().map(str::to_string),
        since: wizard.reauthorization_started_ms().map(format_ms),
        checks: v.iter().flat_map(|v| v.checks.iter()).map(|c| CheckView::of(c, l)).collect(),
        passed: v.map(|v| v.passed()).or(wizard.verified_at().map(|_| true)),
        measured: v.map(|v| {
            text("work.verify.measured", &[("n", &v.round_trips.to_string()), ("ms", &v.elapsed_ms.to_string())])
                .get(l)
                .to_string()
        }),
        busy: work.busy,
        handoff: wizard.handoff_link().map(|link| {
            let waiting = wizard.verified_at().is_none();
            HandoffView {
                link: link.to_string(),
                ask: text("handoff.ask", &[("user", wizard.oauth_user().unwrap_or("—"))]).get(l).to_string(),
                waiting,
                recheck_in_secs: (waiting && conn.signed_in().is_some() && work.busy.is_none())
                    .then(|| work.recheck_in_secs()),
            }
        }),
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
