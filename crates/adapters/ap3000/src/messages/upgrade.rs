//! Firmware (OTA) transfer: chunks (0xE0 sub-unit, 0xE1 power board, 0xE2 host-wide, 0xF8
//! legacy, 0xFA host) and the device's answer naming the packet it wants next.

use super::wire::{MessageError, Reader, Writer};
use serde::Serialize;

/// One firmware packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeChunk {
    /// Total number of packets.
    pub total: u16,
    /// Packet number (from 1).
    pub packet: u16,
    /// Firmware bytes (200, or 256 for 0xF8).
    pub chunk: Vec<u8>,
}

impl UpgradeChunk {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { total: r.u16()?, packet: r.u16()?, chunk: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.total).u16(self.packet).bytes(&self.chunk);
    }
}

/// The device's answer to a firmware packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeAck {
    /// 0 ok (send next), 1 packet error, 2 firmware sum error, 3 wrong device type, 4 no check packet, 5 refused.
    pub result: u8,
    /// The packet asked for.
    pub packet: Option<u16>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl UpgradeAck {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { result: r.u8()?, packet: r.opt_u16(), rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.result).opt_u16(self.packet).rest(&self.rest);
    }
}
