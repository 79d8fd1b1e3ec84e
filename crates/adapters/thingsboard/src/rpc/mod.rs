//! Server-side RPC through ThingsBoard's REST API: a session that logs in and refreshes its
//! token before expiry, and the [`mgc_commands::DeviceAdapter`] that sends commands and maps
//! ThingsBoard's answers onto command outcomes.

pub mod client;
pub mod mapping;
pub mod session;
pub mod status;

pub use client::{ThingsBoardRpc, ThingsBoardSettings};
pub use mapping::map_rpc_answer;
