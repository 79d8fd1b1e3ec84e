//! Physical units: energy in integer watt-hours (power stays a plain number of its semantic point).
//!
//! Sign convention: energy is signed and the meaning of the sign (import vs
//! export, charge vs discharge, ...) is defined per semantic point by the telemetry
//! catalogue, not here.
//!
//! Energy is an exact integer because it is billed; the `+`, `-` and unary `-`
//! operators on [`Wh`] saturate at the `i64` range instead of panicking or wrapping.
//! Use [`Wh::checked_add`] / [`Wh::checked_sub`] where overflow must be detected.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// Energy in watt-hours; sign convention is defined per semantic point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wh(pub i64);

impl Wh {
    /// Zero energy.
    pub const ZERO: Wh = Wh(0);

    /// Sum, or `None` on `i64` overflow.
    #[must_use]
    pub fn checked_add(self, rhs: Wh) -> Option<Wh> {
        self.0.checked_add(rhs.0).map(Wh)
    }

    /// Difference, or `None` on `i64` overflow.
    #[must_use]
    pub fn checked_sub(self, rhs: Wh) -> Option<Wh> {
        self.0.checked_sub(rhs.0).map(Wh)
    }

    /// Kilowatt-hours as a float, for display only (never for billing).
    #[must_use]
    pub fn kwh_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl Add for Wh {
    type Output = Wh;

    fn add(self, rhs: Wh) -> Wh {
        Wh(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Wh {
    type Output = Wh;

    fn sub(self, rhs: Wh) -> Wh {
        Wh(self.0.saturating_sub(rhs.0))
    }
}

impl AddAssign for Wh {
    fn add_assign(&mut self, rhs: Wh) {
        *self = *self + rhs;
    }
}

impl SubAssign for Wh {
    fn sub_assign(&mut self, rhs: Wh) {
        *self = *self - rhs;
    }
}

impl Neg for Wh {
    type Output = Wh;

    fn neg(self) -> Wh {
        Wh(self.0.saturating_neg())
    }
}

impl Sum for Wh {
    fn sum<I: Iterator<Item = Wh>>(iter: I) -> Wh {
        iter.fold(Wh::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Wh> for Wh {
    fn sum<I: Iterator<Item = &'a Wh>>(iter: I) -> Wh {
        iter.copied().sum()
    }
}

impl fmt::Display for Wh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Wh", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_energies_when_added_and_subtracted_then_exact() {
        let mut e = Wh(1500) + Wh(250) - Wh(750);
        assert_eq!(e, Wh(1000));
        e += Wh(5);
        e -= Wh(10);
        assert_eq!(e, Wh(995));
        assert_eq!(-e, Wh(-995));
        assert_eq!(Wh(1234).kwh_f64(), 1.234);
    }

    #[test]
    fn given_energies_when_summed_then_total() {
        let v = [Wh(1), Wh(2), Wh(-4)];
        assert_eq!(v.iter().sum::<Wh>(), Wh(-1));
        assert_eq!(v.into_iter().sum::<Wh>(), Wh(-1));
        assert_eq!(std::iter::empty::<Wh>().sum::<Wh>(), Wh::ZERO);
    }

    #[test]
    fn given_overflow_when_checked_then_none_and_operators_saturate() {
        assert_eq!(Wh(i64::MAX).checked_add(Wh(1)), None);
        assert_eq!(Wh(i64::MIN).checked_sub(Wh(1)), None);
        assert_eq!(Wh(1).checked_sub(Wh(3)), Some(Wh(-2)));
        assert_eq!(Wh(i64::MAX) + Wh(1), Wh(i64::MAX));
        assert_eq!(-Wh(i64::MIN), Wh(i64::MAX));
    }

    #[test]
    fn given_units_when_serialized_then_bare_numbers() {
        assert_eq!(serde_json::to_string(&Wh(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<Wh>("12").unwrap(), Wh(12));
    }
}
