//! Money amounts in integer minor units.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Currency;
use crate::error::KernelError;

/// An exact amount of money: `minor` units (e.g. fen, cents) of `currency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the currency's minor unit (may be negative).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// `minor` units of `currency`.
    #[must_use]
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    #[must_use]
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Sum of two amounts of the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, KernelError> {
        self.same_currency(other)?;
        self.minor.checked_add(other.minor).map(|minor| Money::new(minor, self.currency)).ok_or(KernelError::Overflow)
    }

    /// Difference of two amounts of the same currency.
    pub fn checked_sub(self, other: Money) -> Result<Money, KernelError> {
        self.same_currency(other)?;
        self.minor.checked_sub(other.minor).map(|minor| Money::new(minor, self.currency)).ok_or(KernelError::Overflow)
    }

    fn same_currency(self, other: Money) -> Result<(), KernelError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(KernelError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }
}

impl fmt::Display for Money {
    /// Major units with the currency's decimals, then the code: `"12.34 CNY"`, `"-0.05 USD"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_unit_exponent() as usize;
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10_u64.pow(digits as u32);
        write!(f, "{sign}{}.{:0digits$} {}", abs / scale, abs % scale, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::CNY)
    }

    #[test]
    fn given_same_currency_when_added_then_sum() {
        assert_eq!(cny(1050).checked_add(cny(-50)), Ok(cny(1000)));
        assert_eq!(cny(5).checked_sub(cny(7)), Ok(cny(-2)));
        assert_eq!(Money::zero(Currency::CNY).checked_add(cny(1)), Ok(cny(1)));
    }

    #[test]
    fn given_different_currencies_when_added_then_mismatch() {
        assert_eq!(
            cny(1).checked_add(Money::new(1, Currency::USD)),
            Err(KernelError::CurrencyMismatch { left: Currency::CNY, right: Currency::USD })
        );
    }

    #[test]
    fn given_max_when_added_then_overflow() {
        assert_eq!(cny(i64::MAX).checked_add(cny(1)), Err(KernelError::Overflow));
        assert_eq!(cny(i64::MIN).checked_sub(cny(1)), Err(KernelError::Overflow));
    }

    #[test]
    fn given_amounts_when_displayed_then_major_units_and_code() {
        assert_eq!(cny(1234).to_string(), "12.34 CNY");
        assert_eq!(cny(-5).to_string(), "-0.05 CNY");
        assert_eq!(cny(0).to_string(), "0.00 CNY");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::new(-1500, jpy).to_string(), "-1500 JPY");
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(Money::new(1005, kwd).to_string(), "1.005 KWD");
        assert_eq!(cny(i64::MIN).to_string(), "-92233720368547758.08 CNY");
    }

    #[test]
    fn given_money_when_serialized_then_minor_and_currency_fields() {
        let json = serde_json::to_string(&cny(1234)).unwrap();
        assert_eq!(json, r#"{"minor":1234,"currency":"CNY"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), cny(1234));
    }
}
