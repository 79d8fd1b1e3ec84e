//! A small validator for the OCPP 1.6 JSON schemas: each message declares its fields as [`Field`]s,
//! and [`validate`] checks a payload against them, naming the first failing field and the OCPP-J
//! error code it calls for:
//!
//! | failure | code |
//! | --- | --- |
//! | payload not an object, property the schema does not have | FormationViolation |
//! | required field missing, array with fewer items than required | OccurenceConstraintViolation |
//! | wrong JSON type, string longer than its CiString limit, integer outside 32 bits, bad date-time or URI | TypeConstraintViolation |
//! | value outside an enum, below a minimum, decimal not a multiple of 0.1 | PropertyConstraintViolation |

use crate::meter::parse_decimal;
use crate::ErrorCode;
use serde_json::{Map, Value};
use std::fmt;

/// The JSON type and constraints of a field.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A string of at most `max` characters (OCPP CiStringN), or of any length.
    String {
        /// Most characters.
        max: Option<usize>,
    },
    /// An integer: 32-bit unless `wide` (meter registers in Wh), at least `min` when given.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Allows the full 64-bit range.
        wide: bool,
    },
    /// A number that is a multiple of 0.1 (charging limits and rates).
    Decimal,
    /// A boolean.
    Boolean,
    /// An RFC 3339 date-time string.
    DateTime,
    /// A URI string (`scheme:rest`).
    Uri,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An object with these fields and no others.
    Object(&'static [Field]),
    /// An array of at least `min_items` items of one type.
    Array {
        /// Item type.
        items: &'static Ty,
        /// Fewest items.
        min_items: usize,
    },
}

/// One property of an object schema.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// JSON property name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Must be present.
    pub required: bool,
}

/// A required field.
pub const fn req(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: true }
}

/// An optional field.
pub const fn opt(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: false }
}

/// A CiString of at most `max` characters.
pub const fn ci(max: usize) -> Ty {
    Ty::String { max: Some(max) }
}

/// A 32-bit integer.
pub const INT: Ty = Ty::Integer { min: None, wide: false };
/// A 32-bit integer of at least 0.
pub const NON_NEGATIVE_INT: Ty = Ty::Integer { min: Some(0), wide: false };
/// A 64-bit integer (meter registers).
pub const WIDE_INT: Ty = Ty::Integer { min: None, wide: true };

/// Why a payload does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The CALLERROR code it calls for.
    pub code: ErrorCode,
    /// Path of the failing field (`meterValue[0].sampledValue[1].unit`), empty for the payload.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl Violation {
    /// A violation at `field`.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, field: field.into(), message: message.into() }
    }

    /// The CALLERROR description: the field and what is wrong with it.
    pub fn description(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "payload: {}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Checks `payload` against an object schema made of `fields`.
pub fn validate(payload: &Value, fields: &[Field]) -> Result<(), Violation> {
    check_object(payload, fields, "")
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn check(value: &Value, ty: &Ty, path: &str) -> Result<(), Violation> {
    let type_err = |what: &str| Violation::new(ErrorCode::TypeConstraintViolation, path, format!("must be {what}"));
    match ty {
        Ty::String { max } => {
            let s = value.as_str().ok_or_else(|| type_err("a string"))?;
            match max {
                Some(max) if s.chars().count() > *max => Err(type_err(&format!("at most {max} characters"))),
                _ => Ok(()),
            }
        }
        Ty::Integer { min, wide } => {
            let n = value.as_i64().ok_or_else(|| type_err(if *wide { "an integer" } else { "a 32-bit integer" }))?;
            if !wide && i32::try_from(n).is_err() {
                return Err(type_err("a 32-bit integer"));
            }
            match min {
                Some(min) if n < *min => {
                    Err(Violation::new(ErrorCode::PropertyConstraintViolation, path, format!("must be at least {min}")))
                }
                _ => Ok(()),
            }
        }
        Ty::Decimal => {
            let n = value.as_number().ok_or_else(|| type_err("a number"))?;
            let tenth = parse_decimal(&n.to_string()).ok().and_then(|d| d.to_scaled(1).ok()).is_some();
            if tenth {
                Ok(())
            } else {
                Err(Violation::new(ErrorCode::PropertyConstraintViolation, path, "must be a multiple of 0.1"))
            }
        }
        Ty::Boolean => value.as_bool().map(|_| ()).ok_or_else(|| type_err("a boolean")),
        Ty::DateTime => {
            let s = value.as_str().ok_or_else(|| type_err("a date-time string"))?;
            chrono::DateTime::parse_from_rfc3339(s).map(|_| ()).map_err(|_| type_err("an RFC 3339 date-time"))
        }
        Ty::Uri => {
            let s = value.as_str().ok_or_else(|| type_err("a URI string"))?;
            if is_uri(s) {
                Ok(())
            } else {
                Err(type_err("a URI (scheme:...)"))
            }
        }
        Ty::Enum(names) => {
            let s = value.as_str().ok_or_else(|| type_err("a string"))?;
            if names.contains(&s) {
                Ok(())
            } else {
                let msg = format!("'{s}' is not one of {}", names.join(", "));
                Err(Violation::new(ErrorCode::PropertyConstraintViolation, path, msg))
            }
        }
        Ty::Object(fields) => check_object(value, fields, path),
        Ty::Array { items, min_items } => {
            let list = value.as_array().ok_or_else(|| type_err("an array"))?;
            if list.len() < *min_items {
                let msg = format!("needs at least {min_items} item(s)");
                return Err(Violation::new(ErrorCode::OccurenceConstraintViolation, path, msg));
            }
            list.iter().enumerate().try_for_each(|(i, item)| check(item, items, &format!("{path}[{i}]")))
        }
    }
}

fn check_object(value: &Value, fields: &[Field], path: &str) -> Result<(), Violation> {
    let map: &Map<String, Value> = value
        .as_object()
        .ok_or_else(|| Violation::new(ErrorCode::FormationViolation, path, "must be a JSON object"))?;
    if let Some(extra) = map.keys().find(|k| !fields.iter().any(|f| f.name == k.as_str())) {
        return Err(Violation::new(
            ErrorCode::FormationViolation,
            join(path, extra),
            "is not a property of this message",
        ));
    }
    for field in fields {
        let at = join(path, field.name);
        match map.get(field.name) {
            Some(v) => check(v, &field.ty, &at)?,
            None if field.required => {
                return Err(Violation::new(ErrorCode::OccurenceConstraintViolation, at, "is required"));
            }
            None => {}
        }
    }
    Ok(())
}

fn is_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ITEM: &[Field] = &[req("value", ci(5)), opt("unit", Ty::Enum(&["Wh", "kWh"]))];
    const SCHEMA: &[Field] = &[
        req("id", NON_NEGATIVE_INT),
        opt("at", Ty::DateTime),
        opt("limit", Ty::Decimal),
        opt("url", Ty::Uri),
        opt("flag", Ty::Boolean),
        opt("items", Ty::Array { items: &Ty::Object(ITEM), min_items: 1 }),
        opt("big", WIDE_INT),
    ];

    fn code_and_field(v: Value) -> (ErrorCode, String) {
        let e = validate(&v, SCHEMA).unwrap_err();
        (e.code, e.field)
    }

    #[test]
    fn given_valid_payload_then_ok() {
        let v = json!({"id": 1, "at": "2026-03-01T12:00:00Z", "limit": 16.5, "url": "ftp://x/y", "flag": true,
                       "items": [{"value": "12", "unit": "kWh"}], "big": 9_000_000_000i64});
        assert_eq!(validate(&v, SCHEMA), Ok(()));
    }

    #[test]
    fn given_each_kind_of_failure_then_its_code_and_the_field_path() {
        use ErrorCode::*;
        let cases = [
            (json!([1]), (FormationViolation, "")),
            (json!({"id": 1, "extra": 1}), (FormationViolation, "extra")),
            (json!({}), (OccurenceConstraintViolation, "id")),
            (json!({"id": 1, "items": []}), (OccurenceConstraintViolation, "items")),
            (json!({"id": 1, "items": [{}]}), (OccurenceConstraintViolation, "items[0].value")),
            (json!({"id": "1"}), (TypeConstraintViolation, "id")),
            (json!({"id": 1.5}), (TypeConstraintViolation, "id")),
            (json!({"id": 3_000_000_000i64}), (TypeConstraintViolation, "id")),
            (json!({"id": 1, "items": [{"value": "123456"}]}), (TypeConstraintViolation, "items[0].value")),
            (json!({"id": 1, "at": "yesterday"}), (TypeConstraintViolation, "at")),
            (json!({"id": 1, "url": "no scheme"}), (TypeConstraintViolation, "url")),
            (json!({"id": 1, "flag": "true"}), (TypeConstraintViolation, "flag")),
            (json!({"id": 1, "big": 1.0}), (TypeConstraintViolation, "big")),
            (json!({"id": -1}), (PropertyConstraintViolation, "id")),
            (json!({"id": 1, "limit": 16.55}), (PropertyConstraintViolation, "limit")),
            (
                json!({"id": 1, "items": [{"value": "1", "unit": "MWh"}]}),
                (PropertyConstraintViolation, "items[0].unit"),
            ),
        ];
        for (payload, (code, field)) in cases {
            assert_eq!(code_and_field(payload.clone()), (code, field.to_owned()), "{payload}");
        }
    }

    #[test]
    fn given_violation_then_description_names_the_field() {
        let e = validate(&json!({"id": 1, "items": [{"value": 5}]}), SCHEMA).unwrap_err();
        assert_eq!(e.description(), "items[0].value: must be a string");
    }
}
