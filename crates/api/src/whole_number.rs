//! Integer fields that also take integer-valued JSON numbers (`1.0`): JSON Schema counts them as
//! integers, so a client generated from the OpenAPI document may send them.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Whole(u64),
    Float(f64),
}

fn to_u32<E: serde::de::Error>(n: Number) -> Result<u32, E> {
    let whole = match n {
        Number::Whole(w) => Some(w),
        Number::Float(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => Some(f as u64),
        Number::Float(_) => None,
    };
    whole
        .and_then(|w| u32::try_from(w).ok())
        .ok_or_else(|| E::custom(format!("expected a whole number from 0 to {}", u32::MAX)))
}

/// A `u32` written as `7` or `7.0`.
pub fn u32_field<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    to_u32(Number::deserialize(d)?)
}

/// An optional `u32` written as `7` or `7.0` (or null).
pub fn opt_u32_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<Number>::deserialize(d)?.map(to_u32).transpose()
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
