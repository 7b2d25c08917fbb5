//! The reconnection report for a change record: the org, the data center, the package, every
//! check with its evidence, and what Reconnect changed, rendered by the engine.

use reconnect_engine::journal::Entry;
use reconnect_engine::language::Text;
use reconnect_engine::report::{Block, Report, Section};
use reconnect_engine::salesforce::org_facts::OrgFacts;

use crate::gainsight::GainsightCheck;
use crate::language::text;
use crate::region_evidence::RegionEvidence;
use crate::verify::Verification;

/// Builds the report from the org's facts, the verification (if it ran), the journal's
/// entries for this org and the Gainsight tenant's answer (if asked).
pub fn build(
    facts: &OrgFacts,
    instance_url: &str,
    verification: Option<&Verification>,
    journal: &[Entry],
    gainsight: Option<&GainsightCheck>,
    now: &str,
) -> Report {
    let passed = verification.map(Verification::passed);
    let mut r = Report::new(crate::ID, text("report.title", &[]), facts, instance_url, passed, now);
    r.verdict = text(
        match passed {
            Some(true) => "report.verdict.pass",
            Some(false) => "report.verdict.fail",
            None => "report.verdict.not_run",
        },
        &[],
    );
    let none = || text("report.none", &[]);
    let or_none = |v: Option<String>| v.map(Text::same).unwrap_or_else(none);
    r.fact(text("report.region", &[]), or_none(RegionEvidence::of(facts).label()));
    r.fact(text("report.oauth_user", &[]), or_none(verification.map(|v| v.diagnosis.user.username.clone())));
    r.fact(
        text("report.package", &[]),
        or_none(verification.and_then(|v| {
            v.package.installed().map(|p| format!("{} {} ({})", p.name, p.version_number(), p.version_id))
        })),
    );
    r.fact(text("report.since", &[]), or_none(verification.and_then(|v| v.since.clone())));
    if let Some(g) = gainsight {
        r.fact(text("report.gainsight", &[]), Text::same(format!("{} ({} Company)", g.tenant, g.records)));
    }
    r.sections.push(Section {
        heading: text("report.checks", &[]),
        blocks: vec![Block::Checks { checks: verification.map(|v| v.checks.clone()).unwrap_or_default() }],
    });
    r.changes(journal);
    if let Some(v) = verification {
        r.sections.push(Section {
            heading: text("report.measured", &[]),
            blocks: vec![Block::Paragraph { text: text("report.round_trips", &[("n", &v.round_trips.to_string())]) }],
        });
    }
    r
}
