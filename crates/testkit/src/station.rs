//! Provisioning a station through the API from a small builder, and the ids it got.

use crate::app::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A station to provision: code, name, time zone and devices with their key mappings; becomes
/// the body of `POST /api/v1/provisioning/stations`.
///
/// ```
/// use mgc_testkit::StationBuilder;
///
/// let body = StationBuilder::new("sz-01", "Asia/Shanghai")
///     .device("meter-1", "meter")
///     .mapping("P", "active_power_w", 1000.0) // meter-1 sends P in kW
///     .device("pv-1", "pv_inverter")
///     .body();
/// assert_eq!(body["devices"][0]["mappings"][0]["point"], "active_power_w");
/// assert_eq!(body["time_zone"], "Asia/Shanghai");
/// ```
#[derive(Debug, Clone)]
pub struct StationBuilder {
    body: Value,
}

impl StationBuilder {
    /// A station `code` in IANA zone `time_zone`, named "Station `code`", without devices.
    pub fn new(code: &str, time_zone: &str) -> Self {
        Self { body: json!({"code": code, "name": format!("Station {code}"), "time_zone": time_zone, "devices": []}) }
    }

    /// Sets the display name.
    pub fn name(mut self, name: &str) -> Self {
        self.body["name"] = json!(name);
        self
    }

    /// Sets the rated capacity (kW).
    pub fn capacity_kw(mut self, kw: f64) -> Self {
        self.body["capacity_kw"] = json!(kw);
        self
    }

    /// Adds a device of `kind` (`meter`, `pv_inverter`, `battery`, `pcs`, ...) named `name`.
    pub fn device(mut self, name: &str, kind: &str) -> Self {
        self.devices().push(json!({"name": name, "kind": kind}));
        self
    }

    /// Adds a device that has a ThingsBoard device id (commands can reach it over RPC).
    pub fn thingsboard_device(mut self, name: &str, kind: &str, tb_device_id: &str) -> Self {
        self.devices().push(json!({"name": name, "kind": kind, "tb_device_id": tb_device_id}));
        self
    }

    /// Maps the last added device's raw key `raw_key` to catalogue point `point`, scaled by
    /// `scale` (e.g. 1000 for a power sent in kW to a point in W).
    ///
    /// Panics when no device was added yet.
    pub fn mapping(mut self, raw_key: &str, point: &str, scale: f64) -> Self {
        let device = self.devices().last_mut().expect("StationBuilder::mapping: add a device first");
        let mappings = device.as_object_mut().unwrap().entry("mappings").or_insert_with(|| json!([]));
        mappings.as_array_mut().unwrap().push(json!({"raw_key": raw_key, "point": point, "scale": scale}));
        self
    }

    /// The request body.
    pub fn body(&self) -> Value {
        self.body.clone()
    }

    fn devices(&mut self) -> &mut Vec<Value> {
        self.body["devices"].as_array_mut().unwrap()
    }
}

/// A provisioned station: its id, time zone and the id of each device by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    /// Station id.
    pub id: String,
    /// Its IANA time zone.
    pub time_zone: String,
    /// Device id by device name.
    pub devices: BTreeMap<String, String>,
}

impl Station {
    /// The id of device `name`; panics when the station has no such device.
    pub fn device(&self, name: &str) -> &str {
        self.devices.get(name).unwrap_or_else(|| panic!("station {} has no device {name}", self.id))
    }
}

impl TestApp {
    /// Provisions `station` with `admin` (an admin bearer token), asserting 200.
    pub async fn provision(&self, admin: &str, station: &StationBuilder) -> Station {
        let body = self.provision_body(admin, station.body()).await;
        let devices = body["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["name"].as_str().unwrap().to_owned(), d["id"].as_str().unwrap().to_owned()))
            .collect();
        Station {
            id: body["station"]["id"].as_str().unwrap().to_owned(),
            time_zone: body["station"]["time_zone"].as_str().unwrap().to_owned(),
            devices,
        }
    }

    /// Posts a raw provisioning body (any shape the API accepts), asserting 200; returns the answer.
    pub async fn provision_body(&self, admin: &str, body: Value) -> Value {
        let (status, answer) = self.call(Method::POST, "/api/v1/provisioning/stations", Some(admin), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "provisioning: {answer}");
        answer
    }
}
