//! Point mappings: raw device keys → semantic points, with scale and offset.
//!
//! A mapping is defined for a device kind (a template for every device of that kind in the
//! tenant) or for one device (an override). Resolution order for a raw key: the device's own
//! mapping, then its kind's template, then the key itself when it already is a catalogue point;
//! anything else is *unmapped* and stored under its raw key.

use crate::domain::catalogue::lookup_point;
use crate::DeviceKind;
use mgc_kernel::DeviceId;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// What a mapping applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MappingScope {
    /// Every device of this kind (template).
    Kind(DeviceKind),
    /// One device (override).
    Device(DeviceId),
}

impl fmt::Display for MappingScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingScope::Kind(k) => write!(f, "kind:{k}"),
            MappingScope::Device(d) => write!(f, "device:{d}"),
        }
    }
}

impl FromStr for MappingScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some(("kind", k)) => k.parse().map(MappingScope::Kind),
            Some(("device", d)) => d.parse().map(MappingScope::Device).map_err(|e| format!("{e}")),
            _ => Err(format!("scope '{s}' must be kind:<kind> or device:<device id>")),
        }
    }
}

impl Serialize for MappingScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One raw key → semantic point rule: `value = raw * scale + offset`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointMapping {
    /// What it applies to.
    pub scope: MappingScope,
    /// Key as the device sends it.
    pub raw_key: String,
    /// Catalogue point it becomes.
    pub point: String,
    /// Multiplier.
    pub scale: f64,
    /// Added after scaling.
    pub offset: f64,
    /// Unit of the raw value, for documentation.
    pub unit: Option<String>,
    /// Version: bumped each time the rule for this key changes.
    pub version: i64,
}

impl PointMapping {
    /// Applies the rule to a numeric raw value.
    pub fn apply(&self, raw: f64) -> f64 {
        raw * self.scale + self.offset
    }

    /// Checks the rule; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.raw_key.trim().is_empty() || self.raw_key.chars().count() > 128 {
            return Err("raw_key must be 1 to 128 characters as sent, not blank".into());
        }
        if lookup_point(&self.point).is_none() {
            return Err(format!("point '{}' is not in the catalogue (GET /api/v1/points lists it)", self.point));
        }
        if !self.scale.is_finite() || self.scale == 0.0 {
            return Err(format!("scale {} must be a finite, non-zero number", self.scale));
        }
        if !self.offset.is_finite() {
            return Err("offset must be a finite number".into());
        }
        Ok(())
    }

    /// True when both rules map the same way (versions aside).
    pub fn same_rule(&self, other: &PointMapping) -> bool {
        self.raw_key == other.raw_key
            && self.point == other.point
            && self.scale == other.scale
            && self.offset == other.offset
            && self.unit == other.unit
    }
}

/// How a raw key resolves for one device.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ResolvedKey<'a> {
    /// A mapping rule applies.
    Mapped(&'a PointMapping),
    /// The key already is a catalogue point.
    Identity,
    /// No rule: stored under the raw key and reported as unmapped.
    Unmapped,
}

/// The mappings that apply to one device.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MappingSet {
    device: HashMap<String, PointMapping>,
    kind: HashMap<String, PointMapping>,
}

impl MappingSet {
    /// Builds the set from the device's overrides and its kind's template.
    pub fn new(device: Vec<PointMapping>, kind: Vec<PointMapping>) -> Self {
        Self {
            device: device.into_iter().map(|m| (m.raw_key.clone(), m)).collect(),
            kind: kind.into_iter().map(|m| (m.raw_key.clone(), m)).collect(),
        }
    }

    /// Resolves a raw key.
    pub fn resolve(&self, raw_key: &str) -> ResolvedKey<'_> {
        if let Some(m) = self.device.get(raw_key).or_else(|| self.kind.get(raw_key)) {
            ResolvedKey::Mapped(m)
        } else if lookup_point(raw_key).is_some() {
            ResolvedKey::Identity
        } else {
            ResolvedKey::Unmapped
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(scope: MappingScope, raw: &str, point: &str, scale: f64) -> PointMapping {
        PointMapping { scope, raw_key: raw.into(), point: point.into(), scale, offset: 0.0, unit: None, version: 1 }
    }

    #[test]
    fn given_device_override_and_kind_template_when_resolved_then_override_wins() {
        let d = DeviceId::new();
        let set = MappingSet::new(
            vec![rule(MappingScope::Device(d), "p", "active_power_w", 1000.0)],
            vec![
                rule(MappingScope::Kind(DeviceKind::Meter), "p", "active_power_w", 1.0),
                rule(MappingScope::Kind(DeviceKind::Meter), "e", "energy_import_wh", 1000.0),
            ],
        );
        let ResolvedKey::Mapped(m) = set.resolve("p") else { panic!("p not mapped") };
        assert_eq!(m.apply(1.5), 1500.0);
        let ResolvedKey::Mapped(m) = set.resolve("e") else { panic!("e not mapped") };
        assert_eq!(m.point, "energy_import_wh");
        assert_eq!(set.resolve("soc_pct"), ResolvedKey::Identity);
        assert_eq!(set.resolve("weird"), ResolvedKey::Unmapped);
    }

    #[test]
    fn given_bad_rules_when_validated_then_message_names_problem() {
        let s = MappingScope::Kind(DeviceKind::Meter);
        assert!(rule(s, "p", "power", 1.0).validate().unwrap_err().contains("'power'"));
        assert!(rule(s, "p", "active_power_w", 0.0).validate().unwrap_err().contains("scale"));
        assert!(rule(s, " ", "active_power_w", 1.0).validate().unwrap_err().contains("raw_key"));
        assert!(rule(s, "p", "active_power_w", f64::NAN).validate().is_err());
        assert!(rule(s, "p", "active_power_w", 0.001).validate().is_ok());
    }

    #[test]
    fn given_scopes_when_printed_then_parse_back() {
        for s in [MappingScope::Kind(DeviceKind::PvInverter), MappingScope::Device(DeviceId::new())] {
            assert_eq!(s.to_string().parse::<MappingScope>().unwrap(), s);
        }
        assert!("station:1".parse::<MappingScope>().is_err());
    }
}
