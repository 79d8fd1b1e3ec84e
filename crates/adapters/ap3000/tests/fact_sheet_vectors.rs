//! Every example frame of the fact sheet (shared/design/protocols/ap3000.md §7): it decodes to
//! the documented values and re-encodes byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mgc_adapter_ap3000::messages::{Ack, ChargeControl, Downlink, Uplink};
use mgc_adapter_ap3000::{Frame, PhysicalId};

const PILE: PhysicalId = PhysicalId(0x04AB_373B);
const ORDER_75: [u8; 16] =
    [0x20, 0x19, 0x09, 0x01, 0x18, 0x00, 0x00, 0x13, 0x00, 0x30, 0x38, 0x01, 0x02, 0x03, 0x04, 0x05];

/// Who sent the frame, hence which message type decodes it.
enum Dir {
    Up(fn(&Uplink)),
    Down(fn(&Downlink)),
}

fn bytes(hex: &str) -> Vec<u8> {
    hex.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("test vector is hex")).collect()
}

#[allow(clippy::too_many_lines)]
fn vectors() -> Vec<(&'static str, u16, u8, &'static str, Dir)> {
    vec![
        (
            "7.2 register",
            185,
            0x20,
            "44 4E 59 13 00 3B 37 AB 04 B9 00 20 7E 00 02 14 21 00 00 00 E4 00 91 04",
            Dir::Up(|m| {
                let Uplink::Register(r) = m else { panic!("{m:?}") };
                assert_eq!((r.firmware, r.ports, r.virtual_id, r.device_type, r.work_mode), (126, 2, 0x14, 0x21, 0));
                assert_eq!((r.power_board_firmware, r.rest.as_slice()), (Some(0), &[0xE4, 0x00][..]));
            }),
        ),
        (
            "7.2 register reply",
            185,
            0x20,
            "44 4E 59 0A 00 3B 37 AB 04 B9 00 20 00 EF 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Reply { command: 0x20, ack: Ack::ok() })),
        ),
        (
            "7.3 heartbeat",
            1,
            0x21,
            "44 4E 59 10 00 3B 37 AB 04 01 00 21 98 08 02 00 00 09 05 EE 02",
            Dir::Up(|m| {
                let Uplink::Heartbeat(h) = m else { panic!("{m:?}") };
                assert_eq!(
                    (h.voltage_dv, h.port_status.as_slice(), h.signal, h.temperature),
                    (2200, &[0, 0][..], 9, 5)
                );
            }),
        ),
        (
            "7.3 heartbeat reply",
            1,
            0x21,
            "44 4E 59 0A 00 3B 37 AB 04 01 00 21 00 38 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Reply { command: 0x21, ack: Ack::ok() })),
        ),
        (
            "7.4 card swipe",
            1,
            0x02,
            "44 4E 59 11 00 3B 37 AB 04 01 00 02 7A 8D 05 DD 00 01 00 00 0A 04",
            Dir::Up(|m| {
                let Uplink::CardSwipe(c) = m else { panic!("{m:?}") };
                assert_eq!((c.card_number(), c.card_type, c.port, c.balance_fen), (2_056_062_429, 0, 1, 0));
                assert_eq!((c.device_time, c.card2.as_ref()), (None, None));
            }),
        ),
        (
            "7.4 card reply",
            1,
            0x02,
            "44 4E 59 14 00 3B 37 AB 04 01 00 02 7A 8D 05 DD 00 00 10 27 00 00 01 44 04",
            Dir::Down(|m| {
                let Downlink::CardReply(c) = m else { panic!("{m:?}") };
                assert_eq!(
                    (c.card, c.status, c.rate_mode, c.balance, c.port),
                    ([0x7A, 0x8D, 0x05, 0xDD], 0, 0, 10_000, 1)
                );
            }),
        ),
        (
            "7.5 settlement",
            1,
            0x03,
            "44 4E 59 28 00 3B 37 AB 04 01 00 03 10 0E E8 03 30 00 01 01 00 00 00 00 01 \
             20 19 09 01 18 00 00 13 00 30 38 01 02 03 04 05 E8 03 44 05",
            Dir::Up(|m| {
                let Uplink::Settlement(s) = m else { panic!("{m:?}") };
                assert_eq!((s.duration_s, s.max_power_dw, s.energy_cwh, s.energy_wh()), (3600, 1000, 48, 480));
                assert_eq!((s.port, s.start_mode, s.card, s.stop_reason, s.order), (1, 1, [0; 4], 1, ORDER_75));
                assert_eq!((s.second_max_power_dw, s.device_time, s.occupancy_min), (Some(1000), None, None));
            }),
        ),
        (
            "7.5 settlement reply",
            1,
            0x03,
            "44 4E 59 0A 00 3B 37 AB 04 01 00 03 00 1A 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Reply { command: 0x03, ack: Ack::ok() })),
        ),
        (
            "7.6 power heartbeat",
            10,
            0x06,
            "44 4E 59 32 00 3B 37 AB 04 0A 00 06 01 01 10 0E 30 00 01 E8 03 B0 04 20 03 E8 03 \
             20 19 09 01 18 00 00 13 00 30 38 01 02 03 04 05 01 00 E8 03 98 08 C7 01 55 00 DA 08",
            Dir::Up(|m| {
                let Uplink::PowerHeartbeat(p) = m else { panic!("{m:?}") };
                assert_eq!((p.port, p.status, p.charging_s, p.energy_wh(), p.start_mode), (1, 1, 3600, 480, 1));
                assert_eq!((p.power_dw, p.max_power_dw, p.min_power_dw, p.avg_power_dw), (1000, 1200, 800, 1000));
                assert_eq!((p.order, p.interval_energy_raw, p.peak_power_dw), (ORDER_75, Some(1), Some(1000)));
                assert_eq!(
                    (p.voltage_dv, p.current_ma, p.ambient_temperature, p.port_temperature),
                    (Some(2200), Some(455), Some(0x55), Some(0))
                );
                assert_eq!((p.device_time, p.occupancy_min), (None, None));
            }),
        ),
        (
            "7.7 charge control",
            2,
            0x82,
            "44 4E 59 26 00 3B 37 AB 04 02 00 82 00 64 01 00 00 01 01 00 00 \
             12 34 56 78 12 34 56 78 12 34 56 78 12 34 56 78 80 70 88 13 F8 08",
            Dir::Down(|m| {
                let Downlink::ChargeControl(c) = m else { panic!("{m:?}") };
                let want = ChargeControl {
                    rate_mode: 0,
                    balance: 356,
                    port: 1,
                    command: 1,
                    limit: 0,
                    order: [
                        0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78,
                    ],
                    max_time_s: 28_800,
                    overload_power_dw: 5000,
                    backlight: None,
                    long_charge: None,
                    float_time_s: None,
                    short_check: None,
                    unplug_detection: None,
                    force_full_stop: None,
                    full_power_w: None,
                    full_judge_min: None,
                    rest: Vec::new(),
                };
                assert_eq!(c, &want);
            }),
        ),
        (
            "7.7 charge control ack",
            2,
            0x82,
            "44 4E 59 1D 00 3B 37 AB 04 02 00 82 00 12 34 56 78 12 34 56 78 12 34 56 78 12 34 56 78 01 00 00 FE 06",
            Dir::Up(|m| {
                let Uplink::ChargeControlAck(a) = m else { panic!("{m:?}") };
                assert!(a.done());
                assert_eq!(
                    (a.result, a.order.map(|o| o[..4].to_vec()), a.port, a.pending_ports),
                    (0, Some(vec![0x12, 0x34, 0x56, 0x78]), Some(1), Some(0))
                );
            }),
        ),
        (
            "7.8 time request",
            185,
            0x22,
            "44 4E 59 09 00 3B 37 AB 04 B9 00 22 F0 02",
            Dir::Up(|m| assert_eq!(m, &Uplink::TimeRequest { command: 0x22, rest: Vec::new() })),
        ),
        (
            "7.8 time reply",
            185,
            0x22,
            "44 4E 59 0D 00 3B 37 AB 04 B9 00 22 09 0E A9 5F 13 04",
            Dir::Down(|m| {
                let Downlink::Time { command: 0x22, time } = m else { panic!("{m:?}") };
                assert_eq!(time.unix, 1_604_914_697);
            }),
        ),
        (
            "7.8 query state",
            1,
            0x81,
            "44 4E 59 09 00 3B 37 AB 04 01 00 81 97 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::QueryState { rest: Vec::new() })),
        ),
        (
            "7.8 reboot",
            1,
            0x87,
            "44 4E 59 09 00 3B 37 AB 04 01 00 87 9D 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Bare { command: 0x87, rest: Vec::new() })),
        ),
        (
            "7.8 reboot reply",
            1,
            0x87,
            "44 4E 59 0A 00 3B 37 AB 04 01 00 87 00 9E 02",
            Dir::Up(|m| assert_eq!(m, &Uplink::CommandAck { command: 0x87, ack: Ack::ok() })),
        ),
        (
            "7.8 change limit",
            2,
            0x8A,
            "44 4E 59 0D 00 3B 37 AB 04 02 00 8A 00 01 80 70 96 03",
            Dir::Down(|m| {
                let Downlink::ChangeLimit(c) = m else { panic!("{m:?}") };
                assert_eq!((c.mode, c.port, c.limit), (0, 1, 28_800));
            }),
        ),
        (
            "7.8 change limit reply",
            2,
            0x8A,
            "44 4E 59 0A 00 3B 37 AB 04 02 00 8A 00 A2 02",
            Dir::Up(|m| assert_eq!(m, &Uplink::CommandAck { command: 0x8A, ack: Ack::ok() })),
        ),
        (
            "7.8 limits",
            2,
            0x85,
            "44 4E 59 0D 00 3B 37 AB 04 02 00 85 A0 8C 20 4E 3A 04",
            Dir::Down(|m| {
                let Downlink::SetLimits(l) = m else { panic!("{m:?}") };
                assert_eq!(
                    (l.value.max_time_s, l.value.overload_power_dw, l.value.over_voltage_dv),
                    (36_000, 20_000, None)
                );
            }),
        ),
        (
            "7.8 card keys",
            2,
            0x86,
            "44 4E 59 16 00 3B 37 AB 04 02 00 86 00 15 91 85 19 18 80 FF FF FF FF FF FF 80 0A",
            Dir::Down(|m| {
                let Downlink::SetCardKeys(k) = m else { panic!("{m:?}") };
                assert_eq!(
                    (k.value.sector, k.value.user_key, k.value.new_card_key),
                    (0, [0x15, 0x91, 0x85, 0x19, 0x18, 0x80], [0xFF; 6])
                );
            }),
        ),
        (
            "7.8 work mode",
            1,
            0x8D,
            "44 4E 59 0A 00 3B 37 AB 04 01 00 8D 00 A4 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Setting { command: 0x8D, value: 0, rest: Vec::new() })),
        ),
        (
            "7.8 work mode reply (same bytes)",
            1,
            0x8D,
            "44 4E 59 0A 00 3B 37 AB 04 01 00 8D 00 A4 02",
            Dir::Up(|m| assert_eq!(m, &Uplink::CommandAck { command: 0x8D, ack: Ack::ok() })),
        ),
        (
            "7.8 legacy heartbeat",
            185,
            0x01,
            "44 4E 59 1D 00 3B 37 AB 04 B9 00 01 7E 00 8C 08 02 00 03 00 00 E4 00 00 00 3B 02 29 07 02 20 00 6D 05",
            Dir::Up(|m| {
                let Uplink::LegacyHeartbeat(h) = m else { panic!("{m:?}") };
                assert_eq!((h.firmware, h.voltage_dv, h.port_status.as_slice()), (126, 2188, &[0, 3][..]));
                assert_eq!((h.power_dw.as_slice(), h.peak_power_dw.as_slice()), (&[0, 228][..], &[0, 571][..]));
                assert_eq!(
                    (h.virtual_id, h.signal, h.device_type, h.temperature, h.work_mode),
                    (0x29, 7, 2, 0x20, Some(0))
                );
            }),
        ),
        (
            "7.8 legacy heartbeat reply",
            185,
            0x01,
            "44 4E 59 0A 00 3B 37 AB 04 B9 00 01 00 D0 02",
            Dir::Down(|m| assert_eq!(m, &Downlink::Reply { command: 0x01, ack: Ack::ok() })),
        ),
    ]
}

fn host_vectors() -> Vec<(&'static str, u16, u8, String, Dir)> {
    let host_status = format!(
        "44 4E 59 29 00 84 26 D6 09 04 00 11 65 00 01 5C 5C A9 5F 1F 06 {} 50 D8 01 3F 0A",
        b"89860413161892009275".iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
    );
    vec![
        (
            "7.8 host time request",
            5,
            0x12,
            "44 4E 59 09 00 84 26 D6 09 05 00 12 94 02".to_owned(),
            Dir::Up(|m| assert_eq!(m, &Uplink::TimeRequest { command: 0x12, rest: Vec::new() })),
        ),
        (
            "7.8 host time reply",
            5,
            0x12,
            "44 4E 59 0D 00 84 26 D6 09 05 00 12 DE 5C A9 5F DA 04".to_owned(),
            Dir::Down(|m| {
                let Downlink::Time { command: 0x12, time } = m else { panic!("{m:?}") };
                assert_eq!(time.unix, 1_604_934_878);
            }),
        ),
        (
            "7.8 host status",
            4,
            0x11,
            host_status,
            Dir::Up(|m| {
                let Uplink::HostStatus(h) = m else { panic!("{m:?}") };
                assert_eq!((h.firmware, h.rtc, h.host_time, h.signal, h.modem), (101, 1, 1_604_934_748, 31, 6));
                assert_eq!(
                    (&h.iccid, h.host_type, h.frequency, h.imei, h.modem_version),
                    (b"89860413161892009275", 0x50, 472, None, None)
                );
            }),
        ),
    ]
}

fn check(name: &str, message_id: u16, command: u8, wire: &[u8], dir: &Dir, pile: PhysicalId) {
    let frame = Frame::decode(wire).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!((frame.physical_id, frame.message_id, frame.command), (pile, message_id, command), "{name}");
    let (cmd, data) = match dir {
        Dir::Up(assert) => {
            let m = Uplink::decode(frame.command, &frame.data).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert(&m);
            m.encode()
        }
        Dir::Down(assert) => {
            let m = Downlink::decode(frame.command, &frame.data).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert(&m);
            m.encode()
        }
    };
    let again =
        Frame::new(frame.physical_id, frame.message_id, cmd, data).encode().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(again, wire, "{name}: re-encoded bytes differ");
}

#[test]
fn given_every_fact_sheet_frame_then_it_decodes_to_the_documented_values_and_re_encodes_byte_for_byte() {
    let pile = vectors();
    assert_eq!(pile.len(), 24);
    for (name, message_id, command, hex, dir) in &pile {
        check(name, *message_id, *command, &bytes(hex), dir, PILE);
    }
    for (name, message_id, command, hex, dir) in &host_vectors() {
        check(name, *message_id, *command, &bytes(hex), dir, PhysicalId(0x09D6_2684));
    }
}

#[test]
fn given_a_fact_sheet_frame_with_one_byte_changed_then_the_checksum_rejects_it() {
    let mut wire = bytes("44 4E 59 0A 00 3B 37 AB 04 01 00 21 00 38 02");
    wire[12] = 1;
    assert!(matches!(
        Frame::decode(&wire),
        Err(mgc_adapter_ap3000::FrameError::Checksum { found: 0x0238, computed: 0x0239 })
    ));
}

#[test]
fn given_data_shorter_than_the_mandatory_prefix_then_decoding_fails_with_the_sizes() {
    let err = Uplink::decode(0x03, &[0; 28]).expect_err("29 bytes are mandatory");
    assert_eq!((err.command, err.needed, err.got), (0x03, 29, 28));
}
