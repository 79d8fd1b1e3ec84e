//! Schema-only responses of alarm rules: the OpenAPI statement of how `mgc_alarms::AlarmRule`
//! and its `RuleSpec` serialize (the handlers return those types; these only describe them, so
//! they must follow them field by field: an `Option` serializes as `null`, so it is required and
//! nullable). A stored condition is the domain's tree (`{"all"}`, `{"any"}`, `{"compare"}`), not
//! the shorthand the request body also accepts.

#![allow(dead_code)]

use crate::routes::alarm_rule_schemas::{ChannelIdText, SeverityName};
use serde::Deserialize;
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::ToSchema;

/// Which devices a rule watches (`Scope`): every field that is set must match.
#[derive(Deserialize, ToSchema)]
pub struct AlarmScopeView {
    /// Devices of this station only.
    #[schema(format = Uuid, required = true)]
    station_id: Option<String>,
    /// This device only.
    #[schema(format = Uuid, required = true)]
    device_id: Option<String>,
    /// Devices of this kind only.
    #[schema(required = true)]
    device_kind: Option<String>,
}

/// A stored condition tree (`mgc_alarms::Condition`): `{"all": [..]}`, `{"any": [..]}` or
/// `{"compare": {"point", "op", "value", "high"?}}`.
pub struct AlarmConditionView;

impl utoipa::PartialSchema for AlarmConditionView {
    fn schema() -> RefOr<Schema> {
        let me = || RefOr::Ref(Ref::from_schema_name("AlarmConditionView"));
        let closed = |o: ObjectBuilder| o.additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let group =
            |key: &str| closed(ObjectBuilder::new().property(key, ArrayBuilder::new().items(me())).required(key));
        let ops = [">", ">=", "<", "<=", "==", "!=", "between", "outside"];
        let number = || ObjectBuilder::new().schema_type(Type::Number);
        let comparison = closed(
            ObjectBuilder::new()
                .property("point", ObjectBuilder::new().schema_type(Type::String))
                .property("op", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(ops)))
                .property("value", number().description(Some("threshold, or the lower bound of between/outside")))
                .property("high", number().description(Some("upper bound (between/outside only)")))
                .required("point")
                .required("op")
                .required("value"),
        );
        let compare = closed(ObjectBuilder::new().property("compare", comparison).required("compare"));
        OneOfBuilder::new().item(group("all")).item(group("any")).item(compare).into()
    }
}

impl ToSchema for AlarmConditionView {}

/// One severity level of a threshold rule (`Level`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmLevelView {
    /// Severity raised while the condition holds.
    severity: SeverityName,
    /// The condition.
    #[schema(value_type = AlarmConditionView)]
    condition: String,
}

/// What makes a rule fire (`Trigger`), by `type`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AlarmTriggerView {
    /// Conditions on latest values, highest severity first.
    Threshold {
        /// Levels, highest severity first.
        levels: Vec<AlarmLevelView>,
        /// Explicit clear condition (null: no level holds within the hysteresis margin).
        #[schema(value_type = Option<AlarmConditionView>, required = true)]
        clear_condition: Option<String>,
        /// Margin a value must pass the threshold by before a level stops holding.
        hysteresis: f64,
        /// Seconds a condition must hold before it raises.
        duration_secs: u64,
        /// Consecutive samples a condition must hold for.
        repeat_count: u32,
    },
    /// Device (or the listed points) silent for a while.
    NoData {
        /// Points watched (empty: any point of the device).
        points: Vec<String>,
        /// Seconds of silence that raise.
        silent_secs: u64,
        /// Severity raised.
        severity: SeverityName,
    },
}

/// Active days and hours in the station's time zone (`Schedule`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmScheduleView {
    /// Active days (`mon` .. `sun`); empty: every day.
    #[schema(value_type = Vec<crate::routes::alarm_rule_schemas::WeekdayName>)]
    days: Vec<String>,
    /// Local start time `HH:MM` (inclusive).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    start: String,
    /// Local end time `HH:MM` (exclusive).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    end: String,
}

/// More channels notified when an alarm stays unacknowledged (`Escalation`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmEscalationView {
    /// Seconds after the alarm started.
    after_secs: u64,
    /// Channels notified once.
    #[schema(value_type = Vec<ChannelIdText>)]
    channels: Vec<String>,
}

/// A validated rule definition (`RuleSpec`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmRuleSpecView {
    /// Human name.
    name: String,
    /// Devices watched.
    scope: AlarmScopeView,
    /// What fires it.
    trigger: AlarmTriggerView,
    /// When it may raise (null: always).
    #[schema(required = true)]
    schedule: Option<AlarmScheduleView>,
    /// Message template.
    message: String,
    /// Channels notified on raise, severity change and clear.
    #[schema(value_type = Vec<ChannelIdText>)]
    channels: Vec<String>,
    /// Minimum seconds between two notifications of one alarm.
    cooldown_secs: u64,
    /// Escalation when unacknowledged.
    #[schema(required = true)]
    escalation: Option<AlarmEscalationView>,
}

/// A stored alarm rule (`mgc_alarms::AlarmRule`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmRuleView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Version, +1 per change.
    version: i64,
    /// Whether it is evaluated.
    enabled: bool,
    /// The definition.
    spec: AlarmRuleSpecView,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One page of alarm rules.
#[derive(Deserialize, ToSchema)]
pub struct AlarmRulePage {
    /// Rules.
    items: Vec<AlarmRuleView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
