//! Schema-only request body of `POST /api/v1/provisioning/stations`: the OpenAPI statement of what
//! `mgc_masterdata::ProvisionRequest` accepts (the handler deserializes that type; these only
//! describe it, so they must follow it field by field). Text is "not blank" as Rust's `trim`
//! sees it: at least one character outside its White_Space set, and no NUL anywhere.

#![allow(dead_code)]

use crate::routes::masterdata_schemas::{DeviceKindName, GeoPointBody};
use crate::schema_enums::{PointName, TimeZoneName};
use serde::Deserialize;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// Body of `POST /api/v1/provisioning/stations`: the station as the caller wants it to be.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionBody {
    /// The caller's stable key of the station: the same code is the same station (1..=100
    /// characters, not blank).
    #[schema(
        max_length = 100,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    code: String,
    /// Display name (1..=200 characters, not blank).
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    name: String,
    /// IANA time zone of the station's calendar.
    #[schema(value_type = TimeZoneName)]
    time_zone: String,
    /// Position, or null for none.
    #[serde(default)]
    location: Option<GeoPointBody>,
    /// Rated capacity in kW (non-negative), or null.
    #[serde(default)]
    #[schema(minimum = 0.0)]
    capacity_kw: Option<f64>,
    /// ThingsBoard asset id, or null.
    #[serde(default)]
    #[schema(pattern = "^[^\\u0000]*$")]
    tb_asset_id: Option<String>,
    /// Devices of the station, matched by name (each name once in the request).
    #[serde(default)]
    devices: Vec<ProvisionDevice>,
}

/// A device as the caller wants it to be.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionDevice {
    /// Name, unique in the tenant (1..=200 characters, not blank).
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    name: String,
    /// What the device is.
    kind: DeviceKindName,
    /// ThingsBoard device id, or null.
    #[serde(default)]
    #[schema(pattern = "^[^\\u0000]*$")]
    tb_device_id: Option<String>,
    /// The device's own mapping rules (each raw key once); when given they replace its previous
    /// ones, null or absent keeps them.
    #[serde(default)]
    mappings: Option<Vec<ProvisionMapping>>,
}

/// One mapping rule: `point = raw value × scale + offset`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionMapping {
    /// Key as the device sends it (1..=128 characters, not blank).
    #[schema(
        max_length = 128,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    raw_key: String,
    /// Catalogue point it feeds.
    #[schema(value_type = PointName)]
    point: String,
    /// Multiplier, not zero (default 1).
    #[serde(default)]
    #[schema(value_type = NonZeroScale)]
    scale: f64,
    /// Added after scaling (default 0).
    #[serde(default)]
    offset: f64,
    /// Unit of the raw value, or null.
    #[serde(default)]
    #[schema(pattern = "^[^\\u0000]*$")]
    unit: Option<String>,
}

/// A finite number other than zero (below or above it), 1 when absent.
pub struct NonZeroScale;

impl utoipa::PartialSchema for NonZeroScale {
    fn schema() -> RefOr<Schema> {
        let below = ObjectBuilder::new().schema_type(Type::Number).exclusive_maximum(Some(0.0));
        let above = ObjectBuilder::new().schema_type(Type::Number).exclusive_minimum(Some(0.0));
        OneOfBuilder::new()
            .item(below)
            .item(above)
            .description(Some("a multiplier other than zero"))
            .default(Some(serde_json::json!(1.0)))
            .into()
    }
}

impl ToSchema for NonZeroScale {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::openapi::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn given_the_document_then_provisioning_names_its_zones_points_and_refuses_other_fields() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["ProvisionBody"]["additionalProperties"], false);
        let zones = schemas["TimeZoneName"]["enum"].as_array().unwrap();
        assert!(zones.iter().any(|z| z == "Asia/Shanghai") && zones.len() > 300, "{} zones", zones.len());
        let points = schemas["PointName"]["enum"].as_array().unwrap();
        assert_eq!(points.len(), mgc_contracts::points::catalogue().len());
        assert_eq!(schemas["NonZeroScale"]["oneOf"][1]["exclusiveMinimum"], 0.0);
    }
}
