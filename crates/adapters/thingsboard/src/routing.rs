//! Pure routing: raw points → stored points of known devices, or quarantined ones.

use mgc_masterdata::{Device, MappingSet, ResolvedKey};
use mgc_telemetry::domain::stored::{StoredPoint, UnroutedPoint};
use mgc_telemetry::{RawPoint, RawValue};
use std::collections::{BTreeMap, HashMap};

/// The outcome of routing a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutedBatch {
    /// Points of known devices, mapped.
    pub stored: Vec<StoredPoint>,
    /// Points of unknown devices.
    pub unrouted: Vec<UnroutedPoint>,
}

/// Maps one value of `device` through its mapping set.
pub fn to_stored(
    device: &Device,
    set: &MappingSet,
    raw_key: &str,
    ts: chrono::DateTime<chrono::Utc>,
    value: RawValue,
) -> StoredPoint {
    let (point, num_value) = match set.resolve(raw_key) {
        ResolvedKey::Mapped(m) => (m.point.clone(), value.as_f64().map(|v| m.apply(v))),
        ResolvedKey::Identity | ResolvedKey::Unmapped => (raw_key.to_owned(), value.as_f64()),
    };
    StoredPoint {
        device_id: device.id,
        point,
        ts,
        num_value: num_value.filter(|v| v.is_finite()),
        value,
        raw_key: raw_key.to_owned(),
    }
}

/// Routes raw points: `devices` maps each device reference of the batch to the device and its
/// mappings, or to None when unknown.
pub fn route_points(
    points: Vec<RawPoint>,
    devices: &HashMap<String, Option<(Device, MappingSet)>>,
    device_types: &BTreeMap<String, String>,
) -> RoutedBatch {
    let mut out = RoutedBatch::default();
    for p in points {
        match devices.get(&p.device) {
            Some(Some((device, set))) => out.stored.push(to_stored(device, set, &p.key, p.ts, p.value)),
            _ => out.unrouted.push(UnroutedPoint {
                device_type: device_types.get(&p.device).cloned(),
                reason: format!("no device named '{}' in this tenant", p.device),
                device: p.device,
                ts: p.ts,
                raw_key: p.key,
                value: p.value,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use mgc_kernel::{DeviceId, StationId, TenantId};
    use mgc_masterdata::{DeviceKind, MappingScope, PointMapping};

    fn device() -> Device {
        Device {
            id: DeviceId::new(),
            tenant: TenantId::parse("acme").unwrap(),
            station_id: StationId::new(),
            kind: DeviceKind::Meter,
            name: "meter-1".into(),
            tb_device_id: None,
            protocol: "thingsboard".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn given_known_and_unknown_devices_when_routed_then_mapped_or_quarantined() {
        let d = device();
        let kw = PointMapping {
            scope: MappingScope::Kind(DeviceKind::Meter),
            raw_key: "P".into(),
            point: "active_power_w".into(),
            scale: 1000.0,
            offset: 0.0,
            unit: Some("kW".into()),
            version: 1,
        };
        let set = MappingSet::new(vec![], vec![kw]);
        let devices = HashMap::from([("meter-1".to_owned(), Some((d.clone(), set))), ("ghost".to_owned(), None)]);
        let ts = Utc::now();
        let raw =
            |device: &str, key: &str, value: RawValue| RawPoint { device: device.into(), ts, key: key.into(), value };
        let types = BTreeMap::from([("ghost".to_owned(), "thermostat".to_owned())]);
        let routed = route_points(
            vec![
                raw("meter-1", "P", RawValue::Number(1.5)),
                raw("meter-1", "soc_pct", RawValue::Number(80.0)),
                raw("meter-1", "fw", RawValue::Text("1.2".into())),
                raw("ghost", "t", RawValue::Number(20.0)),
            ],
            &devices,
            &types,
        );
        assert_eq!(routed.stored.len(), 3);
        assert_eq!((routed.stored[0].point.as_str(), routed.stored[0].num_value), ("active_power_w", Some(1500.0)));
        assert_eq!(routed.stored[0].raw_key, "P");
        assert_eq!((routed.stored[1].point.as_str(), routed.stored[1].num_value), ("soc_pct", Some(80.0)));
        assert_eq!((routed.stored[2].point.as_str(), routed.stored[2].num_value), ("fw", None));
        assert_eq!(routed.unrouted.len(), 1);
        assert_eq!(routed.unrouted[0].device_type.as_deref(), Some("thermostat"));
        assert!(routed.unrouted[0].reason.contains("ghost"));
    }
}
