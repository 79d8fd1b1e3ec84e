//! Every JSON response a test receives is checked against the OpenAPI document the app serves:
//! the body of a documented status must fit the documented schema, and an object may carry no
//! field the schema does not declare (JSON Schema would let an undeclared field through; a
//! mirror that forgot one is exactly what this catches). Real data from every integration test
//! on both databases thus keeps the document's response schemas truthful.
//!
//! A subset of JSON Schema is evaluated (`$ref`, `type`, `enum`, `properties`, `required`,
//! `additionalProperties`, `items`, `oneOf`/`anyOf`/`allOf`, `minimum`/`maximum`); `pattern` and
//! `format` are left to the schemathesis run (apps/server/tests/openapi_contract.rs).

use serde_json::{Map, Value};

/// Why the `status` response of `method path` does not fit `doc`, if it does not.
pub fn check(doc: &Value, method: &str, path: &str, status: u16, body: &Value) -> Option<String> {
    let (template, item) = doc["paths"].as_object()?.iter().find(|(t, _)| matches(t, path))?;
    let op = &item[method.to_ascii_lowercase()];
    let id = op["operationId"].as_str().unwrap_or_default();
    let mut response = &op["responses"][status.to_string()];
    if let Some(r) = response["$ref"].as_str() {
        response = &doc["components"]["responses"][r.trim_start_matches("#/components/responses/")];
    }
    let schema = &response["content"]["application/json"]["schema"];
    if schema.is_null() {
        return None;
    }
    let v = Validator { doc };
    v.fits(schema, body, true).err().map(|e| format!("{method} {template} ({id}) {status}: {e}\nbody: {body}"))
}

/// True when `path` is an instance of the template (`{x}` matches one segment).
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')))
}

struct Validator<'a> {
    doc: &'a Value,
}

impl Validator<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema["$ref"].as_str() {
            Some(r) => self.resolve(&self.doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")]),
            None => schema,
        }
    }

    /// Whether `value` fits `schema`; `strict`: also no undeclared field at this level.
    fn fits(&self, schema: &Value, value: &Value, strict: bool) -> Result<(), String> {
        let s = self.resolve(schema);
        if let Some(types) = s.get("type") {
            let names: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !names.iter().any(|t| is_type(t, value)) {
                return Err(format!("{value} is not {types}"));
            }
        }
        if let Some(values) = s["enum"].as_array() {
            if !values.contains(value) {
                return Err(format!("{value} is not one of {values:?}"));
            }
        }
        if let Some(n) = value.as_f64() {
            if s["minimum"].as_f64().is_some_and(|m| n < m) || s["maximum"].as_f64().is_some_and(|m| n > m) {
                return Err(format!("{n} is outside {}..{}", s["minimum"], s["maximum"]));
            }
        }
        for member in s["allOf"].as_array().into_iter().flatten() {
            self.fits(member, value, false)?;
        }
        if let Some(branches) = s["oneOf"].as_array() {
            let fit: Vec<_> = branches.iter().filter(|b| self.fits(b, value, strict).is_ok()).collect();
            if fit.len() != 1 {
                let why: Vec<_> = branches.iter().filter_map(|b| self.fits(b, value, strict).err()).collect();
                return Err(format!("{value} fits {} of oneOf, not 1: {why:?}", fit.len()));
            }
        }
        if let Some(branches) = s["anyOf"].as_array() {
            if !branches.iter().any(|b| self.fits(b, value, strict).is_ok()) {
                return Err(format!("{value} fits no anyOf branch"));
            }
        }
        if let (Some(items), Some(list)) = (s.get("items"), value.as_array()) {
            for (i, item) in list.iter().enumerate() {
                self.fits(items, item, true).map_err(|e| format!("[{i}]: {e}"))?;
            }
        }
        if let Some(object) = value.as_object() {
            self.fits_object(s, object)?;
            if strict {
                if let Some(declared) = self.declared(s, value) {
                    if let Some(extra) = object.keys().find(|k| !declared.contains(k)) {
                        return Err(format!("field '{extra}' is not in the schema"));
                    }
                }
            }
        }
        Ok(())
    }

    fn fits_object(&self, s: &Value, object: &Map<String, Value>) -> Result<(), String> {
        for name in s["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                return Err(format!("required field '{name}' is missing"));
            }
        }
        let properties = s["properties"].as_object();
        for (name, v) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(p) => self.fits(p, v, true).map_err(|e| format!(".{name}: {e}"))?,
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => return Err(format!("field '{name}' is not allowed")),
                    Some(extra @ Value::Object(_)) => self.fits(extra, v, true).map_err(|e| format!(".{name}: {e}"))?,
                    _ => {}
                },
            }
        }
        Ok(())
    }

    /// The fields `schema` declares for `value`; None when it takes any.
    fn declared(&self, schema: &Value, value: &Value) -> Option<Vec<String>> {
        let s = self.resolve(schema);
        if matches!(s.get("additionalProperties"), Some(Value::Object(_) | Value::Bool(true))) {
            return None;
        }
        let mut names: Vec<String> =
            s["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
        let mut open = !s.get("properties").is_some_and(Value::is_object) && s.get("additionalProperties").is_none();
        let members = s["allOf"].as_array().into_iter().flatten();
        let branches = ["oneOf", "anyOf"].into_iter().flat_map(|k| s[k].as_array().into_iter().flatten());
        let fitting: Vec<&Value> = members.chain(branches.filter(|b| self.fits(b, value, false).is_ok())).collect();
        if !fitting.is_empty() {
            open = false;
        }
        for part in fitting {
            names.extend(self.declared(part, value)?);
        }
        (!open).then_some(names)
    }
}

fn is_type(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|n| n.fract() == 0.0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"paths": {"/x/{id}": {"get": {"operationId": "x_get", "responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}},
            "components": {"schemas": {"X": {"type": "object", "required": ["a"], "properties": {
                "a": {"type": "integer"}, "b": {"type": ["string", "null"]}}}}}})
    }

    #[test]
    fn given_bodies_then_fitting_ones_pass_and_wrong_missing_or_undeclared_fields_are_named() {
        let d = doc();
        assert_eq!(check(&d, "GET", "/x/1", 200, &json!({"a": 1, "b": null})), None);
        assert!(check(&d, "GET", "/x/1", 200, &json!({"a": "1"})).is_some_and(|e| e.contains(".a")));
        assert!(check(&d, "GET", "/x/1", 200, &json!({"b": "x"})).is_some_and(|e| e.contains("'a' is missing")));
        assert!(check(&d, "GET", "/x/1", 200, &json!({"a": 1, "c": 2})).is_some_and(|e| e.contains("'c'")));
        assert_eq!(check(&d, "GET", "/y", 200, &json!(1)), None, "undocumented paths are not checked");
    }
}
