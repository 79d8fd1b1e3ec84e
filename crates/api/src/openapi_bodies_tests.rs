//! Every body of the OpenAPI document is typed: no request or response schema (at any depth) is a
//! bare `{type: object}` without properties or an untyped `{}`, and every 2xx response but 204
//! names its content. What may stay free-form is in [`FREE_FORM`], each with the reason.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::openapi::ApiDoc;
use serde_json::Value;
use std::collections::HashSet;
use utoipa::OpenApi;

/// Places (`<operationId> <where>` or `#/components/schemas/<name>/<property>`) whose schema is
/// free-form by design, with why. Keep it short: every other body is typed.
const FREE_FORM: &[(&str, &str)] = &[
    ("#/components/schemas/IssueBody/params", "RPC parameters: whatever the device's method takes"),
    ("#/components/schemas/CommandView/params", "RPC parameters: whatever the device's method takes"),
    ("#/components/schemas/CommandView/response/oneOf/0", "the device's reply, any JSON value"),
    ("#/components/schemas/RawValueView/oneOf/3/value", "a telemetry value that is a device's JSON object or array"),
    ("#/components/schemas/DeadLetterView/payload", "the payload of any published event type"),
    ("#/components/schemas/DeliveryView/payload", "the snapshot of an alarm, test or platform event"),
    ("#/components/schemas/TimelineEventView/details", "kind-specific figures (docs/charging.md, Timeline)"),
    ("#/components/schemas/TelemetryPointValue", "a telemetry value or RPC reply: any JSON a device sends"),
    ("alarms_stream 200", "text/event-stream, endless (alarms_binary.rs tests it)"),
];

/// Where `schema` (reached at `at`) or anything inside it is an untyped object or value.
fn untyped(doc: &Value, schema: &Value, at: &str, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    if FREE_FORM.iter().any(|(place, _)| at == *place) {
        return;
    }
    let Some(o) = schema.as_object() else { return };
    if let Some(Value::String(r)) = o.get("$ref") {
        let name = r.trim_start_matches("#/components/schemas/");
        if seen.insert(name.to_owned()) {
            let target = &doc["components"]["schemas"][name];
            untyped(doc, target, &format!("#/components/schemas/{name}"), seen, out);
        }
        return;
    }
    let is_object = match o.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    let composed = ["oneOf", "anyOf", "allOf"].iter().any(|k| o.contains_key(*k));
    let shaped = o.contains_key("properties") || o.get("additionalProperties").is_some_and(Value::is_object);
    let closed = o.get("additionalProperties") == Some(&Value::Bool(false));
    let typed = ["type", "enum", "const", "properties", "items"].iter().any(|k| o.contains_key(*k)) || composed;
    if (is_object && !shaped && !closed && !composed) || !typed {
        out.push(at.to_owned());
    }
    for (name, property) in o.get("properties").and_then(Value::as_object).into_iter().flatten() {
        untyped(doc, property, &format!("{at}/{name}"), seen, out);
    }
    if let Some(items) = o.get("items") {
        untyped(doc, items, &format!("{at}[]"), seen, out);
    }
    if let Some(map) = o.get("additionalProperties").filter(|a| a.is_object()) {
        untyped(doc, map, &format!("{at}{{}}"), seen, out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (i, s) in o.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            untyped(doc, s, &format!("{at}/{key}/{i}"), seen, out);
        }
    }
}

/// The response object `r`, following a `$ref` to the shared responses.
fn resolve<'a>(doc: &'a Value, r: &'a Value) -> &'a Value {
    match r.get("$ref").and_then(Value::as_str) {
        Some(name) => &doc["components"]["responses"][name.trim_start_matches("#/components/responses/")],
        None => r,
    }
}

#[test]
fn given_the_document_then_every_request_and_response_body_is_typed() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap_or_default();
            for (media, content) in op["requestBody"]["content"].as_object().into_iter().flatten() {
                untyped(&doc, &content["schema"], &format!("{id} request {media}"), &mut seen, &mut problems);
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&doc, response);
                let content = response["content"].as_object();
                let free = FREE_FORM.iter().any(|(place, _)| *place == format!("{id} {status}"));
                let empty = content.is_none_or(|c| c.is_empty());
                if status.starts_with('2') && status != "204" && empty && !free {
                    problems.push(format!("{id} {status}: no content"));
                }
                for (media, c) in content.into_iter().flatten() {
                    let at = format!("{id} {status} {media}");
                    match c.get("schema") {
                        Some(schema) => untyped(&doc, schema, &at, &mut seen, &mut problems),
                        None => problems.push(format!("{at}: no schema")),
                    }
                }
            }
        }
    }
    assert!(seen.len() > 50, "the walk reached the component schemas: {}", seen.len());
    assert!(problems.is_empty(), "{} untyped bodies:\n{}", problems.len(), problems.join("\n"));
}
