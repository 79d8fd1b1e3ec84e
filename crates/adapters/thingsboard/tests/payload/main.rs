//! Behaviour of `parse_thingsboard` through the public API: shapes, errors, values and robustness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod fuzz;
mod shapes;
mod support;
mod values;
