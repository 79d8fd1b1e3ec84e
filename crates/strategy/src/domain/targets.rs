//! Which devices of a station receive a strategy's set-points: explicit targets are checked
//! against the station's devices; defaults are its PCS (else its battery) and every PV inverter.

use super::decision::Actuator;
use super::strategy::Targets;
use mgc_kernel::{DeviceId, StationTz};

/// A device of the station as strategies see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDevice {
    /// Device.
    pub id: DeviceId,
    /// Kind (`meter`, `pv_inverter`, `battery`, `pcs`, ...).
    pub kind: String,
}

/// The station a strategy controls: its time zone and devices (ordered by id).
#[derive(Debug, Clone, PartialEq)]
pub struct StationSite {
    /// Time zone of local times and tariff bands.
    pub time_zone: StationTz,
    /// Its devices.
    pub devices: Vec<SiteDevice>,
}

/// Device kinds that take battery power and PCS mode.
const BATTERY_KINDS: [&str; 2] = ["pcs", "battery"];
/// Device kind that takes a PV limit.
const PV_KIND: &str = "pv_inverter";

impl StationSite {
    fn kind_of(&self, id: DeviceId) -> Option<&str> {
        self.devices.iter().find(|d| d.id == id).map(|d| d.kind.as_str())
    }

    fn first_of(&self, kind: &str) -> Option<DeviceId> {
        self.devices.iter().find(|d| d.kind == kind).map(|d| d.id)
    }

    /// Checks explicit targets: each must be a device of this station of the right kind; the
    /// message names the field.
    pub fn check_targets(&self, targets: Option<&Targets>) -> Result<(), String> {
        let Some(t) = targets else { return Ok(()) };
        if let Some(id) = t.battery_device_id {
            match self.kind_of(id) {
                None => return Err(format!("targets.battery_device_id: device {id} is not a device of the station")),
                Some(k) if !BATTERY_KINDS.contains(&k) => {
                    return Err(format!("targets.battery_device_id: device {id} is a {k}, expected a pcs or battery"));
                }
                Some(_) => {}
            }
        }
        for (i, id) in t.pv_device_ids.iter().flatten().enumerate() {
            match self.kind_of(*id) {
                None => return Err(format!("targets.pv_device_ids[{i}]: device {id} is not a device of the station")),
                Some(k) if k != PV_KIND => {
                    return Err(format!("targets.pv_device_ids[{i}]: device {id} is a {k}, expected a pv_inverter"));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The devices that receive a set-point for `actuator` (explicit targets still on the
    /// station, else the defaults); empty when the station has none.
    #[must_use]
    pub fn devices_for(&self, actuator: Actuator, targets: Option<&Targets>) -> Vec<DeviceId> {
        let explicit = targets.cloned().unwrap_or_default();
        match actuator {
            Actuator::Battery | Actuator::PcsMode => explicit
                .battery_device_id
                .filter(|id| self.kind_of(*id).is_some_and(|k| BATTERY_KINDS.contains(&k)))
                .or_else(|| self.first_of("pcs"))
                .or_else(|| self.first_of("battery"))
                .into_iter()
                .collect(),
            Actuator::Pv => match explicit.pv_device_ids {
                Some(ids) => ids.into_iter().filter(|id| self.kind_of(*id) == Some(PV_KIND)).collect(),
                None => self.devices.iter().filter(|d| d.kind == PV_KIND).map(|d| d.id).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(kinds: &[&str]) -> (StationSite, Vec<DeviceId>) {
        let ids: Vec<DeviceId> = kinds.iter().map(|_| DeviceId::new()).collect();
        let devices = kinds.iter().zip(&ids).map(|(k, id)| SiteDevice { id: *id, kind: (*k).to_owned() }).collect();
        (StationSite { time_zone: StationTz::parse("UTC").unwrap(), devices }, ids)
    }

    #[test]
    fn given_pcs_and_battery_when_no_targets_then_battery_power_goes_to_the_pcs() {
        let (s, ids) = site(&["meter", "battery", "pcs", "pv_inverter", "pv_inverter"]);
        assert_eq!(s.devices_for(Actuator::Battery, None), vec![ids[2]]);
        assert_eq!(s.devices_for(Actuator::Pv, None), vec![ids[3], ids[4]]);
    }

    #[test]
    fn given_only_a_battery_when_no_targets_then_battery_gets_it_and_pv_nothing() {
        let (s, ids) = site(&["meter", "battery"]);
        assert_eq!(s.devices_for(Actuator::PcsMode, None), vec![ids[1]]);
        assert!(s.devices_for(Actuator::Pv, None).is_empty());
    }

    #[test]
    fn given_meter_as_battery_target_when_checked_then_field_is_named() {
        let (s, ids) = site(&["meter", "pcs"]);
        let t = Targets { battery_device_id: Some(ids[0]), pv_device_ids: None };
        let err = s.check_targets(Some(&t)).unwrap_err();
        assert!(err.starts_with("targets.battery_device_id") && err.contains("meter"), "{err}");
    }

    #[test]
    fn given_foreign_pv_target_when_checked_then_index_is_named() {
        let (s, ids) = site(&["pv_inverter"]);
        let t = Targets { battery_device_id: None, pv_device_ids: Some(vec![ids[0], DeviceId::new()]) };
        assert!(s.check_targets(Some(&t)).unwrap_err().starts_with("targets.pv_device_ids[1]"));
    }

    #[test]
    fn given_explicit_pv_subset_then_only_those_receive_the_limit() {
        let (s, ids) = site(&["pv_inverter", "pv_inverter"]);
        let t = Targets { battery_device_id: None, pv_device_ids: Some(vec![ids[1]]) };
        assert_eq!(s.devices_for(Actuator::Pv, Some(&t)), vec![ids[1]]);
    }
}
