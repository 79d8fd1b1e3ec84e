//! Pure domain of charging: aggregates, value objects, the session state machine, settings and ports.

pub mod charge_point;
pub mod command_stats;
pub mod connector;
pub mod device_report;
pub mod error;
pub mod id_tag;
pub mod ids;
pub mod local_list;
pub mod meter;
mod named;
pub mod password;
pub mod ports;
pub mod queries;
pub mod session;
#[cfg(test)]
mod session_proptests;
pub mod session_state;
#[cfg(test)]
mod session_tests;
pub mod settings;
pub mod stats;
pub mod stats_queries;
#[cfg(test)]
mod stats_tests;
pub mod timeline;
pub mod timeline_ports;
#[cfg(test)]
mod timeline_tests;
pub mod unmatched_stop;
pub mod utilisation;
