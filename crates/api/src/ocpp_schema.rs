//! OpenAPI schemas made from the OCPP adapter's own message schemas ([`mgc_adapter_ocpp::Field`]),
//! so that a body the API forwards to a charge point is documented by the very rules that check
//! it.

use mgc_adapter_ocpp::{Field, Ty};
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::openapi_contract::NO_NUL;

/// A URI as the adapter checks it: a scheme, `:`, then at least one character; no white space.
const URI: &str = "^[A-Za-z][A-Za-z0-9+.-]*:[^\\u0000\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+$";

/// The schema of one OCPP field type.
fn of_type(ty: &Ty) -> RefOr<Schema> {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    match ty {
        Ty::String { max } => string().max_length(*max).pattern(Some(NO_NUL)).into(),
        Ty::Integer { min, wide } => {
            let (low, high) = if *wide { (i64::MIN, i64::MAX) } else { (i64::from(i32::MIN), i64::from(i32::MAX)) };
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(min.unwrap_or(low))).maximum(Some(high)).into()
        }
        // A multiple of 0.1: said in words, because JSON Schema's `multipleOf` on binary floats
        // refuses values such as 0.3.
        Ty::Decimal => ObjectBuilder::new().schema_type(Type::Number).description(Some("a multiple of 0.1")).into(),
        Ty::Boolean => ObjectBuilder::new().schema_type(Type::Boolean).into(),
        Ty::DateTime => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))).into(),
        // `scheme:rest`, no white space (what the adapter's check takes).
        Ty::Uri => string().format(Some(SchemaFormat::Custom("uri".to_owned()))).pattern(Some(URI)).into(),
        Ty::Enum(names) => string().enum_values(Some(names.iter().copied())).into(),
        Ty::Object(fields) => object(fields).into(),
        Ty::Array { items, min_items } => ArrayBuilder::new().items(of_type(items)).min_items(Some(*min_items)).into(),
    }
}

/// An object with exactly these fields.
pub fn object(fields: &[Field]) -> ObjectBuilder {
    fields.iter().fold(
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(false))),
        |o, f| {
            let o = o.property(f.name, of_type(&f.ty));
            if f.required {
                o.required(f.name)
            } else {
                o
            }
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use mgc_adapter_ocpp::messages::smart_charging::CHARGING_PROFILE;

    #[test]
    fn given_the_charging_profile_fields_then_the_schema_requires_and_bounds_them() {
        let schema = serde_json::to_value(super::object(CHARGING_PROFILE).build()).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        let required = schema["required"].as_array().unwrap();
        assert!(required.contains(&"chargingSchedule".into()) && !required.contains(&"transactionId".into()));
        assert_eq!(schema["properties"]["stackLevel"]["maximum"], i32::MAX);
        let period = &schema["properties"]["chargingSchedule"]["properties"]["chargingSchedulePeriod"];
        assert_eq!(period["type"], "array", "{schema}");
    }
}
