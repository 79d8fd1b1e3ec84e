//! The simulated charger hardware and its EVs: charging power, the energy register, state of
//! charge, and the OCPP payloads that report them.

use chrono::{DateTime, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};
use std::time::Duration;

/// AC and DC charger ratings (W) a fleet is drawn from.
const RATINGS_W: [f64; 5] = [7_400.0, 11_000.0, 22_000.0, 50_000.0, 150_000.0];

/// A charge point's fixed properties.
#[derive(Debug, Clone)]
pub(super) struct Hardware {
    /// Rated power, W.
    pub(super) rating_w: f64,
    /// Vendor and model reported at boot.
    pub(super) model: &'static str,
    /// Serial number.
    pub(super) serial: String,
}

impl Hardware {
    /// A random charger of the fleet.
    pub(super) fn random(rng: &mut StdRng) -> Self {
        let i = rng.gen_range(0..RATINGS_W.len());
        let model = ["AC-7", "AC-11", "AC-22", "DC-50", "DC-150"][i];
        Self { rating_w: RATINGS_W[i], model, serial: format!("SIM{:08}", rng.gen_range(0..100_000_000u32)) }
    }

    /// The BootNotification payload.
    pub(super) fn boot(&self) -> Value {
        json!({
            "chargePointVendor": "mgc-sim",
            "chargePointModel": self.model,
            "chargePointSerialNumber": self.serial,
            "firmwareVersion": env!("CARGO_PKG_VERSION"),
            "meterType": "sim-meter",
        })
    }
}

/// A running charging session: the EV, its battery and the energy register.
#[derive(Debug, Clone)]
pub(super) struct Session {
    /// Connector used.
    pub(super) connector: u32,
    /// Transaction id given by the central system.
    pub(super) transaction_id: i64,
    /// Id tag.
    pub(super) id_tag: String,
    /// Register at start, Wh.
    pub(super) meter_start_wh: i64,
    /// Register now, Wh (fractions kept so short intervals add up).
    register_wh: f64,
    /// Battery capacity, Wh.
    capacity_wh: f64,
    /// State of charge, 0..=100.
    soc: f64,
    /// Most power the EV takes, W.
    ev_max_w: f64,
    /// Power of the last interval, W.
    pub(super) power_w: f64,
    /// Start time.
    pub(super) started_at: DateTime<Utc>,
}

/// Time as OCPP wants it (RFC 3339, UTC, milliseconds).
pub(super) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Session {
    /// A new EV plugged into `connector` with the register at `meter_wh`.
    pub(super) fn plug(connector: u32, id_tag: &str, meter_wh: i64, rng: &mut StdRng, now: DateTime<Utc>) -> Self {
        let capacity_wh = rng.gen_range(40_000.0..100_000.0);
        let ev_max_w = [7_400.0, 11_000.0, 50_000.0, 120_000.0][rng.gen_range(0..4)];
        Self {
            connector,
            transaction_id: 0,
            id_tag: id_tag.to_owned(),
            meter_start_wh: meter_wh,
            register_wh: meter_wh as f64,
            capacity_wh,
            soc: rng.gen_range(10.0..60.0),
            ev_max_w,
            power_w: 0.0,
            started_at: now,
        }
    }

    /// The register, whole Wh.
    pub(super) fn register_wh(&self) -> i64 {
        self.register_wh.floor() as i64
    }

    /// State of charge, whole percent.
    pub(super) fn soc(&self) -> u32 {
        self.soc.round().clamp(0.0, 100.0) as u32
    }

    /// True when the battery is full (the EV stops drawing).
    pub(super) fn full(&self) -> bool {
        self.soc >= 100.0
    }

    /// Charges for `dt` on a charger rated `rating_w`: the power tapers above 80 % SoC; a little
    /// noise keeps the curve from being a flat line.
    pub(super) fn advance(&mut self, dt: Duration, rating_w: f64, rng: &mut StdRng) {
        let taper = if self.soc > 80.0 { ((100.0 - self.soc) / 20.0).max(0.05) } else { 1.0 };
        let noise = rng.gen_range(0.97..1.0);
        let power = if self.full() { 0.0 } else { rating_w.min(self.ev_max_w) * taper * noise };
        let wh = power * dt.as_secs_f64() / 3600.0;
        self.register_wh += wh;
        self.soc = (self.soc + wh / self.capacity_wh * 100.0).min(100.0);
        self.power_w = power;
    }

    fn sampled(&self, context: &str) -> Value {
        json!([
            {"value": self.register_wh().to_string(), "context": context, "measurand": "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh"},
            {"value": format!("{:.0}", self.power_w), "context": context, "measurand": "Power.Active.Import", "location": "Outlet", "unit": "W"},
            {"value": self.soc().to_string(), "context": context, "measurand": "SoC", "location": "EV", "unit": "Percent"},
        ])
    }

    /// The StartTransaction payload.
    pub(super) fn start(&self) -> Value {
        json!({
            "connectorId": self.connector,
            "idTag": self.id_tag,
            "meterStart": self.meter_start_wh,
            "timestamp": stamp(self.started_at),
        })
    }

    /// The MeterValues payload of a periodic sample at `now`.
    pub(super) fn meter_values(&self, now: DateTime<Utc>) -> Value {
        json!({
            "connectorId": self.connector,
            "transactionId": self.transaction_id,
            "meterValue": [{"timestamp": stamp(now), "sampledValue": self.sampled("Sample.Periodic")}],
        })
    }

    /// The StopTransaction payload at `now` with the begin and end samples as transaction data.
    pub(super) fn stop(&self, reason: &str, now: DateTime<Utc>) -> Value {
        let begin = json!([{"value": self.meter_start_wh.to_string(), "context": "Transaction.Begin", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]);
        json!({
            "idTag": self.id_tag,
            "meterStop": self.register_wh(),
            "timestamp": stamp(now),
            "transactionId": self.transaction_id,
            "reason": reason,
            "transactionData": [
                {"timestamp": stamp(self.started_at), "sampledValue": begin},
                {"timestamp": stamp(now), "sampledValue": self.sampled("Transaction.End")},
            ],
        })
    }
}

/// A StatusNotification payload.
pub(super) fn status(connector: u32, status: &str, now: DateTime<Utc>) -> Value {
    json!({"connectorId": connector, "errorCode": "NoError", "status": status, "timestamp": stamp(now)})
}

#[cfg(test)]
mod tests {
    use super::*;
    use mgc_adapter_ocpp::ChargePointCall;
    use rand::SeedableRng;

    #[test]
    fn given_a_session_then_every_payload_passes_the_central_systems_schema() {
        let mut rng = StdRng::seed_from_u64(1);
        let now = Utc::now();
        let hw = Hardware::random(&mut rng);
        let mut s = Session::plug(1, "SIM-TAG", 1_000, &mut rng, now);
        s.transaction_id = 42;
        s.advance(Duration::from_secs(60), hw.rating_w, &mut rng);
        for (action, payload) in [
            ("BootNotification", hw.boot()),
            ("StatusNotification", status(1, "Charging", now)),
            ("StartTransaction", s.start()),
            ("MeterValues", s.meter_values(now)),
            ("StopTransaction", s.stop("Local", now)),
        ] {
            assert!(ChargePointCall::parse(action, &payload).is_ok(), "{action}: {payload}");
        }
    }

    #[test]
    fn given_two_days_of_charging_then_the_register_grows_and_soc_stays_bounded() {
        let mut rng = StdRng::seed_from_u64(2);
        let mut s = Session::plug(1, "T", 5_000, &mut rng, Utc::now());
        let mut last = s.register_wh();
        for _ in 0..2 * 24 * 60 {
            s.advance(Duration::from_secs(60), 150_000.0, &mut rng);
            assert!(s.register_wh() >= last);
            last = s.register_wh();
        }
        assert!(s.register_wh() > 5_000 && s.soc() <= 100);
        assert!(s.full(), "two days fill any battery");
        assert_eq!(s.power_w, 0.0);
    }
}
