//! The Gainsight playbook's screens as data: every text already in the admin's language,
//! every rule already applied. The UI renders these and sends intents back.

use reconnect_engine::check::CheckView;
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{PackageStatus, UseCase};
use crate::install_link::LinkKind;
use crate::region::{Confidence, Region};
use crate::work::Busy;

/// The content of the current step.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Screen {
    /// Choose what stopped working.
    UseCase {
        /// The choices.
        options: Vec<UseCaseOption>,
    },
    /// Find the Gainsight data center.
    Region {
        /// The host to show in the input box.
        host: Option<String>,
        /// The answer, when given.
        answer: Option<RegionSummary>,
        /// Why the last pasted address did not reveal the region.
        unknown_reason: Option<String>,
        /// The regions to choose from by hand.
        choices: Vec<RegionChoice>,
    },
    /// Install the package.
    Install {
        /// The package.
        package: PackageCard,
        /// The install links, when the package can be installed by link.
        links: Option<Box<LinksView>>,
        /// Why there is no link, when there is none.
        no_link_reason: Option<String>,
        /// Facts that are not confirmed and matter here.
        unconfirmed: Vec<String>,
        /// Installing through the API and watching the org, when signed in.
        api: Option<ApiInstallView>,
        /// The package as the org has it, once looked at.
        installed: Option<InstalledView>,
    },
    /// Check and fix Gainsight's OAuth user.
    OauthUser {
        /// Whether the org can be read (signed in).
        signed_in: bool,
        /// The chosen username.
        username: Option<String>,
        /// Users found by the last search.
        users: Option<Vec<UserRow>>,
        /// The last diagnosis's checks.
        checks: Vec<CheckView>,
        /// Whether the last diagnosis passed.
        passed: Option<bool>,
        /// The fix's preview, once asked for.
        plan: Option<PlanView>,
        /// What the last fix or undo did, one line each.
        done: Vec<String>,
        /// Whether the journal holds changes in this org that undo can remove.
        can_undo: bool,
        /// The operation running, if any.
        busy: Option<Busy>,
        /// The whole Salesforce side as one plan, once worked out.
        whole: Option<WholePlanView>,
        /// Ask for the whole plan now: signed in, and not asked since the step opened.
        auto_plan: bool,
        /// Where the OAuth user's name came from, when not from the admin.
        user_source: Option<String>,
        /// The org points at several users: the admin picks one of `users`.
        pick_user: bool,
    },
    /// The Gainsight admin re-authorizes the connection.
    Authorize {
        /// Where the tenant's Connectors 2.0 page is, when known.
        tenant_url: Option<String>,
        /// What to click, in order.
        steps: Vec<String>,
        /// The user to authorize as.
        authorize_as: Option<String>,
        /// Errors the admin may see, with their fix.
        errors: Vec<ErrorHelp>,
        /// When re-authorization was started.
        started_at: Option<String>,
        /// When the Gainsight admin said the connection is re-authorized.
        reauthorized_at: Option<String>,
        /// Whether the page was opened from the Salesforce admin's hand-off.
        from_handoff: bool,
    },
    /// Verify the connection and keep the report.
    Verify {
        /// Whether the org can be read.
        signed_in: bool,
        /// The OAuth user verified.
        username: Option<String>,
        /// Token use is looked for from this time.
        since: Option<String>,
        /// The checks of the last verification.
        checks: Vec<CheckView>,
        /// Whether it passed.
        passed: Option<bool>,
        /// Its round trips and time.
        measured: Option<String>,
        /// The operation running, if any.
        busy: Option<Busy>,
        /// The hand-off to the Gainsight admin, once the Salesforce side is done.
        handoff: Option<HandoffView>,
    },
    /// After reconnection.
    Done {
        /// The checklist.
        items: Vec<ChecklistRow>,
    },
}

/// A user found by a search.
/// The whole Salesforce side as one plan.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct WholePlanView {
    /// Each change with its object and fields, in the order they are applied.
    pub rows: Vec<PlanRow>,
    /// What may follow the changes, and what the plan leaves to the admin.
    pub notes: Vec<String>,
    /// Problems no change here can solve.
    pub cannot_fix: Vec<String>,
    /// How far applying it is, while it runs.
    pub progress: Option<String>,
    /// The same, as a percentage, when known.
    pub percent: Option<u8>,
}

/// The hand-off to the Gainsight admin, and the wait for the connector.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct HandoffView {
    /// The link that opens the re-authorize step with everything filled in.
    pub link: String,
    /// What the Gainsight admin is asked to do.
    pub ask: String,
    /// Still waiting for the connector to use its token.
    pub waiting: bool,
    /// Seconds until Reconnect verifies again on its own, while waiting.
    pub recheck_in_secs: Option<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct UserRow {
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Profile.
    pub profile: String,
    /// Active or not.
    pub active: bool,
    /// Last login, or "never".
    pub last_login: String,
    /// Why the org points at this user, when it was looked for.
    pub why: Option<String>,
}

/// The fix's preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct PlanView {
    /// Each change: object, action, fields.
    pub rows: Vec<PlanRow>,
    /// What a permission set cannot fix.
    pub cannot_fix: Vec<String>,
}

/// One change of the preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct PlanRow {
    /// The object.
    pub object: String,
    /// What happens.
    pub action: String,
    /// Field and value pairs.
    pub fields: Vec<(String, String)>,
}

/// Installing through the API, or watching for the package.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct ApiInstallView {
    /// The operation running.
    pub busy: Option<Busy>,
    /// Where it stands.
    pub progress: Option<String>,
    /// Share done, 0 to 100, for a progress bar (time against the deadline).
    pub percent: Option<u8>,
}

/// The package as the org has it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct InstalledView {
    /// Whether it serves the connection.
    pub ok: bool,
    /// What the org has.
    pub text: String,
    /// About Gainsight's UI package, when it is missing.
    pub ui_note: Option<String>,
}

/// An error the Gainsight admin may see, and its fix.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct ErrorHelp {
    /// The error as shown.
    pub error: String,
    /// What to do.
    pub fix: String,
}

/// A checklist item.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct ChecklistRow {
    /// Its id.
    pub id: String,
    /// What to do.
    pub title: String,
    /// What it means.
    pub meaning: String,
    /// Ticked or not.
    pub ticked: bool,
}

/// A use case to choose.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct UseCaseOption {
    /// Which one.
    pub use_case: UseCase,
    /// Title.
    pub title: String,
    /// What it covers.
    pub summary: String,
    /// The package that serves it.
    pub package: PackageCard,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// A package, described.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct PackageCard {
    /// Name.
    pub name: String,
    /// Published or coming soon.
    pub status: PackageStatus,
    /// What it does.
    pub does: String,
    /// What it does not do.
    pub does_not: String,
}

/// The region answer, described.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct RegionSummary {
    /// The candidate regions' labels (`US1`, or `US1`, `US2` when an SSO host cannot tell).
    pub regions: Vec<String>,
    /// The package edition (`US`, `EU`).
    pub edition: String,
    /// The tenant's host, when known.
    pub tenant: Option<String>,
    /// How sure.
    pub confidence: Confidence,
    /// Why, or that the admin chose it.
    pub basis: String,
    /// Whether the admin chose it by hand.
    pub chosen: bool,
}

/// A region to choose.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct RegionChoice {
    /// Which one.
    pub region: Region,
    /// Its label.
    pub label: String,
    /// Its package edition.
    pub edition: String,
    /// Whether it is the current answer.
    pub selected: bool,
}

/// The install links, described.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct LinksView {
    /// The package's name in Salesforce.
    pub package_name: String,
    /// The connected app it brings.
    pub connected_app: String,
    /// The package version id.
    pub package_version_id: String,
    /// The org's environment.
    pub environment_name: String,
    /// The region, or the edition when only that is known.
    pub region_label: Option<String>,
    /// The links, recommended first.
    pub links: Vec<LinkView>,
    /// Why the recommended one.
    pub why: String,
    /// What else to know.
    pub notes: Vec<String>,
}

/// One link.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "gainsight/")]
pub struct LinkView {
    /// Which link.
    pub kind: LinkKind,
    /// The URL.
    pub url: String,
    /// The host.
    pub host: String,
    /// Whether it is the one to use.
    pub recommended: bool,
}
