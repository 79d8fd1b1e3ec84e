//! Application services of analytics: closing windows, late data, recompute jobs.

pub mod close;
pub mod config;
mod hours;
pub mod late_data;
pub mod recompute;
pub mod scheduler;
pub mod windows;
