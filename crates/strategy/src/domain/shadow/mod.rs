//! Shadow runs: a strategy replayed over a station's history with a simulated battery, and the
//! savings report against the baseline (history as it was). Pure: the ports are in `ports`.

pub mod battery;
pub mod ports;
pub mod replay;
pub mod report;
pub mod run;
pub mod slots;

#[cfg(test)]
mod replay_tests;
