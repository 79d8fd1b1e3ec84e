//! The replay: steps through a local day every `step_s`, holds the latest historical sample of
//! every device point (a sample older than the maximum age makes its input unknown, never
//! zero), lets the strategy decide on what the meters would show with the simulated battery,
//! applies the set-points to the simulated battery and the historical PV, and meters the
//! baseline (history as it was) and the strategy grid flows in 15-minute slots.
//!
//! Baseline assumption: the historical grid power had no battery acting, so grid under the
//! strategy = baseline − battery power + curtailed PV.

use super::battery::SimBattery;
use super::slots::{Flow, SlotMeter};
use crate::domain::decide::decide;
use crate::domain::inputs::StationInputs;
use crate::domain::params::StrategyParams;
use crate::domain::readings::{assemble, DeviceReading};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use mgc_contracts::EnergySlot;
use std::collections::{BTreeMap, HashMap};

/// Length of a metering slot (s).
pub const SLOT_S: i64 = 900;

/// One local day to replay.
#[derive(Debug, Clone)]
pub struct DayInput<'a> {
    /// The local date.
    pub day: NaiveDate,
    /// First instant of the day (UTC).
    pub start: DateTime<Utc>,
    /// First instant after the day (UTC).
    pub end: DateTime<Utc>,
    /// The station's zone.
    pub tz: Tz,
    /// Historical readings from `start − max_age` to `end`, sorted by time.
    pub readings: &'a [DeviceReading],
    /// Import band per slot start (for time-of-use strategies), when a tariff prices the day.
    pub bands: &'a [(DateTime<Utc>, String)],
}

/// What a simulated day produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedDay {
    /// The local date.
    pub day: NaiveDate,
    /// History as it was, per slot.
    pub baseline: Vec<EnergySlot>,
    /// Under the strategy, per slot (with battery charge/discharge).
    pub strategy: Vec<EnergySlot>,
    /// PV energy curtailed by limit set-points (Wh).
    pub curtailed_wh: i64,
    /// Minutes with no usable grid reading (not counted in either figure).
    pub gap_minutes: i64,
    /// Lowest state of charge seen (%).
    pub soc_min: f64,
    /// Highest state of charge seen (%).
    pub soc_max: f64,
    /// State of charge at the end of the day (%).
    pub soc_end: f64,
    /// Steps at which the battery set-point had to be reduced.
    pub limited_steps: u32,
}

/// The simulation state carried from day to day.
#[derive(Debug, Clone)]
pub struct Replayer {
    params: StrategyParams,
    step_s: u32,
    max_age: Duration,
    battery: SimBattery,
    held_battery_w: i64,
    held_pv_limit_w: Option<i64>,
    last_battery_w: f64,
    last_curtail_w: f64,
}

impl Replayer {
    /// A replay of `params` with `battery`, stepping every `step_s` (a divisor of 900) and
    /// holding samples at most `max_age`.
    #[must_use]
    pub fn new(params: StrategyParams, battery: SimBattery, step_s: u32, max_age: Duration) -> Replayer {
        Replayer {
            params,
            step_s: step_s.max(1),
            max_age,
            battery,
            held_battery_w: 0,
            held_pv_limit_w: None,
            last_battery_w: 0.0,
            last_curtail_w: 0.0,
        }
    }

    /// The simulated battery.
    #[must_use]
    pub fn battery(&self) -> &SimBattery {
        &self.battery
    }

    /// Replays one day.
    pub fn day(&mut self, input: &DayInput<'_>) -> SimulatedDay {
        let step = Duration::seconds(i64::from(self.step_s));
        let bands: HashMap<DateTime<Utc>, &str> = input.bands.iter().map(|(t, b)| (*t, b.as_str())).collect();
        let mut held: BTreeMap<(&str, &str), &DeviceReading> = BTreeMap::new();
        let mut next = 0;
        let (mut base, mut strat) = (SlotMeter::default(), SlotMeter::default());
        let mut curtailed_ws = 0.0;
        let mut gap_s: i64 = 0;
        let soc0 = self.battery.soc_pct();
        let (mut soc_min, mut soc_max) = (soc0, soc0);
        let mut limited_steps = 0;
        let mut slot_start = input.start;
        let mut t = input.start;
        while t < input.end {
            while let Some(r) = input.readings.get(next).filter(|r| r.ts <= t) {
                held.insert((r.device_id.as_str(), r.point.as_str()), r);
                next += 1;
            }
            let slot = DateTime::<Utc>::from_timestamp(t.timestamp().div_euclid(SLOT_S) * SLOT_S, 0).unwrap_or(t);
            let band = bands.get(&slot).map(|b| (*b).to_owned());
            let local = t.with_timezone(&input.tz).naive_local();
            let current: Vec<DeviceReading> = held.values().map(|r| (*r).clone()).collect();
            let history = assemble(&current, t, local, band.clone(), self.max_age);
            match history.grid_power_w {
                None => {
                    gap_s += i64::from(self.step_s);
                    self.last_battery_w = 0.0;
                    self.last_curtail_w = 0.0;
                }
                Some(baseline_w) => {
                    let applied = self.step(&history, baseline_w, band);
                    limited_steps += u32::from(applied.2);
                    let (battery_w, curtail_w, pv_w) = (applied.0, applied.1, history.pv_power_w);
                    let grid_w = baseline_w - battery_w + curtail_w;
                    base.add(Flow::Import, baseline_w, self.step_s);
                    base.add(Flow::Export, -baseline_w, self.step_s);
                    strat.add(Flow::Import, grid_w, self.step_s);
                    strat.add(Flow::Export, -grid_w, self.step_s);
                    if let Some(pv) = pv_w {
                        base.add(Flow::Pv, pv, self.step_s);
                        strat.add(Flow::Pv, pv - curtail_w, self.step_s);
                    }
                    strat.add(Flow::Charge, -battery_w, self.step_s);
                    strat.add(Flow::Discharge, battery_w, self.step_s);
                    curtailed_ws += curtail_w * f64::from(self.step_s);
                    let soc = self.battery.soc_pct();
                    soc_min = soc_min.min(soc);
                    soc_max = soc_max.max(soc);
                }
            }
            t += step;
            if t >= input.end || t.timestamp().rem_euclid(SLOT_S) == 0 {
                let end = t.min(input.end);
                base.close(slot_start, end);
                strat.close(slot_start, end);
                slot_start = end;
            }
        }
        SimulatedDay {
            day: input.day,
            baseline: base.into_slots(),
            strategy: strat.into_slots(),
            curtailed_wh: (curtailed_ws / 3600.0).round() as i64,
            gap_minutes: gap_s / 60,
            soc_min,
            soc_max,
            soc_end: self.battery.soc_pct(),
            limited_steps,
        }
    }

    /// One step with a known baseline: what the meters would show, the decision, and its
    /// effect. Returns (battery W applied, PV W curtailed, set-point reduced).
    fn step(&mut self, history: &StationInputs, baseline_w: f64, band: Option<String>) -> (f64, f64, bool) {
        let seen = StationInputs {
            at: history.at,
            local: history.local,
            grid_power_w: Some(baseline_w - self.last_battery_w + self.last_curtail_w),
            pv_power_w: history.pv_power_w.map(|pv| pv - self.last_curtail_w),
            battery_power_w: Some(self.last_battery_w),
            soc_pct: Some(self.battery.soc_pct()),
            band,
        };
        let decision = decide(&self.params, &seen);
        if let Some(w) = decision.battery_power_w() {
            self.held_battery_w = w;
        }
        if let Some(limit) = decision.pv_limit_w() {
            self.held_pv_limit_w = limit;
        }
        let applied = self.battery.apply(self.held_battery_w, self.step_s);
        let curtail_w = match (self.held_pv_limit_w, history.pv_power_w) {
            (Some(limit), Some(pv)) => (pv - limit as f64).max(0.0),
            _ => 0.0,
        };
        self.last_battery_w = applied.power_w;
        self.last_curtail_w = curtail_w;
        (applied.power_w, curtail_w, applied.limited)
    }
}
