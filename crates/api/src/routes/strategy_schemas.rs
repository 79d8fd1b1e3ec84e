//! Schema-only request body of `POST /api/v1/strategies` and `PUT /api/v1/strategies/{id}`: the
//! OpenAPI statement of what `StrategyBody` and `mgc_strategy::StrategyParams` accept, one branch
//! per strategy type (the handlers deserialize those types; these structs only describe them, so
//! they follow them field by field). Rules between fields (min below max state of charge, the
//! recharge level under the import limit, a margin within the rated power, an entry that sets
//! something, a band not both charge and discharge) stay with the domain's validation.

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// 1..=64 printable characters, not all white space.
const PRINTABLE: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f-\\u009f]*$";

/// Tariff band names: at least one, each 1..=64 printable characters.
fn bands() -> RefOr<Schema> {
    let band = ObjectBuilder::new().schema_type(Type::String).max_length(Some(64)).pattern(Some(PRINTABLE));
    ArrayBuilder::new().items(band).min_items(Some(1)).into()
}

/// 1..=200 distinct device ids, or null (every PV inverter of the station).
fn device_ids() -> RefOr<Schema> {
    let id = ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(id)
        .min_items(Some(1))
        .max_items(Some(200))
        .unique_items(true)
        .into()
}

/// Days a schedule entry applies to.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DaySelectorName {
    /// Every day.
    All,
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday.
    Weekend,
    /// Mondays.
    Mon,
    /// Tuesdays.
    Tue,
    /// Wednesdays.
    Wed,
    /// Thursdays.
    Thu,
    /// Fridays.
    Fri,
    /// Saturdays.
    Sat,
    /// Sundays.
    Sun,
}

/// Battery bounds (`mgc_strategy::BatteryLimits`); `min_soc_pct` below `max_soc_pct`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatteryLimitsBody {
    /// Never discharge at or below this state of charge (%).
    #[schema(minimum = 0.0, maximum = 100.0)]
    min_soc_pct: f64,
    /// Never charge at or above this state of charge (%).
    #[schema(minimum = 0.0, maximum = 100.0)]
    max_soc_pct: f64,
    /// Largest charging power (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    max_charge_w: i64,
    /// Largest discharging power (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    max_discharge_w: i64,
}

/// One schedule entry; it sets `battery_power_w`, `pcs_mode` or both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntryBody {
    /// Local time `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    at: String,
    /// Days it applies to (default every day).
    #[serde(default)]
    #[schema(min_items = 1)]
    days: Vec<DaySelectorName>,
    /// Battery power set-point (W, positive discharges).
    #[schema(minimum = -1_000_000_000, maximum = 1_000_000_000)]
    battery_power_w: Option<i64>,
    /// PCS mode set-point (1..=64 printable characters, e.g. `grid_tied`).
    #[schema(
        max_length = 64,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pcs_mode: Option<String>,
}

/// Parameters of a `schedule` strategy.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleParamsBody {
    /// 1..=200 entries; at a moment the latest entry at or before the local time holds.
    #[schema(min_items = 1, max_items = 200)]
    entries: Vec<ScheduleEntryBody>,
}

/// Parameters of a `peak_shaving` strategy; `recharge_below_w` under `import_limit_w`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeakShavingParamsBody {
    /// Grid import must stay at or under this (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    import_limit_w: i64,
    /// Recharge only while import without the battery is under this (W).
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    recharge_below_w: i64,
    /// Battery bounds.
    battery: BatteryLimitsBody,
}

/// Parameters of an `anti_backflow` strategy; `margin_w` at most `pv_rated_w`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AntiBackflowParamsBody {
    /// Grid export must stay at or under this (W; 0 = no export).
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    export_limit_w: i64,
    /// Rated PV power of the station (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pv_rated_w: i64,
    /// Safety margin under the export limit (W, default 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    margin_w: i64,
}

/// Parameters of a `tou_arbitrage` strategy; a band is not both a charge and a discharge band,
/// and the powers stay within the battery's.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TouArbitrageParamsBody {
    /// Import bands of the station's tariff in which to charge (e.g. `["valley"]`).
    #[schema(schema_with = bands)]
    charge_bands: Vec<String>,
    /// Import bands in which to discharge (e.g. `["peak", "sharp"]`).
    #[schema(schema_with = bands)]
    discharge_bands: Vec<String>,
    /// Charging power (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    charge_w: i64,
    /// Discharging power (W).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    discharge_w: i64,
    /// Discharge beyond the site's own draw (default false).
    #[serde(default)]
    allow_export: bool,
    /// Battery bounds.
    battery: BatteryLimitsBody,
}

/// Devices a strategy commands (default: the station's).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsBody {
    /// Receives battery power and PCS mode (a pcs or battery device).
    #[schema(format = Uuid)]
    battery_device_id: Option<String>,
    /// Receive the PV limit: 1..=N distinct PV inverters.
    #[schema(schema_with = device_ids)]
    pv_device_ids: Option<Vec<String>>,
}

/// A strategy type name, one per type: `#[serde(rename)]` with a literal a macro passes in is not
/// seen by utoipa (the enum said `It`), so each is written out.
macro_rules! type_name {
    ($kind:ident, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $kind {
            /// This type.
            $variant,
        }
    };
}

type_name!(ScheduleType, Schedule, "`schedule`.");
type_name!(PeakShavingType, PeakShaving, "`peak_shaving`.");
type_name!(AntiBackflowType, AntiBackflow, "`anti_backflow`.");
type_name!(TouArbitrageType, TouArbitrage, "`tou_arbitrage`.");

/// One strategy type's body: the shared fields, then `type` and its `params`.
macro_rules! strategy_body {
    ($name:ident, $doc:literal, $kind:ident, $value:literal, $params:ty) => {
        #[doc = $doc]
        #[derive(Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The station it controls.
            #[schema(format = Uuid)]
            station_id: String,
            /// Display name: 1..=120 printable characters.
            #[schema(max_length = 120, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f-\\u009f]*$")]
            name: String,
            /// The type.
            #[serde(rename = "type")]
            type_name: $kind,
            /// Its parameters.
            params: $params,
            /// Evaluated by the scheduler (create: default false; replace: default unchanged).
            enabled: Option<bool>,
            /// Target devices.
            targets: Option<TargetsBody>,
            /// No-repeat deadband (W, default 100).
            #[schema(minimum = 0, maximum = 1_000_000)]
            deadband_w: Option<i64>,
            /// Seconds each requested command may take (default 30).
            #[schema(minimum = 1, maximum = 3600)]
            command_timeout_s: Option<u32>,
        }
    };
}

strategy_body!(ScheduleStrategyBody, "A `schedule` strategy.", ScheduleType, "schedule", ScheduleParamsBody);
strategy_body!(
    PeakShavingStrategyBody,
    "A `peak_shaving` strategy.",
    PeakShavingType,
    "peak_shaving",
    PeakShavingParamsBody
);
strategy_body!(
    AntiBackflowStrategyBody,
    "An `anti_backflow` strategy.",
    AntiBackflowType,
    "anti_backflow",
    AntiBackflowParamsBody
);
strategy_body!(
    TouArbitrageStrategyBody,
    "A `tou_arbitrage` strategy.",
    TouArbitrageType,
    "tou_arbitrage",
    TouArbitrageParamsBody
);

/// Body of strategy create and replace, by `type`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StrategyDefinition {
    /// `type: schedule`.
    Schedule(ScheduleStrategyBody),
    /// `type: peak_shaving`.
    PeakShaving(PeakShavingStrategyBody),
    /// `type: anti_backflow`.
    AntiBackflow(AntiBackflowStrategyBody),
    /// `type: tou_arbitrage`.
    TouArbitrage(TouArbitrageStrategyBody),
}
