//! Versioned REST resources under `/api/v1`.

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod dead_letters;
pub mod ingest;
pub mod integrations;
pub mod masterdata;
pub mod masterdata_edit;
pub mod me;
pub mod remap;
pub mod settlements;
pub mod statements;
pub mod tariffs;
pub mod telemetry;
