//! Commands to charge points: the [`OcppCommandAdapter`] the commands context sends through,
//! the actions it carries ([`actions`]) and how their answers map onto command outcomes.

pub mod actions;
mod adapter;
pub mod outcome;

pub use adapter::OcppCommandAdapter;
