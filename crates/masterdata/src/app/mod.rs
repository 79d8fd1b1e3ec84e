//! Command handlers of the masterdata context.

pub mod edit;
pub mod ensure;
pub mod provision;
