//! The stream cutter over sticky and split packets, noise and bad frames; and decoders that
//! never panic on random bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mgc_adapter_ap3000::frame::DEFAULT_MAX_LENGTH;
use mgc_adapter_ap3000::messages::{Downlink, Uplink};
use mgc_adapter_ap3000::{Frame, Item, PhysicalId, SkipReason, StreamCutter};
use proptest::prelude::*;

fn heartbeat(message_id: u16) -> Vec<u8> {
    Frame::new(PhysicalId(0x04AB_373B), message_id, 0x21, vec![0x98, 0x08, 0x02, 0, 0, 9, 0x55])
        .encode()
        .expect("small frame")
}

fn drain(cutter: &mut StreamCutter) -> Vec<Item> {
    std::iter::from_fn(|| cutter.next_item()).collect()
}

fn message_ids(items: &[Item]) -> Vec<u16> {
    items.iter().filter_map(|i| if let Item::Frame(f) = i { Some(f.message_id) } else { None }).collect()
}

#[test]
fn given_iccid_link_and_three_frames_in_one_read_then_all_come_out_in_order() {
    let mut bytes = b"89860413161892009275".to_vec();
    bytes.extend(heartbeat(1));
    bytes.extend(b"link");
    bytes.extend(heartbeat(2));
    bytes.extend(heartbeat(3));
    let mut cutter = StreamCutter::new(DEFAULT_MAX_LENGTH);
    cutter.push(&bytes);
    let items = drain(&mut cutter);
    assert_eq!(items[0], Item::Iccid("89860413161892009275".to_owned()));
    assert_eq!(items[2], Item::Link);
    assert_eq!(message_ids(&items), vec![1, 2, 3]);
    assert_eq!((items.len(), cutter.buffered()), (5, 0));
}

#[test]
fn given_frames_split_at_every_byte_then_each_comes_out_once_complete() {
    let mut bytes = heartbeat(7);
    bytes.extend(heartbeat(8));
    let mut cutter = StreamCutter::new(DEFAULT_MAX_LENGTH);
    let mut seen = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        cutter.push(&[*b]);
        let items = drain(&mut cutter);
        if i + 1 == bytes.len() / 2 || i + 1 == bytes.len() {
            assert_eq!(items.len(), 1, "a frame completes at byte {i}");
        } else {
            assert!(items.is_empty(), "nothing before the frame is complete (byte {i}): {items:?}");
        }
        seen.extend(items);
    }
    assert_eq!(message_ids(&seen), vec![7, 8]);
}

#[test]
fn given_a_bad_checksum_and_noise_before_good_frames_then_they_are_skipped_and_the_good_frames_kept() {
    let mut bad = heartbeat(1);
    let last = bad.len() - 1;
    bad[last] ^= 0xFF;
    let mut bytes = b"\x00\x01garbage".to_vec();
    bytes.extend(&bad);
    bytes.extend(heartbeat(2));
    bytes.extend(b"DNY\xFF\xFF");
    bytes.extend(heartbeat(3));
    let mut cutter = StreamCutter::new(DEFAULT_MAX_LENGTH);
    cutter.push(&bytes);
    let items = drain(&mut cutter);
    assert_eq!(message_ids(&items), vec![2, 3]);
    let reasons: Vec<SkipReason> =
        items.iter().filter_map(|i| if let Item::Skipped { reason, .. } = i { Some(*reason) } else { None }).collect();
    assert_eq!(reasons, vec![SkipReason::BadChecksum, SkipReason::BadLength]);
    let skipped: usize = items.iter().map(|i| if let Item::Skipped { bytes, .. } = i { *bytes } else { 0 }).sum();
    assert_eq!(skipped, 9 + bad.len() + 5);
}

#[test]
fn given_a_length_field_above_the_limit_then_the_cutter_does_not_wait_for_it() {
    let mut cutter = StreamCutter::new(64);
    let big = Frame::new(PhysicalId(1), 1, 0xE0, vec![0; 100]).encode().expect("fits");
    cutter.push(&big);
    cutter.push(&heartbeat(4));
    let items = drain(&mut cutter);
    assert_eq!(message_ids(&items), vec![4]);
    assert!(cutter.buffered() < 64, "the oversized frame is not buffered: {}", cutter.buffered());
}

proptest! {
    #[test]
    fn decoders_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400), command in any::<u8>()) {
        let _ = Frame::decode(&bytes);
        if let Ok(up) = Uplink::decode(command, &bytes) {
            prop_assert_eq!(up.encode(), (command, bytes.clone()));
        }
        if let Ok(down) = Downlink::decode(command, &bytes) {
            prop_assert_eq!(down.encode(), (command, bytes.clone()));
        }
    }

    #[test]
    fn the_cutter_never_panics_and_finds_a_good_frame_after_random_bytes(
        noise in proptest::collection::vec(any::<u8>(), 0..300),
        cuts in proptest::collection::vec(1usize..40, 1..20),
    ) {
        let mut bytes = noise;
        bytes.extend(b"link");
        bytes.extend(heartbeat(0xBEEF));
        let mut cutter = StreamCutter::new(DEFAULT_MAX_LENGTH);
        let mut items = Vec::new();
        let mut at = 0;
        for cut in cuts.iter().cycle() {
            if at >= bytes.len() { break; }
            let end = (at + cut).min(bytes.len());
            cutter.push(&bytes[at..end]);
            items.extend(drain(&mut cutter));
            at = end;
        }
        prop_assert!(message_ids(&items).contains(&0xBEEF), "{:?}", items);
    }
}
