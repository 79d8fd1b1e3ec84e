//! Shared kernel of microgrid-cloud: identifiers, tenants, clocks, energy units,
//! money and station-local calendar windows.
//!
//! The crate is pure: no I/O, no `unsafe`, and no panics on any input.

#![warn(missing_docs)]

pub mod clock;
pub mod error;
pub mod ids;
pub mod money;
pub mod page;
pub mod scope;
pub mod tenant;
pub mod ttl_cache;
pub mod units;
pub mod utc_text;
pub mod window;

/// Re-exported so that [`define_id!`] expands to `$crate::uuid::Uuid` in other crates.
pub use uuid;

/// Re-exported so that [`define_id!`] can implement serde traits in other crates.
#[doc(hidden)]
pub use serde;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use error::{KernelError, RepoError};
pub use ids::*;
pub use money::{Currency, Money, PricePerKwh};
pub use scope::Scope;
pub use tenant::TenantId;
pub use ttl_cache::TtlCache;
pub use units::Wh;
pub use window::{Granularity, StationTz, Window};
