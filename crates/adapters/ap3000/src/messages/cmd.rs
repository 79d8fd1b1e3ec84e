//! Command bytes.

/// Legacy heartbeat.
pub const LEGACY_HEARTBEAT: u8 = 0x01;
/// Card swipe.
pub const CARD_SWIPE: u8 = 0x02;
/// Settlement.
pub const SETTLEMENT: u8 = 0x03;
/// Legacy order confirmation.
pub const ORDER_CONFIRM: u8 = 0x04;
/// Upgrade request.
pub const UPGRADE_REQUEST: u8 = 0x05;
/// Power heartbeat.
pub const POWER_HEARTBEAT: u8 = 0x06;
/// Host status.
pub const HOST_STATUS: u8 = 0x11;
/// Host time request.
pub const HOST_TIME: u8 = 0x12;
/// Register.
pub const REGISTER: u8 = 0x20;
/// Heartbeat.
pub const HEARTBEAT: u8 = 0x21;
/// Time request.
pub const TIME: u8 = 0x22;
/// Alarm push.
pub const ALARM: u8 = 0x42;
/// Port push.
pub const PORT_PUSH: u8 = 0x44;
/// Query network state.
pub const QUERY_STATE: u8 = 0x81;
/// Start / stop charging.
pub const CHARGE_CONTROL: u8 = 0x82;
/// Run parameters 1.1.
pub const RUN_PARAMS_1: u8 = 0x83;
/// Run parameters 1.2.
pub const RUN_PARAMS_2: u8 = 0x84;
/// Max time / power / voltage limits.
pub const LIMITS: u8 = 0x85;
/// User-card keys.
pub const CARD_KEYS: u8 = 0x86;
/// Reboot.
pub const REBOOT: u8 = 0x87;
/// Clear memory.
pub const CLEAR_MEMORY: u8 = 0x88;
/// Change a running session's limit.
pub const CHANGE_LIMIT: u8 = 0x8A;
/// Work mode.
pub const WORK_MODE: u8 = 0x8D;
/// Read back 0x83.
pub const QUERY_RUN_PARAMS_1: u8 = 0x90;
/// Read back 0x84.
pub const QUERY_RUN_PARAMS_2: u8 = 0x91;
/// Read back 0x85.
pub const QUERY_LIMITS: u8 = 0x92;
/// Read back 0x86.
pub const QUERY_CARD_KEYS: u8 = 0x93;
/// Locate by sound/light.
pub const LOCATE: u8 = 0x96;
/// Run parameters 1.3 (mute).
pub const MUTE: u8 = 0x97;
/// Firmware packet, sub-unit.
pub const UPGRADE: u8 = 0xE0;
/// Firmware packet, power board.
pub const UPGRADE_POWER_BOARD: u8 = 0xE1;
/// Firmware packet, host-wide.
pub const UPGRADE_HOST_WIDE: u8 = 0xE2;
/// Trigger a self-download upgrade.
pub const UPGRADE_SELF_DOWNLOAD: u8 = 0xE4;
/// Legacy firmware packet.
pub const UPGRADE_LEGACY: u8 = 0xF8;
/// Host upgrade.
pub const UPGRADE_HOST: u8 = 0xFA;
/// Commands whose device answer is a one-byte result.
pub const ONE_BYTE_ACKS: [u8; 17] =
    [0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x8A, 0x8D, 0x8E, 0x8F, 0x95, 0x96, 0x97, 0x31, 0x32, 0x33, 0x34];
