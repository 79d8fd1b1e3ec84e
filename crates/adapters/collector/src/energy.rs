//! Cumulative energy of a device from its `active_power_w` samples, integrated with the
//! analytics context's own rule ([`integrate_power`]: trapezoids, never across a gap longer
//! than `analytics.max_gap_secs`), split into import (power > 0, consuming) and export
//! (power < 0, delivering) exactly at zero crossings. Nothing here is a second integrator: each
//! new sample adds the segment from the previous one, as the hourly statistics do.

use chrono::Duration;
use mgc_analytics::domain::integrate::{integrate_power, PowerPart};
use mgc_analytics::domain::samples::Sample;
use mgc_kernel::Window;

/// The power point whose integral the counters are.
pub const POWER_POINT: &str = "active_power_w";

/// Energy counters of one device and the sample they end with.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DeviceEnergy {
    /// Energy consumed (Wh, fractional).
    pub import_wh: f64,
    /// Energy delivered (Wh, fractional).
    pub export_wh: f64,
    /// Last sample integrated up to.
    pub last: Option<Sample>,
}

impl DeviceEnergy {
    /// Adds the segment from the last sample to `sample` (a sample not after the last one
    /// changes nothing); returns true when the counters or the last sample moved.
    pub fn add(&mut self, sample: Sample, max_gap: Duration) -> bool {
        if !sample.value.is_finite() {
            return false;
        }
        if let Some(prev) = self.last {
            if sample.ts <= prev.ts {
                return false;
            }
            let samples = [prev, sample];
            let slot = [Window { start: prev.ts, end: sample.ts }];
            let part = |p| integrate_power(&samples, &slot, max_gap, p).slot_wh.first().copied().unwrap_or(0.0);
            self.import_wh += part(PowerPart::Positive);
            self.export_wh += part(PowerPart::Negative);
        }
        self.last = Some(sample);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn given_samples_when_added_then_trapezoids_split_by_sign_and_gaps_skipped() {
        let t = |s: i64| Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap();
        let gap = Duration::seconds(300);
        let mut e = DeviceEnergy::default();
        assert!(e.add(Sample::new(t(0), 3600.0), gap));
        assert!(e.add(Sample::new(t(60), 3600.0), gap)); // 60 Wh
        assert!((e.import_wh - 60.0).abs() < 1e-9);
        assert!(e.add(Sample::new(t(120), -3600.0), gap)); // crosses zero at 90 s: +15 / -15
        assert!((e.import_wh - 75.0).abs() < 1e-9 && (e.export_wh - 15.0).abs() < 1e-9);
        assert!(!e.add(Sample::new(t(100), 1.0), gap), "older sample ignored");
        assert!(e.add(Sample::new(t(1120), 3600.0), gap)); // 1000 s gap: not integrated
        assert!((e.import_wh - 75.0).abs() < 1e-9);
    }
}
