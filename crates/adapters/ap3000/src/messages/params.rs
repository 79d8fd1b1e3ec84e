//! Parameter sets written with 0x83-0x86 and read back with 0x90-0x93.

use super::wire::{MessageError, Reader, Writer};
use serde::{Deserialize, Serialize};

/// 0x83 run parameters 1.1 (defaults in the spec: 3, 10, 20, 1800, 3600, 180).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunParams1 {
    /// Unplug power.
    pub unplug_power: u16,
    /// Unplug detection time, s.
    pub unplug_detect_s: u16,
    /// Float-charge percentage (1-100).
    pub float_percent: u8,
    /// Float detection time, s.
    pub float_detect_s: u16,
    /// Float-charge time, s.
    pub float_charge_s: u16,
    /// Heartbeat interval, s.
    pub heartbeat_s: u16,
}

impl RunParams1 {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            unplug_power: r.u16()?,
            unplug_detect_s: r.u16()?,
            float_percent: r.u8()?,
            float_detect_s: r.u16()?,
            float_charge_s: r.u16()?,
            heartbeat_s: r.u16()?,
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.unplug_power).u16(self.unplug_detect_s).u8(self.float_percent);
        w.u16(self.float_detect_s).u16(self.float_charge_s).u16(self.heartbeat_s);
    }
}

/// 0x84 run parameters 1.2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunParams2 {
    /// Dynamic overload power.
    pub dynamic_overload_power: u16,
    /// Its detection time, s.
    pub dynamic_overload_detect_s: u16,
    /// Its start time, s.
    pub dynamic_overload_start_s: u16,
    /// Unplug interference power.
    pub interference_power: u8,
    /// Its detection time, s.
    pub interference_detect_s: u16,
    /// Second float-detection switch point, s.
    pub second_float_switch_s: u16,
    /// Second float-detection time, s.
    pub second_float_detect_s: u16,
    /// Minimum power.
    pub min_power: u16,
    /// Minimum-power check point, s.
    pub min_power_check_s: u16,
    /// Second-max-power window, s.
    pub second_max_window_s: u16,
    /// Ambient alarm temperature, °C (no offset).
    pub ambient_alarm_c: u8,
    /// Port alarm temperature, °C (no offset).
    pub port_alarm_c: u8,
    /// Unplug optocoupler check (0 on).
    pub optocoupler_check: u8,
    /// QR backlight (0 on, 1 off).
    pub backlight: u8,
}

impl RunParams2 {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            dynamic_overload_power: r.u16()?,
            dynamic_overload_detect_s: r.u16()?,
            dynamic_overload_start_s: r.u16()?,
            interference_power: r.u8()?,
            interference_detect_s: r.u16()?,
            second_float_switch_s: r.u16()?,
            second_float_detect_s: r.u16()?,
            min_power: r.u16()?,
            min_power_check_s: r.u16()?,
            second_max_window_s: r.u16()?,
            ambient_alarm_c: r.u8()?,
            port_alarm_c: r.u8()?,
            optocoupler_check: r.u8()?,
            backlight: r.u8()?,
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.dynamic_overload_power).u16(self.dynamic_overload_detect_s).u16(self.dynamic_overload_start_s);
        w.u8(self.interference_power).u16(self.interference_detect_s).u16(self.second_float_switch_s);
        w.u16(self.second_float_detect_s).u16(self.min_power).u16(self.min_power_check_s);
        w.u16(self.second_max_window_s).u8(self.ambient_alarm_c).u8(self.port_alarm_c);
        w.u8(self.optocoupler_check).u8(self.backlight);
    }
}

/// 0x85 max charging time, overload power and voltage limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Max charging time, s.
    pub max_time_s: u16,
    /// Overload power per port, 0.1 W.
    pub overload_power_dw: u16,
    /// Over-voltage, 0.1 V (firmware from 2024-08).
    #[serde(default)]
    pub over_voltage_dv: Option<u16>,
    /// Under-voltage, 0.1 V.
    #[serde(default)]
    pub under_voltage_dv: Option<u16>,
}

impl Limits {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            max_time_s: r.u16()?,
            overload_power_dw: r.u16()?,
            over_voltage_dv: r.opt_u16(),
            under_voltage_dv: r.opt_u16(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.max_time_s).u16(self.overload_power_dw).opt_u16(self.over_voltage_dv);
        w.opt_u16(self.under_voltage_dv);
    }
}

/// 0x86 user-card keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardKeys {
    /// Sector.
    pub sector: u8,
    /// User-card key.
    pub user_key: [u8; 6],
    /// New-card key.
    pub new_card_key: [u8; 6],
}

impl CardKeys {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { sector: r.u8()?, user_key: r.array()?, new_card_key: r.array()? })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.sector).bytes(&self.user_key).bytes(&self.new_card_key);
    }
}
