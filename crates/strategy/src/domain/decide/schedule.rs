//! Schedule: the latest entry at or before the local time, among entries whose days cover
//! today, holds; before the first entry of the day, yesterday's last applicable entry holds.

use crate::domain::decision::{Decision, Setpoint};
use crate::domain::inputs::StationInputs;
use crate::domain::params::{ScheduleEntry, ScheduleParams};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

fn latest_on(p: &ScheduleParams, day: NaiveDate, until: Option<NaiveTime>) -> Option<(&ScheduleEntry, NaiveTime)> {
    p.entries
        .iter()
        .filter(|e| e.days.iter().any(|d| d.covers(day.weekday())))
        .filter_map(|e| e.time().map(|t| (e, t)))
        .filter(|(_, t)| until.is_none_or(|u| *t <= u))
        .max_by_key(|(_, t)| *t)
}

pub(super) fn decide(p: &ScheduleParams, i: &StationInputs) -> Decision {
    let today = i.local.date();
    let found = latest_on(p, today, Some(i.local.time())).map(|(e, t)| (e, format!("entry at {t} today")));
    let found = found.or_else(|| {
        let yesterday = today - Duration::days(1);
        latest_on(p, yesterday, None).map(|(e, t)| (e, format!("entry at {t} yesterday")))
    });
    let Some((entry, which)) = found else { return Decision::none("no schedule entry applies") };
    let mut setpoints = Vec::new();
    if let Some(power_w) = entry.battery_power_w {
        setpoints.push(Setpoint::BatteryPower { power_w });
    }
    if let Some(mode) = &entry.pcs_mode {
        setpoints.push(Setpoint::PcsMode { mode: mode.clone() });
    }
    Decision { setpoints, reason: format!("{which} holds") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::test_inputs::at;
    use crate::domain::params::DaySelector;

    fn entry(at: &str, days: Vec<DaySelector>, w: i64) -> ScheduleEntry {
        ScheduleEntry { at: at.into(), days, battery_power_w: Some(w), pcs_mode: None }
    }

    fn params() -> ScheduleParams {
        ScheduleParams {
            entries: vec![
                entry("08:00", vec![DaySelector::Weekday], 5_000),
                entry("22:00", vec![DaySelector::All], -3_000),
                entry("12:00", vec![DaySelector::Weekend], 1_000),
            ],
        }
    }

    #[test]
    fn given_monday_morning_when_decided_then_weekday_entry_holds() {
        let d = decide(&params(), &at(9, 30));
        assert_eq!(d.battery_power_w(), Some(5_000));
        assert!(d.reason.contains("08:00"), "{}", d.reason);
    }

    #[test]
    fn given_monday_before_first_entry_then_sundays_last_entry_holds() {
        assert_eq!(decide(&params(), &at(6, 0)).battery_power_w(), Some(-3_000));
    }

    #[test]
    fn given_exactly_at_entry_time_then_entry_holds() {
        assert_eq!(decide(&params(), &at(22, 0)).battery_power_w(), Some(-3_000));
    }

    #[test]
    fn given_pcs_mode_entry_then_both_setpoints() {
        let p = ScheduleParams {
            entries: vec![ScheduleEntry {
                at: "00:00".into(),
                days: vec![DaySelector::Mon],
                battery_power_w: Some(0),
                pcs_mode: Some("standby".into()),
            }],
        };
        let d = decide(&p, &at(1, 0));
        assert_eq!(d.setpoints.len(), 2);
        assert!(d.setpoints.contains(&Setpoint::PcsMode { mode: "standby".into() }));
    }

    #[test]
    fn given_only_entries_for_other_days_then_no_decision() {
        let p = ScheduleParams { entries: vec![entry("08:00", vec![DaySelector::Sat], 1)] };
        assert!(decide(&p, &at(9, 0)).setpoints.is_empty());
    }
}
