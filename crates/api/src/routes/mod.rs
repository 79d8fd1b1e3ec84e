//! Versioned REST resources under `/api/v1`.

pub mod api_keys;
pub mod audit;
pub mod dead_letters;
pub mod me;
