//! Pure analytics: no I/O, no clock; every function is a calculation over its inputs.

pub mod carry;
pub mod flows;
pub mod hour;
pub mod integrate;
pub mod meter;
pub mod point_stats;
pub mod repository;
pub mod rollup;
pub mod samples;
pub mod slots;
pub mod statistic;
pub mod tracking;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_exactness;
