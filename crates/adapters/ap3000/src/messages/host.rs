//! Host (gateway) status (0x11), sent every 30 min, no reply.

use super::wire::{MessageError, Reader, Writer};
use serde::Serialize;

/// 0x11 host status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostStatus {
    /// Firmware version.
    pub firmware: u16,
    /// RTC kind (0 none, 1 SD2068, 2 BM8563).
    pub rtc: u8,
    /// Host time, Unix s.
    pub host_time: u32,
    /// Modem signal (0-31, 99 error).
    pub signal: u8,
    /// Modem type.
    pub modem: u8,
    /// SIM ICCID, ASCII.
    pub iccid: [u8; 20],
    /// Host type.
    pub host_type: u8,
    /// LoRa frequency (0 if none).
    pub frequency: u16,
    /// IMEI, ASCII.
    pub imei: Option<[u8; 15]>,
    /// Modem firmware, ASCII.
    pub modem_version: Option<[u8; 24]>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl HostStatus {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            firmware: r.u16()?,
            rtc: r.u8()?,
            host_time: r.u32()?,
            signal: r.u8()?,
            modem: r.u8()?,
            iccid: r.array()?,
            host_type: r.u8()?,
            frequency: r.u16()?,
            imei: r.opt_array(),
            modem_version: r.opt_array(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u16(self.firmware).u8(self.rtc).u32(self.host_time).u8(self.signal).u8(self.modem).bytes(&self.iccid);
        w.u8(self.host_type).u16(self.frequency).opt_bytes(self.imei.as_ref().map(|b| &b[..]));
        w.opt_bytes(self.modem_version.as_ref().map(|b| &b[..])).rest(&self.rest);
    }
}
