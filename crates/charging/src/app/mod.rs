//! Application services of charging: one per charge-point → CSMS message, the connection
//! services, and the management of id tags. Each takes a unit of work by value and commits it.

mod arrival;
pub mod authorize;
pub mod boot;
pub mod connection;
pub mod credentials;
pub mod device_reports;
mod events;
pub mod heartbeat;
pub mod id_tags;
mod link;
pub mod meter_values;
mod persist;
pub mod registration;
pub mod start;
pub mod stats;
pub mod status;
pub mod steps;
pub mod stop;
#[cfg(test)]
mod tests;
pub mod timeline_sweep;
mod trail;
