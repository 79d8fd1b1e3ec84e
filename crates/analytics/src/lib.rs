//! Analytics context: energy statistics of stations and devices in the station's time zone.
//!
//! * [`domain`]: pure computation — time-weighted point statistics, energy from power
//!   (trapezoid, never across a gap longer than the maximum) and from cumulative meters
//!   (non-negative differences, resets and rollovers), coverage and data-quality reasons,
//!   station flows, 15-minute slots, day/month/year roll-ups, the closing cursor.
//! * [`app`]: closing windows (scheduler and manual), late data and recompute jobs, the
//!   `TelemetryReceived` consumer — all behind the repository traits in [`domain::repository`].
//!
//! # A window's energy from power or from a counter
//!
//! The pure functions need no database: [`domain::integrate::integrate_power`] integrates
//! power samples (W) by trapezoids, [`domain::meter::integrate_meter`] spreads the increments of
//! a cumulative meter (Wh, resets and rollovers handled); both per 15-minute slot of the window
//! ([`domain::slots::quarter_slots`]).
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use mgc_analytics::domain::integrate::{integrate_power, PowerPart};
//! use mgc_analytics::domain::meter::integrate_meter;
//! use mgc_analytics::domain::samples::Sample;
//! use mgc_analytics::domain::slots::quarter_slots;
//! use mgc_kernel::Window;
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
//! let at = |minutes: i64| t0 + Duration::minutes(minutes);
//! let hour = Window { start: t0, end: at(60) };
//! let slots = quarter_slots(&hour);
//! assert_eq!(slots.len(), 4);
//!
//! // Power ramps from 0 to 8 kW over the first half hour, then holds.
//! let power: Vec<Sample> =
//!     [(0, 0.0), (15, 4000.0), (30, 8000.0), (45, 8000.0), (60, 8000.0)].map(|(m, w)| Sample::new(at(m), w)).to_vec();
//! let from_power = integrate_power(&power, &slots, Duration::minutes(15), PowerPart::Positive);
//! assert_eq!(from_power.slot_wh, [500.0, 1500.0, 2000.0, 2000.0]);
//! assert!(from_power.uncovered.is_empty());
//!
//! // A counter: +400 Wh in half an hour, then the meter restarts from zero (reset: the
//! // new reading counts), +200 Wh more.
//! let counter: Vec<Sample> = [(0, 1000.0), (30, 1400.0), (45, 100.0), (60, 300.0)].map(|(m, wh)| Sample::new(at(m), wh)).to_vec();
//! let from_meter = integrate_meter(&counter, &slots, Duration::minutes(30), None, None);
//! assert_eq!(from_meter.slot_wh, [200.0, 200.0, 100.0, 200.0]);
//! assert_eq!(from_meter.slot_wh.iter().sum::<f64>(), 700.0);
//! ```

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::config::AnalyticsConfig;
pub use domain::repository::{AnalyticsQueries, AnalyticsRepository};
