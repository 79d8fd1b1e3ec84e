//! Reports as a simple pile sends them (simulator and tests): register, heartbeat, card swipe,
//! power heartbeat, settlement, and the answers to the server's commands.

use crate::messages::{
    Ack, CardSwipe, ChargeControlAck, Heartbeat, OrderNumber, PowerHeartbeat, Register, Settlement, Uplink,
};

/// 0x20 of a new dual-mode 485 pile (type 0x21) with `ports` ports, firmware V1.26.
pub fn register(ports: u8) -> Uplink {
    Uplink::Register(Register {
        firmware: 126,
        ports,
        virtual_id: 0,
        device_type: 0x21,
        work_mode: 0,
        power_board_firmware: Some(0),
        rest: Vec::new(),
    })
}

/// 0x21 at 220.0 V with these port statuses (0 idle, 1 charging, 2 plugged).
pub fn heartbeat(port_status: &[u8]) -> Uplink {
    Uplink::Heartbeat(Heartbeat {
        voltage_dv: 2200,
        port_status: port_status.to_vec(),
        signal: 0,
        temperature: 65 + 20,
        rest: Vec::new(),
    })
}

/// 0x02: card `number` (printed decimal, big-endian on the wire) asks to charge on `port` (0-based).
pub fn swipe(number: u32, port: u8) -> Uplink {
    Uplink::CardSwipe(CardSwipe {
        card: number.to_be_bytes(),
        card_type: 0,
        port,
        balance_fen: 0,
        device_time: None,
        card2: None,
        rest: Vec::new(),
    })
}

/// 0x06 of `port` (0-based) charging `order`: `energy_cwh` (0.01 kWh) in `seconds`, at `power_dw` (0.1 W).
pub fn power(port: u8, order: OrderNumber, energy_cwh: u16, seconds: u16, power_dw: u16) -> Uplink {
    Uplink::PowerHeartbeat(PowerHeartbeat {
        port,
        status: 1,
        charging_s: seconds,
        energy_cwh,
        start_mode: 1,
        power_dw,
        max_power_dw: power_dw,
        min_power_dw: power_dw,
        avg_power_dw: power_dw,
        order,
        interval_energy_raw: None,
        peak_power_dw: None,
        voltage_dv: None,
        current_ma: None,
        ambient_temperature: None,
        port_temperature: None,
        device_time: None,
        occupancy_min: None,
        rest: Vec::new(),
    })
}

/// 0x03 of `port` (0-based) for `order`: `energy_cwh` in `duration_s`, stopped for `reason` (7 = by server).
pub fn settlement(port: u8, order: OrderNumber, energy_cwh: u16, duration_s: u16, reason: u8) -> Uplink {
    Uplink::Settlement(Settlement {
        duration_s,
        max_power_dw: 0,
        energy_cwh,
        port,
        start_mode: 1,
        card: [0; 4],
        stop_reason: reason,
        order,
        second_max_power_dw: None,
        device_time: None,
        occupancy_min: None,
        rest: Vec::new(),
    })
}

/// The answer to a 0x82 of `port` for `order`: done (result 0).
pub fn control_done(order: OrderNumber, port: u8) -> Uplink {
    Uplink::ChargeControlAck(ChargeControlAck {
        result: 0,
        order: Some(order),
        port: Some(port),
        pending_ports: Some(0),
        rest: Vec::new(),
    })
}

/// A one-byte "ok" answering `command`.
pub fn ok(command: u8) -> Uplink {
    Uplink::CommandAck { command, ack: Ack::ok() }
}
