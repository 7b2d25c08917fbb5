//! The REST API under `/services/data`: versions, query and queryMore (data and tooling),
//! sObject create/read/update/delete and describe, and composite batching. Every call is made
//! by a user, whose permissions the write rules check.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::oauth::{bearer, LATEST_VERSION};
use crate::sf_error::SfError;
use crate::soql::{parse, SelectItem};
use crate::store::{attributes, Api, WriteKind};
use crate::write_rules::Write;
use crate::{lock, Org, Shared};

/// The oldest API version served.
const OLDEST_VERSION: u32 = 50;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/services/data", get(versions))
        .route("/services/data/", get(versions))
        .route("/services/data/{*rest}", any(api))
}

fn latest() -> u32 {
    LATEST_VERSION.trim_end_matches(".0").parse().expect("a whole version")
}

fn release_label(v: u32) -> String {
    // v62.0 was Winter '25; three releases a year, Winter opening each release year.
    let k = v as i64 - 62;
    let season = ["Winter", "Spring", "Summer"][k.rem_euclid(3) as usize];
    format!("{season} '{:02}", 25 + k.div_euclid(3))
}

async fn versions() -> Json<Value> {
    let list: Vec<Value> = (OLDEST_VERSION..=latest())
        .map(|v| json!({ "label": release_label(v), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0") }))
        .collect();
    Json(Value::Array(list))
}

async fn api(
    State(state): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut org = lock(&state);
    let caller = match bearer(&headers).and_then(|token| crate::api_access::admit(&mut org, token)) {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(e) => return SfError::malformed(format!("JSON_PARSER_ERROR: {e}")).into_response(),
        }
    };
    org.catch_up();
    let csv = rest.ends_with("/LogFile");
    match dispatch(&mut org, &caller, &method, &rest, &params, body) {
        Ok((status, Value::String(text))) if csv => {
            (status, [(axum::http::header::CONTENT_TYPE, "text/csv")], text).into_response()
        }
        Ok((status, Value::Null)) => status.into_response(),
        Ok((status, v)) => (status, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Serves one REST request by `caller` (a user id); also used for each part of a composite
/// request.
fn dispatch(
    org: &mut Org,
    caller: &str,
    method: &Method,
    path: &str,
    params: &HashMap<String, String>,
    body: Option<Value>,
) -> Result<(StatusCode, Value), SfError> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some((version, rest)) = segs.split_first() else { return Err(SfError::not_found()) };
    let version = version
        .strip_prefix('v')
        .and_then(|v| v.strip_suffix(".0"))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| (OLDEST_VERSION..=latest()).contains(v))
        .ok_or_else(SfError::not_found)?;
    let version = format!("{version}.0");
    let (api, rest) = match rest {
        ["tooling", tail @ ..] => (Api::Tooling, tail),
        tail => (Api::Data, tail),
    };
    let get = method == Method::GET;
    match rest {
        [] if get => Ok((StatusCode::OK, resources(&version))),
        ["query" | "queryAll"] if get => {
            let q = params.get("q").ok_or_else(|| SfError::malformed("missing query parameter q"))?;
            if params.get("columns").is_some_and(|c| c == "true") {
                return columns(org, q, api);
            }
            query(org, q, api, &version)
        }
        ["query" | "queryAll", cursor] if get => query_more(org, cursor, api, &version),
        ["sobjects"] if get => Ok((StatusCode::OK, global_describe(org, api, &version))),
        // An sObject resource of an unknown type is a resource that does not exist
        // (`corpus/salesforce/rest-error-not-found-resource.json`); a query naming one is INVALID_TYPE.
        ["sobjects", object, ..] if org.store.schema().object(object, api).is_err() => Err(SfError::not_found()),
        ["sobjects", object, "describe"] if get => describe(org, object, api, &version),
        ["sobjects", object] if method == Method::POST => create(org, caller, object, api, body),
        ["sobjects", "EventLogFile", id, "LogFile"] if get && api == Api::Data => log_file(org, id),
        ["sobjects", object, id] if get => read(org, object, id, api, &version, params.get("fields")),
        ["sobjects", object, id] if method == Method::PATCH => update(org, caller, object, id, api, body),
        ["sobjects", object, id] if method == Method::DELETE => {
            let name = org.store.schema().object(object, api)?.0.to_string();
            crate::write_rules::check(org, caller, &name, &Write::Delete(id))?;
            org.store.delete(&name, id)?;
            Ok((StatusCode::NO_CONTENT, Value::Null))
        }
        ["composite"] if method == Method::POST && api == Api::Data => composite(org, caller, body),
        _ => Err(SfError::not_found()),
    }
}

/// An event log file's content: CSV, as the recorded downloads are
/// (`corpus/salesforce/query-eventlogfile-logfile-csv.json`).
fn log_file(org: &Org, id: &str) -> Result<(StatusCode, Value), SfError> {
    let csv = org.log_files.get(&id[..id.len().min(15)]).ok_or_else(SfError::not_found)?;
    Ok((StatusCode::OK, Value::String(csv.clone())))
}

fn resources(version: &str) -> Value {
    let base = format!("/services/data/v{version}");
    json!({
        "sobjects": format!("{base}/sobjects"),
        "query": format!("{base}/query"),
        "queryAll": format!("{base}/queryAll"),
        "tooling": format!("{base}/tooling"),
        "composite": format!("{base}/composite"),
    })
}

fn page(org: &mut Org, mut rows: Vec<Value>, api: Api, version: &str, total: usize, object: &str) -> Value {
    let rest = if rows.len() > org.page_size { rows.split_off(org.page_size) } else { Vec::new() };
    let mut body = json!({ "totalSize": total, "done": rest.is_empty(), "records": rows });
    if !rest.is_empty() {
        let served = total - rest.len();
        let mut id = [0u8; 12];
        getrandom::fill(&mut id).expect("the OS provides randomness");
        let cursor = format!("01gPr{}-{served}", id.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let prefix = if api == Api::Tooling { "tooling/" } else { "" };
        body["nextRecordsUrl"] = json!(format!("/services/data/v{version}/{prefix}query/{cursor}"));
        org.cursors.insert(cursor, rest);
    }
    if api == Api::Tooling {
        body["size"] = json!(total);
        body["entityTypeName"] = json!(object);
        body["queryLocator"] = Value::Null;
    }
    body
}

fn query(org: &mut Org, q: &str, api: Api, version: &str) -> Result<(StatusCode, Value), SfError> {
    let parsed = parse(q).map_err(|e| SfError::malformed(e.0))?;
    let rows = org.store.query(&parsed, api, version)?;
    if parsed.select.contains(&SelectItem::Count) {
        // The number of rows in `totalSize` and no records (the SOQL reference's `COUNT()`).
        return Ok((StatusCode::OK, json!({ "totalSize": rows.len(), "done": true, "records": [] })));
    }
    let (object, def) = org.store.schema().object(&parsed.from, api)?;
    let cap = def.max_rows;
    let object = object.to_string();
    let mut rows = rows;
    if let Some(cap) = cap {
        rows.truncate(cap);
    }
    let total = rows.len();
    Ok((StatusCode::OK, page(org, rows, api, version, total, &object)))
}

/// `?columns=true`: the query's column metadata instead of its rows, which the Salesforce CLI
/// asks for before printing a result table.
fn columns(org: &Org, q: &str, api: Api) -> Result<(StatusCode, Value), SfError> {
    let parsed = parse(q).map_err(|e| SfError::malformed(e.0))?;
    let (object, _) = org.store.schema().object(&parsed.from, api)?;
    let id_selected = parsed
        .select
        .iter()
        .any(|s| matches!(s, SelectItem::Field(p) if p.len() == 1 && p[0].eq_ignore_ascii_case("Id")));
    Ok((
        StatusCode::OK,
        json!({
            "columnMetadata": parsed.select.iter().filter_map(column).collect::<Vec<_>>(),
            "entityName": object,
            "groupBy": false,
            "idSelected": id_selected,
            "keyPrefix": Value::Null,
        }),
    ))
}

/// One select item's column; `FIELDS(STANDARD)` lists none (the CLI then prints no header
/// for it).
fn column(item: &SelectItem) -> Option<Value> {
    let entry = |name: &str, aggregate: bool, join: Vec<Value>, foreign_key: Value| {
        json!({
            "aggregate": aggregate, "apexType": Value::Null, "booleanType": false, "columnName": name,
            "custom": name.ends_with("__c"), "displayName": name, "foreignKeyName": foreign_key,
            "insertable": false, "joinColumns": join, "numberType": false, "textType": false, "updatable": false,
        })
    };
    match item {
        SelectItem::Field(path) => {
            let (last, lookups) = path.split_last()?;
            let mut col = entry(last, false, Vec::new(), Value::Null);
            for lookup in lookups.iter().rev() {
                col = entry(lookup, false, vec![col], json!(format!("{lookup}Id")));
            }
            Some(col)
        }
        SelectItem::StandardFields | SelectItem::Count => None,
        SelectItem::Children(child) => {
            Some(entry(&child.from, true, child.select.iter().filter_map(column).collect(), Value::Null))
        }
    }
}

fn query_more(org: &mut Org, cursor: &str, api: Api, version: &str) -> Result<(StatusCode, Value), SfError> {
    let rows = org.cursors.remove(cursor).ok_or_else(|| SfError::malformed("invalid query locator"))?;
    let served: usize = cursor.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let total = served + rows.len();
    let object = rows.first().and_then(|r| r["attributes"]["type"].as_str()).unwrap_or_default().to_string();
    let body = page(org, rows, api, version, total, &object);
    Ok((StatusCode::OK, body))
}

/// The global describe: every object served, each entry with the keys of the recorded answer
/// (`corpus/salesforce/describe-global-sobjects.json`).
fn global_describe(org: &Org, api: Api, version: &str) -> Value {
    let objects: Vec<Value> = org
        .store
        .schema()
        .objects
        .iter()
        .filter(|(_, d)| d.apis.contains(&api) && !d.hidden)
        .map(|(name, d)| {
            let writable = !d.read_only && !d.update_only;
            let base = format!("/services/data/v{version}/sobjects/{name}");
            json!({
                "activateable": false, "createable": writable, "custom": false, "customSetting": false,
                "deletable": writable, "deprecatedAndHidden": false, "feedEnabled": false, "hasSubtypes": false,
                "isSubtype": false, "keyPrefix": d.prefix, "label": name, "labelPlural": name, "layoutable": false,
                "mergeable": false, "mruEnabled": false, "name": name, "queryable": true, "replicateable": false,
                "retrieveable": true, "searchable": false, "triggerable": false, "undeletable": false,
                "updateable": !d.read_only,
                "urls": {
                    "rowTemplate": format!("{base}/{{ID}}"),
                    "defaultValues": format!("{base}/defaultValues?recordTypeId&fields"),
                    "describe": format!("{base}/describe"),
                    "sobject": base,
                },
            })
        })
        .collect();
    json!({ "encoding": "UTF-8", "maxBatchSize": 200, "sobjects": objects })
}

/// An sObject describe. PermissionSet's is the real one recorded in the corpus (with any field
/// the scenario's org adds); others are built in the same shape, every field property and
/// top-level key of the recording present, from the schema's fields.
fn describe(org: &Org, object: &str, api: Api, version: &str) -> Result<(StatusCode, Value), SfError> {
    let (name, def) = org.store.schema().object(object, api)?;
    if let Some(recorded) = &def.describe {
        return Ok((StatusCode::OK, recorded.clone()));
    }
    let template = crate::store::recorded_describe("PermissionSet").expect("the recorded PermissionSet describe");
    let field_template = template["fields"][0].clone();
    let fields: Vec<Value> = def
        .fields
        .iter()
        .map(|(f, ty)| {
            let lookup = def.lookups.iter().find(|(_, l)| &l.field == f);
            let mut entry = field_template.clone();
            let set = |entry: &mut Value, key: &str, value: Value| entry[key] = value;
            set(&mut entry, "name", json!(f));
            set(&mut entry, "label", json!(f));
            set(&mut entry, "type", json!(ty));
            set(&mut entry, "soapType", json!(soap_type(ty)));
            set(&mut entry, "nillable", json!(f != "Id" && ty != "boolean"));
            set(&mut entry, "createable", json!(def.writable(f, WriteKind::Create)));
            set(&mut entry, "updateable", json!(def.writable(f, WriteKind::Update)));
            set(&mut entry, "referenceTo", json!(lookup.map(|(_, l)| vec![l.to.clone()]).unwrap_or_default()));
            set(&mut entry, "relationshipName", json!(lookup.map(|(r, _)| r.clone())));
            set(&mut entry, "idLookup", json!(f == "Id"));
            entry
        })
        .collect();
    let children: Vec<Value> = def
        .children
        .iter()
        .map(|(r, c)| {
            json!({
                "cascadeDelete": false, "childSObject": c.object, "deprecatedAndHidden": false, "field": c.field,
                "junctionIdListNames": [], "junctionReferenceTo": [], "relationshipName": r, "restrictedDelete": false,
            })
        })
        .collect();
    let mut body = template;
    body["name"] = json!(name);
    body["label"] = json!(name);
    body["labelPlural"] = json!(name);
    body["keyPrefix"] = json!(def.prefix);
    body["createable"] = json!(!def.read_only && !def.update_only);
    body["deletable"] = json!(!def.read_only && !def.update_only);
    body["updateable"] = json!(!def.read_only);
    body["custom"] = json!(false);
    body["fields"] = Value::Array(fields);
    body["childRelationships"] = Value::Array(children);
    let base = format!("/services/data/v{version}/sobjects/{name}");
    body["urls"] = json!({
        "describe": format!("{base}/describe"), "rowTemplate": format!("{base}/{{ID}}"), "sobject": base,
    });
    Ok((StatusCode::OK, body))
}

/// The SOAP type describe gives for a field type.
fn soap_type(ty: &str) -> &'static str {
    match ty {
        "id" | "reference" => "tns:ID",
        "boolean" => "xsd:boolean",
        "datetime" => "xsd:dateTime",
        "date" => "xsd:date",
        "int" => "xsd:int",
        "double" | "currency" | "percent" => "xsd:double",
        _ => "xsd:string",
    }
}

/// The fields of a create or update body.
fn body_fields(body: Option<Value>) -> Result<Map<String, Value>, SfError> {
    let Some(Value::Object(mut fields)) = body else {
        return Err(SfError::malformed("JSON_PARSER_ERROR: body must be an object"));
    };
    fields.remove("attributes");
    Ok(fields)
}

fn create(
    org: &mut Org,
    caller: &str,
    object: &str,
    api: Api,
    body: Option<Value>,
) -> Result<(StatusCode, Value), SfError> {
    let name = org.store.schema().object(object, api)?.0.to_string();
    let fields = body_fields(body)?;
    crate::write_rules::check(org, caller, &name, &Write::Create(&fields))?;
    let id = match name.as_str() {
        "PackageInstallRequest" => crate::install::request(&mut org.store, caller, &fields)?,
        _ => org.store.insert(&name, &fields)?,
    };
    // As the verbatim composite recording answers a create (`warnings` included).
    Ok((StatusCode::CREATED, json!({ "id": id, "success": true, "errors": [], "warnings": [] })))
}

fn update(
    org: &mut Org,
    caller: &str,
    object: &str,
    id: &str,
    api: Api,
    body: Option<Value>,
) -> Result<(StatusCode, Value), SfError> {
    let name = org.store.schema().object(object, api)?.0.to_string();
    let fields = body_fields(body)?;
    crate::write_rules::check(org, caller, &name, &Write::Update)?;
    org.store.patch(&name, id, &fields)?;
    Ok((StatusCode::NO_CONTENT, Value::Null))
}

fn read(
    org: &Org,
    object: &str,
    id: &str,
    api: Api,
    version: &str,
    fields: Option<&String>,
) -> Result<(StatusCode, Value), SfError> {
    let (name, def) = org.store.schema().object(object, api)?;
    let record = org.store.get(name, id).ok_or_else(SfError::not_found)?;
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(name, record, api, version));
    let wanted: Vec<String> = match fields {
        Some(list) => list.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect(),
        None => def.fields.keys().cloned().collect(),
    };
    for f in wanted {
        let (canon, _) = def
            .fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&f))
            .ok_or_else(|| SfError::invalid_field(&f, name))?;
        out.insert(canon.clone(), record.get(canon).cloned().unwrap_or(Value::Null));
    }
    Ok((StatusCode::OK, Value::Object(out)))
}

/// Replaces `@{ref.path}` in a composite sub-request with values from earlier responses.
fn substitute(text: &str, results: &HashMap<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let expr = &rest[start + 2..start + end];
        let mut parts = expr.split('.');
        let mut value = parts.next().and_then(|r| results.get(r)).cloned().unwrap_or(Value::Null);
        for part in parts {
            let (key, index) = match part.split_once('[') {
                Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
                None => (part, None),
            };
            value = value.get(key).cloned().unwrap_or(Value::Null);
            if let Some(i) = index {
                value = value.get(i).cloned().unwrap_or(Value::Null);
            }
        }
        match value {
            Value::String(s) => out.push_str(&s),
            Value::Null => {}
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a path is `…/sobjects/<Object>`, where a POST creates a record.
fn creates_a_record(path: &str) -> bool {
    path.trim_end_matches('/').rsplit_once("/sobjects/").is_some_and(|(_, object)| !object.contains('/'))
}

fn composite(org: &mut Org, caller: &str, body: Option<Value>) -> Result<(StatusCode, Value), SfError> {
    let body = body.ok_or_else(|| SfError::malformed("JSON_PARSER_ERROR: missing body"))?;
    let all_or_none = body["allOrNone"].as_bool().unwrap_or(false);
    let requests = body["compositeRequest"].as_array().cloned().unwrap_or_default();
    if requests.is_empty() || requests.len() > 25 {
        return Err(SfError::malformed("compositeRequest must hold 1 to 25 subrequests"));
    }
    let before = all_or_none.then(|| org.store.clone());
    let mut results: HashMap<String, Value> = HashMap::new();
    let mut responses = Vec::new();
    let mut failed = false;
    for r in &requests {
        let reference = r["referenceId"].as_str().unwrap_or_default().to_string();
        if failed && all_or_none {
            responses.push(halted(&reference));
            continue;
        }
        let method = Method::from_bytes(r["method"].as_str().unwrap_or("GET").as_bytes()).unwrap_or(Method::GET);
        let url = substitute(r["url"].as_str().unwrap_or_default(), &results);
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let sub_body =
            r.get("body").map(|b| serde_json::from_str(&substitute(&b.to_string(), &results)).unwrap_or(Value::Null));
        let outcome = match path.strip_prefix("/services/data/") {
            Some(p) => dispatch(org, caller, &method, p, &params, sub_body),
            None => Err(SfError::not_found()),
        };
        let (status, value) = match outcome {
            Ok((s, v)) => (s.as_u16(), v),
            Err(e) => {
                failed = true;
                (e.status, e.body())
            }
        };
        // A created record's answer names it in a Location header, as recorded.
        let headers = match (status, value["id"].as_str()) {
            (201, Some(id)) if creates_a_record(path) => {
                json!({ "Location": format!("{}/{id}", path.trim_end_matches('/')) })
            }
            _ => json!({}),
        };
        results.insert(reference.clone(), value.clone());
        responses
            .push(json!({ "body": value, "httpHeaders": headers, "httpStatusCode": status, "referenceId": reference }));
    }
    if failed {
        if let Some(snapshot) = before {
            org.store = snapshot;
            // Rolled back: the parts that had gone through say so too, as recorded
            // (`corpus/salesforce/composite-failure-rolled-back.json`), the failure keeps its error.
            for response in responses.iter_mut().filter(|r| r["httpStatusCode"].as_u64().is_some_and(|s| s < 400)) {
                *response = halted(response["referenceId"].as_str().unwrap_or_default());
            }
        }
    }
    Ok((StatusCode::OK, json!({ "compositeResponse": responses })))
}

/// A part of an all-or-none composite request that was rolled back.
fn halted(reference: &str) -> Value {
    json!({
        "body": [{ "errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed." }],
        "httpHeaders": {}, "httpStatusCode": 400, "referenceId": reference,
    })
}
