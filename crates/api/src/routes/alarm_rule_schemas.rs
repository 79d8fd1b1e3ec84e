//! Schema-only body of `POST /api/v1/alarm-rules` and `PUT /api/v1/alarm-rules/{id}`: the
//! OpenAPI statement of what `mgc_alarms::RuleInput` accepts (the handlers deserialize that type;
//! these only describe it, so they must follow it field by field). What JSON Schema cannot say
//! stays with the handler's 422: a threshold rule takes `severity` + `condition` or `levels`
//! (each severity once) and none of `no_data_secs`/`points`; a `no_data` rule takes
//! `no_data_secs` and none of the threshold fields; `between`/`outside` bounds are low ≤ high;
//! `hysteresis` and `clear_condition` exclude each other; the scope's station and device exist.

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::ToSchema;

/// Text that is not blank as Rust's `trim` sees it, without NUL.
const NON_BLANK: &str =
    "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$";

/// Body of `POST /api/v1/alarm-rules` and `PUT /api/v1/alarm-rules/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmRuleBody {
    /// Human name (1..=200 characters, not blank).
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000]*[^\\u0000\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$"
    )]
    name: String,
    /// Whether it is evaluated (default true).
    #[serde(default)]
    enabled: Option<bool>,
    /// Devices watched: all parts that are set must match (default: every device).
    #[serde(default)]
    scope: AlarmScopeBody,
    /// `threshold` (default) or `no_data`.
    #[serde(default, rename = "type")]
    kind: Option<RuleKindName>,
    /// Severity of a single-level threshold rule (with `condition`) or of a no-data rule
    /// (default major).
    #[serde(default)]
    severity: Option<SeverityName>,
    /// Condition of a single-level threshold rule.
    #[serde(default)]
    #[schema(value_type = Option<AlarmCondition>)]
    condition: Option<String>,
    /// Per-severity conditions of a threshold rule, each severity once.
    #[serde(default)]
    #[schema(min_items = 1)]
    levels: Option<Vec<AlarmLevelBody>>,
    /// Explicit clear condition of a threshold rule (else: no level holds, within hysteresis).
    #[serde(default)]
    #[schema(value_type = Option<AlarmCondition>)]
    clear_condition: Option<String>,
    /// Margin a value must pass the threshold by before a level stops holding (threshold rules).
    #[serde(default)]
    #[schema(minimum = 0.0)]
    hysteresis: Option<f64>,
    /// Seconds a condition must hold before it raises (threshold rules; 0 = at once).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2_592_000)]
    duration_secs: Option<u64>,
    /// Consecutive samples a condition must hold for (threshold rules; default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4_294_967_295_u64)]
    repeat_count: Option<u32>,
    /// Seconds of silence that raise (no-data rules, required there).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 2_592_000)]
    no_data_secs: Option<u64>,
    /// Points watched by a no-data rule (empty or absent: any point of the device).
    #[serde(default)]
    #[schema(value_type = Option<Vec<RuleText>>)]
    points: Option<Vec<String>>,
    /// When the rule may raise (absent: always).
    #[serde(default)]
    schedule: Option<AlarmScheduleBody>,
    /// Message template: text with known `{placeholder}`s (at most 2000 characters).
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = "^[^{\\u0000]*(\\{(device|station|rule|severity|point|value|threshold|duration|time|detail)\\}[^{\\u0000]*)*$"
    )]
    message: Option<String>,
    /// Notification channels told on raise, severity change and clear.
    #[serde(default)]
    #[schema(value_type = Vec<ChannelIdText>)]
    channels: Vec<String>,
    /// Minimum seconds between two notifications of one alarm.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2_592_000)]
    cooldown_secs: u64,
    /// More channels told once when an alarm stays unacknowledged.
    #[serde(default)]
    escalation: Option<AlarmEscalationBody>,
}

/// Which devices a rule watches.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AlarmScopeBody {
    /// Devices of this station only.
    #[serde(default)]
    #[schema(format = Uuid)]
    station_id: Option<String>,
    /// This device only.
    #[serde(default)]
    #[schema(format = Uuid)]
    device_id: Option<String>,
    /// Devices of this kind only (e.g. `pv_inverter`).
    #[serde(default)]
    #[schema(pattern = "^[^\\u0000]*$")]
    device_kind: Option<String>,
}

/// A rule type.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKindName {
    /// Conditions on latest values.
    Threshold,
    /// A device (or some of its points) silent for a while.
    NoData,
}

/// How bad an alarm is (`mgc_alarms::Severity`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityName {
    /// Informational.
    Info,
    /// Worth a look.
    Warning,
    /// Degraded.
    Minor,
    /// Serious.
    Major,
    /// Act now.
    Critical,
}

/// One severity level of a threshold rule.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmLevelBody {
    /// Severity raised while the condition holds.
    severity: SeverityName,
    /// The condition.
    #[schema(value_type = AlarmCondition)]
    condition: String,
}

/// Active days and hours in the station's time zone; `start` after `end` spans midnight.
#[derive(Deserialize, ToSchema)]
pub struct AlarmScheduleBody {
    /// Active days; empty = every day.
    #[serde(default)]
    days: Vec<WeekdayName>,
    /// Local start time `HH:MM` (inclusive).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    start: String,
    /// Local end time `HH:MM` (exclusive), not equal to start.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    end: String,
}

/// A day of the week.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeekdayName {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// Notify more channels when an alarm stays unacknowledged.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmEscalationBody {
    /// Seconds after the alarm started.
    #[schema(minimum = 1, maximum = 2_592_000)]
    after_secs: u64,
    /// Channels notified once.
    #[schema(value_type = Vec<ChannelIdText>, min_items = 1)]
    channels: Vec<String>,
}

/// States the three forms of [`AlarmRuleBody`]: a threshold rule of one level (`severity` and
/// `condition`), a threshold rule of `levels`, and a `no_data` rule (`no_data_secs`); the fields a
/// form does not use may only be null there.
pub fn rule_forms(components: &mut utoipa::openapi::Components) {
    use serde_json::{json, Value};
    use utoipa::openapi::schema::AllOfBuilder;
    let Some(body) = components.schemas.remove("AlarmRuleBody") else { return };
    let null = || ObjectBuilder::new().schema_type(Type::Null);
    // An enum of a string and null: no `type` (ObjectBuilder's default, `object`, would refuse both).
    let threshold = || {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null]))
            .enum_values(Some([json!("threshold"), Value::Null]))
    };
    let reference = |name: &str| RefOr::Ref(Ref::from_schema_name(name));
    let single = ObjectBuilder::new()
        .property("type", threshold())
        .property("severity", reference("SeverityName"))
        .property("condition", reference("AlarmCondition"))
        .property("levels", null())
        .property("no_data_secs", null())
        .property("points", null())
        .required("severity")
        .required("condition")
        .description(Some("a threshold rule of one level"));
    let levels = ObjectBuilder::new()
        .property("type", threshold())
        .property("levels", ArrayBuilder::new().items(reference("AlarmLevelBody")).min_items(Some(1)))
        .property("severity", null())
        .property("condition", null())
        .property("no_data_secs", null())
        .property("points", null())
        .required("levels")
        .description(Some("a threshold rule of levels, each severity once"));
    let mut no_data = ObjectBuilder::new()
        .property("type", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["no_data"])))
        .property(
            "no_data_secs",
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(2_592_000)),
        )
        .required("type")
        .required("no_data_secs")
        .description(Some("a no-data rule"));
    for unused in ["condition", "levels", "clear_condition", "hysteresis", "duration_secs", "repeat_count"] {
        no_data = no_data.property(unused, null());
    }
    let description = match &body {
        RefOr::T(Schema::Object(o)) => o.description.clone(),
        _ => None,
    };
    let forms = OneOfBuilder::new().item(single).item(levels).item(no_data);
    let combined = AllOfBuilder::new().item(body).item(forms).description(description).build();
    components.schemas.insert("AlarmRuleBody".to_owned(), RefOr::T(Schema::AllOf(combined)));
}

/// A notification channel id.
pub struct ChannelIdText;

impl utoipa::PartialSchema for ChannelIdText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).into()
    }
}

impl ToSchema for ChannelIdText {}

/// A point name (any text without NUL).
pub struct RuleText;

impl utoipa::PartialSchema for RuleText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[^\\u0000]*$")).into()
    }
}

impl ToSchema for RuleText {}

/// A condition tree: `{"all": [..]}`, `{"any": [..]}` or a comparison of a point's latest value
/// (`{"point", "op", "value"}`; `between`/`outside` take `[low, high]`).
pub struct AlarmCondition;

impl utoipa::PartialSchema for AlarmCondition {
    fn schema() -> RefOr<Schema> {
        let me = || RefOr::Ref(Ref::from_schema_name("AlarmCondition"));
        let group = |key: &str| {
            ObjectBuilder::new()
                .property(key, ArrayBuilder::new().items(me()).min_items(Some(1)))
                .required(key)
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        let point = || {
            ObjectBuilder::new().schema_type(Type::String).pattern(Some(NON_BLANK)).description(Some(
                "A telemetry point, or a derived point of charging and notifications: `online`, \
                 `connector_<n>_fault`, `session_error_rate_pct`, `session_error_rate_pct_last_<n>`, \
                 `notify_backlog` (docs/alarms.md)",
            ))
        };
        let op = |ops: &[&'static str]| {
            ObjectBuilder::new().schema_type(Type::String).enum_values(Some(ops.iter().copied()))
        };
        let number = || ObjectBuilder::new().schema_type(Type::Number);
        let compare = |ops: &[&'static str], value: RefOr<Schema>| {
            ObjectBuilder::new()
                .property("point", point())
                .property("op", op(ops))
                .property("value", value)
                .required("point")
                .required("op")
                .required("value")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        let single = compare(&[">", ">=", "<", "<=", "==", "!="], number().into());
        let pair = ArrayBuilder::new().items(number()).min_items(Some(2)).max_items(Some(2));
        let range = compare(&["between", "outside"], pair.description(Some("[low, high], low ≤ high")).into());
        OneOfBuilder::new().item(group("all")).item(group("any")).item(single).item(range).into()
    }
}

impl ToSchema for AlarmCondition {}

#[cfg(test)]
mod tests {
    #[test]
    fn given_the_document_then_a_rule_has_three_forms_closed_to_other_fields() {
        use utoipa::OpenApi;
        let doc = serde_json::to_value(crate::openapi::ApiDoc::openapi()).unwrap_or_default();
        let rule = &doc["components"]["schemas"]["AlarmRuleBody"];
        assert_eq!(rule["allOf"][0]["additionalProperties"], false, "{rule}");
        let forms = rule["allOf"][1]["oneOf"].as_array().cloned().unwrap_or_default();
        let required: Vec<_> = forms.iter().map(|f| f["required"].clone()).collect();
        assert_eq!(
            required,
            [
                serde_json::json!(["severity", "condition"]),
                serde_json::json!(["levels"]),
                serde_json::json!(["type", "no_data_secs"])
            ]
        );
    }

    #[test]
    fn given_the_rule_limits_then_the_schema_states_the_same_30_days() {
        assert_eq!(mgc_alarms::domain::rule::MAX_SECS, 2_592_000, "update the maximum of every *_secs field");
    }
}
