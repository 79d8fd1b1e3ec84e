//! Bodies of `/api/third/v1/devices/{id}/params` and `/params/read`: a pile's configuration as
//! last read (`mgc_platform::PileConfiguration`) and the keys a fresh read asks for.

use mgc_platform::{ConfigurationKey, PileConfiguration};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// Most keys one read asks for.
pub const MAX_READ_KEYS: usize = 100;

/// 0 to 100 configuration keys, each 1–50 printable ASCII characters.
fn key_names() -> RefOr<Schema> {
    let key = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(50))
        .pattern(Some("^[ -~]{1,50}$"));
    ArrayBuilder::new().items(key).max_items(Some(MAX_READ_KEYS)).into()
}

/// Body of `POST /api/third/v1/devices/{id}/params/read` (may be left out, or `null`: every key).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadParamsBody {
    /// Keys to read (up to 100, each 1–50 printable ASCII characters); left out or empty: every key.
    #[schema(schema_with = key_names, required = false)]
    #[serde(default)]
    pub keys: Vec<String>,
}

/// One configuration key as the pile reported it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigurationKeyView {
    /// The key (e.g. `HeartbeatInterval`).
    pub key: String,
    /// Its value (null when the pile reported none).
    #[schema(required = true)]
    pub value: Option<String>,
    /// True when the pile does not let it be changed.
    pub readonly: bool,
}

/// A pile's configuration as its newest succeeded read answered; `command_id` and `read_at` are
/// null and the lists empty while it was never read.
#[derive(Debug, Serialize, ToSchema)]
pub struct PileConfigurationView {
    /// Our charge point id.
    #[schema(format = Uuid)]
    pub device_id: String,
    /// The GetConfiguration command whose answer this is (its `/logs` entry).
    #[schema(required = true, format = Uuid)]
    pub command_id: Option<String>,
    /// When the pile's answer was recorded.
    #[schema(required = true)]
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The keys the pile reported (those of `?keys=` when given).
    pub keys: Vec<ConfigurationKeyView>,
    /// Keys the read asked for that the pile does not know (those of `?keys=` when given).
    pub unknown_keys: Vec<String>,
}

impl From<ConfigurationKey> for ConfigurationKeyView {
    fn from(k: ConfigurationKey) -> Self {
        Self { key: k.key, value: k.value, readonly: k.readonly }
    }
}

impl From<PileConfiguration> for PileConfigurationView {
    fn from(c: PileConfiguration) -> Self {
        let device_id = c.charge_point.id.to_string();
        match c.read {
            None => Self { device_id, command_id: None, read_at: None, keys: Vec::new(), unknown_keys: Vec::new() },
            Some(r) => Self {
                device_id,
                command_id: Some(r.command_id.to_string()),
                read_at: Some(r.read_at),
                keys: r.keys.into_iter().map(Into::into).collect(),
                unknown_keys: r.unknown_keys,
            },
        }
    }
}
