//! Schema-only parts of ThingsBoard ingest: the request bodies, polymorphic by design (the shapes
//! `mgc_adapter_thingsboard::payload` and `ingest_rpc::parse_rpc_update` read, stated as `anyOf`:
//! a flat element takes any object, so the shapes overlap and `oneOf` would refuse them), and the
//! skipped entries of a response (`Skipped`); described here because the adapter stays free of utoipa.

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::ToSchema;

/// One entry of the body skipped without failing the request.
#[derive(Deserialize, ToSchema)]
pub struct SkippedView {
    /// JSON path of the entry, e.g. `$[0].values.temperature`.
    path: String,
    /// Why it was skipped, e.g. `null value`.
    reason: String,
}

/// A telemetry point's value as a device sends it: a number, boolean or string; an object or
/// array is kept as JSON; null is skipped (listed in `skipped`).
pub struct TelemetryPointValue;

impl utoipa::PartialSchema for TelemetryPointValue {
    fn schema() -> RefOr<Schema> {
        let all = [Type::Number, Type::Boolean, Type::String, Type::Object, Type::Array, Type::Null];
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter(all))
            .description(Some("number, boolean or text; an object or array is kept as JSON; null is skipped"))
            .into()
    }
}

impl ToSchema for TelemetryPointValue {}

/// A timestamp: epoch milliseconds (at least 10^11) or seconds, as a whole number or a string of digits.
fn timestamp() -> OneOfBuilder {
    let number = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
    let digits = ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[0-9]+$"));
    OneOfBuilder::new()
        .item(number)
        .item(digits)
        .description(Some("epoch ms (>= 10^11) or s, a whole number or digits; from 2000 to an hour ahead"))
}

/// Points by key: 1..=128 characters (trimmed), each value a [`TelemetryPointValue`].
fn values() -> ObjectBuilder {
    ObjectBuilder::new()
        .additional_properties(Some(Ref::from_schema_name("TelemetryPointValue")))
        .property_names(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1))))
}

/// `{"ts", "values"}`: ThingsBoard's device upload format.
fn timestamped() -> ObjectBuilder {
    ObjectBuilder::new().property("ts", timestamp()).property("values", values()).required("ts").required("values")
}

/// A non-blank name.
fn name() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some("\\S"))
}

/// One element of a telemetry body, by the first shape that fits (docs: `payload.rs`).
fn element() -> AnyOfBuilder {
    let metadata = ObjectBuilder::new()
        .property("deviceName", name())
        .property("deviceType", ObjectBuilder::new().schema_type(Type::String))
        .property("ts", timestamp())
        .required("deviceName")
        .description(Some("ThingsBoard message metadata; other keys are ignored"));
    let msg = AnyOfBuilder::new().item(values()).item(timestamped()).item(ArrayBuilder::new().items(timestamped()));
    let dedup = ObjectBuilder::new()
        .property("msg", msg)
        .property("metadata", metadata)
        .required("msg")
        .required("metadata")
        .description(Some("ThingsBoard's deduplication node: {msg, metadata}"));
    let canonical =
        timestamped().property("device", name()).required("device").description(Some("{device, ts, values}"));
    let flat = values()
        .property("ts", timestamp())
        .description(Some("flat: each key a point of the X-Device-Name device; `ts` is the time when present"));
    AnyOfBuilder::new()
        .item(dedup)
        .item(canonical)
        .item(timestamped().description(Some("{ts, values} of the X-Device-Name device")))
        .item(flat)
}

/// Body of `POST /ingest/thingsboard/telemetry`: one element or a non-empty array of them.
pub struct TelemetryBody;

impl utoipa::PartialSchema for TelemetryBody {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(element())
            .item(ArrayBuilder::new().items(element()).min_items(Some(1)))
            .description(Some("an element, or a non-empty array of elements"))
            .into()
    }
}

impl ToSchema for TelemetryBody {}

/// Body of `POST /ingest/thingsboard/rpc`: ThingsBoard's RPC state message, flat or as
/// `{msg, metadata}` (`msg` an object or its JSON text); the id and status may instead come from
/// the `X-Rpc-Id` and `X-Rpc-Status` headers or the metadata. Other keys are ignored.
pub struct RpcStateBody;

impl utoipa::PartialSchema for RpcStateBody {
    fn schema() -> RefOr<Schema> {
        let id_text = || {
            AnyOfBuilder::new()
                .item(name())
                .item(ObjectBuilder::new().property("id", name()).required("id"))
                .description(Some("the RPC id, or {\"id\": ...}"))
        };
        let message = || {
            ObjectBuilder::new()
                .property("rpcId", id_text())
                .property("id", id_text())
                .property("status", name().description(Some("ThingsBoard's RPC status, e.g. DELIVERED, SUCCESSFUL")))
                .property("response", Ref::from_schema_name("TelemetryPointValue"))
        };
        let metadata = ObjectBuilder::new().property("rpcId", id_text()).property("status", name());
        let text = ObjectBuilder::new().schema_type(Type::String).description(Some("the message as JSON text"));
        let wrapped = ObjectBuilder::new()
            .property("msg", AnyOfBuilder::new().item(message()).item(text))
            .property("metadata", metadata)
            .required("msg")
            .description(Some("{msg, metadata} of a rule chain"));
        AnyOfBuilder::new().item(wrapped).item(message().description(Some("the RPC JSON itself"))).into()
    }
}

impl ToSchema for RpcStateBody {}
