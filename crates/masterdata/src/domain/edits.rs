//! Partial changes of a station or a device (`PATCH`): absent fields stay, `null` clears an
//! optional field; every change is validated before it is applied.

use crate::domain::provisioning::text;
use crate::{Device, DeviceKind, GeoPoint, Station};
use mgc_kernel::{StationId, StationTz};
use serde::{Deserialize, Deserializer};

/// `Some(None)` for an explicit `null`, `Some(Some(v))` for a value (absent = `None` by default).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Fields of a station that may change.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationPatch {
    /// New code (unique in the tenant).
    pub code: Option<String>,
    /// New display name.
    pub name: Option<String>,
    /// New IANA time zone (refused once the station has statistics, see `TimeZoneLocked`).
    pub time_zone: Option<String>,
    /// New location, or null to clear it.
    #[serde(default, deserialize_with = "present")]
    pub location: Option<Option<GeoPoint>>,
    /// New capacity in kW, or null to clear it.
    #[serde(default, deserialize_with = "present")]
    pub capacity_kw: Option<Option<f64>>,
    /// New ThingsBoard asset id, or null to clear it.
    #[serde(default, deserialize_with = "present")]
    pub tb_asset_id: Option<Option<String>>,
}

impl StationPatch {
    /// Applies the patch to `station`; the message names the first invalid field.
    pub fn apply(&self, station: &mut Station) -> Result<(), String> {
        if let Some(code) = &self.code {
            text("code", code, 100)?;
            station.code = code.trim().to_owned();
        }
        if let Some(name) = &self.name {
            text("name", name, 200)?;
            station.name = name.trim().to_owned();
        }
        if let Some(tz) = &self.time_zone {
            station.time_zone = StationTz::parse(tz).map_err(|e| format!("time_zone: {e}"))?;
        }
        if let Some(location) = &self.location {
            if let Some(l) = location {
                l.validate().map_err(|e| format!("location: {e}"))?;
            }
            station.location = *location;
        }
        if let Some(capacity) = self.capacity_kw {
            if let Some(c) = capacity.filter(|c| !c.is_finite() || *c < 0.0) {
                return Err(format!("capacity_kw: {c} must be a non-negative number"));
            }
            station.capacity_kw = capacity;
        }
        if let Some(asset) = &self.tb_asset_id {
            station.tb_asset_id = asset.as_ref().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        }
        Ok(())
    }
}

/// Fields of a device that may change.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicePatch {
    /// New name (unique in the tenant; ingest resolves devices by it).
    pub name: Option<String>,
    /// New kind (its kind's mapping template applies from then on).
    pub kind: Option<DeviceKind>,
    /// Station to move the device to (of the same tenant).
    pub station_id: Option<StationId>,
    /// New ThingsBoard device id, or null to clear it.
    #[serde(default, deserialize_with = "present")]
    pub tb_device_id: Option<Option<String>>,
    /// New protocol.
    pub protocol: Option<String>,
}

impl DevicePatch {
    /// Applies the patch to `device`; the message names the first invalid field.
    pub fn apply(&self, device: &mut Device) -> Result<(), String> {
        if let Some(name) = &self.name {
            text("name", name, 200)?;
            device.name = name.trim().to_owned();
        }
        if let Some(kind) = self.kind {
            device.kind = kind;
        }
        if let Some(station) = self.station_id {
            device.station_id = station;
        }
        if let Some(tb) = &self.tb_device_id {
            device.tb_device_id = tb.as_ref().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        }
        if let Some(protocol) = &self.protocol {
            text("protocol", protocol, 50)?;
            device.protocol = protocol.trim().to_owned();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use mgc_kernel::TenantId;

    fn station() -> Station {
        Station {
            id: StationId::new(),
            tenant: TenantId::parse("acme").unwrap(),
            code: "sz-01".into(),
            name: "Shenzhen".into(),
            time_zone: StationTz::parse("Asia/Shanghai").unwrap(),
            location: Some(GeoPoint { latitude: 22.5, longitude: 114.0 }),
            capacity_kw: Some(500.0),
            tb_asset_id: Some("a-1".into()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn patch(json: serde_json::Value) -> StationPatch {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn given_absent_fields_when_patched_then_they_stay_and_null_clears() {
        let mut s = station();
        patch(serde_json::json!({"name": " Shenzhen 2 ", "location": null, "tb_asset_id": null}))
            .apply(&mut s)
            .unwrap();
        assert_eq!((s.name.as_str(), s.location, s.tb_asset_id.as_deref()), ("Shenzhen 2", None, None));
        assert_eq!((s.code.as_str(), s.capacity_kw), ("sz-01", Some(500.0)), "absent fields changed");
    }

    #[test]
    fn given_invalid_values_when_patched_then_the_field_is_named() {
        for (json, field) in [
            (serde_json::json!({"time_zone": "Mars/Olympus"}), "time_zone"),
            (serde_json::json!({"capacity_kw": -1.0}), "capacity_kw"),
            (serde_json::json!({"name": "  "}), "name"),
            (serde_json::json!({"location": {"latitude": 91.0, "longitude": 0.0}}), "location"),
        ] {
            let err = patch(json.clone()).apply(&mut station()).unwrap_err();
            assert!(err.starts_with(field), "{json}: {err}");
        }
        assert!(serde_json::from_value::<StationPatch>(serde_json::json!({"colour": "red"})).is_err());
    }
}
