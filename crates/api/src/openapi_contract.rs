//! What every operation of the OpenAPI document shares, added in one place so no annotation can
//! forget it: the security of each route family, and the error responses the layers in front of
//! every handler produce (authentication, body parsing, the request deadline), each with the one
//! JSON error body.

use mgc_kernel::page::MAX_LIMIT;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::Modify;

/// The shared responses (name, status, description) referenced from operations.
const SHARED: &[(&str, &str, &str)] = &[
    ("BadRequest", "400", "invalid_id, invalid_query, malformed_json or another client mistake"),
    ("Unauthorized", "401", "missing, expired or invalid credentials"),
    ("Forbidden", "403", "the role or station scope of the credentials does not allow this"),
    ("NotFound", "404", "no such resource in the caller's tenant and scope"),
    ("PayloadTooLarge", "413", "the body is larger than the limit of its route family"),
    ("UnsupportedMediaType", "415", "the body is not application/json"),
    ("Unprocessable", "422", "the body is well-formed JSON but not a valid request"),
    ("Unavailable", "503", "request_timeout or storage_unavailable: retry after Retry-After"),
];

/// Security schemes, shared responses and error statuses of every operation.
pub struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
        components.add_security_scheme(
            "integration_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Signature",
                "v2=<hex HMAC-SHA256(integration secret, canonical request)> with X-Integration-Id and X-Timestamp (docs/api.md)",
            ))),
        );
        components.add_security_scheme(
            "integration_secret",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Integration-Secret",
                "the integration's static secret with X-Integration-Id, where the integration allows it",
            ))),
        );
        for (name, _, description) in SHARED {
            components.responses.insert((*name).to_owned(), RefOr::T(error_response(description)));
        }
        body_ids(components);
        crate::openapi_rules::charge_modes(components);
        crate::openapi_rules::charging_profile(components);
        crate::routes::tariff_schemas::close_schedule_variants(components);
        crate::routes::alarm_rule_schemas::rule_forms(components);
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in operations(item) {
                complete(path, op);
            }
        }
    }
}

/// A response carrying the JSON error body.
fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build()
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Adds the security and the shared error responses one operation of `path` can give.
fn complete(path: &str, op: &mut Operation) {
    let api = path.starts_with("/api/v1/") || path.starts_with("/api/third/v1/");
    let ingest = path.starts_with("/ingest/");
    if api {
        op.security =
            Some(vec![SecurityRequirement::new("bearer", [""; 0]), SecurityRequirement::new("api_key", [""; 0])]);
    } else if ingest {
        op.security = Some(vec![
            SecurityRequirement::new("integration_signature", [""; 0]),
            SecurityRequirement::new("integration_secret", [""; 0]),
        ]);
    }
    let id = op.operation_id.clone().unwrap_or_default();
    for p in op.parameters.iter_mut().flatten() {
        constrain(p, &id);
    }
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_path_params = path.contains('{');
    let json_body = op.request_body.as_ref().is_some_and(|b: &RequestBody| b.content.contains_key("application/json"));
    let mut statuses = Vec::new();
    if api || ingest {
        statuses.extend(["401", "403"]);
    }
    if has_params || op.request_body.is_some() {
        statuses.push("400");
    }
    // Path ids, ids in a filter and ids in a body can all name something missing or out of scope.
    let id_filter = op.parameters.iter().flatten().any(|p| p.name.ends_with("_id"));
    if has_path_params || id_filter || op.request_body.is_some() {
        statuses.push("404");
    }
    if path.contains("{id_tag}") {
        statuses.push("422");
    }
    if op.request_body.is_some() {
        statuses.extend(["413", "422"]);
    }
    if json_body && api {
        statuses.push("415");
    }
    statuses.push("503");
    for status in statuses {
        let shared = SHARED.iter().find(|(_, s, _)| *s == status).map(|(name, _, _)| *name);
        if let (Some(name), false) = (shared, op.responses.responses.contains_key(status)) {
            op.responses.responses.insert(status.to_owned(), RefOr::Ref(Ref::from_response_name(name)));
        }
    }
    // A documented error status without a body gets the error body.
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = response {
            if (status.starts_with('4') || status.starts_with('5')) && r.content.is_empty() {
                let description = r.description.clone();
                *r = error_response(&description);
            }
        }
    }
}

/// Values of the query filters that name a state or kind (what the handlers parse them into).
const QUERY_ENUMS: &[(&str, &str, &[&str])] = &[
    (
        "alarms_list",
        "status",
        &["active_unack", "active_ack", "cleared_unack", "cleared_ack", "active", "cleared", "unack", "ack"],
    ),
    ("alarms_list", "severity", &["info", "warning", "minor", "major", "critical"]),
    (
        "commands_list",
        "state",
        &["pending", "sent", "delivered", "succeeded", "failed", "timed_out", "expired", "cancelled"],
    ),
    ("notifications_list", "state", &["pending", "retrying", "delivered", "dead"]),
    ("devices_list", "kind", &["meter", "pv_inverter", "battery", "pcs", "charger", "ups", "load", "gateway", "other"]),
    ("strategies_list", "type", &["schedule", "peak_shaving", "anti_backflow", "tou_arbitrage"]),
    ("stats_get", "granularity", &["hour", "day", "month", "year"]),
    ("charging_stats_sessions", "granularity", &["hour", "day", "month", "year"]),
    ("third_stats_sessions", "granularity", &["hour", "day", "month", "year"]),
    ("charging_stats_utilisation", "granularity", &["hour", "day", "month", "year"]),
    ("third_stats_utilisation", "granularity", &["hour", "day", "month", "year"]),
    ("charging_stats_sessions_export", "granularity", &["hour", "day", "month", "year"]),
    ("charging_stats_utilisation_export", "granularity", &["hour", "day", "month", "year"]),
    ("third_stats_sessions_export", "granularity", &["hour", "day", "month", "year"]),
    ("third_stats_utilisation_export", "granularity", &["hour", "day", "month", "year"]),
    ("stats_get", "format", &["json", "compact"]),
    ("charge_points_list", "registration", &["accepted", "pending", "rejected"]),
    ("charge_points_clear_profiles", "purpose", &["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]),
    ("id_tags_list", "status", &["accepted", "blocked", "expired", "invalid", "concurrent_tx"]),
];

/// A point-mapping scope: `kind:<device kind>` or `device:<device id>`.
const SCOPE_PATTERN: &str = "^(kind:(meter|pv_inverter|battery|pcs|charger|ups|load|gateway|other)|device:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$";

/// A UUID string.
fn uuid() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

/// What the handlers check of the shared parameters of operation `op`, said in their schemas:
/// ids and most cursors are UUIDs, plain dates are dates, `limit` is 1..=MAX_LIMIT, filters of a
/// state or kind take the values [`QUERY_ENUMS`] lists.
fn constrain(p: &mut Parameter, op: &str) {
    let string = ObjectBuilder::new().schema_type(Type::String);
    let schema = match (&p.parameter_in, p.name.as_str()) {
        (ParameterIn::Query, "limit") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(MAX_LIMIT))
            .description(Some(format!("items per page, 1..={MAX_LIMIT}"))),
        // Cursors: the last id of the previous page, except commands (a sequence number), id tags
        // (the last tag) and raw telemetry ("<ts>|<point>").
        (ParameterIn::Query, "cursor") => match op {
            "commands_list" => string.pattern(Some("^[1-9][0-9]{0,17}$")),
            "id_tags_list" | "telemetry_raw" => return,
            _ => uuid(),
        }
        .description(Some("next_cursor of the previous page")),
        (ParameterIn::Path, "id") if op == "statements_get" => string.pattern(Some(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\\.(csv|xlsx|pdf))?$",
        )),
        // A pile of the third-party API: our id or its protocol identity (printable ASCII, no '/';
        // documented without a leading '.' so that no client resolves `..` as a path step).
        (ParameterIn::Path, "id") if op.starts_with("third_") => string.pattern(Some("^[!-,0-~-][!-.0-~]{0,47}$")),
        (ParameterIn::Path, "id" | "execution_id") => uuid(),
        (ParameterIn::Path, "id_tag") => string.pattern(Some("^[ -~]{1,20}$")),
        (_, "scope") => string.pattern(Some(SCOPE_PATTERN)),
        (ParameterIn::Query, name) if name.ends_with("_id") && is_plain_string(p) => uuid(),
        (ParameterIn::Query, "from" | "to") if is_plain_string(p) => {
            string.format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        }
        (ParameterIn::Query, name) => match QUERY_ENUMS.iter().find(|(o, n, _)| *o == op && *n == name) {
            Some((_, _, values)) => string.enum_values(Some(values.iter().copied())),
            None => return,
        },
        _ => return,
    };
    p.schema = Some(RefOr::T(Schema::Object(schema.build())));
}

/// Body properties that hold the id of one of the service's own entities (a UUID).
const ID_PROPERTIES: &[&str] = &["station_id", "device_id", "tariff_id", "charge_point_id", "alarm_id", "rule_id"];

/// Any text without a NUL character.
pub(crate) const NO_NUL: &str = "^[^\\u0000]*$";

/// Body properties of [`ID_PROPERTIES`] are UUIDs; other plain text has no NUL.
fn body_ids(components: &mut utoipa::openapi::Components) {
    for (name, schema) in components.schemas.iter_mut() {
        // An error's message may quote what the client sent, NUL included.
        if name == "ErrorDetail" {
            continue;
        }
        let RefOr::T(Schema::Object(o)) = schema else { continue };
        for (name, property) in o.properties.iter_mut() {
            if let RefOr::T(Schema::Object(p)) = property {
                let plain = p.format.is_none()
                    && p.pattern.is_none()
                    && p.enum_values.is_none()
                    && matches!(&p.schema_type, utoipa::openapi::schema::SchemaType::Type(Type::String));
                if ID_PROPERTIES.contains(&name.as_str()) && plain {
                    p.format = Some(SchemaFormat::KnownFormat(KnownFormat::Uuid));
                } else if plain {
                    // Text with NUL is refused (422 invalid_value): no backend can store it.
                    p.pattern = Some(NO_NUL.to_owned());
                }
            }
        }
    }
}

/// A parameter typed only as a (possibly null) string, without a format.
fn is_plain_string(p: &Parameter) -> bool {
    matches!(&p.schema, Some(RefOr::T(Schema::Object(o))) if o.format.is_none() && o.pattern.is_none()
        && matches!(&o.schema_type, utoipa::openapi::schema::SchemaType::Type(Type::String)
            | utoipa::openapi::schema::SchemaType::Array(_)))
}

#[cfg(test)]
mod tests {
    use crate::openapi::ApiDoc;
    use std::collections::HashSet;
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::RefOr;
    use utoipa::OpenApi;

    #[test]
    fn given_the_document_then_ids_are_unique_parameters_sit_where_they_are_read_and_errors_have_a_body() {
        let doc = ApiDoc::openapi();
        let mut ids = HashSet::new();
        for (path, item) in doc.paths.paths {
            let mut item = item;
            for op in super::operations(&mut item) {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "operationId {id} is used twice");
                for p in op.parameters.iter().flatten() {
                    if matches!(p.parameter_in, ParameterIn::Path) {
                        assert!(path.contains(&format!("{{{}}}", p.name)), "{id}: '{}' is not in {path}", p.name);
                    }
                }
                for (status, response) in &op.responses.responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let ok = match response {
                            RefOr::Ref(_) => true,
                            RefOr::T(r) => !r.content.is_empty(),
                        };
                        assert!(ok, "{id}: {status} has no body");
                    }
                }
                if path.starts_with("/api/v1/") {
                    assert!(op.responses.responses.contains_key("401"), "{id}: 401 undocumented");
                    assert!(op.security.as_ref().is_some_and(|s| !s.is_empty()), "{id}: no security");
                }
            }
        }
        assert!(ids.len() > 100, "every operation was seen: {}", ids.len());
    }

    #[test]
    fn given_the_document_then_the_compact_stats_form_is_described() {
        let doc = ApiDoc::openapi();
        let schemas = doc.components.map(|c| c.schemas).unwrap_or_default();
        assert!(schemas.contains_key("StatsColumns"), "the columns of format=compact have a schema");
        let page = serde_json::to_value(schemas.get("StatsPage")).unwrap_or_default();
        assert!(page["properties"]["columns"].is_object(), "StatsPage names its columns: {page}");
        let stats = doc.paths.paths.get("/api/v1/stats").and_then(|i| i.get.clone());
        let params = stats.and_then(|op| op.parameters).unwrap_or_default();
        assert!(params.iter().any(|p| p.name == "format"), "the format parameter is documented");
    }
}
