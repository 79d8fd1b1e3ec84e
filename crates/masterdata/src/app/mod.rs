//! Command handlers of the masterdata context.

pub mod provision;
