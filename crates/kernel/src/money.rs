//! Exact money arithmetic: ISO-4217 currencies, integer amounts in minor units and
//! per-kWh prices in ten-thousandths of a minor unit.
//!
//! # Rounding rule
//!
//! A price is stored as an integer number of 1/10000 of the currency's minor unit
//! (0.8532 CNY/kWh = 85.32 fen/kWh = 853_200). Charging energy is computed with exact
//! `i128` integer math, `energy_wh * ten_thousandths / (1000 * 10000)`, and rounded
//! exactly **once** to a whole minor unit with round-half-to-even (banker's rounding,
//! see [`div_round_half_even`]): a result exactly halfway between two minor units goes
//! to the even one (0.5 → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2), everything else goes to the
//! nearest. Results that do not fit `i64` are [`KernelError::Overflow`](crate::KernelError::Overflow).

mod amount;
mod currency;
mod price;
mod rounding;

pub use amount::Money;
pub use currency::Currency;
pub use price::PricePerKwh;
pub use rounding::div_round_half_even;
