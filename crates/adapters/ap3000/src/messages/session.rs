//! Device → server messages of a charging session: power heartbeat (0x06), settlement (0x03)
//! and the legacy order confirmation (0x04).

use super::wire::{MessageError, Reader, Writer};
use serde::Serialize;

/// An order number: 16 opaque bytes (they may contain zeros), echoed in 0x06 and 0x03.
pub type OrderNumber = [u8; 16];

/// 0x06 power heartbeat of a charging port (every 5 min; no reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PowerHeartbeat {
    /// Port, 0-based.
    pub port: u8,
    /// 1 charging, 2 waiting for plug, 3 full, 5 float charge.
    pub status: u8,
    /// Charging time so far, s.
    pub charging_s: u16,
    /// Energy of this order so far, 0.01 kWh.
    pub energy_cwh: u16,
    /// Start mode (0 offline card, 1 online, 3 verification code).
    pub start_mode: u8,
    /// Power now, 0.1 W.
    pub power_dw: u16,
    /// Max power in the interval, 0.1 W.
    pub max_power_dw: u16,
    /// Min power in the interval, 0.1 W.
    pub min_power_dw: u16,
    /// Average power in the interval, 0.1 W.
    pub avg_power_dw: u16,
    /// Order number.
    pub order: OrderNumber,
    /// Energy in the interval, raw ÷ 4800 (debug).
    pub interval_energy_raw: Option<u16>,
    /// Peak power of the whole session, 0.1 W.
    pub peak_power_dw: Option<u16>,
    /// Voltage, 0.1 V.
    pub voltage_dv: Option<u16>,
    /// Current, 0.001 A.
    pub current_ma: Option<u16>,
    /// Ambient temperature (+65; 0 = none).
    pub ambient_temperature: Option<u8>,
    /// Port temperature (+65; 0 = none).
    pub port_temperature: Option<u8>,
    /// Device timestamp (debug).
    pub device_time: Option<u32>,
    /// Occupancy time, minutes (cabinets).
    pub occupancy_min: Option<u16>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl PowerHeartbeat {
    /// Energy so far in Wh.
    pub fn energy_wh(&self) -> i64 {
        i64::from(self.energy_cwh) * 10
    }

    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            port: r.u8()?,
            status: r.u8()?,
            charging_s: r.u16()?,
            energy_cwh: r.u16()?,
            start_mode: r.u8()?,
            power_dw: r.u16()?,
            max_power_dw: r.u16()?,
            min_power_dw: r.u16()?,
            avg_power_dw: r.u16()?,
            order: r.array()?,
            interval_energy_raw: r.opt_u16(),
            peak_power_dw: r.opt_u16(),
            voltage_dv: r.opt_u16(),
            current_ma: r.opt_u16(),
            ambient_temperature: r.opt_u8(),
            port_temperature: r.opt_u8(),
            device_time: r.opt_u32(),
            occupancy_min: r.opt_u16(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.port).u8(self.status).u16(self.charging_s).u16(self.energy_cwh).u8(self.start_mode);
        w.u16(self.power_dw).u16(self.max_power_dw).u16(self.min_power_dw).u16(self.avg_power_dw).bytes(&self.order);
        w.opt_u16(self.interval_energy_raw).opt_u16(self.peak_power_dw).opt_u16(self.voltage_dv);
        w.opt_u16(self.current_ma).opt_u8(self.ambient_temperature).opt_u8(self.port_temperature);
        w.opt_u32(self.device_time).opt_u16(self.occupancy_min).rest(&self.rest);
    }
}

/// 0x03 settlement: the pile's record of a finished session (must be acknowledged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    /// Charging duration, s.
    pub duration_s: u16,
    /// Maximum power during the session, 0.1 W.
    pub max_power_dw: u16,
    /// Energy used, 0.01 kWh.
    pub energy_cwh: u16,
    /// Port, 0-based.
    pub port: u8,
    /// Start mode (0 offline card, 1 online, 3 verification code).
    pub start_mode: u8,
    /// Card id (offline card) or verification code; zero for online starts.
    pub card: [u8; 4],
    /// Stop reason (1 full, 2 max time, 3 preset time, 4 preset energy, 5 unplugged, 7 server, ...).
    pub stop_reason: u8,
    /// Order number.
    pub order: OrderNumber,
    /// Max power within the first minutes, 0.1 W.
    pub second_max_power_dw: Option<u16>,
    /// Device timestamp (debug).
    pub device_time: Option<u32>,
    /// Occupancy after full, minutes (cabinets).
    pub occupancy_min: Option<u16>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl Settlement {
    /// Energy used in Wh.
    pub fn energy_wh(&self) -> i64 {
        i64::from(self.energy_cwh) * 10
    }

    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            duration_s: r.u16()?,
            max_power_dw: r.u16()?,
            energy_cwh: r.u16()?,
            port: r.u8()?,
            start_mode: r.u8()?,
            card: r.array()?,
            stop_reason: r.u8()?,
            order: r.array()?,
            second_max_power_dw: r.opt_u16(),
            device_time: r.opt_u32(),
            occupancy_min: r.opt_u16(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.duration_s).u16(self.max_power_dw).u16(self.energy_cwh).u8(self.port).u8(self.start_mode);
        w.bytes(&self.card).u8(self.stop_reason).bytes(&self.order);
        w.opt_u16(self.second_max_power_dw).opt_u32(self.device_time).opt_u16(self.occupancy_min).rest(&self.rest);
    }
}

/// 0x04 legacy order confirmation (devices without 0x06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderConfirm {
    /// Port, 0-based.
    pub port: u8,
    /// Start mode.
    pub start_mode: u8,
    /// Card id.
    pub card: [u8; 4],
    /// Charging time so far, s.
    pub charging_s: u16,
    /// Order number.
    pub order: OrderNumber,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl OrderConfirm {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            port: r.u8()?,
            start_mode: r.u8()?,
            card: r.array()?,
            charging_s: r.u16()?,
            order: r.array()?,
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.port).u8(self.start_mode).bytes(&self.card).u16(self.charging_s).bytes(&self.order).rest(&self.rest);
    }
}
