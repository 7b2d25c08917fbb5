//! Which OAuth client Reconnect signs in as, and where the browser sends the answer.

use serde::{Deserialize, Serialize};

/// The Salesforce CLI's client id. Salesforce knows it in every org, so it works without any
/// set-up wherever the admin may use uninstalled apps (System Administrators can, through
/// Approve Uninstalled Connected Apps); elsewhere the admin sets their own External Client App.
pub const DEFAULT_CLIENT_ID: &str = "PlatformCLI";
/// The redirect that client is registered with; Salesforce matches it exactly.
pub const DEFAULT_PORT: u16 = 1717;
/// The redirect path of that client.
pub const CALLBACK_PATH: &str = "/OauthRedirect";

/// Sign-in settings (no secrets: PKCE needs no client secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export_to = "engine/")]
pub struct SignInSettings {
    /// The OAuth client id.
    pub client_id: String,
    /// The loopback port of the redirect URI.
    pub port: u16,
}

impl Default for SignInSettings {
    fn default() -> Self {
        SignInSettings { client_id: DEFAULT_CLIENT_ID.to_string(), port: DEFAULT_PORT }
    }
}

impl SignInSettings {
    /// The redirect URI registered with the client.
    pub fn redirect_uri(&self, port: u16) -> String {
        format!("http://localhost:{port}{CALLBACK_PATH}")
    }
}
