//! Pure domain of commands: state machine, aggregate, rules, settings, ports.

pub mod adapter;
pub mod command;
#[cfg(test)]
mod command_tests;
pub mod connections;
pub mod early;
pub mod error;
pub mod ports;
pub mod remote;
pub mod rules;
pub mod settings;
pub mod state;
