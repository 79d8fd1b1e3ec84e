//! Version, freeze, adjustment and statement rules (pure).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Datelike, Duration, TimeZone, Utc};
use common::{date, day_window, rules, tou_json, uniform_slots};
use mgc_contracts::StatisticCalculated;
use mgc_kernel::{Granularity, StationId, TenantId};
use mgc_settlement::domain::pricing::price_day;
use mgc_settlement::domain::settlement::due_for_freeze;
use mgc_settlement::domain::statement::{build_content, content_hash, month_range};
use mgc_settlement::{
    Adjustment, AdjustmentId, DayFigures, DayInput, FigureDelta, Settlement, SettlementId, SettlementState,
    SettlementVersion, TariffId, TariffRef,
};

fn figures(day: &str, import_wh: i64) -> DayFigures {
    let d = date(day);
    let (tz, start, end) = day_window("Asia/Shanghai", d);
    price_day(&rules(&tou_json()), d, tz, &uniform_slots(start, end, import_wh, 77)).unwrap()
}

fn settled(day: &str, import_wh: i64, version: u32) -> (Settlement, SettlementVersion) {
    let d = date(day);
    let (tz, start, end) = day_window("Asia/Shanghai", d);
    let at = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
    let s = Settlement {
        id: SettlementId::from_uuid(mgc_kernel::uuid::Uuid::from_u128(u128::from(d.ordinal()))),
        tenant: TenantId::parse("acme").unwrap(),
        station_id: station(),
        day: d,
        time_zone: tz,
        day_start: start,
        day_end: end,
        state: SettlementState::Calculated,
        version,
        frozen_at: None,
        created_at: at,
        updated_at: at,
    };
    let tariff = TariffRef { tariff_id: TariffId::from_uuid(mgc_kernel::uuid::Uuid::from_u128(7)), tariff_version: 1 };
    let v = SettlementVersion {
        version,
        cause: "statistic v1".into(),
        stat_version: version,
        sources: vec![],
        tariff: Some(tariff),
        figures: Some(figures(day, import_wh)),
        unpriced_reason: None,
        calculated_at: at,
    };
    (s, v)
}

fn station() -> StationId {
    StationId::from_uuid(mgc_kernel::uuid::Uuid::from_u128(42))
}

#[test]
fn given_the_same_figures_when_compared_then_no_new_version_is_needed() {
    let (_, v1) = settled("2026-03-10", 333, 1);
    let mut again = v1.clone();
    again.cause = "tariff assigned".into();
    again.calculated_at += Duration::hours(1);
    assert!(v1.same_result(&again));
    let (_, v2) = settled("2026-03-10", 334, 1);
    assert!(!v1.same_result(&v2));
    let mut newer_stat = v1.clone();
    newer_stat.stat_version = 2;
    assert!(!v1.same_result(&newer_stat));
}

#[test]
fn given_a_recomputed_frozen_day_when_diffed_then_the_delta_is_per_band_and_total() {
    let old = figures("2026-03-10", 333);
    let new = figures("2026-03-10", 343);
    let d = FigureDelta::between(&old, &new);
    // +10 Wh in each of 96 slots; sharp +140 Wh: 4802 Wh * 1.30 = 624.26 -> 624 (was 606)
    assert_eq!(d.import_wh, 960);
    let sharp = d.import.iter().find(|b| b.band == "sharp").unwrap();
    assert_eq!((sharp.wh, sharp.amount_minor), (140, 18));
    assert_eq!(d.import_cost_minor, new.import_cost_minor - old.import_cost_minor);
    assert!(d.export.is_empty(), "export did not change");
    assert!(!d.is_zero());
    assert!(FigureDelta::between(&old, &old).is_zero());
}

#[test]
fn given_a_day_end_when_checked_then_due_exactly_freeze_after_days_later() {
    let (_, _, end) = day_window("Asia/Shanghai", date("2026-03-10"));
    assert!(!due_for_freeze(end, end + Duration::days(3) - Duration::seconds(1), 3));
    assert!(due_for_freeze(end, end + Duration::days(3), 3));
    assert!(due_for_freeze(end, end, 0));
}

#[test]
fn given_hour_or_malformed_events_when_read_then_ignored_or_rejected() {
    let (_, start, end) = day_window("Asia/Shanghai", date("2026-03-10"));
    let mut ev = StatisticCalculated {
        station_id: station(),
        time_zone: "Asia/Shanghai".into(),
        granularity: Granularity::Hour,
        period: "2026-03-10T01".into(),
        start,
        end,
        version: 1,
        figures: Default::default(),
        coverage: 1.0,
        slots: uniform_slots(start, end, 1, 0),
        sources: vec![],
    };
    let tenant = TenantId::parse("acme").unwrap();
    assert_eq!(DayInput::from_event(&tenant, &ev, end).unwrap(), None);
    ev.granularity = Granularity::Day;
    ev.period = "2026-03-10".into();
    assert_eq!(DayInput::from_event(&tenant, &ev, end).unwrap().unwrap().slots.len(), 96);
    ev.period = "10.03.2026".into();
    assert!(DayInput::from_event(&tenant, &ev, end).unwrap_err().contains("'10.03.2026'"));
    ev.period = "2026-03-10".into();
    ev.slots[3].end = ev.slots[3].start + Duration::minutes(30);
    assert!(DayInput::from_event(&tenant, &ev, end).unwrap_err().contains("slot 3"));
}

fn adjustment(day: &str, old: i64, new: i64) -> Adjustment {
    let (s, v) = settled(day, old, 1);
    let figures = figures(day, new);
    Adjustment {
        id: AdjustmentId::from_uuid(mgc_kernel::uuid::Uuid::from_u128(9)),
        tenant: s.tenant.clone(),
        settlement_id: s.id,
        station_id: s.station_id,
        day: s.day,
        frozen_version: 1,
        reason: "statistic v2 after the day was frozen at settlement v1".into(),
        stat_version: 2,
        sources: vec![],
        tariff: v.tariff.unwrap(),
        delta: FigureDelta::between(v.figures.as_ref().unwrap(), &figures),
        figures,
        created_at: s.created_at,
        statement_id: None,
    }
}

#[test]
fn given_days_and_adjustments_when_built_then_totals_add_days_and_adjustments() {
    let days = vec![settled("2026-03-10", 333, 1), settled("2026-03-14", 333, 2)];
    let adj = adjustment("2026-02-27", 333, 343);
    let c = build_content(station(), "2026-03", 1, &days, std::slice::from_ref(&adj)).unwrap();
    assert_eq!(c.days.len(), 2);
    assert_eq!(c.days[1].settlement_version, 2);
    // weekday 2102 + weekend 1705 fen import; 290 + 290 export; adjustment +net
    assert_eq!(c.totals.import_cost_minor, 2102 + 1705 + adj.delta.import_cost_minor);
    assert_eq!(c.totals.export_revenue_minor, 580);
    assert_eq!(c.totals.adjustments_net_minor, adj.delta.net_minor);
    assert_eq!(c.totals.net_minor, c.totals.import_cost_minor - c.totals.export_revenue_minor);
    let bands: Vec<&str> = c.bands.iter().map(|b| b.band.as_str()).collect();
    assert_eq!(bands, vec!["sharp", "peak", "flat", "valley", "fixed"]);
    let flat = &c.bands[2];
    assert_eq!((flat.import_wh, flat.import_cost_minor), (9324 + 21312, 606 + 1385));
}

#[test]
fn given_the_same_content_in_any_input_order_when_hashed_then_the_hash_is_stable() {
    let a = vec![settled("2026-03-10", 333, 1), settled("2026-03-14", 333, 1)];
    let b = vec![a[1].clone(), a[0].clone()];
    let ca = build_content(station(), "2026-03", 1, &a, &[]).unwrap();
    let cb = build_content(station(), "2026-03", 1, &b, &[]).unwrap();
    assert_eq!(content_hash(&ca), content_hash(&cb));
    assert_eq!(content_hash(&ca).len(), 64);
    assert_eq!(content_hash(&ca), content_hash(&ca.clone()));
    let changed = vec![settled("2026-03-10", 334, 1), settled("2026-03-14", 333, 1)];
    let cc = build_content(station(), "2026-03", 1, &changed, &[]).unwrap();
    assert_ne!(content_hash(&ca), content_hash(&cc));
}

#[test]
fn given_no_priced_day_when_built_then_rejected_naming_the_month() {
    let (s, mut v) = settled("2026-03-10", 333, 1);
    v.figures = None;
    v.tariff = None;
    let err = build_content(station(), "2026-03", 1, &[(s, v)], &[]).unwrap_err();
    assert!(err.contains("no priced day"), "{err}");
    assert!(err.contains("2026-03"));
}

#[test]
fn given_months_when_parsed_then_first_and_last_day_or_error() {
    assert_eq!(month_range("2026-02").unwrap(), (date("2026-02-01"), date("2026-02-28")));
    assert_eq!(month_range("2026-12").unwrap(), (date("2026-12-01"), date("2026-12-31")));
    for bad in ["2026-13", "2026-2", "March", "2026-00"] {
        assert!(month_range(bad).unwrap_err().contains(bad));
    }
}
