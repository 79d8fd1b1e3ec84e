//! Reading results back through the API as typed values: statistics, settlements, alarms and
//! commands. Where the domain type is what the API serializes (settlements, alarms, command
//! transitions) it is used as is; elsewhere a small serde struct names the served fields.

use crate::app::TestApp;
use chrono::{DateTime, SecondsFormat, Utc};
use mgc_alarms::{Alarm, HistoryEntry};
use mgc_commands::{CommandState, Transition};
use mgc_contracts::FlowEnergy;
use mgc_settlement::{Adjustment, Settlement, SettlementVersion};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// One station statistic window as `GET /api/v1/stats` serves it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatWindow {
    /// Local label (`2026-03-08T02`, `2026-03-08`, `2026-03`, `2026`).
    pub period: String,
    /// First instant (UTC).
    pub start: DateTime<Utc>,
    /// First instant after the window (UTC).
    pub end: DateTime<Utc>,
    /// Version, 1 when first closed.
    pub version: u32,
    /// Whether this is the version queries serve.
    pub current: bool,
    /// Energy per flow, Wh.
    pub energy: FlowEnergy,
    /// Share of the window backed by data (0..=1).
    pub coverage: f64,
    /// Why coverage is below 100 %.
    #[serde(default)]
    pub quality: Option<String>,
}

/// A settlement with its current version, as `GET /api/v1/settlements` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SettlementView {
    /// The settlement (state, day, version, ...).
    #[serde(flatten)]
    pub settlement: Settlement,
    /// Its current version (figures, tariff, cause).
    pub current: SettlementVersion,
}

impl SettlementView {
    /// Net amount of the current version in minor units (import cost − export revenue); `None`
    /// when the day is unpriced.
    pub fn net_minor(&self) -> Option<i64> {
        self.current.figures.as_ref().map(|f| f.net_minor)
    }
}

/// A settlement with every version and adjustment, as `GET /api/v1/settlements/{id}` serves it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SettlementHistory {
    /// The settlement.
    #[serde(flatten)]
    pub settlement: Settlement,
    /// All versions, oldest first.
    pub versions: Vec<SettlementVersion>,
    /// Adjustments made after freezing, oldest first.
    pub adjustments: Vec<Adjustment>,
}

/// An alarm with its status, as `GET /api/v1/alarms` serves it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AlarmView {
    /// The alarm.
    #[serde(flatten)]
    pub alarm: Alarm,
    /// `active_unack`, `active_ack`, `cleared_unack` or `cleared_ack`.
    pub status: String,
    /// Every state change, oldest first (single-alarm reads only).
    #[serde(default)]
    pub history: Option<Vec<HistoryEntry>>,
}

/// A command as `GET /api/v1/commands/{id}` serves it (the fields a test asserts on).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommandView {
    /// Id.
    pub id: String,
    /// Target device.
    pub device_id: String,
    /// Station of the device.
    pub station_id: String,
    /// RPC method.
    pub method: String,
    /// RPC parameters.
    pub params: Value,
    /// Current state.
    pub state: CommandState,
    /// The device's reply.
    #[serde(default)]
    pub response: Option<Value>,
    /// Reason of the last transition.
    pub reason: String,
    /// Failed, retryable send attempts.
    pub attempts: u32,
    /// Every state change, oldest first.
    pub transitions: Vec<Transition>,
}

impl CommandView {
    /// The states the command went through, in order.
    pub fn states(&self) -> Vec<CommandState> {
        self.transitions.iter().map(|t| t.to).collect()
    }
}

/// Decodes a JSON value into `T`, panicking with the value when it does not fit.
pub fn decode<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("cannot read {} from {value}: {e}", std::any::type_name::<T>()))
}

fn items<T: DeserializeOwned>(page: &Value) -> Vec<T> {
    page["items"].as_array().map(|items| items.iter().map(decode).collect()).unwrap_or_default()
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl TestApp {
    /// Current station statistics of `granularity` (`hour`, `day`, `month`, `year`) starting
    /// in `[from, to)`, oldest first.
    pub async fn stats(
        &self,
        token: &str,
        station: &str,
        granularity: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<StatWindow> {
        let path = format!(
            "/api/v1/stats?station_id={station}&granularity={granularity}&from={}&to={}",
            instant(from),
            instant(to)
        );
        items(&self.get_ok(token, &path).await)
    }

    /// Settlements of `station` for local days `from..=to` (`YYYY-MM-DD`), oldest day first.
    /// Panics when they do not fit one page of 500.
    pub async fn settlements(&self, token: &str, station: &str, from: &str, to: &str) -> Vec<SettlementView> {
        let path = format!("/api/v1/settlements?station_id={station}&from={from}&to={to}&limit=500");
        let page = self.get_ok(token, &path).await;
        assert!(page["next_cursor"].is_null(), "more than one page: {page}");
        let mut list: Vec<SettlementView> = items(&page);
        list.reverse();
        list
    }

    /// One settlement with every version and adjustment.
    pub async fn settlement(&self, token: &str, id: &str) -> SettlementHistory {
        decode(&self.get_ok(token, &format!("/api/v1/settlements/{id}")).await)
    }

    /// Alarms of the token's tenant, newest first; `query` is appended as is (`""`,
    /// `"?station_id=..&status=active"`, ...).
    pub async fn alarms(&self, token: &str, query: &str) -> Vec<AlarmView> {
        items(&self.get_ok(token, &format!("/api/v1/alarms{query}")).await)
    }

    /// One command with its transitions.
    pub async fn command(&self, token: &str, id: &str) -> CommandView {
        decode(&self.get_ok(token, &format!("/api/v1/commands/{id}")).await)
    }

    /// Commands of the token's tenant, newest first; `query` is appended as is.
    pub async fn commands(&self, token: &str, query: &str) -> Vec<CommandView> {
        items(&self.get_ok(token, &format!("/api/v1/commands{query}")).await)
    }
}
