//! What the readiness playbook says about what it read, in words, for its screens, its runbook
//! and the CLI alike: the Trust status of the instance, and the contacts' grants and warnings.

use reconnect_engine::language::Text;
use reconnect_engine::timestamp::display_local;
use reconnect_engine::trust::status::{Impact, Incident, Maintenance, StatusWord};
use reconnect_engine::trust::TrustState;

use crate::contacts::{Grant, Warning};
use crate::language::{text, text_localized};

/// The status word in a sentence.
pub fn status_word(word: &StatusWord) -> Text {
    match word {
        StatusWord::Ok => text("status.word.ok", &[]),
        StatusWord::MajorIncident { core } => {
            text(if *core { "status.word.major_core" } else { "status.word.major" }, &[])
        }
        StatusWord::MinorIncident { core } => {
            text(if *core { "status.word.minor_core" } else { "status.word.minor" }, &[])
        }
        StatusWord::Maintenance { .. } => text("status.word.maintenance", &[]),
        StatusWord::Informational { .. } => text("status.word.informational", &[]),
        StatusWord::Other { value } => text("status.word.other", &[("word", value)]),
    }
}

/// An impact in Trust's own words where they were read, else its key.
pub fn impact_text(i: &Impact) -> Text {
    match &i.text {
        Some(t) => Text::same(t.clone()),
        None => text("status.impact_key", &[("key", &i.kind)]),
    }
}

/// An incident in a line: what, how bad, since when (in the admin's time zone).
pub fn incident_line(i: &Incident) -> Text {
    let what = i.impacts.first().map(impact_text).unwrap_or_else(|| text("status.incident", &[]));
    let severity = i.impacts.iter().map(|x| x.severity.as_str()).find(|s| !s.is_empty()).unwrap_or("-");
    let since = i.start_ms().map(display_local).unwrap_or_else(|| "—".into());
    let key = if i.open() { "status.incident_line" } else { "status.incident_line_ended" };
    text_localized(key, &[("severity", severity), ("since", &since)], &[("what", &what)])
}

/// A maintenance in a line: its window in the admin's time zone and its state.
pub fn maintenance_line(m: &Maintenance) -> Text {
    let at = |ms: Option<i64>| ms.map(display_local).unwrap_or_else(|| "—".into());
    let what = m
        .impacts
        .first()
        .map(impact_text)
        .or_else(|| m.name.clone().map(Text::same))
        .unwrap_or_else(|| text("status.maintenance", &[]));
    text_localized(
        "status.maintenance_line",
        &[
            ("start", &at(m.planned_start_ms)),
            ("end", &at(m.planned_end_ms)),
            ("state", m.event_status.as_deref().unwrap_or("-")),
        ],
        &[("what", &what)],
    )
}

/// The status in a paragraph, for the runbook and the CLI.
pub fn status_summary(trust: Option<&TrustState>, instance: &str) -> Text {
    match trust {
        None => text("status.not_read", &[("instance", instance)]),
        Some(TrustState::Unreadable { message, .. }) => message.what.clone().then(message.next.clone()),
        Some(TrustState::Read(r)) => {
            let mut t = text_localized(
                "status.summary",
                &[("instance", &r.instance.key)],
                &[("word", &status_word(&r.instance.status))],
            );
            for i in &r.instance.incidents {
                t = t.then(incident_line(i));
            }
            for m in &r.instance.maintenances {
                t = t.then(maintenance_line(m));
            }
            t
        }
    }
}

/// How a holder has Modify All Data, in words.
pub fn grants_text(grants: &[Grant]) -> Text {
    let parts: Vec<Text> = grants
        .iter()
        .map(|g| match g {
            Grant::Profile { name } => text("grant.profile", &[("name", name)]),
            Grant::PermissionSet { name } => text("grant.permission_set", &[("name", name)]),
            Grant::Group { name } => text("grant.group", &[("name", name)]),
        })
        .collect();
    Text {
        en: parts.iter().map(|p| p.en.as_str()).collect::<Vec<_>>().join("; "),
        ja: parts.iter().map(|p| p.ja.as_str()).collect::<Vec<_>>().join("、"),
    }
}

/// A warning in words, with what to do.
pub fn warning_text(w: &Warning) -> Text {
    match w {
        Warning::NeverLoggedIn => text("warning.never", &[]),
        Warning::Inactive { days } => text("warning.inactive", &[("days", &days.to_string())]),
        Warning::OutsideDomains { domain } => text("warning.outside", &[("domain", domain)]),
        Warning::NoReply => text("warning.no_reply", &[]),
        Warning::Shared => text("warning.shared", &[]),
        Warning::Frozen => text("warning.frozen", &[]),
    }
}
