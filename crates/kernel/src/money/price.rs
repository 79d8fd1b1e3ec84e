//! Energy prices per kWh, exact to 1/10000 of the minor unit.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{div_round_half_even, Currency, Money};
use crate::error::KernelError;
use crate::units::Wh;

/// Price-scale digits below the minor unit: prices are in 1/10000 of a minor unit.
const SUB_MINOR_DIGITS: u32 = 4;

/// Watt-hours per kWh times sub-minor units per minor unit.
const AMOUNT_DENOMINATOR: i128 = 1000 * 10_000;

/// A price per kWh in 1/10000 of the minor unit (0.8532 CNY/kWh = 853_200); may be negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PricePerKwh {
    /// Price per kWh in ten-thousandths of the currency's minor unit.
    pub ten_thousandths: i64,
    /// The currency.
    pub currency: Currency,
}

impl PricePerKwh {
    /// A price of `ten_thousandths` of a minor unit of `currency` per kWh.
    #[must_use]
    pub const fn new(ten_thousandths: i64, currency: Currency) -> PricePerKwh {
        PricePerKwh { ten_thousandths, currency }
    }

    /// The charge for `energy`, rounded once, half-to-even, to a whole minor unit.
    pub fn amount_for(&self, energy: Wh) -> Result<Money, KernelError> {
        let exact = i128::from(energy.0) * i128::from(self.ten_thousandths);
        let minor = div_round_half_even(exact, AMOUNT_DENOMINATOR);
        i64::try_from(minor).map(|minor| Money::new(minor, self.currency)).map_err(|_| KernelError::Overflow)
    }

    /// Parses a decimal number of major units per kWh (`"0.8532"`, `"-0.1"`) without floats.
    ///
    /// Accepts an optional sign, at least one integer digit and an optional `.` followed by
    /// at least one digit. Trailing fractional zeros are ignored; any other digit beyond
    /// `minor_unit_exponent + 4` decimal places (6 for CNY) is rejected.
    pub fn parse_decimal(s: &str, currency: Currency) -> Result<PricePerKwh, KernelError> {
        let reject = |reason: String| KernelError::InvalidPrice { value: s.to_owned(), reason };
        let (negative, unsigned) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (unsigned, None),
        };
        let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(int_part) || !frac_part.is_none_or(is_digits) {
            return Err(reject("not a decimal number (expected e.g. \"0.8532\" or \"-0.1\")".to_owned()));
        }
        let places = currency.minor_unit_exponent() + SUB_MINOR_DIGITS;
        let frac = frac_part.unwrap_or("").trim_end_matches('0');
        if frac.len() > places as usize {
            return Err(reject(format!(
                "more than {places} decimal places; {currency} prices are exact to 1/10000 of the minor unit"
            )));
        }
        let out_of_range = || reject("out of range".to_owned());
        let mut magnitude: i128 = 0;
        for digit in int_part.bytes().chain(frac.bytes()) {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(digit - b'0')))
                .ok_or_else(out_of_range)?;
        }
        let missing_places = places - frac.len() as u32;
        magnitude = magnitude.checked_mul(10_i128.pow(missing_places)).ok_or_else(out_of_range)?;
        let signed = if negative { -magnitude } else { magnitude };
        let ten_thousandths = i64::try_from(signed).map_err(|_| out_of_range())?;
        Ok(PricePerKwh::new(ten_thousandths, currency))
    }
}

impl fmt::Display for PricePerKwh {
    /// Major units per kWh without trailing zeros beyond the minor unit: `"0.8532 CNY/kWh"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let min_places = self.currency.minor_unit_exponent() as usize;
        let places = min_places + SUB_MINOR_DIGITS as usize;
        let scale = 10_u64.pow(places as u32);
        let sign = if self.ten_thousandths < 0 { "-" } else { "" };
        let abs = self.ten_thousandths.unsigned_abs();
        let frac = format!("{:0places$}", abs % scale);
        let kept = frac.trim_end_matches('0').len().max(min_places);
        let int = abs / scale;
        if kept == 0 {
            write!(f, "{sign}{int} {}/kWh", self.currency)
        } else {
            write!(f, "{sign}{int}.{} {}/kWh", &frac[..kept], self.currency)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny_price(s: &str) -> PricePerKwh {
        PricePerKwh::parse_decimal(s, Currency::CNY).unwrap()
    }

    fn reason(s: &str) -> String {
        match PricePerKwh::parse_decimal(s, Currency::CNY) {
            Err(KernelError::InvalidPrice { value, reason }) => {
                assert_eq!(value, s);
                reason
            }
            other => panic!("expected InvalidPrice for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn given_1234_wh_at_0_8532_when_charged_then_105_fen() {
        // 1234 * 853_200 / 10^7 = 105.28... -> 105
        let amount = cny_price("0.8532").amount_for(Wh(1234)).unwrap();
        assert_eq!(amount, Money::new(105, Currency::CNY));
    }

    #[test]
    fn given_exact_half_results_when_charged_then_banker_rounding() {
        // 1 Wh at 5_000_000 ten-thousandths/kWh = 0.5 minor units, and so on.
        let cases = [(1, 0), (3, 2), (5, 2), (7, 4), (-5, -2), (-3, -2), (-1, 0)];
        for (wh, expected) in cases {
            let price = PricePerKwh::new(5_000_000, Currency::CNY);
            assert_eq!(price.amount_for(Wh(wh)).unwrap().minor, expected, "{wh} Wh");
        }
    }

    #[test]
    fn given_negative_price_when_charged_then_negative_amount() {
        let price = cny_price("-0.1");
        assert_eq!(price.ten_thousandths, -100_000);
        assert_eq!(price.amount_for(Wh(10_000)).unwrap().minor, -100);
    }

    #[test]
    fn given_huge_energy_and_price_when_charged_then_overflow() {
        let price = PricePerKwh::new(i64::MAX, Currency::CNY);
        assert_eq!(price.amount_for(Wh(i64::MAX)), Err(KernelError::Overflow));
        assert_eq!(price.amount_for(Wh(i64::MIN)), Err(KernelError::Overflow));
        assert!(price.amount_for(Wh(1_000)).is_ok());
    }

    #[test]
    fn given_decimal_strings_when_parsed_then_exact_ten_thousandths() {
        assert_eq!(cny_price("0.8532").ten_thousandths, 853_200);
        assert_eq!(cny_price("0.85321").ten_thousandths, 853_210);
        assert_eq!(cny_price("0.853215").ten_thousandths, 853_215);
        assert_eq!(cny_price("0.85321500000").ten_thousandths, 853_215);
        assert_eq!(cny_price("+1").ten_thousandths, 1_000_000);
        assert_eq!(cny_price("-0").ten_thousandths, 0);
        let jpy = Currency::parse("JPY").unwrap();
        let p = PricePerKwh::parse_decimal("25.1234", jpy).unwrap();
        assert_eq!(p.ten_thousandths, 251_234);
    }

    #[test]
    fn given_too_precise_price_when_parsed_then_rejected() {
        assert!(reason("0.8532101").contains("more than 6 decimal places"));
        let jpy = Currency::parse("JPY").unwrap();
        assert!(PricePerKwh::parse_decimal("0.85321", jpy).is_err());
    }

    #[test]
    fn given_malformed_price_when_parsed_then_rejected() {
        for bad in ["abc", "", "-", ".5", "1.", "1.2.3", "1e3", " 1", "0,85", "--1", "1_0"] {
            assert!(reason(bad).contains("not a decimal number"), "{bad:?}");
        }
        assert!(reason("99999999999999").contains("out of range"));
        assert!(reason(&"9".repeat(60)).contains("out of range"));
    }

    #[test]
    fn given_prices_when_displayed_then_major_units() {
        assert_eq!(cny_price("0.8532").to_string(), "0.8532 CNY/kWh");
        assert_eq!(cny_price("1").to_string(), "1.00 CNY/kWh");
        assert_eq!(cny_price("-0.1").to_string(), "-0.10 CNY/kWh");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(PricePerKwh::new(250_000, jpy).to_string(), "25 JPY/kWh");
        assert_eq!(PricePerKwh::new(255_000, jpy).to_string(), "25.5 JPY/kWh");
    }

    #[test]
    fn given_price_when_serialized_then_fields() {
        let json = serde_json::to_string(&cny_price("0.8532")).unwrap();
        assert_eq!(json, r#"{"ten_thousandths":853200,"currency":"CNY"}"#);
    }
}
