//! `OauthToken` rows, as Salesforce keeps them for Connected Apps OAuth Usage: one per app and
//! user, created when tokens are issued, bumped by every API call made with them, and deleted
//! when the grant is revoked.

use serde_json::{json, Map, Value};

use crate::store::Store;
use crate::time::{format_ms, now_ms};
use crate::Org;

/// The row for this client and user: the existing one, or a new one used now and zero times.
pub(crate) fn open(org: &mut Org, client_id: &str, user_id: &str) -> String {
    let app = crate::connected_apps::app_name(org, client_id);
    let existing = org
        .store
        .all("OauthToken")
        .iter()
        .find(|t| t["AppName"] == app.as_str() && t["UserId"] == user_id)
        .and_then(|t| t["Id"].as_str());
    if let Some(id) = existing {
        return id.to_string();
    }
    let id = org.store.new_record_id("OauthToken");
    let now = format_ms(now_ms());
    // An opaque handle for revoking the grant; it is neither the access nor the refresh token.
    let delete_token = crate::oauth::random_token(44);
    let row: Map<String, Value> = [
        ("Id", json!(id)),
        ("AppName", json!(app)),
        ("UserId", json!(user_id)),
        ("CreatedDate", json!(now)),
        ("LastUsedDate", json!(now)),
        ("UseCount", json!(0)),
        ("DeleteToken", json!(delete_token)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    org.store.put("OauthToken", row);
    id
}

/// Records one use of a row's tokens: `LastUsedDate` now, `UseCount` one more.
pub(crate) fn record_use(store: &mut Store, row_id: &str) {
    let Some(row) = store.get("OauthToken", row_id) else { return };
    let count = row["UseCount"].as_u64().unwrap_or(0) + 1;
    let mut fields = Map::new();
    fields.insert("LastUsedDate".into(), json!(format_ms(now_ms())));
    fields.insert("UseCount".into(), json!(count));
    store.update("OauthToken", row_id, &fields);
}

/// The row a `DeleteToken` revokes.
pub(crate) fn by_delete_token(store: &Store, delete_token: &str) -> Option<String> {
    store
        .all("OauthToken")
        .iter()
        .find(|t| t["DeleteToken"] == delete_token)
        .and_then(|t| t["Id"].as_str())
        .map(str::to_string)
}
