//! Device → server reports of a pile's state: register (0x20), heartbeat (0x21), legacy
//! heartbeat (0x01), card swipe (0x02), and the raw pushes (0x05 upgrade request, 0x42 alarm,
//! 0x44 port push).

use super::wire::{MessageError, Reader, Writer};
use serde::Serialize;

/// 0x20 register: sent at power-up and until answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Register {
    /// Firmware version (126 = V1.26).
    pub firmware: u16,
    /// Number of ports.
    pub ports: u8,
    /// Local address inside a host's network (0 when not networked).
    pub virtual_id: u8,
    /// Model code.
    pub device_type: u8,
    /// Work mode bits (b0 1 = card-only).
    pub work_mode: u8,
    /// Power-board firmware version.
    pub power_board_firmware: Option<u16>,
    /// Undocumented trailing bytes.
    pub rest: Vec<u8>,
}

impl Register {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            firmware: r.u16()?,
            ports: r.u8()?,
            virtual_id: r.u8()?,
            device_type: r.u8()?,
            work_mode: r.u8()?,
            power_board_firmware: r.opt_u16(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.firmware).u8(self.ports).u8(self.virtual_id).u8(self.device_type).u8(self.work_mode);
        w.opt_u16(self.power_board_firmware);
        w.rest(&self.rest);
    }
}

/// 0x21 heartbeat: mains voltage and every port's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heartbeat {
    /// Mains voltage, 0.1 V.
    pub voltage_dv: u16,
    /// One status byte per port, port 1 first (0 idle, 1 charging, 2 plugged, ...).
    pub port_status: Vec<u8>,
    /// Radio signal between sub-unit and host (0 = wired).
    pub signal: u8,
    /// Ambient temperature, +65 offset (0 = no sensor).
    pub temperature: u8,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl Heartbeat {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        let voltage_dv = r.u16()?;
        let n = r.u8()?;
        Ok(Self {
            voltage_dv,
            port_status: r.bytes(n.into())?,
            signal: r.u8()?,
            temperature: r.u8()?,
            rest: r.take_rest(),
        })
    }

    /// Writes the data (at most 255 ports).
    pub fn write(&self, w: &mut Writer) {
        let ports = &self.port_status[..self.port_status.len().min(255)];
        w.u16(self.voltage_dv).u8(ports.len() as u8).bytes(ports).u8(self.signal).u8(self.temperature);
        w.rest(&self.rest);
    }
}

/// 0x01 legacy heartbeat (old firmware's register + heartbeat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegacyHeartbeat {
    /// Firmware version.
    pub firmware: u16,
    /// Voltage, 0.1 V.
    pub voltage_dv: u16,
    /// Port statuses.
    pub port_status: Vec<u8>,
    /// Power per port, 0.1 W.
    pub power_dw: Vec<u16>,
    /// Peak power per port since charging started, 0.1 W.
    pub peak_power_dw: Vec<u16>,
    /// Virtual id.
    pub virtual_id: u8,
    /// Signal strength.
    pub signal: u8,
    /// Model code.
    pub device_type: u8,
    /// Ambient temperature (+65).
    pub temperature: u8,
    /// Work mode (removed in later firmware).
    pub work_mode: Option<u8>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl LegacyHeartbeat {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        let firmware = r.u16()?;
        let voltage_dv = r.u16()?;
        let n = usize::from(r.u8()?);
        let port_status = r.bytes(n)?;
        let power_dw = (0..n).map(|_| r.u16()).collect::<Result<_, _>>()?;
        let peak_power_dw = (0..n).map(|_| r.u16()).collect::<Result<_, _>>()?;
        Ok(Self {
            firmware,
            voltage_dv,
            port_status,
            power_dw,
            peak_power_dw,
            virtual_id: r.u8()?,
            signal: r.u8()?,
            device_type: r.u8()?,
            temperature: r.u8()?,
            work_mode: r.opt_u8(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data (port arrays cut to the shortest, at most 255).
    pub fn write(&self, w: &mut Writer) {
        let n = self.port_status.len().min(self.power_dw.len()).min(self.peak_power_dw.len()).min(255);
        w.u16(self.firmware).u16(self.voltage_dv).u8(n as u8).bytes(&self.port_status[..n]);
        for p in self.power_dw[..n].iter().chain(&self.peak_power_dw[..n]) {
            w.u16(*p);
        }
        w.u8(self.virtual_id).u8(self.signal).u8(self.device_type).u8(self.temperature).opt_u8(self.work_mode);
        w.rest(&self.rest);
    }
}

/// 0x02 card swipe: a request to charge on a port, or a balance query (port 0xFF).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardSwipe {
    /// The card's 4-byte UID as sent.
    pub card: [u8; 4],
    /// Card type (0 old card, 1 new card, 2 balance card, 3 UID only, 4 social-security card).
    pub card_type: u8,
    /// Port, 0-based; 0xFF = balance query.
    pub port: u8,
    /// Balance on a legacy balance card, fen.
    pub balance_fen: u16,
    /// Device timestamp (debug).
    pub device_time: Option<u32>,
    /// Long card number.
    pub card2: Option<Vec<u8>>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl CardSwipe {
    /// The card number as printed: the UID read big-endian, in decimal.
    pub fn card_number(&self) -> u32 {
        u32::from_be_bytes(self.card)
    }

    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            card: r.array()?,
            card_type: r.u8()?,
            port: r.u8()?,
            balance_fen: r.u16()?,
            device_time: r.opt_u32(),
            card2: r.opt_counted(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.bytes(&self.card).u8(self.card_type).u8(self.port).u16(self.balance_fen);
        w.opt_u32(self.device_time).opt_counted(self.card2.as_deref());
        w.rest(&self.rest);
    }
}

/// 0x05 the device asks for an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeRequest {
    /// Model code.
    pub device_type: u8,
    /// Firmware version.
    pub firmware: u16,
    /// Package type.
    pub package_type: u32,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl UpgradeRequest {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { device_type: r.u8()?, firmware: r.u16()?, package_type: r.u32()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.device_type).u16(self.firmware).u32(self.package_type);
        w.rest(&self.rest);
    }
}

/// 0x42 alarm push (power cut, water, smoke, heat, door...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alarm {
    /// 1 power cut, 2 water, 3 hot-melt glue trigger, 4 smoke, 5 heat, 6 water level, 7 door sprang open.
    pub kind: u8,
    /// Port or 485 address.
    pub port: u8,
    /// Trigger-input bitmask.
    pub inputs: u8,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl Alarm {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { kind: r.u8()?, port: r.u8()?, inputs: r.u8()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.kind).u8(self.port).u8(self.inputs);
        w.rest(&self.rest);
    }

    /// The alarm's name.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            1 => "power_cut",
            2 => "water",
            3 => "hot_melt_trigger",
            4 => "smoke",
            5 => "heat",
            6 => "water_level",
            7 => "door_open",
            _ => "unknown",
        }
    }
}

/// 0x44 port push (1 = door not closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortPush {
    /// Kind.
    pub kind: u8,
    /// Port.
    pub port: u8,
    /// Order number.
    pub order: [u8; 16],
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl PortPush {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { kind: r.u8()?, port: r.u8()?, order: r.array()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.kind).u8(self.port).bytes(&self.order);
        w.rest(&self.rest);
    }
}
