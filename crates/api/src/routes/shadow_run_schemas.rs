//! Schema-only parts of `POST /api/v1/shadow-runs`: the OpenAPI statement of what the handler
//! reads from the free JSON values of `CreateShadowRun` (`strategy`, `battery`) and of its step
//! (the handler parses those into `mgc_strategy` types; these only describe them, so they must
//! follow them). What JSON Schema cannot say stays with the handler's 422 `invalid_shadow_run`:
//! `from` not after `to`, at most the run's day limit, `to` ended in the station's time zone, the
//! strategy's own parameter rules.

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::openapi::schema::{AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

/// The simulated battery (`mgc_strategy::BatteryModel`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatteryBody {
    /// Usable energy, Wh (1..=10^12).
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    capacity_wh: i64,
    /// Largest charging power, W (1..=10^9).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    max_charge_w: i64,
    /// Largest discharging power, W (1..=10^9).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    max_discharge_w: i64,
    /// Charging efficiency, 0 < η ≤ 1 (round trip lumped into charging).
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    efficiency: f64,
    /// State of charge at the start, % (0..=100).
    #[schema(minimum = 0.0, maximum = 100.0)]
    initial_soc: f64,
}

/// The strategy replayed: `{"id"}` of a saved strategy of the station, or `{"type", "params"}`
/// inline (the parameters of that strategy type, as for `POST /api/v1/strategies`).
pub struct StrategyChoiceBody;

impl utoipa::PartialSchema for StrategyChoiceBody {
    fn schema() -> RefOr<Schema> {
        let uuid =
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
        let saved = ObjectBuilder::new()
            .property("id", uuid)
            .required("id")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("a saved strategy of the station"));
        // The inline form is a strategy type with its parameters, as `POST /api/v1/strategies` takes them.
        let mut inline = utoipa::openapi::Ref::from_schema_name("StrategyParamsView");
        inline.description = "a strategy given inline: its type and parameters, never with an id".to_owned();
        OneOfBuilder::new().item(saved).item(inline).into()
    }
}

impl ToSchema for StrategyChoiceBody {}

/// A simulation step in seconds: a divisor of 900, at least 10.
pub struct StepSeconds;

impl utoipa::PartialSchema for StepSeconds {
    fn schema() -> RefOr<Schema> {
        let steps = (10..=900_u32).filter(|s| 900 % s == 0);
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .enum_values(Some(steps))
            .description(Some("seconds per simulation step: a divisor of 900, at least 10"))
            .into()
    }
}

impl ToSchema for StepSeconds {}

/// One page of shadow runs.
#[derive(ToSchema)]
pub struct RunPageBody {
    /// Runs, newest first.
    items: Vec<RunViewBody>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// A queued, running or finished shadow run (`GET`/`POST /api/v1/shadow-runs`).
#[derive(ToSchema)]
pub struct RunViewBody {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Its job (progress at `GET /api/v1/jobs/{id}`).
    #[schema(format = Uuid)]
    job_id: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Strategy type and parameters replayed.
    strategy: crate::routes::strategy_views::StrategyParamsView,
    /// The saved strategy and version the parameters were taken from (absent: given inline).
    #[schema(required = false)]
    strategy_ref: crate::routes::shadow_report_views::SavedStrategyRefView,
    /// First local day.
    #[schema(format = Date)]
    from: String,
    /// Last local day, inclusive.
    #[schema(format = Date)]
    to: String,
    /// Simulation step, s.
    step_s: u32,
    /// The simulated battery.
    battery: BatteryBody,
    /// Notification channel told when the run finishes.
    #[schema(format = Uuid, required = true)]
    notify_channel_id: Option<String>,
    /// `queued`, `running`, `succeeded` or `failed`.
    #[schema(pattern = "^(queued|running|succeeded|failed)$")]
    state: String,
    /// Local days replayed.
    days_done: u32,
    /// Local days in all.
    days_total: u32,
    /// Why it failed.
    #[schema(required = true)]
    error: Option<String>,
    /// Who asked.
    created_by: String,
    /// When.
    #[schema(format = DateTime)]
    created_at: String,
    /// When the runner started it (last time).
    #[schema(format = DateTime, required = true)]
    started_at: Option<String>,
    /// When it finished.
    #[schema(format = DateTime, required = true)]
    finished_at: Option<String>,
    /// Totals of the report, once succeeded (null before).
    #[schema(required = true)]
    totals: Option<crate::routes::shadow_report_views::RunTotalsView>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::openapi::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn given_the_document_then_a_shadow_run_states_its_steps_battery_and_strategy_forms() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let steps = schemas["StepSeconds"]["enum"].as_array().unwrap();
        assert!(steps.contains(&serde_json::json!(60)) && !steps.contains(&serde_json::json!(7)), "{steps:?}");
        assert_eq!(steps.len(), 20, "the divisors of 900 from 10 on");
        assert_eq!(schemas["BatteryBody"]["additionalProperties"], false);
        assert_eq!(schemas["StrategyChoiceBody"]["oneOf"][0]["required"], serde_json::json!(["id"]));
    }
}
