//! Server → device commands driving a session and the answers: start/stop (0x82) and its ack,
//! limit change (0x8A), the reply to a card swipe (0x02), time (0x22/0x12) and the one-byte
//! result used by most acknowledgements.

use super::session::OrderNumber;
use super::wire::{MessageError, Reader, Writer};
use serde::Serialize;

/// 0x82 start (command 1) or stop (command 0) charging on a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargeControl {
    /// Rate mode: 0 timed, 1 monthly, 2 by energy, 3 per use.
    pub rate_mode: u8,
    /// Balance (fen) or validity end, for the voice announcement.
    pub balance: u32,
    /// Port, 0-based (0xFF = the device picks).
    pub port: u8,
    /// 1 start, 0 stop.
    pub command: u8,
    /// Seconds (mode 0) or 0.01 kWh (mode 2); 0 = until full.
    pub limit: u16,
    /// Order number.
    pub order: OrderNumber,
    /// Max charging time of this order, s (0 = device setting).
    pub max_time_s: u16,
    /// Overload power of this order, 0.1 W (0 = device setting).
    pub overload_power_dw: u16,
    /// QR backlight at next plug-in: 0 on, 1 off.
    pub backlight: Option<u8>,
    /// Long-charge mode.
    pub long_charge: Option<u8>,
    /// Extra float-charge time, s.
    pub float_time_s: Option<u16>,
    /// Short-circuit pre-check: 0 and 1 skip it, 2 normal.
    pub short_check: Option<u8>,
    /// Unplug detection: 0 normal, 1 off.
    pub unplug_detection: Option<u8>,
    /// Force stop-when-full.
    pub force_full_stop: Option<u8>,
    /// Full-power threshold, 1 W.
    pub full_power_w: Option<u8>,
    /// Max time judging the threshold, minutes.
    pub full_judge_min: Option<u8>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl ChargeControl {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            rate_mode: r.u8()?,
            balance: r.u32()?,
            port: r.u8()?,
            command: r.u8()?,
            limit: r.u16()?,
            order: r.array()?,
            max_time_s: r.u16()?,
            overload_power_dw: r.u16()?,
            backlight: r.opt_u8(),
            long_charge: r.opt_u8(),
            float_time_s: r.opt_u16(),
            short_check: r.opt_u8(),
            unplug_detection: r.opt_u8(),
            force_full_stop: r.opt_u8(),
            full_power_w: r.opt_u8(),
            full_judge_min: r.opt_u8(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.rate_mode).u32(self.balance).u8(self.port).u8(self.command).u16(self.limit).bytes(&self.order);
        w.u16(self.max_time_s).u16(self.overload_power_dw);
        w.opt_u8(self.backlight).opt_u8(self.long_charge).opt_u16(self.float_time_s).opt_u8(self.short_check);
        w.opt_u8(self.unplug_detection).opt_u8(self.force_full_stop).opt_u8(self.full_power_w);
        w.opt_u8(self.full_judge_min).rest(&self.rest);
    }
}

/// The device's answer to 0x82.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargeControlAck {
    /// 0 done; 3 and 9 done despite a fault; others not done (1 no charger plugged, 2 already so, 4 no such port ...).
    pub result: u8,
    /// Order number echoed.
    pub order: Option<OrderNumber>,
    /// Port.
    pub port: Option<u8>,
    /// Ports with a charger waiting (result 5 only).
    pub pending_ports: Option<u16>,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl ChargeControlAck {
    /// True when charging was started or stopped as asked.
    pub fn done(&self) -> bool {
        matches!(self.result, 0 | 3 | 9)
    }

    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            result: r.u8()?,
            order: r.opt_array(),
            port: r.opt_u8(),
            pending_ports: r.opt_u16(),
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.result).opt_bytes(self.order.as_ref().map(|o| &o[..])).opt_u8(self.port);
        w.opt_u16(self.pending_ports).rest(&self.rest);
    }
}

/// The name of a 0x82 result code.
pub fn charge_result_name(result: u8) -> &'static str {
    match result {
        0 => "done",
        1 => "no charger plugged",
        2 => "port already in that state",
        3 => "port fault (done anyway)",
        4 => "no such port",
        5 => "several ports waiting",
        6 => "total power too high",
        7 => "memory damaged",
        8 => "pre-check: relay broken or fuse blown",
        9 => "pre-check: relay stuck (started)",
        0x0A => "pre-check: load short-circuit",
        0x0B => "smoke alarm",
        0x0C => "over-voltage",
        0x0D => "under-voltage",
        0x0E => "no response",
        _ => "unknown result",
    }
}

/// 0x8A change the limit of a running session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeLimit {
    /// 0 timed, 1 timed with stop-when-full, 2 energy with stop-when-full.
    pub mode: u8,
    /// Port, 0-based.
    pub port: u8,
    /// New limit: s or 0.01 kWh.
    pub limit: u16,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl ChangeLimit {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { mode: r.u8()?, port: r.u8()?, limit: r.u16()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.mode).u8(self.port).u16(self.limit).rest(&self.rest);
    }
}

/// The server's answer to a card swipe (0x02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardReply {
    /// Card id echoed.
    pub card: [u8; 4],
    /// Account status: 0 ok, 1 not registered, 6 balance too low, ...
    pub status: u8,
    /// Rate mode: 0 timed, 1 monthly, 2 by energy, 3 per use.
    pub rate_mode: u8,
    /// Balance (fen) or validity end.
    pub balance: u32,
    /// Port echoed.
    pub port: u8,
    /// Bytes beyond the known fields.
    pub rest: Vec<u8>,
}

impl CardReply {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self {
            card: r.array()?,
            status: r.u8()?,
            rate_mode: r.u8()?,
            balance: r.u32()?,
            port: r.u8()?,
            rest: r.take_rest(),
        })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.bytes(&self.card).u8(self.status).u8(self.rate_mode).u32(self.balance).u8(self.port).rest(&self.rest);
    }
}

/// A one-byte result (register, heartbeat and settlement replies; most device acks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ack {
    /// 0 = ok / accepted.
    pub result: u8,
    /// Bytes beyond the result.
    pub rest: Vec<u8>,
}

impl Ack {
    /// An ok.
    pub fn ok() -> Self {
        Self { result: 0, rest: Vec::new() }
    }

    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { result: r.u8()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u8(self.result).rest(&self.rest);
    }
}

/// The server's time (answer to 0x22 and host 0x12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeReply {
    /// Unix time, s.
    pub unix: u32,
    /// Bytes beyond the time.
    pub rest: Vec<u8>,
}

impl TimeReply {
    /// Reads the data.
    pub fn read(r: &mut Reader) -> Result<Self, MessageError> {
        Ok(Self { unix: r.u32()?, rest: r.take_rest() })
    }

    /// Writes the data.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.unix).rest(&self.rest);
    }
}
