//! The Metadata API's CRUD calls that an admin tool makes about permissions, on
//! `/services/Soap/m/<version>`: readMetadata and listMetadata of `PermissionSet` and `Profile`,
//! createMetadata and updateMetadata of `PermissionSet`. Answers follow the Metadata API's
//! documented shapes (readMetadata's `ReadResult` with `xsi:nil` records for unknown names,
//! `SaveResult` with `errors{message, statusCode}`); faults follow the recorded
//! `corpus/salesforce/metadata-soap-fault-invalid-session-id.json`, sent with HTTP 500 as
//! Salesforce sends SOAP faults.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use reconnect_engine::salesforce::soap::{escape, response_body, Element};
use serde_json::{json, Map, Value};

use crate::permissions::has_permission;
use crate::store::Record;
use crate::{lock, Org, Shared};

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/services/Soap/m/{version}", post(call))
        .route("/services/Soap/m/{version}/{org}", post(call_with_org))
}

const ENVELOPE_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>"#;
const ENVELOPE_CLOSE: &str = "</soapenv:Body></soapenv:Envelope>";

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/xml;charset=UTF-8")], body).into_response()
}

/// A SOAP fault, as the recording shows it (the `sf` prefix bound to the metadata namespace).
pub(crate) fn fault(code: &str, message: &str) -> Response {
    xml(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
            escape(message)
        ),
    )
}

fn answer(body: String) -> Response {
    xml(StatusCode::OK, format!("{ENVELOPE_OPEN}{body}{ENVELOPE_CLOSE}"))
}

async fn call_with_org(state: State<Shared>, Path((version, _org)): Path<(String, String)>, body: Bytes) -> Response {
    call(state, Path(version), body).await
}

async fn call(State(state): State<Shared>, Path(_version): Path<String>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    let Ok(envelope) = Element::parse(&text) else {
        return fault("INVALID_XML", "the request is not an XML SOAP envelope");
    };
    let session = envelope
        .child("Header")
        .and_then(|h| h.child("SessionHeader"))
        .and_then(|s| s.text_of("sessionId"))
        .unwrap_or_default()
        .to_string();
    let mut org = lock(&state);
    let caller = match crate::api_access::admit(&mut org, &session) {
        Ok(caller) => caller,
        Err(e) if e.code == "INVALID_SESSION_ID" => {
            return fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")
        }
        Err(e) => return fault(e.code, &e.message),
    };
    if !has_permission(&org.store, &caller, "ModifyAllData")
        && !has_permission(&org.store, &caller, "CustomizeApplication")
    {
        // The recorded wording (API 26); newer orgs also admit Modify Metadata Through Metadata API Functions.
        return fault(
            "INSUFFICIENT_ACCESS",
            "use of the Metadata API requires a user with the ModifyAllData permission",
        );
    }
    let Ok(request) = response_body(&envelope) else { return fault("INVALID_XML", "the SOAP body is empty") };
    let kind = request.text_of("type").unwrap_or_default().to_string();
    match request.name.as_str() {
        "readMetadata" => {
            let names: Vec<String> = request.all("fullNames").map(|n| n.text.trim().to_string()).collect();
            read(&org, &kind, &names)
        }
        "listMetadata" => {
            let kind = request.child("queries").and_then(|q| q.text_of("type")).unwrap_or_default().to_string();
            list(&org, &kind)
        }
        "createMetadata" | "updateMetadata" => {
            let create = request.name == "createMetadata";
            let results: String = request
                .all("metadata")
                .map(|m| match m.attribute("type") {
                    Some("Profile") => save_profile(&mut org, &caller, m, create),
                    _ => save(&mut org, &caller, m, create),
                })
                .collect();
            answer(format!("<{0}Response>{results}</{0}Response>", request.name))
        }
        "deleteMetadata" => {
            let names: Vec<String> = request.all("fullNames").map(|n| n.text.trim().to_string()).collect();
            let results: String = names.iter().map(|n| delete_profile(&mut org, &caller, &kind, n)).collect();
            answer(format!("<deleteMetadataResponse>{results}</deleteMetadataResponse>"))
        }
        other => fault("INVALID_OPERATION", &format!("No operation available for request {other}")),
    }
}

fn type_supported(kind: &str) -> bool {
    matches!(kind, "PermissionSet" | "Profile" | "ConnectedApp")
}

/// readMetadata: one record per name, `xsi:nil` where the name does not exist.
fn read(org: &Org, kind: &str, names: &[String]) -> Response {
    if !type_supported(kind) {
        return fault("INVALID_TYPE", "This type of metadata is not available for this organization");
    }
    let records: String = names
        .iter()
        .map(|name| match kind {
            "ConnectedApp" => connected_app_xml(org, name),
            _ => component(org, kind, name).map(|set| record_xml(org, kind, name, &set)),
        })
        .map(|r| r.unwrap_or_else(|| r#"<records xsi:nil="true"/>"#.to_string()))
        .collect();
    answer(format!("<readMetadataResponse><result>{records}</result></readMetadataResponse>"))
}

/// The permission set holding a component's permissions: the set itself, or a profile's own set.
fn component(org: &Org, kind: &str, name: &str) -> Option<Record> {
    let sets = org.store.all("PermissionSet");
    match kind {
        "PermissionSet" => sets
            .iter()
            .find(|s| s["IsOwnedByProfile"] != true && s["Name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .cloned(),
        _ => {
            let profile = profiles(org).into_iter().find(|(_, full)| full.eq_ignore_ascii_case(name))?.0;
            sets.iter().find(|s| s["IsOwnedByProfile"] == true && same_id(&s["ProfileId"], &profile)).cloned()
        }
    }
}

fn same_id(a: &Value, b: &str) -> bool {
    a.as_str().is_some_and(|a| a.get(..15) == b.get(..15))
}

/// Every profile: its id and metadata name.
fn profiles(org: &Org) -> Vec<(String, String)> {
    org.store
        .all("Profile")
        .iter()
        .map(|p| {
            let id = p["Id"].as_str().unwrap_or_default().to_string();
            let name = org.scenario.profile_metadata_name(&id, p["Name"].as_str().unwrap_or_default());
            (id, name)
        })
        .collect()
}

fn record_xml(org: &Org, kind: &str, name: &str, set: &Record) -> String {
    let permissions: String = org
        .store
        .user_permissions(set)
        .iter()
        .map(|p| format!("<userPermissions><enabled>true</enabled><name>{}</name></userPermissions>", escape(p)))
        .collect();
    let text = |k: &str| set.get(k).and_then(Value::as_str).map(escape);
    let mut fields = format!("<fullName>{}</fullName>", escape(name));
    if kind == "PermissionSet" {
        if let Some(d) = text("Description") {
            fields.push_str(&format!("<description>{d}</description>"));
        }
        fields.push_str(&format!(
            "<hasActivationRequired>{}</hasActivationRequired><label>{}</label>",
            set.get("HasActivationRequired") == Some(&Value::Bool(true)),
            text("Label").unwrap_or_default()
        ));
        return format!(r#"<records xsi:type="{kind}">{fields}{permissions}</records>"#);
    }
    // A profile: the WSDL's order is custom, loginIpRanges, userLicense, userPermissions.
    let profile = set.get("ProfileId").and_then(Value::as_str).unwrap_or_default();
    let custom = org.store.get("Profile", profile).is_some_and(|p| p.get("UserType") == Some(&json!("Custom")));
    fields.push_str(&format!("<custom>{custom}</custom>"));
    for r in ranges_of(org, profile) {
        let description =
            r["Description"].as_str().map(|d| format!("<description>{}</description>", escape(d))).unwrap_or_default();
        fields.push_str(&format!(
            "<loginIpRanges>{description}<endAddress>{}</endAddress><startAddress>{}</startAddress></loginIpRanges>",
            escape(r["EndAddress"].as_str().unwrap_or_default()),
            escape(r["StartAddress"].as_str().unwrap_or_default())
        ));
    }
    fields.push_str("<userLicense>Salesforce</userLicense>");
    format!(r#"<records xsi:type="{kind}">{fields}{permissions}</records>"#)
}

/// A profile's Login IP Ranges, as the org keeps them (`ProfileLoginIpRange` rows).
fn ranges_of(org: &Org, profile: &str) -> Vec<Record> {
    org.store.all("ProfileLoginIpRange").iter().filter(|r| same_id(&r["ProfileId"], profile)).cloned().collect()
}

/// A connected app local to the org, as readMetadata gives it.
fn connected_app_xml(org: &Org, name: &str) -> Option<String> {
    let app = org.connected_apps.iter().find(|a| a.full_name.eq_ignore_ascii_case(name))?;
    Some(format!(
        r#"<records xsi:type="ConnectedApp"><fullName>{}</fullName><label>{}</label><oauthPolicy><ipRelaxation>{}</ipRelaxation><refreshTokenPolicy>infinite</refreshTokenPolicy></oauthPolicy></records>"#,
        escape(&app.full_name),
        escape(&app.label),
        escape(&app.ip_relaxation)
    ))
}

/// listMetadata: `FileProperties` per component.
fn list(org: &Org, kind: &str) -> Response {
    let rows: Vec<(String, String)> = match kind {
        "Profile" => profiles(org),
        "ConnectedApp" => org.connected_apps.iter().map(|a| (a.id.clone(), a.full_name.clone())).collect(),
        "PermissionSet" => org
            .store
            .all("PermissionSet")
            .iter()
            .filter(|s| s["IsOwnedByProfile"] != true)
            .map(|s| {
                (s["Id"].as_str().unwrap_or_default().to_string(), s["Name"].as_str().unwrap_or_default().to_string())
            })
            .collect(),
        _ => return fault("INVALID_TYPE", "This type of metadata is not available for this organization"),
    };
    let (folder, suffix) = match kind {
        "Profile" => ("profiles", "profile"),
        "ConnectedApp" => ("connectedApps", "connectedApp"),
        _ => ("permissionsets", "permissionset"),
    };
    let results: String = rows
        .iter()
        .map(|(id, name)| {
            format!(
                "<result><createdById>{admin}</createdById><createdByName>Practice Admin</createdByName><createdDate>2025-01-01T00:00:00.000Z</createdDate><fileName>{folder}/{file}.{suffix}</fileName><fullName>{name}</fullName><id>{id}</id><lastModifiedById>{admin}</lastModifiedById><lastModifiedByName>Practice Admin</lastModifiedByName><lastModifiedDate>2025-01-01T00:00:00.000Z</lastModifiedDate><manageableState>unmanaged</manageableState><type>{kind}</type></result>",
                admin = org.store.all("User").first().and_then(|u| u["Id"].as_str()).unwrap_or_default(),
                file = escape(name),
                name = escape(name),
            )
        })
        .collect();
    answer(format!("<listMetadataResponse>{results}</listMetadataResponse>"))
}

/// The user permissions an org can know: every PermissionSet field's name without its
/// prefix, and the metadata-only permissions recorded in real orgs' profiles.
fn known_permission(org: &Org, name: &str) -> bool {
    const METADATA_ONLY: &[&str] = &["CanApproveUninstalledApps"];
    METADATA_ONLY.contains(&name)
        || org.store.schema().objects["PermissionSet"].fields.contains_key(&format!("Permissions{name}"))
}

/// createMetadata or updateMetadata of one PermissionSet: a `SaveResult`.
fn save(org: &mut Org, caller: &str, metadata: &Element, create: bool) -> String {
    let full_name = metadata.text_of("fullName").unwrap_or_default().to_string();
    let result = |errors: Option<(&str, String)>| {
        match errors {
        None => format!("<result><fullName>{}</fullName><success>true</success></result>", escape(&full_name)),
        Some((code, message)) => format!(
            "<result><errors><message>{}</message><statusCode>{code}</statusCode></errors><fullName>{}</fullName><success>false</success></result>",
            escape(&message),
            escape(&full_name)
        ),
    }
    };
    if metadata.attribute("type") != Some("PermissionSet") {
        return result(Some(("INVALID_TYPE", "Only PermissionSet can be saved in the practice org".into())));
    }
    if !has_permission(&org.store, caller, "ManageUsers") {
        return result(Some(("INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id".into())));
    }
    let permissions: Vec<(String, bool)> = metadata
        .all("userPermissions")
        .map(|p| (p.text_of("name").unwrap_or_default().to_string(), p.text_of("enabled") == Some("true")))
        .collect();
    if let Some((unknown, _)) = permissions.iter().find(|(n, _)| !known_permission(org, n)) {
        return result(Some(("FIELD_INTEGRITY_EXCEPTION", format!("Unknown user permission: {unknown}"))));
    }
    let existing = component(org, "PermissionSet", &full_name);
    let id = match (create, existing) {
        (true, Some(_)) => {
            return result(Some((
                "DUPLICATE_DEVELOPER_NAME",
                format!("A permission set named {full_name} already exists"),
            )))
        }
        (false, None) => {
            return result(Some((
                "INVALID_CROSS_REFERENCE_KEY",
                format!("In field: fullName - no PermissionSet named {full_name} found"),
            )))
        }
        (true, None) => {
            let label = metadata.text_of("label").filter(|l| !l.is_empty());
            let Some(label) = label else {
                return result(Some(("REQUIRED_FIELD_MISSING", "Required fields are missing: [Label]".into())));
            };
            let mut fields = Map::new();
            fields.insert("Name".into(), json!(full_name));
            fields.insert("Label".into(), json!(label));
            fields.insert("Description".into(), json!(metadata.text_of("description")));
            match org.store.insert("PermissionSet", &fields) {
                Ok(id) => id,
                Err(e) => return result(Some((e.code, e.message))),
            }
        }
        (false, Some(set)) => {
            let id = set["Id"].as_str().unwrap_or_default().to_string();
            let mut fields = Map::new();
            if let Some(label) = metadata.text_of("label") {
                fields.insert("Label".into(), json!(label));
            }
            if let Some(description) = metadata.text_of("description") {
                fields.insert("Description".into(), json!(description));
            }
            org.store.update("PermissionSet", &id, &fields);
            id
        }
    };
    for (name, enabled) in permissions {
        org.store.grant_user_permission(&id, &name, enabled);
    }
    result(None)
}

fn save_result(full_name: &str, error: Option<(&str, String)>) -> String {
    match error {
        None => format!("<result><fullName>{}</fullName><success>true</success></result>", escape(full_name)),
        Some((code, message)) => format!(
            "<result><errors><message>{}</message><statusCode>{code}</statusCode></errors><fullName>{}</fullName><success>false</success></result>",
            escape(&message),
            escape(full_name)
        ),
    }
}

/// createMetadata or updateMetadata of a profile. An update sets the Login IP Ranges to the
/// ones sent (none sent: none left). Whether Salesforce's `updateMetadata` replaces the whole
/// list like this is not documented; the client reads the profile back to know. A create makes
/// a custom profile with its own permission set holding the permissions sent.
fn save_profile(org: &mut Org, caller: &str, metadata: &Element, create: bool) -> String {
    let full_name = metadata.text_of("fullName").unwrap_or_default().to_string();
    if !has_permission(&org.store, caller, "ManageUsers") {
        return save_result(
            &full_name,
            Some(("INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id".into())),
        );
    }
    let ranges: Vec<(String, String, Option<String>)> = metadata
        .all("loginIpRanges")
        .map(|r| {
            (
                r.text_of("startAddress").unwrap_or_default().to_string(),
                r.text_of("endAddress").unwrap_or_default().to_string(),
                r.text_of("description").map(str::to_string),
            )
        })
        .collect();
    if ranges.iter().any(|(s, e, _)| s.parse::<std::net::IpAddr>().is_err() || e.parse::<std::net::IpAddr>().is_err()) {
        return save_result(
            &full_name,
            Some(("FIELD_INTEGRITY_EXCEPTION", "Login IP Range: not an IP address".into())),
        );
    }
    let existing = profiles(org).into_iter().find(|(_, n)| n.eq_ignore_ascii_case(&full_name)).map(|(id, _)| id);
    let profile = match (create, existing) {
        (true, Some(_)) => {
            return save_result(
                &full_name,
                Some(("DUPLICATE_DEVELOPER_NAME", format!("A profile named {full_name} already exists"))),
            )
        }
        (false, None) => {
            return save_result(
                &full_name,
                Some((
                    "INVALID_CROSS_REFERENCE_KEY",
                    format!("In field: fullName - no Profile named {full_name} found"),
                )),
            )
        }
        (false, Some(id)) => id,
        (true, None) => {
            let id = org.store.new_record_id("Profile");
            org.store.put(
                "Profile",
                record(vec![("Id", json!(id)), ("Name", json!(full_name)), ("UserType", json!("Custom"))]),
            );
            let set = org.store.new_record_id("PermissionSet");
            let mut fields = Map::new();
            for (k, v) in [
                ("Id", json!(set)),
                ("Name", json!(format!("X{}", &id[..15]))),
                ("Label", json!(full_name)),
                ("IsOwnedByProfile", json!(true)),
                ("ProfileId", json!(id)),
            ] {
                fields.insert(k.to_string(), v);
            }
            org.store.put("PermissionSet", fields);
            for p in metadata.all("userPermissions").filter(|p| p.text_of("enabled") == Some("true")) {
                let name = p.text_of("name").unwrap_or_default();
                if known_permission(org, name) {
                    org.store.grant_user_permission(&set, name, true);
                }
            }
            id
        }
    };
    for r in ranges_of(org, &profile) {
        org.store.remove("ProfileLoginIpRange", r["Id"].as_str().unwrap_or_default());
    }
    for (start, end, description) in ranges {
        let id = org.store.new_record_id("ProfileLoginIpRange");
        org.store.put(
            "ProfileLoginIpRange",
            record(vec![
                ("Id", json!(id)),
                ("ProfileId", json!(profile)),
                ("StartAddress", json!(start)),
                ("EndAddress", json!(end)),
                ("Description", description.map(Value::from).unwrap_or(Value::Null)),
            ]),
        );
    }
    save_result(&full_name, None)
}

fn record(pairs: Vec<(&str, Value)>) -> Record {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// deleteMetadata of a profile: refused while users are on it, as Salesforce does.
fn delete_profile(org: &mut Org, caller: &str, kind: &str, full_name: &str) -> String {
    if kind != "Profile" {
        return save_result(full_name, Some(("INVALID_TYPE", format!("{kind} cannot be deleted in the practice org"))));
    }
    if !has_permission(&org.store, caller, "ManageUsers") {
        return save_result(
            full_name,
            Some(("INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id".into())),
        );
    }
    let Some(id) = profiles(org).into_iter().find(|(_, n)| n.eq_ignore_ascii_case(full_name)).map(|(id, _)| id) else {
        return save_result(
            full_name,
            Some(("INVALID_CROSS_REFERENCE_KEY", format!("no Profile named {full_name} found"))),
        );
    };
    if org.store.all("User").iter().any(|u| same_id(&u["ProfileId"], &id)) {
        // No recording of this refusal was found; the client reads only `success`.
        return save_result(
            full_name,
            Some(("DELETE_FAILED", "Cannot delete a profile that users are assigned to".into())),
        );
    }
    for r in ranges_of(org, &id) {
        org.store.remove("ProfileLoginIpRange", r["Id"].as_str().unwrap_or_default());
    }
    let sets: Vec<String> = org
        .store
        .all("PermissionSet")
        .iter()
        .filter(|s| s["IsOwnedByProfile"] == true && same_id(&s["ProfileId"], &id))
        .filter_map(|s| s["Id"].as_str().map(str::to_string))
        .collect();
    for s in sets {
        org.store.remove("PermissionSet", &s);
    }
    org.store.remove("Profile", &id);
    save_result(full_name, None)
}
