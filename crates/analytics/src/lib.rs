//! Analytics context: energy statistics of stations and devices in the station's time zone.
//!
//! * [`domain`]: pure computation — time-weighted point statistics, energy from power
//!   (trapezoid, never across a gap longer than the maximum) and from cumulative meters
//!   (non-negative differences, resets and rollovers), coverage and data-quality reasons,
//!   station flows, 15-minute slots, day/month/year roll-ups, the closing cursor.
//! * [`app`]: closing windows (scheduler and manual), late data and recompute jobs, the
//!   `TelemetryReceived` consumer — all behind the repository traits in [`domain::repository`].

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::config::AnalyticsConfig;
pub use domain::repository::{AnalyticsQueries, AnalyticsRepository};
