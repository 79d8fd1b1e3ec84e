//! Pure settlement domain: values, invariants and the ports the store implements.

pub mod error;
pub mod figures;
pub mod ids;
pub mod listing;
pub mod money_fmt;
pub mod ports;
pub mod pricing;
pub mod schedule;
pub mod settlement;
pub mod statement;
pub mod tariff;
pub mod version_hash;
