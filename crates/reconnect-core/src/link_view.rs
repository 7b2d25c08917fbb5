//! What the screens show about wizard links: who filled the answers in, what an incoming link
//! would change before the admin agrees, and the link made with Share.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::language::{text, Language};
use crate::wizard::{OrgAnswer, Prefill, Wizard};
use crate::wizard_link::{CheckedLink, Trust};

/// Who filled in the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefillView {
    /// Whether a trusted issuer signed the link.
    pub verified: bool,
    /// The issuer's name, from the trusted list.
    pub issuer: Option<String>,
    /// The support ticket the link names.
    pub ticket: Option<String>,
}

impl PrefillView {
    pub(crate) fn of(p: &Prefill) -> PrefillView {
        PrefillView { verified: p.issuer.is_some(), issuer: p.issuer.clone(), ticket: p.ticket.clone() }
    }
}

/// An incoming link that would replace answers already given; nothing changes until the
/// admin agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingLinkView {
    /// Who vouches for it.
    pub from: PrefillView,
    /// Each answer it would change.
    pub changes: Vec<LinkChange>,
}

/// One answer a link would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkChange {
    /// Which answer, in the view's language.
    pub what: String,
    /// The answer now.
    pub from: String,
    /// The link's answer.
    pub to: String,
}

impl PendingLinkView {
    pub(crate) fn of(link: &CheckedLink, wizard: &Wizard, catalog: &Catalog, l: Language) -> PendingLinkView {
        let f = &link.fields;
        let mut changes = Vec::new();
        let mut change = |key: &str, from: Option<String>, to: Option<String>| {
            if let (Some(from), Some(to)) = (from, to) {
                if from != to {
                    changes.push(LinkChange { what: text(key, &[]).get(l).to_string(), from, to });
                }
            }
        };
        let use_case_title = |u| catalog.use_case(u).title.get(l).to_string();
        change("link.change.use_case", wizard.use_case().map(use_case_title), f.use_case.map(use_case_title));
        change(
            "link.change.region",
            wizard.region().and_then(|r| r.region()).map(|r| r.label().to_string()),
            f.region.map(|r| r.label().to_string()),
        );
        let org_label = |o: &OrgAnswer| match o {
            OrgAnswer::Detected(d) => d.host.clone(),
            OrgAnswer::Chosen { environment } => environment.name().get(l).to_string(),
            OrgAnswer::Practice(_) => text("link.change.practice_org", &[]).get(l).to_string(),
        };
        let linked_org =
            f.org.as_ref().map(|d| d.host()).or_else(|| f.environment.map(|e| e.name().get(l).to_string()));
        change("link.change.org", wizard.org().map(org_label), linked_org);
        let (verified, issuer) = match &link.trust {
            Trust::Verified { issuer, .. } => (true, Some(issuer.clone())),
            Trust::Unverified => (false, None),
        };
        PendingLinkView {
            from: PrefillView { verified, issuer, ticket: f.ticket.as_ref().map(|t| t.as_str().to_string()) },
            changes,
        }
    }
}
