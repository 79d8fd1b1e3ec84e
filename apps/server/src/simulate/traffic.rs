//! The simulated fleet and the request bodies it sends, in every ThingsBoard shape.

use super::Shape;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicI64, Ordering};

/// Semantic keys of a sample, in the order they are used; further keys are `aux_<n>`.
const KEYS: [&str; 8] = [
    "active_power_w",
    "energy_import_wh",
    "soc_pct",
    "voltage_v",
    "temperature_c",
    "reactive_power_var",
    "frequency_hz",
    "current_a",
];

/// Reference time of the energy meters (2023-11-14T22:13:20Z): readings grow from it.
const ENERGY_REFERENCE_MS: i64 = 1_700_000_000_000;
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The simulated devices: names and per-device clocks.
pub(super) struct Fleet {
    names: Vec<String>,
    clocks: Vec<AtomicI64>,
}

impl Fleet {
    pub(super) fn new(prefix: &str, devices: u32) -> Self {
        Self {
            names: (1..=devices).map(|n| format!("{prefix}{n}")).collect(),
            clocks: (0..devices).map(|_| AtomicI64::new(0)).collect(),
        }
    }

    /// A fresh timestamp of `device`: now, or 1 ms after its previous one.
    fn next_ts(&self, device: usize) -> i64 {
        let now = now_ms();
        let step = |last: i64| now.max(last + 1);
        match self.clocks[device].fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(step(last))) {
            Ok(previous) | Err(previous) => step(previous),
        }
    }
}

/// The value of key number `key` of `device` at `ts_ms`.
fn value(key: usize, device: usize, ts_ms: i64, rng: &mut StdRng) -> f64 {
    let t = ts_ms as f64 / 1000.0;
    let phase = device as f64 * 0.7;
    let wave = |period: f64| (std::f64::consts::TAU * t / period + phase).sin();
    let amplitude = 5_000.0 + 500.0 * (device % 10) as f64;
    let mut noise = |scale: f64| scale * rng.gen_range(-1.0..1.0);
    match key {
        0 => round(amplitude * wave(600.0) + noise(amplitude * 0.03), 1),
        // Energy drawn at half the amplitude on average since the reference time: grows with ts.
        1 => round(1.0e6 + 1.0e5 * device as f64 + (ts_ms - ENERGY_REFERENCE_MS) as f64 / 3.6e6 * amplitude * 0.5, 3),
        2 => round((55.0 + 35.0 * wave(3_600.0) + noise(0.2)).clamp(0.0, 100.0), 1),
        3 => round(230.0 + 4.0 * wave(300.0) + noise(1.0), 2),
        4 => round(28.0 + 6.0 * wave(7_200.0) + noise(0.3), 2),
        5 => round(0.25 * amplitude * wave(900.0) + noise(20.0), 1),
        6 => round(50.0 + noise(0.03), 3),
        7 => round(amplitude * wave(600.0).abs() / 230.0 + noise(0.2), 2),
        n => round(100.0 * wave(60.0 + n as f64) + noise(1.0), 2),
    }
}

fn key_name(key: usize) -> String {
    KEYS.get(key).map_or_else(|| format!("aux_{}", key + 1 - KEYS.len()), |k| (*k).to_owned())
}

/// One request ready to send.
pub struct SimRequest {
    /// JSON body.
    pub body: Vec<u8>,
    /// ThingsBoard's templated headers (device name, type, ts), without the signature.
    pub headers: Vec<(&'static str, String)>,
    /// Points in the body.
    pub points: u64,
}

/// Builds the bodies of one simulation.
pub(super) struct Generator {
    pub(super) fleet: Fleet,
    pub(super) shape: Shape,
    pub(super) points: usize,
}

impl Generator {
    fn values(&self, device: usize, ts: i64, keys: usize, rng: &mut StdRng) -> Map<String, Value> {
        (0..keys).map(|k| (key_name(k), json!(value(k, device, ts, rng)))).collect()
    }

    /// Request number `r`: flat and timestamped bodies belong to device `r mod devices`; the
    /// samples of dedup and canonical bodies go round the devices.
    pub(super) fn request(&self, r: u64, rng: &mut StdRng) -> SimRequest {
        let devices = self.fleet.names.len();
        let single = usize::try_from(r % devices as u64).unwrap_or(0);
        let per_sample = self.points.min(KEYS.len());
        let samples = self.points.div_ceil(per_sample);
        let keys_of = |j: usize| if j + 1 < samples { per_sample } else { self.points - per_sample * (samples - 1) };
        let spread = |j: usize| usize::try_from((r * samples as u64 + j as u64) % devices as u64).unwrap_or(0);
        let mut headers = Vec::new();
        let body = match self.shape {
            Shape::Flat => {
                let ts = self.fleet.next_ts(single);
                headers.push(("x-ts", ts.to_string()));
                Value::Object(self.values(single, ts, self.points, rng))
            }
            Shape::Timestamped => (0..samples)
                .map(|j| {
                    let ts = self.fleet.next_ts(single);
                    json!({"ts": ts, "values": self.values(single, ts, keys_of(j), rng)})
                })
                .collect(),
            Shape::Dedup => (0..samples)
                .map(|j| {
                    let d = spread(j);
                    let ts = self.fleet.next_ts(d);
                    json!({"msg": self.values(d, ts, keys_of(j), rng),
                           "metadata": {"deviceName": self.fleet.names[d], "deviceType": "simulated", "ts": ts.to_string()}})
                })
                .collect(),
            Shape::Canonical => (0..samples)
                .map(|j| {
                    let d = spread(j);
                    let ts = self.fleet.next_ts(d);
                    json!({"device": self.fleet.names[d], "ts": ts, "values": self.values(d, ts, keys_of(j), rng)})
                })
                .collect(),
        };
        if matches!(self.shape, Shape::Flat | Shape::Timestamped) {
            headers.push(("x-device-name", self.fleet.names[single].clone()));
            headers.push(("x-device-type", "simulated".to_owned()));
        }
        SimRequest { body: body.to_string().into_bytes(), headers, points: self.points as u64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn generator(shape: Shape, points: usize, devices: u32) -> Generator {
        Generator { fleet: Fleet::new("sim-", devices), shape, points }
    }

    #[test]
    fn flat_body_is_one_timestamp_with_headers() {
        let mut rng = StdRng::seed_from_u64(1);
        let g = generator(Shape::Flat, 5, 3);
        let r = g.request(4, &mut rng);
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 5);
        assert!(keys.contains(&"active_power_w") && keys.contains(&"temperature_c"));
        let header = |n: &str| r.headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone());
        assert_eq!(header("x-device-name").as_deref(), Some("sim-2"));
        assert!(header("x-ts").unwrap().parse::<i64>().unwrap() > ENERGY_REFERENCE_MS);
    }

    #[test]
    fn canonical_batches_spread_devices_with_unique_timestamps() {
        let mut rng = StdRng::seed_from_u64(2);
        let g = generator(Shape::Canonical, 1000, 20);
        let mut seen = std::collections::HashSet::new();
        for r in 0..3 {
            let req = g.request(r, &mut rng);
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let items = body.as_array().unwrap();
            assert_eq!(items.len(), 125);
            let points: usize = items.iter().map(|i| i["values"].as_object().unwrap().len()).sum();
            assert_eq!(points, 1000);
            for i in items {
                assert!(seen.insert((i["device"].as_str().unwrap().to_owned(), i["ts"].as_i64().unwrap())));
            }
        }
        let devices: std::collections::HashSet<_> = seen.iter().map(|(d, _)| d.clone()).collect();
        assert_eq!(devices.len(), 20);
    }

    #[test]
    fn energy_grows_and_soc_stays_in_range() {
        let mut rng = StdRng::seed_from_u64(3);
        let t0 = now_ms();
        let mut last = f64::MIN;
        for step in 0..100 {
            let e = value(1, 2, t0 + step * 60_000, &mut rng);
            assert!(e >= last);
            last = e;
            let soc = value(2, 2, t0 + step * 60_000, &mut rng);
            assert!((0.0..=100.0).contains(&soc));
        }
    }

    #[test]
    fn dedup_and_timestamped_shapes() {
        let mut rng = StdRng::seed_from_u64(4);
        let req = generator(Shape::Dedup, 12, 4).request(0, &mut rng);
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body[0]["metadata"]["deviceName"], "sim-1");
        assert_eq!(body[1]["metadata"]["deviceName"], "sim-2");
        assert_eq!(body[1]["msg"].as_object().unwrap().len(), 4);
        assert!(body[0]["metadata"]["ts"].is_string());
        let req = generator(Shape::Timestamped, 20, 4).request(1, &mut rng);
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body.as_array().unwrap().len(), 3);
        assert!(body[0]["ts"].as_i64().unwrap() < body[1]["ts"].as_i64().unwrap());
        assert!(req.headers.iter().any(|(k, v)| *k == "x-device-name" && v == "sim-2"));
    }
}
