//! How a failing source raises an alarm through the alarm engine: every device a source fed
//! carries the point [`HEALTH_POINT`] — 1 with each successful poll, 0 with each failed one —
//! recorded like any reading (so `TelemetryReceived` reaches the alarms context through the
//! outbox), and the tenant gets the threshold rule [`RULE_NAME`] (`collector_ok < 1`, major) the
//! first time one of its sources fails. The rule raises on the 0 and clears on the next 1.

use chrono::{DateTime, Utc};
use mgc_alarms::{AlarmQueries, AlarmUnits, RuleInput};
use mgc_kernel::page::PageRequest;
use mgc_kernel::TenantId;

/// Point recorded on every device of a source: 1 after a successful poll, 0 after a failed one.
pub const HEALTH_POINT: &str = "collector_ok";

/// Name of the alarm rule the collector creates in a tenant when one of its sources fails.
pub const RULE_NAME: &str = "Collector source failing";

/// The rule's definition.
pub fn rule_input() -> Result<RuleInput, String> {
    serde_json::from_value(serde_json::json!({
        "name": RULE_NAME,
        "severity": "major",
        "condition": {"point": HEALTH_POINT, "op": "<", "value": 1},
        "message": "[{severity}] {rule}: {device} at {station} is not reachable through its collector source since {time}",
    }))
    .map_err(|e| e.to_string())
}

/// Creates the rule in `tenant` unless a rule of that name exists (enabled or not: an operator
/// who disabled it keeps it disabled). Returns true when it was created.
pub async fn ensure_rule<U: AlarmUnits + AlarmQueries>(
    units: &U,
    tenant: &TenantId,
    now: DateTime<Utc>,
) -> Result<bool, String> {
    let mut page = PageRequest { limit: 200, cursor: None };
    loop {
        let rules = units.list_rules(tenant, &page).await.map_err(|e| e.to_string())?;
        if rules.items.iter().any(|r| r.spec.name == RULE_NAME) {
            return Ok(false);
        }
        match rules.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    let tx = units.begin_alarm_tx().await.map_err(|e| e.to_string())?;
    mgc_alarms::create_rule(tx, tenant, rule_input()?, now).await.map_err(|e| e.to_string())?;
    tracing::info!(%tenant, rule = RULE_NAME, "alarm rule for failing collector sources created");
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn given_the_rule_when_validated_then_it_is_a_valid_threshold_rule() {
        let (spec, enabled) = super::rule_input().unwrap().into_spec().unwrap();
        assert!(enabled);
        assert_eq!(spec.name, super::RULE_NAME);
    }
}
