//! Commands to charge points: the [`OcppCommandAdapter`] the commands context sends through,
//! the actions it carries ([`actions`]) and how their answers map onto command outcomes.

pub mod actions;
mod adapter;
pub mod outcome;
mod stop_trail;

pub use adapter::OcppCommandAdapter;
pub use stop_trail::{ChargingStopTrail, StopTrail};
