//! Meter values without floating point: OCPP 1.6 sends sampled values as decimal strings
//! (no multiplier), so they are parsed into an exact [`Decimal`] and scaled to integer Wh or W.
//!
//! Rounding, written down once: a value with more precision than the target unit (e.g.
//! `"1.2345"` kWh = 1234.5 Wh) is rounded to the nearest integer, halves away from zero
//! (1234.5 → 1235, −0.5 → −1). Values are otherwise exact (`"12345.678"` kWh = 12 345 678 Wh).

use crate::enums::UnitOfMeasure;
use mgc_kernel::Wh;
use std::fmt;

/// Most significant digits accepted (keeps every intermediate inside `i128`).
const MAX_DIGITS: usize = 30;
/// Largest decimal exponent accepted either way.
const MAX_EXPONENT: i32 = 20;

/// An exact decimal number: `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// Digits as an integer.
    pub mantissa: i128,
    /// Digits after the decimal point (may be negative for `1E3`-style values).
    pub scale: i32,
}

/// Why a sampled value could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeterValueError {
    /// The text is not a decimal number.
    #[error("'{0}' is not a decimal number")]
    NotDecimal(String),
    /// The number does not fit a 64-bit integer in the target unit.
    #[error("'{0}' is too large")]
    TooLarge(String),
    /// The unit is not one of energy (or power) this conversion takes.
    #[error("unit {unit} is not a unit of {quantity}")]
    WrongUnit {
        /// The unit given.
        unit: &'static str,
        /// What was expected (`energy`, `power`).
        quantity: &'static str,
    },
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}e{}", self.mantissa, -self.scale)
    }
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (surrounding ASCII spaces allowed) exactly.
pub fn parse_decimal(text: &str) -> Result<Decimal, MeterValueError> {
    let bad = || MeterValueError::NotDecimal(text.to_owned());
    let s = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (number, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().map_err(|_| bad())?),
        None => (s, 0),
    };
    if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&exponent) {
        return Err(bad());
    }
    let (negative, unsigned) = match number.as_bytes().first() {
        Some(b'-') => (true, &number[1..]),
        Some(b'+') => (false, &number[1..]),
        _ => (false, number),
    };
    let (int_part, frac_part) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
        return Err(bad());
    }
    let digits = format!("{int_part}{frac_part}");
    let significant = digits.trim_start_matches('0');
    if significant.len() > MAX_DIGITS {
        return Err(MeterValueError::TooLarge(text.to_owned()));
    }
    let magnitude: i128 = if significant.is_empty() { 0 } else { significant.parse().map_err(|_| bad())? };
    let frac_len = i32::try_from(frac_part.len()).map_err(|_| bad())?;
    Ok(Decimal { mantissa: if negative { -magnitude } else { magnitude }, scale: frac_len - exponent })
}

impl Decimal {
    /// The value × 10^`digits` as an integer, or an error when that needs rounding
    /// (used to check "multiple of 0.1" with `digits` = 1).
    pub fn to_scaled(self, digits: i32) -> Result<i64, MeterValueError> {
        let (value, exact) = self.scaled(digits)?;
        if exact {
            Ok(value)
        } else {
            Err(MeterValueError::NotDecimal(self.to_string()))
        }
    }

    /// The value × 10^`digits`, rounded half away from zero to an integer.
    pub fn to_rounded(self, digits: i32) -> Result<i64, MeterValueError> {
        self.scaled(digits).map(|(v, _)| v)
    }

    fn scaled(self, digits: i32) -> Result<(i64, bool), MeterValueError> {
        let too_large = || MeterValueError::TooLarge(self.to_string());
        let shift = digits - self.scale;
        let (value, exact) = if shift >= 0 {
            let factor = 10i128.checked_pow(u32::try_from(shift).map_err(|_| too_large())?).ok_or_else(too_large)?;
            (self.mantissa.checked_mul(factor).ok_or_else(too_large)?, true)
        } else {
            let divisor = 10i128.checked_pow(shift.unsigned_abs()).unwrap_or(i128::MAX);
            let quotient = self.mantissa / divisor;
            let remainder = self.mantissa % divisor;
            let round_away = remainder.unsigned_abs() * 2 >= divisor.unsigned_abs();
            let rounded = if round_away { quotient + self.mantissa.signum() } else { quotient };
            (rounded, remainder == 0)
        };
        Ok((i64::try_from(value).map_err(|_| too_large())?, exact))
    }
}

/// Converts an energy value (`Wh` when no unit is given, as OCPP defaults) into Wh.
pub fn energy_wh(value: &str, unit: Option<UnitOfMeasure>) -> Result<Wh, MeterValueError> {
    let digits = match unit.unwrap_or(UnitOfMeasure::Wh) {
        UnitOfMeasure::Wh => 0,
        UnitOfMeasure::KWh => 3,
        other => return Err(MeterValueError::WrongUnit { unit: other.as_str(), quantity: "energy" }),
    };
    parse_decimal(value)?.to_rounded(digits).map(Wh)
}

/// Converts a power value (`W` when no unit is given) into integer W.
pub fn power_w(value: &str, unit: Option<UnitOfMeasure>) -> Result<i64, MeterValueError> {
    let digits = match unit.unwrap_or(UnitOfMeasure::W) {
        UnitOfMeasure::W => 0,
        UnitOfMeasure::KW => 3,
        other => return Err(MeterValueError::WrongUnit { unit: other.as_str(), quantity: "power" }),
    };
    parse_decimal(value)?.to_rounded(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn given_decimal_strings_when_converted_to_wh_then_exact_or_rounded_half_away_from_zero() {
        let cases = [
            ("12345", Some(UnitOfMeasure::Wh), 12_345),
            ("12345", None, 12_345),
            ("12345.678", Some(UnitOfMeasure::KWh), 12_345_678),
            ("1.2345", Some(UnitOfMeasure::KWh), 1235),
            ("1.2344", Some(UnitOfMeasure::KWh), 1234),
            ("0.0005", Some(UnitOfMeasure::KWh), 1),
            ("-0.0005", Some(UnitOfMeasure::KWh), -1),
            ("99.5", None, 100),
            ("1e3", Some(UnitOfMeasure::KWh), 1_000_000),
            ("2.5E-1", Some(UnitOfMeasure::KWh), 250),
            (" 42 ", None, 42),
            ("+7.", None, 7),
            (".5", None, 1),
            ("000123.000", None, 123),
        ];
        for (text, unit, want) in cases {
            assert_eq!(energy_wh(text, unit), Ok(Wh(want)), "{text}");
        }
    }

    #[test]
    fn given_power_when_converted_then_integer_watts() {
        assert_eq!(power_w("11.04", Some(UnitOfMeasure::KW)), Ok(11_040));
        assert_eq!(power_w("7400.4", None), Ok(7400));
    }

    #[test]
    fn given_bad_values_when_converted_then_typed_errors() {
        for bad in ["", "-", ".", "1,5", "abc", "1.2.3", "1e", "1e999", "NaN", "0x10", "--1"] {
            assert!(matches!(energy_wh(bad, None), Err(MeterValueError::NotDecimal(_))), "{bad}");
        }
        assert!(matches!(energy_wh("9223372036854775808", None), Err(MeterValueError::TooLarge(_))));
        assert!(matches!(energy_wh("1e20", Some(UnitOfMeasure::KWh)), Err(MeterValueError::TooLarge(_))));
        assert_eq!(
            energy_wh("1", Some(UnitOfMeasure::W)),
            Err(MeterValueError::WrongUnit { unit: "W", quantity: "energy" })
        );
        assert!(matches!(power_w("1", Some(UnitOfMeasure::KWh)), Err(MeterValueError::WrongUnit { .. })));
    }

    #[test]
    fn given_tenths_check_then_only_multiples_of_a_tenth_pass() {
        assert_eq!(parse_decimal("16.5").unwrap().to_scaled(1), Ok(165));
        assert_eq!(parse_decimal("16.50").unwrap().to_scaled(1), Ok(165));
        assert!(parse_decimal("16.55").unwrap().to_scaled(1).is_err());
    }

    proptest! {
        #[test]
        fn any_string_never_panics(s in ".{0,40}") {
            let _ = energy_wh(&s, Some(UnitOfMeasure::KWh));
            let _ = power_w(&s, None);
        }

        #[test]
        fn integer_kwh_with_three_decimals_is_exact(whole in 0i64..1_000_000_000, milli in 0i64..1000) {
            let text = format!("{whole}.{milli:03}");
            prop_assert_eq!(energy_wh(&text, Some(UnitOfMeasure::KWh)), Ok(Wh(whole * 1000 + milli)));
        }
    }
}
