//! Command and query handlers of the strategy context; each takes the ports it needs.

pub mod shadow_run;
