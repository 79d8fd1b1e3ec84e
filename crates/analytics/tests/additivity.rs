//! Additivity: for any partition of a period into windows, each window computed from its own
//! readings (one on either side) and the cycle high carried from the window before, the windows'
//! counter energy adds up to the energy of the whole period computed once — no reading counted
//! twice, none lost — and, over a period holding every reading, to an independent integer
//! reference of the documented meter rules. Rounded once per window, the sum is off by at most
//! half a Wh per window.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_analytics::domain::meter::{high_before, integrate_meter};
use mgc_analytics::domain::samples::Sample;
use mgc_kernel::Window;
use proptest::prelude::*;
use proptest::test_runner::Config;

const MODULUS: i64 = 1_000_000;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH)
}

/// Integer readings of a counter: growth, stale re-sends, jitter, resets and (with a modulus)
/// rollovers, at gaps from one second to two hours.
fn readings() -> impl Strategy<Value = (Vec<(i64, i64)>, bool)> {
    (prop::collection::vec((1i64..7200, 0u8..20, 0i64..5000), 1..60), 0i64..MODULUS, any::<bool>()).prop_map(
        |(steps, v0, wraps)| {
            let (mut t, mut v) = (0i64, v0);
            let mut out: Vec<(i64, i64)> = Vec::with_capacity(steps.len());
            for (dt, op, m) in steps {
                let value = match op {
                    0 | 1 => out.iter().rev().nth((m % 4) as usize).map_or(v, |r| r.1),
                    2 => v - m % 50,
                    3 => {
                        v = m % 1000;
                        v
                    }
                    4 if wraps => {
                        v = (v + MODULUS / 20 + m) % MODULUS;
                        v
                    }
                    _ => {
                        v = if wraps { (v + m % 400) % MODULUS } else { v + m % 400 };
                        v
                    }
                };
                out.push((t, value));
                t += dt;
            }
            (out, wraps)
        },
    )
}

/// The documented rules, in integers: growth against the cycle high, a drop to at least half is
/// jitter, a lower drop starts a new cycle (a rollover from the top to the bottom tenth, else a
/// reset whose reading counts).
fn reference_total(values: &[i64], modulus: Option<i64>) -> i64 {
    let Some((&first, rest)) = values.split_first() else { return 0 };
    let (mut high, mut total) = (first, 0);
    for &v in rest {
        if v >= high {
            total += v - high;
            high = v;
        } else if 2 * v >= high {
        } else {
            total += match modulus {
                Some(m) if 10 * high >= 9 * m && 10 * v <= m => m - high + v,
                _ => v.max(0),
            };
            high = v;
        }
    }
    total
}

/// The readings of `w` plus the last one before it and the first one after it.
fn slice(all: &[Sample], w: &Window) -> Vec<Sample> {
    let lo = all.partition_point(|s| s.ts < w.start).saturating_sub(1);
    let hi = (all.partition_point(|s| s.ts < w.end) + 1).min(all.len());
    all[lo..hi.max(lo)].to_vec()
}

/// Energy of `w` from its slice, starting from the carried `high_in`; and the high it hands on.
fn window_energy(all: &[Sample], w: &Window, high_in: Option<f64>, rollover: Option<f64>) -> (f64, Option<f64>) {
    let s = slice(all, w);
    let high_in = high_in.filter(|_| s.first().is_some_and(|r| r.ts < w.start));
    let wh = integrate_meter(&s, &[*w], Duration::minutes(5), rollover, high_in).slot_wh.iter().sum();
    (wh, high_before(&s, rollover, high_in, w.end))
}

proptest! {
    #![proptest_config(Config { cases: support::cases(3000), failure_persistence: None, ..Config::default() })]

    #[test]
    fn given_any_partition_of_a_period_when_counter_energy_is_summed_then_it_equals_the_period_computed_once(
        (series, wraps) in readings(),
        bounds in (0.0..1.0f64, 0.0..1.0f64),
        cuts in prop::collection::vec((0.0..1.0f64, any::<bool>()), 0..12),
    ) {
        let rollover = wraps.then_some(MODULUS as f64);
        let all: Vec<Sample> =
            series.iter().map(|(t, v)| Sample::new(t0() + Duration::seconds(*t), *v as f64)).collect();
        let (lo, hi) = (all[0].ts - Duration::minutes(30), all[all.len() - 1].ts + Duration::minutes(30));
        let at = |f: f64, from: DateTime<Utc>, to: DateTime<Utc>| from + Duration::seconds(((to - from).num_seconds() as f64 * f) as i64);
        let start = at(bounds.0, lo, hi);
        let end = at(bounds.1, start, hi).max(start + Duration::seconds(1));
        // Cut points anywhere inside, some exactly on a reading.
        let mut points: Vec<DateTime<Utc>> = cuts
            .iter()
            .map(|(f, snap)| {
                let t = at(*f, start, end);
                if *snap { all.iter().map(|s| s.ts).min_by_key(|ts| (*ts - t).abs()).unwrap_or(t) } else { t }
            })
            .filter(|t| *t > start && *t < end)
            .collect();
        points.extend([start, end]);
        points.sort();
        points.dedup();
        let windows: Vec<Window> = points.windows(2).map(|p| Window { start: p[0], end: p[1] }).collect();

        let carried = high_before(&all, rollover, None, start);
        let (whole, _) = window_energy(&all, &Window { start, end }, carried, rollover);
        let (mut sum, mut rounded, mut high) = (0.0, 0i64, carried);
        for w in &windows {
            let (wh, out) = window_energy(&all, w, high, rollover);
            sum += wh;
            rounded += wh.round() as i64;
            high = out;
        }
        let tolerance = 1e-6 * (1.0 + whole.abs());
        prop_assert!((sum - whole).abs() <= tolerance, "windows {sum} vs whole {whole} over {windows:?}");
        prop_assert!((rounded as f64 - whole).abs() <= 0.5 * windows.len() as f64 + tolerance, "rounded {rounded} vs {whole}");
        if start <= all[0].ts && end > all[all.len() - 1].ts {
            let values: Vec<i64> = series.iter().map(|(_, v)| *v).collect();
            let reference = reference_total(&values, wraps.then_some(MODULUS)) as f64;
            prop_assert!((whole - reference).abs() <= tolerance, "whole {whole} vs reference {reference}");
        }
    }
}
