//! Pure domain of alarms: rules, conditions, evaluation, the alarm aggregate, channels, ports.

pub mod alarm;
pub mod channel;
pub mod comment;
pub mod condition;
pub mod delivery;
pub mod derived;
#[cfg(test)]
mod derived_tests;
pub mod error;
pub mod evaluation;
#[cfg(test)]
mod evaluation_tests;
pub mod ports;
pub mod rule;
pub mod schedule;
pub mod severity;
pub mod template;
