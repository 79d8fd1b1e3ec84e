//! Given/when/then cases of planning an execution: inputs missing, no change, targets, keys.

use super::*;
use crate::domain::strategy::StrategyInput;
use crate::domain::targets::SiteDevice;
use chrono::TimeZone;
use mgc_kernel::{StationTz, TenantId};
use serde_json::json;

fn strategy(params: StrategyParams) -> Strategy {
    let input = StrategyInput {
        station_id: StationId::new(),
        name: "s".into(),
        params,
        enabled: Some(true),
        targets: None,
        deadband_w: None,
        command_timeout_s: None,
    };
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    Strategy::create(StrategyId::new(), TenantId::parse("acme").unwrap(), input, now).unwrap()
}

fn peak() -> Strategy {
    strategy(
        StrategyParams::from_parts(
            "peak_shaving",
            json!({"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}),
        )
        .unwrap(),
    )
}

fn site(kinds: &[&str]) -> StationSite {
    let devices = kinds.iter().map(|k| SiteDevice { id: DeviceId::new(), kind: (*k).to_owned() }).collect();
    StationSite { time_zone: StationTz::parse("UTC").unwrap(), devices }
}

fn inputs(grid: Option<f64>, soc: Option<f64>) -> StationInputs {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    StationInputs {
        at,
        local: at.naive_utc(),
        grid_power_w: grid,
        pv_power_w: None,
        battery_power_w: Some(0.0),
        soc_pct: soc,
        band: None,
    }
}

#[test]
fn given_grid_over_limit_when_planned_then_one_command_to_the_pcs() {
    let site = site(&["meter", "battery", "pcs"]);
    let id = ExecutionId::new();
    let (ex, sent) = plan(&peak(), id, inputs(Some(62_000.0), Some(50.0)), &site, &[], 300);
    assert_eq!(ex.outcome, Outcome::CommandsRequested);
    assert_eq!(ex.commands.len(), 1);
    let c = &ex.commands[0];
    assert_eq!(
        (c.device_id, c.method.as_str(), &c.params),
        (site.devices[2].id, "setBatteryPower", &json!({"power_w": 12000}))
    );
    assert_eq!(c.idempotency_key, format!("{id}:{}", site.devices[2].id));
    assert_eq!(
        sent,
        vec![SentSetpoint {
            setpoint: Setpoint::BatteryPower { power_w: 12_000 },
            device_ids: vec![site.devices[2].id]
        }]
    );
}

#[test]
fn given_same_setpoint_last_sent_when_planned_then_no_change_and_nothing_sent() {
    let site = site(&["pcs"]);
    let last = [Setpoint::BatteryPower { power_w: 12_050 }];
    let (ex, sent) = plan(&peak(), ExecutionId::new(), inputs(Some(62_000.0), Some(50.0)), &site, &last, 300);
    assert_eq!((ex.outcome, ex.note.as_deref()), (Outcome::NoChange, Some("no change since last sent")));
    assert!(ex.commands.is_empty() && sent.is_empty());
    assert_eq!(ex.decision.battery_power_w(), Some(12_000));
}

#[test]
fn given_stale_soc_when_planned_then_inputs_missing_names_it() {
    let (ex, sent) = plan(&peak(), ExecutionId::new(), inputs(Some(62_000.0), None), &site(&["pcs"]), &[], 300);
    assert_eq!(ex.outcome, Outcome::InputsMissing);
    assert!(ex.note.as_deref().unwrap().contains("soc_pct"), "{:?}", ex.note);
    assert!(sent.is_empty());
}

#[test]
fn given_station_without_battery_devices_when_planned_then_no_target() {
    let (ex, sent) = plan(&peak(), ExecutionId::new(), inputs(Some(62_000.0), Some(50.0)), &site(&["meter"]), &[], 300);
    assert_eq!(ex.outcome, Outcome::NoTarget);
    assert!(ex.note.as_deref().unwrap().contains("setBatteryPower"));
    assert!(sent.is_empty());
}

#[test]
fn given_schedule_with_power_and_mode_when_planned_then_keys_differ_per_method() {
    let s = strategy(
        StrategyParams::from_parts(
            "schedule",
            json!({"entries": [{"at": "00:00", "battery_power_w": -5000, "pcs_mode": "grid_tied"}]}),
        )
        .unwrap(),
    );
    let site = site(&["pcs"]);
    let (ex, _) = plan(&s, ExecutionId::new(), inputs(None, None), &site, &[], 300);
    assert_eq!(ex.outcome, Outcome::CommandsRequested);
    assert_eq!(ex.commands.len(), 2);
    assert_ne!(ex.commands[0].idempotency_key, ex.commands[1].idempotency_key);
    assert!(ex.commands.iter().all(|c| c.idempotency_key.ends_with(&c.method)));
}

#[test]
fn given_outcome_names_when_parsed_then_round_trip() {
    for o in
        [Outcome::CommandsRequested, Outcome::NoChange, Outcome::InputsMissing, Outcome::NoSetpoint, Outcome::NoTarget]
    {
        assert_eq!(Outcome::parse(o.as_str()), Some(o));
    }
}
