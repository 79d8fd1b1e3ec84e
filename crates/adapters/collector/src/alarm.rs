//! How a failing source raises an alarm through the alarm engine: the source's own device
//! ([`source_device_name`], kind `gateway`, in the station its configuration names) and every
//! device it fed carry the point [`HEALTH_POINT`] — 1 with each successful poll, 0 with each
//! failed one — recorded like any reading (so `TelemetryReceived` reaches the alarms context
//! through the outbox), and the tenant gets the threshold rule [`RULE_NAME`] (`collector_ok < 1`,
//! major) the first time one of its sources fails. The rule raises on the 0 and clears on the
//! next 1; the source's own device makes it raise even for a source that never answered.

use crate::settings::SourceSettings;
use chrono::{DateTime, Utc};
use mgc_adapter_thingsboard::pipeline::IngestUnits;
use mgc_alarms::{AlarmQueries, AlarmUnits, RuleInput};
use mgc_kernel::page::PageRequest;
use mgc_kernel::TenantId;
use mgc_masterdata::{ensure_device, DeviceKind, EnsuredDevice};

/// Point recorded on every device of a source: 1 after a successful poll, 0 after a failed one.
pub const HEALTH_POINT: &str = "collector_ok";

/// Name of the alarm rule the collector creates in a tenant when one of its sources fails.
pub const RULE_NAME: &str = "Collector source failing";

/// Protocol recorded on the source's own device.
pub const SOURCE_DEVICE_PROTOCOL: &str = "collector";

/// Name of the device standing for source `source` in the alarm engine: `collector:<source>`.
pub fn source_device_name(source: &str) -> String {
    format!("collector:{source}")
}

/// Makes sure the source's own device exists (kind `gateway`, in the configured station);
/// returns its name and whether it was created now.
pub async fn ensure_source_device<U: IngestUnits>(
    units: &U,
    settings: &SourceSettings,
    now: DateTime<Utc>,
) -> Result<(String, bool), String> {
    let name = source_device_name(&settings.name);
    let want = EnsuredDevice {
        station_code: &settings.station,
        name: &name,
        kind: DeviceKind::Gateway,
        protocol: SOURCE_DEVICE_PROTOCOL,
    };
    let tx = units.begin().await.map_err(|e| e.to_string())?;
    let (_, created) = ensure_device(tx, &settings.tenant, &want, now).await.map_err(|e| e.to_string())?;
    if created {
        tracing::info!(source = %settings.name, device = %name, station = %settings.station,
            "device of the collector source created");
    }
    Ok((name, created))
}

/// The rule's definition.
pub fn rule_input() -> Result<RuleInput, String> {
    serde_json::from_value(serde_json::json!({
        "name": RULE_NAME,
        "severity": "major",
        "condition": {"point": HEALTH_POINT, "op": "<", "value": 1},
        "message": "[{severity}] {rule}: {device} at {station} since {time}",
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
        assert_eq!(super::source_device_name("room-1"), "collector:room-1");
    }
}
