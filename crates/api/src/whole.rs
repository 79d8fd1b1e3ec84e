//! Integer body fields that also take an integer-valued JSON number such as `179.0`: JSON Schema
//! (and so the OpenAPI document) counts it as an integer, serde's integer types refuse it. A
//! fraction or a value outside the field's type is still refused (422).

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

#[cfg(test)]
mod tests {
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
