//! Typed messages: [`Uplink`] is everything a pile (or host) sends — its own reports and its
//! answers to the server's commands — and [`Downlink`] everything the server sends — answers to
//! the pile's reports and commands. Both decode from a frame's command and data and encode back
//! byte for byte (unknown trailing bytes are kept in `rest`, §6 of the fact sheet).

mod control;
mod device;
mod host;
mod params;
mod session;
mod upgrade;
pub mod wire;

pub use control::{charge_result_name, Ack, CardReply, ChangeLimit, ChargeControl, ChargeControlAck, TimeReply};
pub use device::{Alarm, CardSwipe, Heartbeat, LegacyHeartbeat, PortPush, Register, UpgradeRequest};
pub use host::HostStatus;
pub use params::{CardKeys, Limits, RunParams1, RunParams2};
pub use session::{OrderConfirm, OrderNumber, PowerHeartbeat, Settlement};
pub use upgrade::{UpgradeAck, UpgradeChunk};
pub use wire::MessageError;

use serde::Serialize;
use wire::{Reader, Writer};

pub mod cmd;

/// A value followed by bytes beyond its layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithRest<T> {
    /// The value.
    pub value: T,
    /// Bytes beyond its layout.
    pub rest: Vec<u8>,
}

fn with_rest<T>(r: &mut Reader, read: fn(&mut Reader) -> Result<T, MessageError>) -> Result<WithRest<T>, MessageError> {
    Ok(WithRest { value: read(r)?, rest: r.take_rest() })
}

/// A frame from a pile or host, by command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Uplink {
    /// 0x20.
    Register(Register),
    /// 0x21.
    Heartbeat(Heartbeat),
    /// 0x01.
    LegacyHeartbeat(LegacyHeartbeat),
    /// 0x22 (or host 0x12): asks for the server's time.
    TimeRequest {
        /// 0x22 or 0x12.
        command: u8,
        /// Data (normally none).
        rest: Vec<u8>,
    },
    /// 0x02.
    CardSwipe(CardSwipe),
    /// 0x03.
    Settlement(Settlement),
    /// 0x04.
    OrderConfirm(OrderConfirm),
    /// 0x05.
    UpgradeRequest(UpgradeRequest),
    /// 0x06.
    PowerHeartbeat(PowerHeartbeat),
    /// 0x11.
    HostStatus(HostStatus),
    /// 0x42.
    Alarm(Alarm),
    /// 0x44.
    PortPush(PortPush),
    /// Answer to 0x82.
    ChargeControlAck(ChargeControlAck),
    /// Answer to 0x90.
    RunParams1(WithRest<RunParams1>),
    /// Answer to 0x91.
    RunParams2(WithRest<RunParams2>),
    /// Answer to 0x92.
    Limits(WithRest<Limits>),
    /// Answer to 0x93.
    CardKeys(WithRest<CardKeys>),
    /// Answer to a firmware packet.
    UpgradeAck {
        /// 0xE0, 0xE1, 0xE2, 0xF8 or 0xFA.
        command: u8,
        /// The answer.
        ack: UpgradeAck,
    },
    /// A one-byte result answering a command ([`cmd::ONE_BYTE_ACKS`]).
    CommandAck {
        /// The command answered.
        command: u8,
        /// The result.
        ack: Ack,
    },
    /// Any other command, kept raw.
    Unknown {
        /// Command byte.
        command: u8,
        /// Data.
        data: Vec<u8>,
    },
}

impl Uplink {
    /// Decodes the data of a frame with `command` sent by a device.
    pub fn decode(command: u8, data: &[u8]) -> Result<Self, MessageError> {
        let r = &mut Reader::new(command, data);
        Ok(match command {
            cmd::REGISTER => Self::Register(Register::read(r)?),
            cmd::HEARTBEAT => Self::Heartbeat(Heartbeat::read(r)?),
            cmd::LEGACY_HEARTBEAT => Self::LegacyHeartbeat(LegacyHeartbeat::read(r)?),
            cmd::TIME | cmd::HOST_TIME => Self::TimeRequest { command, rest: r.take_rest() },
            cmd::CARD_SWIPE => Self::CardSwipe(CardSwipe::read(r)?),
            cmd::SETTLEMENT => Self::Settlement(Settlement::read(r)?),
            cmd::ORDER_CONFIRM => Self::OrderConfirm(OrderConfirm::read(r)?),
            cmd::UPGRADE_REQUEST => Self::UpgradeRequest(UpgradeRequest::read(r)?),
            cmd::POWER_HEARTBEAT => Self::PowerHeartbeat(PowerHeartbeat::read(r)?),
            cmd::HOST_STATUS => Self::HostStatus(HostStatus::read(r)?),
            cmd::ALARM => Self::Alarm(Alarm::read(r)?),
            cmd::PORT_PUSH => Self::PortPush(PortPush::read(r)?),
            cmd::CHARGE_CONTROL => Self::ChargeControlAck(ChargeControlAck::read(r)?),
            cmd::QUERY_RUN_PARAMS_1 => Self::RunParams1(with_rest(r, RunParams1::read)?),
            cmd::QUERY_RUN_PARAMS_2 => Self::RunParams2(with_rest(r, RunParams2::read)?),
            cmd::QUERY_LIMITS => Self::Limits(with_rest(r, Limits::read)?),
            cmd::QUERY_CARD_KEYS => Self::CardKeys(with_rest(r, CardKeys::read)?),
            cmd::UPGRADE
            | cmd::UPGRADE_POWER_BOARD
            | cmd::UPGRADE_HOST_WIDE
            | cmd::UPGRADE_LEGACY
            | cmd::UPGRADE_HOST => Self::UpgradeAck { command, ack: UpgradeAck::read(r)? },
            c if cmd::ONE_BYTE_ACKS.contains(&c) => Self::CommandAck { command, ack: Ack::read(r)? },
            _ => Self::Unknown { command, data: data.to_vec() },
        })
    }

    /// The command byte and data.
    pub fn encode(&self) -> (u8, Vec<u8>) {
        let w = &mut Writer::new();
        let command = match self {
            Self::Register(m) => {
                m.write(w);
                cmd::REGISTER
            }
            Self::Heartbeat(m) => {
                m.write(w);
                cmd::HEARTBEAT
            }
            Self::LegacyHeartbeat(m) => {
                m.write(w);
                cmd::LEGACY_HEARTBEAT
            }
            Self::TimeRequest { command, rest } => {
                w.rest(rest);
                *command
            }
            Self::CardSwipe(m) => {
                m.write(w);
                cmd::CARD_SWIPE
            }
            Self::Settlement(m) => {
                m.write(w);
                cmd::SETTLEMENT
            }
            Self::OrderConfirm(m) => {
                m.write(w);
                cmd::ORDER_CONFIRM
            }
            Self::UpgradeRequest(m) => {
                m.write(w);
                cmd::UPGRADE_REQUEST
            }
            Self::PowerHeartbeat(m) => {
                m.write(w);
                cmd::POWER_HEARTBEAT
            }
            Self::HostStatus(m) => {
                m.write(w);
                cmd::HOST_STATUS
            }
            Self::Alarm(m) => {
                m.write(w);
                cmd::ALARM
            }
            Self::PortPush(m) => {
                m.write(w);
                cmd::PORT_PUSH
            }
            Self::ChargeControlAck(m) => {
                m.write(w);
                cmd::CHARGE_CONTROL
            }
            Self::RunParams1(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::QUERY_RUN_PARAMS_1
            }
            Self::RunParams2(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::QUERY_RUN_PARAMS_2
            }
            Self::Limits(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::QUERY_LIMITS
            }
            Self::CardKeys(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::QUERY_CARD_KEYS
            }
            Self::UpgradeAck { command, ack } => {
                ack.write(w);
                *command
            }
            Self::CommandAck { command, ack } => {
                ack.write(w);
                *command
            }
            Self::Unknown { command, data } => {
                w.rest(data);
                *command
            }
        };
        (command, w.finish())
    }
}

/// A frame from the server, by command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Downlink {
    /// One-byte answer to 0x20, 0x21, 0x01 or 0x03.
    Reply {
        /// The command answered.
        command: u8,
        /// The result.
        ack: Ack,
    },
    /// Answer to 0x22 or 0x12.
    Time {
        /// 0x22 or 0x12.
        command: u8,
        /// The time.
        time: TimeReply,
    },
    /// Answer to 0x02.
    CardReply(CardReply),
    /// 0x81 (no data; the device answers with a fresh register/heartbeat).
    QueryState {
        /// Data (normally none).
        rest: Vec<u8>,
    },
    /// 0x82.
    ChargeControl(ChargeControl),
    /// 0x8A.
    ChangeLimit(ChangeLimit),
    /// 0x83.
    SetRunParams1(WithRest<RunParams1>),
    /// 0x84.
    SetRunParams2(WithRest<RunParams2>),
    /// 0x85.
    SetLimits(WithRest<Limits>),
    /// 0x86.
    SetCardKeys(WithRest<CardKeys>),
    /// A command without data: 0x87 reboot, 0x88 clear memory, 0x90-0x93 read parameters,
    /// 0xE4 self-download upgrade, bare 0xFA host upgrade.
    Bare {
        /// Command byte.
        command: u8,
        /// Data (normally none).
        rest: Vec<u8>,
    },
    /// A one-byte setting: 0x8D work mode, 0x96 locate (s), 0x97 mute.
    Setting {
        /// Command byte.
        command: u8,
        /// The value.
        value: u8,
        /// Bytes beyond it.
        rest: Vec<u8>,
    },
    /// A firmware packet (0xE0, 0xE1, 0xE2, 0xF8, 0xFA).
    UpgradeChunk {
        /// Command byte.
        command: u8,
        /// The packet.
        chunk: UpgradeChunk,
    },
    /// Any other command, kept raw.
    Unknown {
        /// Command byte.
        command: u8,
        /// Data.
        data: Vec<u8>,
    },
}

impl Downlink {
    /// Decodes the data of a frame with `command` sent by the server.
    pub fn decode(command: u8, data: &[u8]) -> Result<Self, MessageError> {
        let r = &mut Reader::new(command, data);
        Ok(match command {
            cmd::REGISTER | cmd::HEARTBEAT | cmd::LEGACY_HEARTBEAT | cmd::SETTLEMENT => {
                Self::Reply { command, ack: Ack::read(r)? }
            }
            cmd::TIME | cmd::HOST_TIME => Self::Time { command, time: TimeReply::read(r)? },
            cmd::CARD_SWIPE => Self::CardReply(CardReply::read(r)?),
            cmd::QUERY_STATE => Self::QueryState { rest: r.take_rest() },
            cmd::CHARGE_CONTROL => Self::ChargeControl(ChargeControl::read(r)?),
            cmd::CHANGE_LIMIT => Self::ChangeLimit(ChangeLimit::read(r)?),
            cmd::RUN_PARAMS_1 => Self::SetRunParams1(with_rest(r, RunParams1::read)?),
            cmd::RUN_PARAMS_2 => Self::SetRunParams2(with_rest(r, RunParams2::read)?),
            cmd::LIMITS => Self::SetLimits(with_rest(r, Limits::read)?),
            cmd::CARD_KEYS => Self::SetCardKeys(with_rest(r, CardKeys::read)?),
            cmd::UPGRADE_HOST if data.is_empty() => Self::Bare { command, rest: Vec::new() },
            cmd::REBOOT
            | cmd::CLEAR_MEMORY
            | cmd::QUERY_RUN_PARAMS_1
            | cmd::QUERY_RUN_PARAMS_2
            | cmd::QUERY_LIMITS
            | cmd::QUERY_CARD_KEYS
            | cmd::UPGRADE_SELF_DOWNLOAD => Self::Bare { command, rest: r.take_rest() },
            cmd::WORK_MODE | cmd::LOCATE | cmd::MUTE => Self::Setting { command, value: r.u8()?, rest: r.take_rest() },
            cmd::UPGRADE
            | cmd::UPGRADE_POWER_BOARD
            | cmd::UPGRADE_HOST_WIDE
            | cmd::UPGRADE_LEGACY
            | cmd::UPGRADE_HOST => Self::UpgradeChunk { command, chunk: UpgradeChunk::read(r)? },
            _ => Self::Unknown { command, data: data.to_vec() },
        })
    }

    /// The command byte and data.
    pub fn encode(&self) -> (u8, Vec<u8>) {
        let w = &mut Writer::new();
        let command = match self {
            Self::Reply { command, ack } => {
                ack.write(w);
                *command
            }
            Self::Time { command, time } => {
                time.write(w);
                *command
            }
            Self::CardReply(m) => {
                m.write(w);
                cmd::CARD_SWIPE
            }
            Self::QueryState { rest } => {
                w.rest(rest);
                cmd::QUERY_STATE
            }
            Self::ChargeControl(m) => {
                m.write(w);
                cmd::CHARGE_CONTROL
            }
            Self::ChangeLimit(m) => {
                m.write(w);
                cmd::CHANGE_LIMIT
            }
            Self::SetRunParams1(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::RUN_PARAMS_1
            }
            Self::SetRunParams2(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::RUN_PARAMS_2
            }
            Self::SetLimits(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::LIMITS
            }
            Self::SetCardKeys(m) => {
                m.value.write(w);
                w.rest(&m.rest);
                cmd::CARD_KEYS
            }
            Self::Bare { command, rest } => {
                w.rest(rest);
                *command
            }
            Self::Setting { command, value, rest } => {
                w.u8(*value).rest(rest);
                *command
            }
            Self::UpgradeChunk { command, chunk } => {
                chunk.write(w);
                *command
            }
            Self::Unknown { command, data } => {
                w.rest(data);
                *command
            }
        };
        (command, w.finish())
    }
}
