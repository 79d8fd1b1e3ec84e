//! Schema-only responses of telemetry: the OpenAPI statement of how `mgc_telemetry`'s `PointRow`,
//! `Bucket`, `UnroutedPoint` and `RawValue` serialize (the handlers return those types; these only
//! describe them, so they must follow them field by field: an `Option` serializes as `null`, so it
//! is required and nullable).

#![allow(dead_code)]

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// A value as received (`mgc_telemetry::RawValue`): `{"type": "number"|"bool"|"text"|"json", "value"}`.
pub struct RawValueView;

impl utoipa::PartialSchema for RawValueView {
    fn schema() -> RefOr<Schema> {
        let form = |name: &str, value: ObjectBuilder, description: &str| {
            ObjectBuilder::new()
                .property("type", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([name])))
                .property("value", value)
                .required("type")
                .required("value")
                .description(Some(description))
        };
        let json = ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::Object, Type::Array]))
            .description(Some("the device's JSON object or array, kept as is"));
        OneOfBuilder::new()
            .item(form("number", ObjectBuilder::new().schema_type(Type::Number), "a JSON number"))
            .item(form("bool", ObjectBuilder::new().schema_type(Type::Boolean), "a JSON boolean"))
            .item(form("text", ObjectBuilder::new().schema_type(Type::String), "a JSON string"))
            .item(form("json", json, "a JSON object or array"))
            .description(Some("the value as received, by its JSON type"))
            .into()
    }
}

impl ToSchema for RawValueView {}

/// A stored point as read back (`PointRow`).
#[derive(ToSchema)]
pub struct PointRowView {
    /// Device.
    #[schema(format = Uuid)]
    device_id: String,
    /// Point name.
    point: String,
    /// Time.
    #[schema(format = DateTime)]
    ts: String,
    /// Numeric value (mapped); null when the value is not a number or boolean.
    #[schema(required = true)]
    num_value: Option<f64>,
    /// Value as received.
    value: RawValueView,
}

/// One bucket of one point (`Bucket`).
#[derive(ToSchema)]
pub struct BucketView {
    /// Point name.
    point: String,
    /// Bucket start.
    #[schema(format = DateTime)]
    start: String,
    /// Bucket end (exclusive).
    #[schema(format = DateTime)]
    end: String,
    /// Aggregated value.
    value: f64,
    /// Samples in the bucket.
    samples: u64,
}

/// A point whose device is not known yet (`UnroutedPoint`).
#[derive(ToSchema)]
pub struct UnroutedPointView {
    /// Device reference as sent.
    device: String,
    /// Device type as sent by ThingsBoard.
    #[schema(required = true)]
    device_type: Option<String>,
    /// Measurement time.
    #[schema(format = DateTime)]
    ts: String,
    /// Key as received.
    raw_key: String,
    /// Value as received.
    value: RawValueView,
    /// Why it was not routed.
    reason: String,
}
