//! What to do when the browser shows an error instead of coming back. Salesforce does not send
//! every refusal to the app's redirect URI: an app that must be installed first, a wrong
//! redirect URI or an unknown client end on Salesforce's own page,
//! `https://<host>/setup/secur/RemoteAccessErrorPage.apexp?error=…&error_description=…&state=…`
//! (the `state` is sometimes left out), shown as `OAUTH_APPROVAL_ERROR_GENERIC`. The app
//! waiting on its loopback listener never hears of it, so the admin pastes that address and
//! Reconnect reads it here: the error and its description, the `state` checked against the
//! sign-in that is waiting, and the fix for it.

use crate::error::Error;
use crate::language::{text, Text};

/// What the admin is told while the browser is open: the errors that end on Salesforce's page
/// instead of coming back, the fix for each, and that the page's address can be pasted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorHelp {
    /// What happens.
    pub intro: Text,
    /// Each error with its fix.
    pub errors: Vec<Text>,
    /// What to paste.
    pub paste: Text,
}

/// The help for a sign-in whose redirect URI is `redirect_uri`.
pub fn help(redirect_uri: &str) -> ErrorHelp {
    ErrorHelp {
        intro: text("signin.error_help.intro", &[]),
        errors: vec![
            text("signin.error_help.blocked", &[]),
            text("signin.error_help.approved", &[]),
            text("signin.error_help.redirect", &[("redirect", redirect_uri)]),
        ],
        paste: text("signin.error_help.paste", &[]),
    }
}

/// Reads a pasted address of the error page for the sign-in that opened `authorize_url`, and
/// gives the error it means: the sign-in then ends with that error and its fix. Text that is
/// no such address is [`Error::NotAnErrorPage`], and the sign-in goes on waiting.
pub fn routed_error(pasted: &str, authorize_url: &str) -> Error {
    let Ok(url) = url::Url::parse(pasted.trim()) else { return Error::NotAnErrorPage };
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let Some(error) = param("error").filter(|e| !e.is_empty()) else { return Error::NotAnErrorPage };
    let description = param("error_description").unwrap_or_default();
    let expected = url::Url::parse(authorize_url)
        .ok()
        .and_then(|a| a.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned()));
    // Salesforce sometimes leaves the state out; a state that is there must be this sign-in's.
    if let (Some(got), Some(expected)) = (param("state"), expected) {
        if got != expected {
            return Error::SignInStateMismatch;
        }
    }
    route(&error, &description)
}

/// The error an OAuth `error` and `error_description` mean, with the fix for each.
fn route(error: &str, description: &str) -> Error {
    match error {
        "OAUTH_APP_ACCESS_DENIED" => Error::AppNotApproved,
        "redirect_uri_mismatch" => Error::RedirectMismatch,
        _ => Error::from_oauth_error(error, description),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHORIZE: &str = "https://acme.my.salesforce.com/services/oauth2/authorize?response_type=code&client_id=PlatformCLI&state=attempt-1";

    #[test]
    fn the_recorded_error_page_addresses_route_to_their_fixes() {
        let blocked = "https://acme.sandbox.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org&state=attempt-1";
        assert!(matches!(routed_error(blocked, AUTHORIZE), Error::AppBlocked));
        let no_state = "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org";
        assert!(matches!(routed_error(no_state, AUTHORIZE), Error::AppBlocked));
        let approved = "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=OAUTH_APP_ACCESS_DENIED&error_description=user+is+not+admin+approved+to+access+this+app";
        assert!(matches!(routed_error(approved, AUTHORIZE), Error::AppNotApproved));
        let consumer = "http://localhost:1717/OauthRedirect?error=invalid_grant&error_description=user+hasn%27t+approved+this+consumer&state=attempt-1";
        assert!(matches!(routed_error(consumer, AUTHORIZE), Error::AppNotApproved));
        let redirect = "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=redirect_uri_mismatch&error_description=redirect_uri+must+match+configuration";
        assert!(matches!(routed_error(redirect, AUTHORIZE), Error::RedirectMismatch));
        let client = "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client_id&error_description=client+identifier+invalid";
        assert!(
            matches!(routed_error(client, AUTHORIZE), Error::OAuth { ref error, .. } if error == "invalid_client_id")
        );
    }

    #[test]
    fn another_sign_ins_page_and_other_text_are_refused() {
        let other = "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org&state=someone-else";
        assert!(matches!(routed_error(other, AUTHORIZE), Error::SignInStateMismatch));
        for text in [
            "",
            "hello",
            "https://acme.my.salesforce.com/?ec=302",
            "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp",
        ] {
            assert!(matches!(routed_error(text, AUTHORIZE), Error::NotAnErrorPage), "{text}");
        }
    }
}
