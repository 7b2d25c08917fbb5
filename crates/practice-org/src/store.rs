//! The practice org's records and the evaluation of SOQL over them, following the object
//! definitions in `data/schema.json`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use reconnect_engine::salesforce_id::SalesforceId;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::sf_error::SfError;
use crate::soql::{Cond, InList, Op, Query, SelectItem, Value as Lit};
use crate::time;

/// When a scenario's records were created, unless it says otherwise.
const SCENARIO_EPOCH: &str = "2025-01-06T09:00:00.000+0000";

/// A record: field name to JSON value.
pub type Record = Map<String, Value>;

pub use crate::api::Api;

/// An object's definition.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectDef {
    /// Three-character key prefix.
    pub prefix: String,
    /// The APIs that serve it.
    pub apis: Vec<Api>,
    /// Field name to SOAP type (for an object with a recorded describe, filled from it).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The object whose real describe, recorded in the corpus, gives its fields.
    #[serde(default)]
    pub recorded_describe: Option<String>,
    /// The recorded describe (with any fields a scenario adds), served as it is.
    #[serde(skip)]
    pub describe: Option<Value>,
    /// Whether the API may only update it (no create, no delete), like `UserLogin`.
    #[serde(default)]
    pub update_only: bool,
    /// Lookup relationship name to its field and target object.
    #[serde(default)]
    pub lookups: BTreeMap<String, Lookup>,
    /// Child relationship name to the child object and its field pointing back.
    #[serde(default)]
    pub children: BTreeMap<String, Child>,
    /// Whether the API refuses writes.
    #[serde(default)]
    pub read_only: bool,
    /// Fields only the org sets: describe says neither createable nor updateable.
    #[serde(default)]
    pub system_fields: Vec<String>,
    /// Fields a WHERE clause may not name (Salesforce answers "can not be filtered").
    #[serde(default)]
    pub unfilterable: Vec<String>,
    /// Kept but not served: the scenario's org has no such object in its API.
    #[serde(default)]
    pub hidden: bool,
    /// The most rows one query returns (`OauthToken`: 2,500, its source beside it in the
    /// schema file); `count()` is not capped.
    #[serde(default)]
    pub max_rows: Option<usize>,
}

/// A create or an update, which describe allows field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// `POST`.
    Create,
    /// `PATCH`.
    Update,
}

impl ObjectDef {
    /// Whether the API may write the field: for a recorded describe, what it says of the
    /// field; otherwise not on a read-only object, not the id, and not a field the org sets.
    pub fn writable(&self, field: &str, kind: WriteKind) -> bool {
        if let Some(entry) = self.described_field(field) {
            let key = if kind == WriteKind::Create { "createable" } else { "updateable" };
            return entry[key] == Value::Bool(true);
        }
        !self.read_only && field != "Id" && field != "CreatedDate" && !self.system_fields.iter().any(|f| f == field)
    }

    /// A field's entry in the recorded describe.
    pub fn described_field(&self, field: &str) -> Option<&Value> {
        self.describe.as_ref()?["fields"].as_array()?.iter().find(|f| f["name"] == field)
    }

    /// Adds a field to a recorded describe, its properties copied from a sibling `like` field
    /// (for scenarios whose org has a field the recording lacks).
    pub fn add_described_field(&mut self, name: &str, label: &str, like: &str) -> Result<(), String> {
        let mut entry = self.described_field(like).cloned().ok_or_else(|| format!("no field {like} to copy"))?;
        entry["name"] = json!(name);
        entry["label"] = json!(label);
        let ty = entry["type"].as_str().unwrap_or("string").to_string();
        self.describe.as_mut().and_then(|d| d["fields"].as_array_mut()).expect("a recorded describe").push(entry);
        self.fields.insert(name.to_string(), ty);
        Ok(())
    }
}

/// A lookup relationship.
#[derive(Debug, Clone, Deserialize)]
pub struct Lookup {
    /// The id field.
    pub field: String,
    /// The target object.
    pub to: String,
}

/// A child relationship.
#[derive(Debug, Clone, Deserialize)]
pub struct Child {
    /// The child object.
    pub object: String,
    /// Its field that holds the parent's id.
    pub field: String,
}

/// All object definitions.
#[derive(Debug, Clone, Deserialize)]
pub struct Schema {
    /// Object name to definition.
    pub objects: BTreeMap<String, ObjectDef>,
}

impl Schema {
    /// The schema shipped with the practice org, recorded describes filled in.
    pub fn shipped() -> Schema {
        let mut schema: Schema =
            serde_json::from_str(include_str!("../data/schema.json")).expect("schema.json is checked by a unit test");
        for def in schema.objects.values_mut() {
            let Some(object) = def.recorded_describe.clone() else { continue };
            let describe = recorded_describe(&object).expect("every recorded describe named is in the corpus");
            for field in describe["fields"].as_array().into_iter().flatten() {
                let name = field["name"].as_str().unwrap_or_default().to_string();
                def.fields.insert(name, field["type"].as_str().unwrap_or("string").to_string());
            }
            def.describe = Some(describe);
        }
        schema
    }

    /// The canonical object name, case-insensitively, when `api` serves it.
    pub fn object(&self, name: &str, api: Api) -> Result<(&str, &ObjectDef), SfError> {
        self.objects
            .iter()
            .find(|(n, d)| n.eq_ignore_ascii_case(name) && d.apis.contains(&api) && !d.hidden)
            .map(|(n, d)| (n.as_str(), d))
            .ok_or_else(|| SfError::invalid_type(name, api))
    }

    /// An object's definition, served or not.
    pub fn def_mut(&mut self, name: &str) -> Option<&mut ObjectDef> {
        self.objects.get_mut(name)
    }

    fn def(&self, name: &str) -> &ObjectDef {
        &self.objects[name]
    }
}

/// A real describe recorded in the corpus, by object.
pub fn recorded_describe(object: &str) -> Option<Value> {
    let recording = match object {
        "PermissionSet" => include_str!("../../../corpus/salesforce/describe-permissionset.json"),
        _ => return None,
    };
    let recording: Value = serde_json::from_str(recording).ok()?;
    Some(recording["response"]["body"].clone())
}

fn canonical<'a, V>(map: &'a BTreeMap<String, V>, name: &str) -> Option<(&'a str, &'a V)> {
    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(k, v)| (k.as_str(), v))
}

/// The org's data.
#[derive(Debug, Clone)]
pub struct Store {
    schema: Schema,
    records: HashMap<String, Vec<Record>>,
    next_id: u64,
    /// User permissions of permission sets (by 18-character id) that this org has no
    /// PermissionSet field for: only the Metadata API sees and sets them.
    metadata_permissions: HashMap<String, std::collections::BTreeSet<String>>,
    /// Objects whose rows are too many to keep as records (`LoginHistory`): kept compact,
    /// made into records only for the time range a query asks for.
    generated: HashMap<String, std::sync::Arc<dyn Generated>>,
}

/// Rows kept compact and made into records on demand, sorted by a datetime field.
pub trait Generated: std::fmt::Debug + Send + Sync {
    /// The datetime field the rows are sorted by.
    fn time_field(&self) -> &'static str;
    /// The records whose time is within `from..to` (milliseconds; `None` is open).
    fn records(&self, from: Option<i64>, to: Option<i64>) -> Vec<Record>;
    /// How many rows there are.
    fn row_count(&self) -> usize;
}

impl Store {
    /// Builds the store from a scenario's records, normalizing every id to 18 characters and
    /// checking every field against the schema.
    pub fn new(schema: Schema, records: BTreeMap<String, Vec<Record>>) -> Result<Store, String> {
        let mut store = Store {
            schema,
            records: HashMap::new(),
            next_id: 1,
            metadata_permissions: HashMap::new(),
            generated: HashMap::new(),
        };
        for (object, rows) in records {
            let def = store.schema.objects.get(&object).ok_or_else(|| format!("unknown object {object}"))?.clone();
            let mut normalized = Vec::new();
            for mut row in rows {
                for (field, value) in row.iter_mut() {
                    let ty = def.fields.get(field).ok_or_else(|| format!("{object}.{field} is not in the schema"))?;
                    if matches!(ty.as_str(), "id" | "reference") {
                        if let Value::String(s) = value {
                            *s = SalesforceId::parse(s).map_err(|e| format!("{object}.{field}: {e}"))?.to_string();
                        }
                    }
                }
                fill_absent(&def, &mut row);
                // Every record has a creation time; a scenario that gives none means "long ago".
                if row.get("CreatedDate") == Some(&Value::Null) {
                    row.insert("CreatedDate".into(), json!(SCENARIO_EPOCH));
                }
                normalized.push(row);
            }
            store.records.insert(object, normalized);
        }
        store.open_user_logins();
        Ok(store)
    }

    /// Serves `object`'s rows from a compact table.
    pub fn set_generated(&mut self, object: &str, table: std::sync::Arc<dyn Generated>) {
        self.generated.insert(object.to_string(), table);
    }

    /// How many rows `object` has, generated ones included.
    pub fn count(&self, object: &str) -> usize {
        self.generated.get(object).map(|g| g.row_count()).unwrap_or_else(|| self.all(object).len())
    }

    /// Every user has a `UserLogin` row, as in a real org.
    pub(crate) fn open_user_logins(&mut self) {
        if !self.schema.objects.contains_key("UserLogin") {
            return;
        }
        let users: Vec<String> = self.all("User").iter().filter_map(|u| u["Id"].as_str().map(str::to_string)).collect();
        for user in users {
            if self.all("UserLogin").iter().any(|l| l["UserId"] == user.as_str()) {
                continue;
            }
            let id = self.new_record_id("UserLogin");
            let row: Record =
                [("Id", json!(id)), ("UserId", json!(user))].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            self.put("UserLogin", row);
        }
    }

    /// Grants a user permission to a permission set: through its field where this org's
    /// PermissionSet has one (`Permissions<name>`), else as a metadata-only permission.
    pub fn grant_user_permission(&mut self, set_id: &str, name: &str, on: bool) {
        let Ok(id) = SalesforceId::parse(set_id) else { return };
        let id = id.to_string();
        let field = format!("Permissions{name}");
        if self.schema.def("PermissionSet").fields.contains_key(&field) {
            let mut fields = Map::new();
            fields.insert(field, Value::Bool(on));
            self.update("PermissionSet", &id, &fields);
        } else if on {
            self.metadata_permissions.entry(id).or_default().insert(name.to_string());
        } else if let Some(names) = self.metadata_permissions.get_mut(&id) {
            names.remove(name);
        }
    }

    /// Whether a permission set grants the user permission `name` (its metadata name).
    pub fn set_grants(&self, set: &Record, name: &str) -> bool {
        let field = format!("Permissions{name}");
        if self.schema.def("PermissionSet").fields.contains_key(&field) {
            return set.get(&field) == Some(&Value::Bool(true));
        }
        let id = set.get("Id").and_then(Value::as_str).unwrap_or_default();
        self.metadata_permissions.get(id).is_some_and(|n| n.contains(name))
    }

    /// Every user permission a permission set grants, by metadata name.
    pub fn user_permissions(&self, set: &Record) -> Vec<String> {
        let mut names: Vec<String> = set
            .iter()
            .filter(|(k, v)| k.starts_with("Permissions") && **v == Value::Bool(true))
            .map(|(k, _)| k["Permissions".len()..].to_string())
            .collect();
        let id = set.get("Id").and_then(Value::as_str).unwrap_or_default();
        names.extend(self.metadata_permissions.get(id).into_iter().flatten().cloned());
        names.sort();
        names
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema, to change how this org behaves before it serves (fault knobs).
    pub(crate) fn schema_mut(&mut self) -> &mut Schema {
        &mut self.schema
    }

    /// All records of an object.
    pub fn all(&self, object: &str) -> &[Record] {
        self.records.get(object).map(Vec::as_slice).unwrap_or_default()
    }

    /// A record by id (15 or 18 characters).
    pub fn get(&self, object: &str, id: &str) -> Option<&Record> {
        let id = SalesforceId::parse(id).ok()?.to_string();
        self.all(object).iter().find(|r| r.get("Id").and_then(Value::as_str) == Some(id.as_str()))
    }

    /// Finds the record with this id in any object.
    pub fn find_any(&self, id: &str) -> Option<(&str, &Record)> {
        let id = SalesforceId::parse(id).ok()?;
        let (object, _) = self.schema.objects.iter().find(|(_, d)| d.prefix == id.prefix())?;
        self.get(object, id.as_str()).map(|r| (object.as_str(), r))
    }

    /// Creates a record; returns its id.
    pub fn insert(&mut self, object: &str, fields: &Map<String, Value>) -> Result<String, SfError> {
        let def = self.schema.def(object).clone();
        if def.read_only {
            return Err(SfError::invalid_type_for_operation("inserted", object));
        }
        if def.update_only {
            return Err(SfError::invalid_type_for_operation("inserted", object));
        }
        let mut row = self.checked(object, &def, fields, WriteKind::Create)?;
        let id = self.new_id(&def.prefix);
        row.insert("Id".into(), Value::String(id.clone()));
        if def.fields.contains_key("CreatedDate") {
            row.insert("CreatedDate".into(), Value::String(time::format_ms(time::now_ms())));
        }
        fill_absent(&def, &mut row);
        self.records.entry(object.to_string()).or_default().push(row);
        Ok(id)
    }

    /// Updates fields of a record through the API (`PATCH`).
    pub fn patch(&mut self, object: &str, id: &str, fields: &Map<String, Value>) -> Result<(), SfError> {
        let def = self.schema.def(object).clone();
        if def.read_only {
            return Err(SfError::invalid_type_for_operation("updated", object));
        }
        let id = self.get(object, id).and_then(|r| r.get("Id")).and_then(Value::as_str).map(str::to_string);
        let id = id.ok_or_else(SfError::not_found)?;
        let fields = self.checked(object, &def, fields, WriteKind::Update)?;
        self.update(object, &id, &fields);
        Ok(())
    }

    /// Canonical field names and normalized values for a write, or the error Salesforce gives.
    fn checked(
        &self,
        object: &str,
        def: &ObjectDef,
        fields: &Map<String, Value>,
        kind: WriteKind,
    ) -> Result<Record, SfError> {
        let mut row = Record::new();
        for (name, value) in fields {
            let (field, ty) = canonical(&def.fields, name).ok_or_else(|| SfError::invalid_field_write(name, object))?;
            if field == "Id" {
                return Err(SfError::invalid_field_write(name, object));
            }
            if !def.writable(field, kind) {
                return Err(SfError::not_writable(field));
            }
            let value = match (ty.as_str(), value) {
                ("reference", Value::String(s)) => {
                    let id = SalesforceId::parse(s).map_err(|_| SfError::malformed_id(field, s))?;
                    if self.find_any(id.as_str()).is_none() {
                        return Err(SfError::invalid_cross_reference(field, s));
                    }
                    Value::String(id.to_string())
                }
                _ => value.clone(),
            };
            row.insert(field.to_string(), value);
        }
        Ok(row)
    }

    /// Adds a record as the org itself would (no API rules), filling absent fields.
    pub fn put(&mut self, object: &str, mut row: Record) {
        fill_absent(self.schema.def(object), &mut row);
        self.records.entry(object.to_string()).or_default().push(row);
    }

    /// A fresh id for a record of `object`.
    pub fn new_record_id(&mut self, object: &str) -> String {
        let prefix = self.schema.def(object).prefix.clone();
        self.new_id(&prefix)
    }

    /// Replaces fields of an existing record (its 18-character id) as the org itself would, with
    /// no API rules.
    pub fn update(&mut self, object: &str, id: &str, fields: &Map<String, Value>) {
        if let Some(row) = self
            .records
            .get_mut(object)
            .and_then(|rows| rows.iter_mut().find(|r| r.get("Id").and_then(Value::as_str) == Some(id)))
        {
            for (k, v) in fields {
                row.insert(k.clone(), v.clone());
            }
        }
    }

    /// Deletes a record through the API.
    pub fn delete(&mut self, object: &str, id: &str) -> Result<(), SfError> {
        let def = self.schema.def(object);
        if def.read_only || def.update_only {
            return Err(SfError::invalid_type_for_operation("deleted", object));
        }
        // The objects served are setup objects, deleted for good (no recycle bin), so an id
        // deleted before reads as one that never existed.
        if self.remove(object, id) {
            Ok(())
        } else {
            Err(SfError::not_found())
        }
    }

    /// Removes a record as the org itself would (no API rules); whether it was there.
    pub fn remove(&mut self, object: &str, id: &str) -> bool {
        let Ok(id) = SalesforceId::parse(id) else { return false };
        let id = id.to_string();
        let rows = self.records.entry(object.to_string()).or_default();
        let before = rows.len();
        rows.retain(|r| r.get("Id").and_then(Value::as_str) != Some(id.as_str()));
        self.metadata_permissions.remove(&id);
        rows.len() != before
    }

    fn new_id(&mut self, prefix: &str) -> String {
        let n = self.next_id;
        self.next_id += 1;
        // Prefix, a fixed "pod" part, and a counter in base 62: 15 characters in all.
        const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut tail = [b'0'; 10];
        let mut v = n;
        for slot in tail.iter_mut().rev() {
            *slot = DIGITS[(v % 62) as usize];
            v /= 62;
        }
        let id15 = format!("{prefix}Pr{}", String::from_utf8_lossy(&tail));
        SalesforceId::parse(&id15).expect("generated ids are valid").to_string()
    }

    /// Runs a query; `version` goes into the records' URLs.
    pub fn query(&self, q: &Query, api: Api, version: &str) -> Result<Vec<Value>, SfError> {
        let (object, _) = self.schema.object(&q.from, api)?;
        self.run(q, object, api, version, None)
    }

    fn run(
        &self,
        q: &Query,
        object: &str,
        api: Api,
        version: &str,
        parent: Option<(&str, &str)>,
    ) -> Result<Vec<Value>, SfError> {
        for item in &q.select {
            if let SelectItem::Field(path) = item {
                self.resolve(object, path)?;
            }
        }
        if let Some(f) = &q.filter {
            self.check_cond(object, f, api)?;
        }
        for (path, _) in &q.order {
            self.resolve(object, path)?;
        }
        // A compact table makes records only for the time range the filter names.
        let made: Vec<Record> = match self.generated.get(object) {
            Some(g) => {
                let (from, to) = q.filter.as_ref().map(|f| time_bounds(f, g.time_field())).unwrap_or((None, None));
                g.records(from, to)
            }
            None => Vec::new(),
        };
        let source: &[Record] = if self.generated.contains_key(object) { &made } else { self.all(object) };
        let mut rows: Vec<&Record> = Vec::new();
        for r in source {
            if let Some((field, id)) = parent {
                if r.get(field).and_then(Value::as_str) != Some(id) {
                    continue;
                }
            }
            if let Some(f) = &q.filter {
                if !self.eval(object, r, f, api, version)? {
                    continue;
                }
            }
            rows.push(r);
        }
        for (path, desc) in q.order.iter().rev() {
            rows.sort_by(|a, b| {
                let o = compare_json(&self.value_at(object, a, path), &self.value_at(object, b, path));
                if *desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        if let Some(n) = q.limit {
            rows.truncate(n);
        }
        rows.into_iter().map(|r| self.project(q, object, r, api, version)).collect()
    }

    /// Checks that a path names a field (through lookups); returns its object and field.
    fn resolve(&self, object: &str, path: &[String]) -> Result<(String, String), SfError> {
        let def = self.schema.def(object);
        match path {
            [field] => canonical(&def.fields, field)
                .map(|(f, _)| (object.to_string(), f.to_string()))
                .ok_or_else(|| SfError::invalid_field(field, object)),
            [rel, rest @ ..] => {
                let (_, lookup) = canonical(&def.lookups, rel).ok_or_else(|| SfError::invalid_field(rel, object))?;
                self.resolve(&lookup.to, rest)
            }
            [] => Err(SfError::malformed("empty field")),
        }
    }

    fn check_cond(&self, object: &str, c: &Cond, api: Api) -> Result<(), SfError> {
        match c {
            Cond::And(a, b) | Cond::Or(a, b) => {
                self.check_cond(object, a, api)?;
                self.check_cond(object, b, api)
            }
            Cond::Not(a) => self.check_cond(object, a, api),
            Cond::Compare(p, _, _) | Cond::Like(p, _) | Cond::In(p, _, InList::Values(_)) => {
                let (o, f) = self.resolve(object, p)?;
                if self.schema.def(&o).unfilterable.iter().any(|u| u.eq_ignore_ascii_case(&f)) {
                    return Err(SfError::not_filterable(&f));
                }
                Ok(())
            }
            Cond::In(p, _, InList::Query(sub)) => {
                self.resolve(object, p)?;
                if sub.select.len() != 1 || !matches!(&sub.select[0], SelectItem::Field(f) if f.len() == 1) {
                    return Err(SfError::malformed("a semi-join sub-select must select exactly one field"));
                }
                let (sub_object, _) = self.schema.object(&sub.from, api)?;
                match &sub.filter {
                    Some(f) => self.check_cond(sub_object, f, api),
                    None => Ok(()),
                }
            }
        }
    }

    fn value_at(&self, object: &str, r: &Record, path: &[String]) -> Value {
        let def = self.schema.def(object);
        match path {
            [field] => canonical(&def.fields, field).and_then(|(f, _)| r.get(f)).cloned().unwrap_or(Value::Null),
            [rel, rest @ ..] => {
                let Some((_, lookup)) = canonical(&def.lookups, rel) else { return Value::Null };
                match r.get(&lookup.field).and_then(Value::as_str).and_then(|id| self.get(&lookup.to, id)) {
                    Some(target) => self.value_at(&lookup.to, target, rest),
                    None => Value::Null,
                }
            }
            [] => Value::Null,
        }
    }

    fn field_type(&self, object: &str, path: &[String]) -> String {
        self.resolve(object, path).map(|(o, f)| self.schema.def(&o).fields[&f].clone()).unwrap_or_default()
    }

    fn eval(&self, object: &str, r: &Record, c: &Cond, api: Api, version: &str) -> Result<bool, SfError> {
        Ok(match c {
            Cond::And(a, b) => self.eval(object, r, a, api, version)? && self.eval(object, r, b, api, version)?,
            Cond::Or(a, b) => self.eval(object, r, a, api, version)? || self.eval(object, r, b, api, version)?,
            Cond::Not(a) => !self.eval(object, r, a, api, version)?,
            Cond::Compare(p, op, lit) => {
                let ty = self.field_type(object, p);
                let left = comparable(&self.value_at(object, r, p), &ty);
                let right = literal(lit, &ty);
                match op {
                    Op::Eq => left == right,
                    Op::Ne => left != right,
                    _ if left == Cmp::Null || right == Cmp::Null => false,
                    Op::Lt => left < right,
                    Op::Gt => left > right,
                    Op::Le => left <= right,
                    Op::Ge => left >= right,
                }
            }
            Cond::Like(p, pattern) => match self.value_at(object, r, p) {
                Value::String(s) => like(&s.to_lowercase(), &pattern.to_lowercase()),
                _ => false,
            },
            Cond::In(p, negated, list) => {
                let ty = self.field_type(object, p);
                let left = comparable(&self.value_at(object, r, p), &ty);
                let found = match list {
                    InList::Values(values) => values.iter().any(|v| literal(v, &ty) == left),
                    InList::Query(sub) => {
                        let rows = self.query(sub, api, version)?;
                        let SelectItem::Field(f) = &sub.select[0] else { unreachable!("checked") };
                        rows.iter().any(|row| {
                            let v =
                                row.as_object().and_then(|o| canonical_value(o, &f[0])).cloned().unwrap_or(Value::Null);
                            comparable(&v, &ty) == left
                        })
                    }
                };
                found != *negated
            }
        })
    }

    fn project(&self, q: &Query, object: &str, r: &Record, api: Api, version: &str) -> Result<Value, SfError> {
        let mut out = Map::new();
        out.insert("attributes".into(), attributes(object, r, api, version));
        for item in &q.select {
            match item {
                SelectItem::Field(path) => self.project_path(object, r, path, &mut out, api, version),
                SelectItem::StandardFields => {
                    for field in self.schema.def(object).fields.keys() {
                        out.insert(field.clone(), r.get(field).cloned().unwrap_or(Value::Null));
                    }
                }
                SelectItem::Count => {}
                SelectItem::Children(sub) => {
                    let def = self.schema.def(object);
                    let (name, child) = canonical(&def.children, &sub.from)
                        .ok_or_else(|| SfError::invalid_type_child(&sub.from, object))?;
                    let id = r.get("Id").and_then(Value::as_str).unwrap_or_default();
                    let rows = self.run(sub, &child.object, api, version, Some((&child.field, id)))?;
                    let value = if rows.is_empty() {
                        Value::Null
                    } else {
                        json!({ "totalSize": rows.len(), "done": true, "records": rows })
                    };
                    out.insert(name.to_string(), value);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn project_path(
        &self,
        object: &str,
        r: &Record,
        path: &[String],
        out: &mut Map<String, Value>,
        api: Api,
        version: &str,
    ) {
        let def = self.schema.def(object);
        match path {
            [field] => {
                if let Some((f, _)) = canonical(&def.fields, field) {
                    out.insert(f.to_string(), r.get(f).cloned().unwrap_or(Value::Null));
                }
            }
            [rel, rest @ ..] => {
                let Some((name, lookup)) = canonical(&def.lookups, rel) else { return };
                let target = r.get(&lookup.field).and_then(Value::as_str).and_then(|id| self.get(&lookup.to, id));
                match target {
                    None => {
                        out.insert(name.to_string(), Value::Null);
                    }
                    Some(t) => {
                        let entry = out.entry(name.to_string()).or_insert_with(|| {
                            let mut m = Map::new();
                            m.insert("attributes".into(), attributes(&lookup.to, t, api, version));
                            Value::Object(m)
                        });
                        if let Value::Object(m) = entry {
                            self.project_path(&lookup.to, t, rest, m, api, version);
                        }
                    }
                }
            }
            [] => {}
        }
    }
}

/// Fills the fields a row does not set: `false` for a boolean (Salesforce never answers null
/// for one, `corpus/salesforce/describe-permissionset.json` marks them not nillable), null for
/// anything else.
/// The range a filter's top-level `AND`s put on a datetime field, in milliseconds: rows
/// outside it can never match, so a compact table need not make them.
fn time_bounds(c: &Cond, field: &str) -> (Option<i64>, Option<i64>) {
    match c {
        Cond::And(a, b) => {
            let (a_from, a_to) = time_bounds(a, field);
            let (b_from, b_to) = time_bounds(b, field);
            (a_from.max(b_from).or(a_from).or(b_from), min_some(a_to, b_to))
        }
        Cond::Compare(p, op, Lit::DateTime(t)) if p.len() == 1 && p[0].eq_ignore_ascii_case(field) => {
            let Some(ms) = time::parse_ms(t) else { return (None, None) };
            match op {
                Op::Ge | Op::Gt => (Some(ms), None),
                Op::Le | Op::Lt => (None, Some(ms + 1)),
                Op::Eq => (Some(ms), Some(ms + 1)),
                Op::Ne => (None, None),
            }
        }
        _ => (None, None),
    }
}

fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn fill_absent(def: &ObjectDef, row: &mut Record) {
    for (field, ty) in &def.fields {
        row.entry(field.clone()).or_insert(if ty == "boolean" { Value::Bool(false) } else { Value::Null });
    }
}

fn canonical_value<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

/// The `attributes` of a record in a response.
pub fn attributes(object: &str, r: &Record, api: Api, version: &str) -> Value {
    let id = r.get("Id").and_then(Value::as_str).unwrap_or_default();
    let base = match api {
        Api::Data => format!("/services/data/v{version}/sobjects"),
        Api::Tooling => format!("/services/data/v{version}/tooling/sobjects"),
    };
    json!({ "type": object, "url": format!("{base}/{object}/{id}") })
}

#[derive(Debug, PartialEq, PartialOrd)]
enum Cmp {
    Null,
    Bool(bool),
    Num(f64),
    Time(i64),
    Text(String),
}

fn comparable(v: &Value, ty: &str) -> Cmp {
    match v {
        Value::Null => Cmp::Null,
        Value::Bool(b) => Cmp::Bool(*b),
        Value::Number(n) => Cmp::Num(n.as_f64().unwrap_or_default()),
        Value::String(s) if ty == "datetime" => time::parse_ms(s).map(Cmp::Time).unwrap_or(Cmp::Text(s.to_lowercase())),
        Value::String(s) => Cmp::Text(s.to_lowercase()),
        other => Cmp::Text(other.to_string()),
    }
}

fn literal(l: &Lit, ty: &str) -> Cmp {
    match l {
        Lit::Null => Cmp::Null,
        Lit::Bool(b) => Cmp::Bool(*b),
        Lit::Num(n) => Cmp::Num(*n),
        Lit::DateTime(s) => time::parse_ms(s).map(Cmp::Time).unwrap_or(Cmp::Text(s.to_lowercase())),
        // A 15-character id matches its 18-character form.
        Lit::Str(s) if matches!(ty, "id" | "reference") => {
            Cmp::Text(SalesforceId::parse(s).map(|id| id.to_string()).unwrap_or_else(|_| s.clone()).to_lowercase())
        }
        Lit::Str(s) => Cmp::Text(s.to_lowercase()),
    }
}

fn compare_json(a: &Value, b: &Value) -> Ordering {
    comparable(a, "").partial_cmp(&comparable(b, "")).unwrap_or(Ordering::Equal)
}

fn like(s: &str, pattern: &str) -> bool {
    fn go(s: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('%', rest)) => (0..=s.len()).any(|i| go(&s[i..], rest)),
            Some(('_', rest)) => !s.is_empty() && go(&s[1..], rest),
            Some((c, rest)) => s.first() == Some(c) && go(&s[1..], rest),
        }
    }
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&s, &p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::soql::parse;

    fn store() -> Store {
        Scenario::named("production-us-revoked").unwrap().store().unwrap()
    }

    fn q(s: &Store, text: &str) -> Vec<Value> {
        s.query(&parse(text).unwrap(), Api::Data, "62.0").unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn lookups_children_and_semi_joins_answer_like_salesforce() {
        let s = store();
        let users = q(&s, "SELECT Username, Profile.Name, (SELECT PermissionSet.Label FROM PermissionSetAssignments) FROM User WHERE Username LIKE 'gainsight%'");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0]["Profile"]["Name"], "Gainsight Integration");
        assert_eq!(users[0]["Profile"]["attributes"]["type"], "Profile");
        assert_eq!(
            users[0]["PermissionSetAssignments"]["records"][0]["PermissionSet"]["Label"],
            "Gainsight Integration"
        );
        let sets = q(&s, "SELECT Id, PermissionsApiEnabled, PermissionsModifyAllData FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '0055g00000GSINT')");
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0]["PermissionsModifyAllData"], false);
        assert_eq!(sets[0]["PermissionsApiEnabled"], true);
    }

    #[test]
    fn filters_order_and_limit() {
        let s = store();
        let users = q(&s, "SELECT Name FROM User WHERE IsActive = true AND (Name = 'alex admin' OR Email LIKE '%integration%') ORDER BY Name DESC LIMIT 1");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0]["Name"], "Gainsight Integration");
        let none = q(&s, "SELECT Id FROM User WHERE LastLoginDate > 2025-11-20T02:00:00Z");
        assert!(none.is_empty());
        let one =
            q(&s, "SELECT Id FROM User WHERE LastLoginDate >= 2025-11-20T02:00:00Z AND Name NOT IN ('Alex Admin')");
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn unknown_fields_and_objects_are_salesforce_errors() {
        let s = store();
        let e = s.query(&parse("SELECT Bogus FROM User").unwrap(), Api::Data, "62.0").unwrap_err();
        assert_eq!(e.code, "INVALID_FIELD");
        assert_eq!(e.status, 400);
        let e = s.query(&parse("SELECT Id FROM InstalledSubscriberPackage").unwrap(), Api::Data, "62.0").unwrap_err();
        assert_eq!(e.code, "INVALID_TYPE");
        assert!(s
            .query(
                &parse("SELECT SubscriberPackage.Name FROM InstalledSubscriberPackage").unwrap(),
                Api::Tooling,
                "62.0"
            )
            .is_ok());
    }

    #[test]
    fn inserts_get_ids_with_the_right_prefix_and_deletes_remove_them() {
        let mut s = store();
        let mut f = Map::new();
        f.insert("Name".into(), json!("Reconnect_Test"));
        f.insert("Label".into(), json!("Reconnect test"));
        let id = s.insert("PermissionSet", &f).unwrap();
        assert!(id.starts_with("0PS") && id.len() == 18);
        assert_eq!(s.get("PermissionSet", &id).unwrap()["Label"], "Reconnect test");
        s.delete("PermissionSet", &id).unwrap();
        assert!(s.get("PermissionSet", &id).is_none());
        assert_eq!(s.delete("PermissionSet", &id).unwrap_err().code, "NOT_FOUND");
        assert_eq!(s.insert("ConnectedApplication", &Map::new()).unwrap_err().code, "INVALID_TYPE_FOR_OPERATION");
        let mut bad = Map::new();
        bad.insert("AssigneeId".into(), json!("005000000000000"));
        assert_eq!(s.insert("PermissionSetAssignment", &bad).unwrap_err().code, "INVALID_CROSS_REFERENCE_KEY");
    }

    #[test]
    fn like_wildcards() {
        assert!(like("gainsight.integration", "gainsight%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
    }
}
