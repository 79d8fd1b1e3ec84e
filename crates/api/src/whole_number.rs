//! Integer fields that also take integer-valued JSON numbers (`1.0`, `179.0`): JSON Schema counts
//! them as integers, so a client generated from the OpenAPI document may send them; serde's
//! integer types refuse them. A fraction or a value outside the field's type is still refused (422).

use serde::de::Error;
use serde::{Deserialize, Deserializer};

fn convert<T: TryFrom<i64>, E: Error>(n: &serde_json::Number) -> Result<T, E> {
    let value = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Some(i),
        // Exactly representable integers only (|f| < 2^53).
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => Some(f as i64),
        _ => None,
    };
    value
        .and_then(|i| T::try_from(i).ok())
        .ok_or_else(|| E::custom(format!("{n} is not an integer in the field's range")))
}

/// `deserialize_with` for a required integer field.
pub fn whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    convert(&serde_json::Number::deserialize(d)?)
}

/// `deserialize_with` for an optional integer field (use with `#[serde(default)]`).
pub fn opt_whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?.as_ref().map(convert).transpose()
}

/// A `u32` written as `7` or `7.0`.
pub fn u32_field<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(d)
}

/// An optional `u32` written as `7` or `7.0` (or null).
pub fn opt_u32_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    opt_whole(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::u32_field")]
        port: u32,
        #[serde(default, deserialize_with = "super::opt_u32_field")]
        limit: Option<u32>,
    }

    #[test]
    fn given_whole_numbers_in_either_form_then_read_and_fractions_refused() {
        let b: Body = serde_json::from_str(r#"{"port": 1.0, "limit": 7}"#).unwrap();
        assert_eq!((b.port, b.limit), (1, Some(7)));
        let b: Body = serde_json::from_str(r#"{"port": 2, "limit": null}"#).unwrap();
        assert_eq!((b.port, b.limit), (2, None));
        assert!(serde_json::from_str::<Body>(r#"{"port": 1.5}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"port": -1}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"port": 4294967296}"#).is_err());
    }
}

#[cfg(test)]
mod generic_tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "super::whole")]
        n: i32,
        #[serde(default, deserialize_with = "super::opt_whole")]
        m: Option<u32>,
    }

    fn parse(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn given_integer_valued_numbers_when_parsed_then_taken_and_fractions_or_overflow_refused() {
        assert_eq!(parse(r#"{"n": 179.0, "m": 3}"#).unwrap(), Body { n: 179, m: Some(3) });
        assert_eq!(parse(r#"{"n": -2}"#).unwrap(), Body { n: -2, m: None });
        assert_eq!(parse(r#"{"n": 1, "m": null}"#).unwrap(), Body { n: 1, m: None });
        assert!(parse(r#"{"n": 1.5}"#).is_err());
        assert!(parse(r#"{"n": 3000000000}"#).is_err());
        assert!(parse(r#"{"n": 1, "m": -1}"#).is_err());
        assert!(parse(r#"{"n": "1"}"#).is_err());
    }
}
