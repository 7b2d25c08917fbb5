//! The engine's one error type. Every variant knows what happened and what to do next, in
//! English and Japanese; `Display` gives the English "what" for logs and the CLI.

use crate::language::{text, Language, UserMessage};

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.user_message().what.get(Language::En))]
pub enum Error {
    /// Nothing was pasted.
    EmptyInput,
    /// More text than any address.
    InputTooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// The text is not a web address or host name.
    NotAnAddress,
    /// A scheme other than http(s).
    UnsupportedScheme {
        /// The scheme that was given.
        scheme: String,
    },
    /// `user@host`: the text before `@` is not the host.
    UserInfoInAddress {
        /// The host the address really points at.
        host: String,
    },
    /// An IP address instead of a host name.
    IpAddress,
    /// A host that is not a Salesforce org address.
    NotSalesforce {
        /// The host.
        host: String,
    },
    /// A Salesforce host that does not identify an org (marketing site, help, status).
    SalesforceButNotAnOrg {
        /// The host.
        host: String,
    },
    /// A Salesforce-shaped host whose org part breaks Salesforce's naming rules.
    MalformedSalesforceHost {
        /// The host.
        host: String,
    },
    /// Text that is not a Salesforce id.
    InvalidId {
        /// What was given.
        input: String,
    },
    /// An 18-character id whose last three characters do not match the first fifteen.
    IdChecksumMismatch {
        /// What was given.
        input: String,
        /// The suffix the first fifteen characters call for.
        expected: String,
    },
    /// An id of the wrong kind (for example a user id where a package version id belongs).
    WrongIdKind {
        /// What was given.
        input: String,
        /// The key prefix that was expected.
        expected: &'static str,
    },
    /// A data file shipped with the app is invalid.
    DataFile {
        /// Which file.
        file: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// An environment name that is not known.
    UnknownEnvironment {
        /// What was given.
        input: String,
    },
    /// An org address that names no My Domain (a generic login or instance host).
    NoMyDomain {
        /// The host.
        host: String,
    },
    /// A language we do not speak.
    UnknownLanguage {
        /// What was given.
        input: String,
    },
    /// The wizard step cannot be left yet.
    StepIncomplete {
        /// What is missing, already in both languages.
        missing: crate::language::Text,
    },
    /// The wizard step cannot be reached from here.
    StepUnreachable,
    /// The saved wizard state could not be written.
    StateWrite {
        /// Where.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The clipboard could not be written.
    ClipboardWrite {
        /// The operating system's reason.
        reason: String,
    },
    /// An address Reconnect will not send a token to.
    HostNotAllowed {
        /// The address.
        url: String,
    },
    /// The app asked for something this step does not offer (a bug in the UI, or a request
    /// from an older version).
    UnexpectedRequest {
        /// What could not be read.
        what: String,
    },
    /// A Trust API base URL that is neither https nor loopback http.
    TrustBaseInvalid {
        /// What was given.
        input: String,
    },
    /// The org's instance is not known (no `Organization.InstanceName`).
    TrustInstanceUnknown,
    /// Salesforce's Trust status could not be read.
    TrustUnavailable {
        /// The instance asked about.
        instance: String,
        /// Why, in words (never a response body).
        reason: String,
    },
    /// Not a Zendesk account's address or subdomain.
    NotZendesk {
        /// The host read.
        input: String,
    },
    /// No Zendesk account is signed in.
    ZendeskNotSignedIn,
    /// Zendesk no longer accepts API tokens.
    ZendeskApiTokensRetired {
        /// The day they stopped working.
        end: String,
    },
    /// Zendesk refused the credential (401, or the anonymous user it answers a wrong one with).
    ZendeskUnauthorized,
    /// Zendesk refused the signed-in user (403): an agent calling an admin endpoint.
    ZendeskForbidden {
        /// The request, without ids or query.
        what: String,
        /// Zendesk's message.
        message: String,
    },
    /// Zendesk does not know the record or the account (404).
    ZendeskNotFound {
        /// The request, without ids or query.
        what: String,
    },
    /// Zendesk refused the values sent (422 or 400).
    ZendeskInvalid {
        /// The request, without ids or query.
        what: String,
        /// Zendesk's error code.
        code: String,
        /// Zendesk's field messages (never a value sent).
        details: String,
    },
    /// Zendesk's rate limit asks for a longer wait than Reconnect waits.
    ZendeskRateLimited {
        /// The seconds Zendesk asked for.
        seconds: u64,
    },
    /// Zendesk answered with a server error.
    ZendeskUnavailable {
        /// The HTTP status.
        status: u16,
    },
    /// A response that is not what Salesforce sends.
    UnexpectedResponse {
        /// What was wrong.
        what: String,
    },
    /// The org offers no API version Reconnect speaks.
    ApiVersionUnsupported {
        /// Oldest supported.
        min: u32,
        /// Newest supported.
        max: u32,
    },
    /// The session ended (expired or revoked) and could not be refreshed.
    SessionExpired,
    /// The org's daily API request limit is used up.
    RequestLimit,
    /// Salesforce answered with a server error, even after retries.
    SalesforceUnavailable {
        /// The HTTP status.
        status: u16,
    },
    /// Salesforce refused a request.
    SalesforceApi {
        /// Salesforce's error code.
        code: String,
        /// Salesforce's message.
        message: String,
    },
    /// The network failed.
    Network {
        /// Why.
        reason: String,
    },
    /// The OAuth server refused.
    OAuth {
        /// The OAuth error code.
        error: String,
        /// Its description.
        description: String,
    },
    /// Salesforce blocked the app: it is not installed in the org and the user may not use
    /// uninstalled apps.
    AppBlocked,
    /// The admin pressed Deny.
    SignInDenied,
    /// The app admits only admin-approved users and the signing-in user is not one.
    AppNotApproved,
    /// Salesforce refused the redirect URI: it is not the client's callback URL.
    RedirectMismatch,
    /// Pasted text that is not the address of Salesforce's OAuth error page.
    NotAnErrorPage,
    /// Nobody finished signing in in time.
    SignInTimedOut {
        /// The time allowed.
        minutes: u64,
    },
    /// A callback that does not belong to this sign-in.
    SignInStateMismatch,
    /// The redirect port cannot be listened on.
    RedirectPortUnavailable {
        /// The port.
        port: u16,
        /// Why.
        reason: String,
    },
    /// The keychain is locked.
    KeychainLocked,
    /// There is no keychain to use.
    KeychainUnavailable {
        /// Why.
        reason: String,
    },
    /// No one is signed in.
    NotSignedIn,
    /// The org did not confirm that the session's refresh token was revoked.
    SignOutFailed {
        /// Why.
        reason: String,
    },
    /// Sign-in settings with an empty client id or port 0.
    InvalidSignInSettings,
    /// No user with that username.
    UserNotFound {
        /// The username.
        username: String,
    },
    /// The practice org could not start.
    PracticeOrg {
        /// Why.
        reason: String,
    },
    /// The browser could not be opened.
    BrowserOpen {
        /// The operating system's reason.
        reason: String,
    },
    /// The journal of changes could not be read or written.
    JournalWrite {
        /// Where.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The signed-in user may not make this change.
    InsufficientAccess {
        /// Salesforce's message.
        message: String,
    },
    /// The user whose token called the API lacks API Enabled.
    ApiDisabled,
    /// A time that is neither a datetime nor a duration ago.
    InvalidTime {
        /// What was given.
        input: String,
    },
    /// A report could not be written.
    ReportWrite {
        /// Where.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A playbook id that this build does not have.
    UnknownPlaybook {
        /// What was given.
        input: String,
    },
    /// A step name that the wizard does not have.
    UnknownStep {
        /// What was given.
        input: String,
    },
    /// A wizard link was refused.
    Link(crate::link::LinkProblem),
    /// A link signing key file could not be read or written.
    LinkKeyFile {
        /// Where.
        path: String,
        /// Why.
        reason: String,
    },
    /// A link signing key file is already there and is not replaced.
    LinkKeyExists {
        /// Where.
        path: String,
    },
    /// A key id that breaks the rules.
    InvalidKeyId {
        /// What was given.
        input: String,
    },
    /// A trusted-issuers file is damaged.
    IssuersFile {
        /// Which file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// An issuer name that is empty, too long or has control characters.
    InvalidIssuerName {
        /// The longest name allowed, in characters.
        max: usize,
    },
}

impl Error {
    /// A network failure, described without the URL (which may carry a query).
    pub fn network(e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return Error::Network { reason: "timed out".into() };
        }
        let mut reason = String::new();
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(s) = source {
            reason = s.to_string();
            source = s.source();
        }
        Error::Network {
            reason: crate::secret::redact(&if reason.is_empty() { "connection failed".into() } else { reason }),
        }
    }

    /// Whether Salesforce refused a query for a field or filter this org does not allow
    /// (`INVALID_FIELD`, `MALFORMED_QUERY`): the caller's cue to fall back to a plainer query
    /// where an unconfirmed field or filter was tried first.
    pub fn query_refused(&self) -> bool {
        matches!(self, Error::SalesforceApi { code, .. } if code == "INVALID_FIELD" || code == "MALFORMED_QUERY")
    }

    /// Whether a write that failed this way may have happened anyway (the answer was lost).
    pub fn may_have_landed(&self) -> bool {
        matches!(self, Error::Network { .. } | Error::SalesforceUnavailable { .. })
    }

    /// An OAuth `error`/`error_description` pair as a typed error.
    pub fn from_oauth_error(error: &str, description: &str) -> Error {
        match error {
            "invalid_client" if description.contains("must be installed") => Error::AppBlocked,
            _ if description.contains("not admin approved")
                || description.contains("hasn't approved this consumer") =>
            {
                Error::AppNotApproved
            }
            "access_denied" => Error::SignInDenied,
            _ => Error::OAuth { error: error.to_string(), description: crate::secret::redact(description) },
        }
    }

    /// What happened and what to do next, in both languages.
    pub fn user_message(&self) -> UserMessage {
        let (what, next) = match self {
            Error::EmptyInput => (text("err.empty.what", &[]), text("err.empty.next", &[])),
            Error::InputTooLong { max } => {
                (text("err.too_long.what", &[("max", &max.to_string())]), text("err.too_long.next", &[]))
            }
            Error::NotAnAddress => (text("err.not_address.what", &[]), text("err.not_address.next", &[])),
            Error::UnsupportedScheme { scheme } => {
                (text("err.scheme.what", &[("scheme", scheme)]), text("err.scheme.next", &[]))
            }
            Error::UserInfoInAddress { host } => {
                (text("err.userinfo.what", &[("host", host)]), text("err.userinfo.next", &[]))
            }
            Error::IpAddress => (text("err.ip.what", &[]), text("err.ip.next", &[])),
            Error::NotSalesforce { host } => {
                (text("err.not_salesforce.what", &[("host", host)]), text("err.not_salesforce.next", &[]))
            }
            Error::SalesforceButNotAnOrg { host } => {
                (text("err.sf_not_org.what", &[("host", host)]), text("err.sf_not_org.next", &[]))
            }
            Error::MalformedSalesforceHost { host } => {
                (text("err.sf_malformed.what", &[("host", host)]), text("err.sf_malformed.next", &[]))
            }
            Error::InvalidId { input } => (text("err.id.what", &[("input", input)]), text("err.id.next", &[])),
            Error::IdChecksumMismatch { input, expected } => (
                text("err.id_checksum.what", &[("input", input), ("expected", expected)]),
                text("err.id_checksum.next", &[]),
            ),
            Error::WrongIdKind { input, expected } => {
                (text("err.id_kind.what", &[("input", input), ("expected", expected)]), text("err.id_kind.next", &[]))
            }
            Error::DataFile { file, problem } => {
                (text("err.data_file.what", &[("file", file), ("problem", problem)]), text("err.data_file.next", &[]))
            }
            Error::UnknownEnvironment { input } => {
                (text("err.unknown_environment.what", &[("input", input)]), text("err.unknown_environment.next", &[]))
            }
            Error::NoMyDomain { host } => {
                (text("err.no_my_domain.what", &[("host", host)]), text("err.no_my_domain.next", &[]))
            }
            Error::UnknownLanguage { input } => {
                (text("err.unknown_language.what", &[("input", input)]), text("err.unknown_language.next", &[]))
            }
            Error::StepIncomplete { missing } => (missing.clone(), text("err.step_incomplete.next", &[])),
            Error::StepUnreachable => (text("err.step_unreachable.what", &[]), text("err.step_unreachable.next", &[])),
            Error::StateWrite { path, source } => (
                text("err.state_write.what", &[("path", path), ("reason", &source.to_string())]),
                text("err.state_write.next", &[]),
            ),
            Error::HostNotAllowed { url } => {
                (text("err.host_not_allowed.what", &[("url", url)]), text("err.host_not_allowed.next", &[]))
            }
            Error::UnexpectedRequest { what } => {
                (text("err.unexpected_request.what", &[("what", what)]), text("err.unexpected_request.next", &[]))
            }
            Error::NotZendesk { input } => {
                (text("err.not_zendesk.what", &[("input", input)]), text("err.not_zendesk.next", &[]))
            }
            Error::ZendeskNotSignedIn => {
                (text("err.zd_not_signed_in.what", &[]), text("err.zd_not_signed_in.next", &[]))
            }
            Error::ZendeskApiTokensRetired { end } => {
                (text("err.zd_tokens_retired.what", &[("end", end)]), text("err.zd_tokens_retired.next", &[]))
            }
            Error::ZendeskUnauthorized => {
                (text("err.zd_unauthorized.what", &[]), text("err.zd_unauthorized.next", &[]))
            }
            Error::ZendeskForbidden { what, message } => (
                text("err.zd_forbidden.what", &[("what", what), ("message", message)]),
                text("err.zd_forbidden.next", &[]),
            ),
            Error::ZendeskNotFound { what } => {
                (text("err.zd_not_found.what", &[("what", what)]), text("err.zd_not_found.next", &[]))
            }
            Error::ZendeskInvalid { what, code, details } => (
                text("err.zd_invalid.what", &[("what", what), ("code", code), ("details", details)]),
                text("err.zd_invalid.next", &[]),
            ),
            Error::ZendeskRateLimited { seconds } => (
                text("err.zd_rate_limited.what", &[("seconds", &seconds.to_string())]),
                text("err.zd_rate_limited.next", &[]),
            ),
            Error::ZendeskUnavailable { status } => (
                text("err.zd_unavailable.what", &[("status", &status.to_string())]),
                text("err.zd_unavailable.next", &[]),
            ),
            Error::UnexpectedResponse { what } => {
                (text("err.unexpected.what", &[("what", what)]), text("err.unexpected.next", &[]))
            }
            Error::TrustBaseInvalid { input } => {
                (text("err.trust_base.what", &[("input", input)]), text("err.trust_base.next", &[]))
            }
            Error::TrustInstanceUnknown => (text("err.trust_instance.what", &[]), text("err.trust_instance.next", &[])),
            Error::TrustUnavailable { instance, reason } => (
                text("err.trust_unavailable.what", &[("instance", instance), ("reason", reason)]),
                text("err.trust_unavailable.next", &[("instance", instance)]),
            ),
            Error::ApiVersionUnsupported { min, max } => (
                text("err.api_version.what", &[("min", &min.to_string()), ("max", &max.to_string())]),
                text("err.api_version.next", &[]),
            ),
            Error::SessionExpired => (text("err.session_expired.what", &[]), text("err.session_expired.next", &[])),
            Error::RequestLimit => (text("err.request_limit.what", &[]), text("err.request_limit.next", &[])),
            Error::SalesforceUnavailable { status } => (
                text("err.sf_unavailable.what", &[("status", &status.to_string())]),
                text("err.sf_unavailable.next", &[]),
            ),
            Error::SalesforceApi { code, message } => {
                (text("err.sf_api.what", &[("code", code), ("message", message)]), text("err.sf_api.next", &[]))
            }
            Error::Network { reason } => {
                (text("err.network.what", &[("reason", reason)]), text("err.network.next", &[]))
            }
            Error::OAuth { error, description } => {
                (text("err.oauth.what", &[("error", error), ("description", description)]), text("err.oauth.next", &[]))
            }
            Error::AppBlocked => (text("err.app_blocked.what", &[]), text("err.app_blocked.next", &[])),
            Error::SignInDenied => (text("err.signin_denied.what", &[]), text("err.signin_denied.next", &[])),
            Error::AppNotApproved => (text("err.app_not_approved.what", &[]), text("err.app_not_approved.next", &[])),
            Error::RedirectMismatch => {
                (text("err.redirect_mismatch.what", &[]), text("err.redirect_mismatch.next", &[]))
            }
            Error::NotAnErrorPage => (text("err.not_error_page.what", &[]), text("err.not_error_page.next", &[])),
            Error::SignInTimedOut { minutes } => (
                text("err.signin_timeout.what", &[("minutes", &minutes.to_string())]),
                text("err.signin_timeout.next", &[]),
            ),
            Error::SignInStateMismatch => (text("err.signin_state.what", &[]), text("err.signin_state.next", &[])),
            Error::RedirectPortUnavailable { port, reason } => {
                (text("err.port.what", &[("port", &port.to_string()), ("reason", reason)]), text("err.port.next", &[]))
            }
            Error::KeychainLocked => (text("err.keychain_locked.what", &[]), text("err.keychain_locked.next", &[])),
            Error::KeychainUnavailable { reason } => (
                text("err.keychain_unavailable.what", &[("reason", reason)]),
                text("err.keychain_unavailable.next", &[]),
            ),
            Error::NotSignedIn => (text("err.not_signed_in.what", &[]), text("err.not_signed_in.next", &[])),
            Error::SignOutFailed { reason } => {
                (text("err.sign_out.what", &[("reason", reason)]), text("err.sign_out.next", &[]))
            }
            Error::UserNotFound { username } => {
                (text("err.user_not_found.what", &[("username", username)]), text("err.user_not_found.next", &[]))
            }
            Error::PracticeOrg { reason } => {
                (text("err.practice_org.what", &[("reason", reason)]), text("err.practice_org.next", &[]))
            }
            Error::InvalidSignInSettings => {
                (text("err.sign_in_settings.what", &[]), text("err.sign_in_settings.next", &[]))
            }
            Error::ClipboardWrite { reason } => {
                (text("err.clipboard.what", &[("reason", reason)]), text("err.clipboard.next", &[]))
            }
            Error::BrowserOpen { reason } => {
                (text("err.browser.what", &[("reason", reason)]), text("err.browser.next", &[]))
            }
            Error::JournalWrite { path, reason } => {
                (text("err.journal.what", &[("path", path), ("reason", reason)]), text("err.journal.next", &[]))
            }
            Error::InsufficientAccess { message } => (
                text("err.insufficient_access.what", &[("message", message)]),
                text("err.insufficient_access.next", &[]),
            ),
            Error::ApiDisabled => (text("err.api_disabled.what", &[]), text("err.api_disabled.next", &[])),
            Error::InvalidTime { input } => {
                (text("err.invalid_time.what", &[("input", input)]), text("err.invalid_time.next", &[]))
            }
            Error::UnknownPlaybook { input } => {
                (text("err.unknown_playbook.what", &[("input", input)]), text("err.unknown_playbook.next", &[]))
            }
            Error::UnknownStep { input } => {
                (text("err.unknown_step.what", &[("input", input)]), text("err.unknown_step.next", &[]))
            }
            Error::Link(problem) => return problem.user_message(),
            Error::LinkKeyFile { path, reason } => (
                text("err.link_key_file.what", &[("path", path), ("reason", reason)]),
                text("err.link_key_file.next", &[]),
            ),
            Error::LinkKeyExists { path } => {
                (text("err.link_key_exists.what", &[("path", path)]), text("err.link_key_exists.next", &[]))
            }
            Error::InvalidKeyId { input } => {
                (text("err.key_id.what", &[("input", input)]), text("err.key_id.next", &[]))
            }
            Error::IssuersFile { path, problem } => (
                text("err.issuers_file.what", &[("path", path), ("problem", problem)]),
                text("err.issuers_file.next", &[]),
            ),
            Error::InvalidIssuerName { max } => {
                (text("err.issuer_name.what", &[("max", &max.to_string())]), text("err.issuer_name.next", &[]))
            }
            Error::ReportWrite { path, reason } => (
                text("err.report_write.what", &[("path", path), ("reason", reason)]),
                text("err.report_write.next", &[]),
            ),
        };
        UserMessage { what, next }
    }
}
