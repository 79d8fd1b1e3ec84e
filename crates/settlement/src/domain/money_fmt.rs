//! Exact decimal renderings of integer amounts (no floats): for exports and documents.

use mgc_kernel::Currency;

/// `minor` units of `currency` as decimal major units: `1234` CNY → `"12.34"`, `-5` → `"-0.05"`.
#[must_use]
pub fn major_units(minor: i64, currency: Currency) -> String {
    decimal(i128::from(minor), currency.minor_unit_exponent() as usize, currency.minor_unit_exponent() as usize)
}

/// A price in 1/10000 of the minor unit per kWh as decimal major units, trailing zeros trimmed
/// down to the minor unit: `853_200` CNY → `"0.8532"`, `1_000_000` → `"1.00"`.
#[must_use]
pub fn price_units(ten_thousandths: i64, currency: Currency) -> String {
    let places = currency.minor_unit_exponent() as usize + 4;
    decimal(i128::from(ten_thousandths), places, currency.minor_unit_exponent() as usize)
}

fn decimal(value: i128, places: usize, min_places: usize) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let scale = 10_u128.pow(places as u32);
    let frac = format!("{:0places$}", abs % scale);
    let kept = frac.trim_end_matches('0').len().max(min_places);
    if kept == 0 {
        format!("{sign}{}", abs / scale)
    } else {
        format!("{sign}{}.{}", abs / scale, &frac[..kept])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_minor_amounts_when_rendered_then_exact_major_units() {
        assert_eq!(major_units(1234, Currency::CNY), "12.34");
        assert_eq!(major_units(-5, Currency::CNY), "-0.05");
        assert_eq!(major_units(0, Currency::EUR), "0.00");
        assert_eq!(major_units(i64::MIN, Currency::CNY), "-92233720368547758.08");
        assert_eq!(major_units(1500, Currency::parse("JPY").unwrap()), "1500");
    }

    #[test]
    fn given_prices_when_rendered_then_trimmed_to_minor_unit() {
        assert_eq!(price_units(853_200, Currency::CNY), "0.8532");
        assert_eq!(price_units(1_000_000, Currency::CNY), "1.00");
        assert_eq!(price_units(853_215, Currency::CNY), "0.853215");
        assert_eq!(price_units(-100_000, Currency::CNY), "-0.10");
    }
}
