//! Pure domain of the strategy context: parameters, inputs, decisions and ports.

pub mod decide;
pub mod decision;
pub mod error;
pub mod execution;
pub mod inputs;
pub mod params;
pub mod ports;
pub mod readings;
pub mod repository;
pub mod shadow;
pub mod strategy;
pub mod targets;
