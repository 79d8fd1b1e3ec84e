//! Command and query handlers of the strategy context; each takes the ports it needs.

pub mod command_outcomes;
pub mod manage;
pub mod scheduler;
pub mod shadow_run;
pub mod shadow_strategy;
