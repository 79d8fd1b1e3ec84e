//! Integer division rounded half-to-even.

/// `num / den` rounded to the nearest integer, ties to the even integer (banker's rounding).
///
/// `den` must be positive. It is correct for negative `num` (the rule is symmetric:
/// -2.5 → -2, -3.5 → -4). It never panics: a negative `den` is handled by negating both
/// operands (saturating), and `den == 0` saturates to `i128::MAX` / `i128::MIN` / `0`
/// by the sign of `num`, since there is no sensible quotient.
#[must_use]
pub fn div_round_half_even(num: i128, den: i128) -> i128 {
    if den == 0 {
        return match num.signum() {
            1 => i128::MAX,
            -1 => i128::MIN,
            _ => 0,
        };
    }
    if den < 0 {
        return div_round_half_even(num.saturating_neg(), den.saturating_neg());
    }
    // den > 0: floor quotient and a remainder in [0, den).
    let quotient = num.div_euclid(den);
    let remainder = num.rem_euclid(den);
    let rest = den - remainder; // distance to the next integer, in (0, den]
    let round_up = remainder > rest || (remainder == rest && quotient.rem_euclid(2) == 1);
    if round_up {
        // quotient < i128::MAX here: quotient == MAX needs den == 1, so remainder == 0.
        quotient.saturating_add(1)
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_exact_halves_when_rounded_then_to_even() {
        assert_eq!(div_round_half_even(1, 2), 0);
        assert_eq!(div_round_half_even(3, 2), 2);
        assert_eq!(div_round_half_even(5, 2), 2);
        assert_eq!(div_round_half_even(7, 2), 4);
        assert_eq!(div_round_half_even(-1, 2), 0);
        assert_eq!(div_round_half_even(-3, 2), -2);
        assert_eq!(div_round_half_even(-5, 2), -2);
        assert_eq!(div_round_half_even(-7, 2), -4);
    }

    #[test]
    fn given_non_halves_when_rounded_then_nearest() {
        assert_eq!(div_round_half_even(10, 4), 2); // 2.5 -> 2
        assert_eq!(div_round_half_even(11, 4), 3); // 2.75 -> 3
        assert_eq!(div_round_half_even(9, 4), 2); // 2.25 -> 2
        assert_eq!(div_round_half_even(-9, 4), -2);
        assert_eq!(div_round_half_even(-11, 4), -3);
        assert_eq!(div_round_half_even(6, 3), 2);
        assert_eq!(div_round_half_even(0, 7), 0);
    }

    #[test]
    fn given_extreme_operands_then_no_panic() {
        assert_eq!(div_round_half_even(i128::MAX, 1), i128::MAX);
        assert_eq!(div_round_half_even(i128::MIN, 1), i128::MIN);
        assert_eq!(div_round_half_even(i128::MAX, i128::MAX), 1);
        assert_eq!(div_round_half_even(i128::MIN, i128::MAX), -1);
        assert_eq!(div_round_half_even(5, 0), i128::MAX);
        assert_eq!(div_round_half_even(-5, 0), i128::MIN);
        assert_eq!(div_round_half_even(5, -2), -2); // -2.5 -> -2
        assert_eq!(div_round_half_even(-7, -2), 4); // 3.5 -> 4
        assert_eq!(div_round_half_even(i128::MIN, -1), i128::MAX);
    }
}
