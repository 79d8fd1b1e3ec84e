//! Pure domain model of masterdata: no I/O.

pub mod catalogue;
pub mod device;
pub mod edits;
pub mod error;
pub mod mapping;
pub mod provisioning;
pub mod repository;
pub mod station;
