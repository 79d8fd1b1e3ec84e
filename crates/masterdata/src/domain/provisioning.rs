//! The provisioning request: a station with its devices and mappings, in one idempotent body.

use crate::{DeviceKind, GeoPoint};
use mgc_kernel::StationTz;
use serde::Deserialize;

/// A station as the caller wants it to be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionRequest {
    /// Caller's stable key of the station (same code = same station).
    pub code: String,
    /// Display name.
    pub name: String,
    /// IANA time zone, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Position.
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// Rated capacity, kW.
    #[serde(default)]
    pub capacity_kw: Option<f64>,
    /// ThingsBoard asset id.
    #[serde(default)]
    pub tb_asset_id: Option<String>,
    /// Devices of the station (matched by name).
    #[serde(default)]
    pub devices: Vec<DeviceSpec>,
}

/// A device as the caller wants it to be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Name, unique in the tenant (ThingsBoard device name).
    pub name: String,
    /// Kind.
    pub kind: DeviceKind,
    /// ThingsBoard device UUID.
    #[serde(default)]
    pub tb_device_id: Option<String>,
    /// Device-specific mappings; when given they replace the device's previous overrides.
    #[serde(default)]
    pub mappings: Option<Vec<MappingSpec>>,
}

/// One mapping rule as given by the caller.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    /// Key as the device sends it.
    pub raw_key: String,
    /// Catalogue point.
    pub point: String,
    /// Multiplier (default 1).
    #[serde(default = "one")]
    pub scale: f64,
    /// Added after scaling (default 0).
    #[serde(default)]
    pub offset: f64,
    /// Unit of the raw value.
    #[serde(default)]
    pub unit: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// Text of 1 to `max` characters as sent (surrounding whitespace counts), not only whitespace.
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<(), String> {
    if v.trim().is_empty() || v.chars().count() > max {
        return Err(format!("{field}: must be 1 to {max} characters, not blank"));
    }
    Ok(())
}

impl ProvisionRequest {
    /// Checks every field; the message gives the path of the first problem.
    pub fn validate(&self) -> Result<StationTz, String> {
        text("code", &self.code, 100)?;
        text("name", &self.name, 200)?;
        let tz = StationTz::parse(&self.time_zone).map_err(|e| format!("time_zone: {e}"))?;
        if let Some(loc) = &self.location {
            loc.validate().map_err(|e| format!("location: {e}"))?;
        }
        if let Some(c) = self.capacity_kw {
            if !c.is_finite() || c < 0.0 {
                return Err(format!("capacity_kw: {c} must be a non-negative number"));
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, d) in self.devices.iter().enumerate() {
            text(&format!("devices[{i}].name"), &d.name, 200)?;
            if !names.insert(d.name.trim()) {
                return Err(format!("devices[{i}].name: '{}' appears twice", d.name));
            }
            let mut keys = std::collections::HashSet::new();
            for (j, m) in d.mappings.iter().flatten().enumerate() {
                let path = format!("devices[{i}].mappings[{j}]");
                if !keys.insert(m.raw_key.trim()) {
                    return Err(format!("{path}.raw_key: '{}' appears twice", m.raw_key));
                }
                crate::PointMapping {
                    scope: crate::MappingScope::Kind(d.kind),
                    raw_key: m.raw_key.clone(),
                    point: m.point.clone(),
                    scale: m.scale,
                    offset: m.offset,
                    unit: m.unit.clone(),
                    version: 1,
                }
                .validate()
                .map_err(|e| format!("{path}: {e}"))?;
            }
        }
        Ok(tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ProvisionRequest {
        serde_json::from_value(serde_json::json!({
            "code": "sz-01", "name": "Shenzhen PV+ESS", "time_zone": "Asia/Shanghai",
            "devices": [{"name": "meter-1", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]}]
        }))
        .unwrap()
    }

    #[test]
    fn given_valid_request_then_time_zone_parsed_and_defaults_applied() {
        let r = request();
        assert_eq!(r.validate().unwrap().name(), "Asia/Shanghai");
        assert_eq!(r.devices[0].mappings.as_ref().unwrap()[0].offset, 0.0);
    }

    #[test]
    fn given_problems_then_path_named() {
        let mut r = request();
        r.time_zone = "Mars/Olympus".into();
        assert!(r.validate().unwrap_err().starts_with("time_zone"));
        let mut r = request();
        r.devices.push(r.devices[0].clone());
        assert!(r.validate().unwrap_err().contains("devices[1].name"));
        let mut r = request();
        r.devices[0].mappings.as_mut().unwrap()[0].point = "watts".into();
        assert!(r.validate().unwrap_err().starts_with("devices[0].mappings[0]"));
        let mut r = request();
        r.location = Some(GeoPoint { latitude: 95.0, longitude: 0.0 });
        assert!(r.validate().unwrap_err().contains("latitude"));
    }

    #[test]
    fn given_text_padded_past_its_limit_then_refused_as_sent() {
        let mut r = request();
        r.code = format!(" {} ", "c".repeat(99));
        assert!(r.validate().unwrap_err().starts_with("code"), "101 characters as sent");
        let mut r = request();
        r.code = format!("{} ", "c".repeat(99));
        assert!(r.validate().is_ok(), "100 characters as sent");
        let mut r = request();
        r.devices[0].mappings.as_mut().unwrap()[0].raw_key = format!("{}\t", "k".repeat(128));
        assert!(r.validate().unwrap_err().contains("raw_key"));
        let mut r = request();
        r.name = "\u{3000}\u{85}".into();
        assert!(r.validate().unwrap_err().starts_with("name"), "only whitespace");
    }

    #[test]
    fn given_unknown_field_or_kind_then_deserialisation_fails() {
        let bad = serde_json::json!({"code": "a", "name": "b", "time_zone": "UTC", "colour": 1});
        assert!(serde_json::from_value::<ProvisionRequest>(bad).is_err());
        let bad = serde_json::json!({"code": "a", "name": "b", "time_zone": "UTC", "devices": [{"name": "x", "kind": "toaster"}]});
        assert!(serde_json::from_value::<ProvisionRequest>(bad).is_err());
    }
}
