//! ISO-4217 currency codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::KernelError;

/// A syntactically valid ISO-4217 currency code (three uppercase ASCII letters).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Chinese yuan renminbi.
    pub const CNY: Currency = Currency(*b"CNY");
    /// United States dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// Euro.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Accepts exactly three uppercase ASCII letters, e.g. `"CNY"`.
    pub fn parse(s: &str) -> Result<Currency, KernelError> {
        match s.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(KernelError::InvalidCurrency { value: s.to_owned() }),
        }
    }

    /// The three-letter code.
    #[must_use]
    pub fn code(&self) -> &str {
        // Always ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Number of decimal digits of the minor unit (2 for CNY: 1 yuan = 100 fen).
    #[must_use]
    pub fn minor_unit_exponent(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"VND" | b"CLP" | b"ISK" | b"UGX" | b"XAF" | b"XOF" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" | b"IQD" | b"LYD" => 3,
            _ => 2,
        }
    }

    /// `10^minor_unit_exponent`: minor units per major unit.
    #[must_use]
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(self.minor_unit_exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = KernelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Currency::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_codes_when_parsed_then_only_three_uppercase_letters() {
        assert_eq!(Currency::parse("CNY"), Ok(Currency::CNY));
        assert_eq!(Currency::parse("USD").unwrap().code(), "USD");
        for bad in ["cny", "CN", "CNYY", "", "C1Y", "ÄBC", "CN "] {
            assert_eq!(Currency::parse(bad), Err(KernelError::InvalidCurrency { value: bad.to_owned() }));
        }
    }

    #[test]
    fn given_currencies_then_minor_unit_exponents() {
        assert_eq!(Currency::CNY.minor_unit_exponent(), 2);
        assert_eq!(Currency::EUR.minor_unit_exponent(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().minor_unit_exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_unit_exponent(), 3);
        assert_eq!(Currency::parse("KWD").unwrap().minor_per_major(), 1000);
    }

    #[test]
    fn given_currency_when_serialized_then_code_string() {
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        assert_eq!(serde_json::from_str::<Currency>("\"USD\"").unwrap(), Currency::USD);
        assert!(serde_json::from_str::<Currency>("\"usd\"").is_err());
        assert_eq!(format!("{:?}", Currency::CNY), "Currency(CNY)");
    }
}
