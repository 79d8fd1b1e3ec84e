//! The TCP gateway through real sockets: sticky and split packets, a bad frame between good
//! ones, downlinks answered / resent / failed, the connection cap, and shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mgc_adapter_ap3000::gateway::{Gateway, GatewaySettings, ProtocolReplies, SendFailure};
use mgc_adapter_ap3000::messages::{Ack, Downlink, Uplink};
use mgc_adapter_ap3000::{Frame, Item, PhysicalId, StreamCutter};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const PILE: PhysicalId = PhysicalId(0x04AB_373B);
const WAIT: Duration = Duration::from_secs(10);

async fn start(settings: GatewaySettings) -> (Gateway<ProtocolReplies>, std::net::SocketAddr, watch::Sender<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = watch::channel(false);
    let gw = Gateway::new(ProtocolReplies, settings, stopped);
    tokio::spawn(gw.clone().serve(listener));
    (gw, addr, stop)
}

fn frame(message_id: u16, command: u8, data: &[u8]) -> Vec<u8> {
    Frame::new(PILE, message_id, command, data.to_vec()).encode().unwrap()
}

fn heartbeat(message_id: u16) -> Vec<u8> {
    frame(message_id, 0x21, &[0x98, 0x08, 0x02, 0, 0, 0, 0])
}

/// Reads frames until `n` arrived (or the deadline).
async fn read_frames(stream: &mut TcpStream, cutter: &mut StreamCutter, n: usize) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    while out.len() < n {
        let read =
            tokio::time::timeout(WAIT, stream.read(&mut buf)).await.expect("frames before the deadline").unwrap();
        assert!(read > 0, "connection closed after {} frames", out.len());
        cutter.push(&buf[..read]);
        while let Some(item) = cutter.next_item() {
            if let Item::Frame(f) = item {
                out.push(f);
            }
        }
    }
    out
}

#[tokio::test]
async fn given_sticky_split_and_bad_frames_then_every_good_report_is_answered_in_order() {
    let (_gw, addr, _stop) = start(GatewaySettings::default()).await;
    let mut pile = TcpStream::connect(addr).await.unwrap();
    let mut cutter = StreamCutter::new(1024);
    let mut first = b"89860413161892009275".to_vec();
    first.extend(frame(185, 0x20, &[0x7E, 0, 2, 0, 0x21, 0]));
    first.extend(heartbeat(1));
    let mut bad = heartbeat(2);
    let last = bad.len() - 1;
    bad[last] ^= 0x55;
    first.extend(&bad);
    let third = heartbeat(3);
    first.extend(&third[..5]);
    pile.write_all(&first).await.unwrap();
    pile.write_all(&third[5..]).await.unwrap();
    pile.write_all(b"link").await.unwrap();
    pile.write_all(&frame(9, 0x22, &[])).await.unwrap();
    let answers = read_frames(&mut pile, &mut cutter, 4).await;
    let ids: Vec<(u16, u8)> = answers.iter().map(|f| (f.message_id, f.command)).collect();
    assert_eq!(ids, vec![(185, 0x20), (1, 0x21), (3, 0x21), (9, 0x22)]);
    assert_eq!(Downlink::decode(0x21, &answers[1].data).unwrap(), Downlink::Reply { command: 0x21, ack: Ack::ok() });
    assert!(answers.iter().all(|f| f.physical_id == PILE));
}

#[tokio::test]
async fn given_a_downlink_then_the_piles_answer_completes_it_and_an_unanswered_one_is_resent_once_then_fails() {
    let settings = GatewaySettings {
        ack_timeout: Duration::from_millis(300),
        spacing: Duration::from_millis(10),
        ..GatewaySettings::default()
    };
    let (gw, addr, _stop) = start(settings).await;
    let reboot = || Downlink::Bare { command: 0x87, rest: Vec::new() };
    assert_eq!(gw.registry().send(PILE, reboot(), WAIT).await, Err(SendFailure::NotConnected(PILE)));

    let mut pile = TcpStream::connect(addr).await.unwrap();
    let mut cutter = StreamCutter::new(1024);
    pile.write_all(&heartbeat(1)).await.unwrap();
    read_frames(&mut pile, &mut cutter, 1).await;
    let registry = gw.registry().clone();
    let sent = tokio::spawn(async move { registry.send(PILE, reboot(), WAIT).await });
    let down = read_frames(&mut pile, &mut cutter, 1).await.remove(0);
    assert_eq!((down.physical_id, down.command, down.data.len()), (PILE, 0x87, 0));
    pile.write_all(&frame(down.message_id, 0x87, &[0])).await.unwrap();
    let answer = sent.await.unwrap().unwrap();
    assert_eq!(answer, Some(Uplink::CommandAck { command: 0x87, ack: Ack::ok() }));

    let registry = gw.registry().clone();
    let unanswered = tokio::spawn(async move { registry.send(PILE, reboot(), WAIT).await });
    let both = read_frames(&mut pile, &mut cutter, 2).await;
    assert_eq!(both[0].message_id, both[1].message_id, "a resend keeps the message id");
    assert_ne!(both[0].message_id, down.message_id, "a new command gets a new message id");
    let failure = unanswered.await.unwrap().unwrap_err();
    assert_eq!(failure, SendFailure::NoAnswer { pile: PILE, command: 0x87, waited_s: 0 });
}

#[tokio::test]
async fn given_the_connection_cap_then_a_further_connection_is_closed_at_once() {
    let (gw, addr, _stop) = start(GatewaySettings { max_connections: 1, ..GatewaySettings::default() }).await;
    let mut first = TcpStream::connect(addr).await.unwrap();
    let mut cutter = StreamCutter::new(1024);
    first.write_all(&heartbeat(1)).await.unwrap();
    read_frames(&mut first, &mut cutter, 1).await;
    let mut second = TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(WAIT, second.read(&mut buf)).await.expect("closed before the deadline");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert_eq!(gw.registry().connections(), 1);
}

#[tokio::test]
async fn given_shutdown_then_connections_close_and_the_gateway_drains() {
    let (gw, addr, stop) = start(GatewaySettings::default()).await;
    let mut pile = TcpStream::connect(addr).await.unwrap();
    let mut cutter = StreamCutter::new(1024);
    pile.write_all(&heartbeat(1)).await.unwrap();
    read_frames(&mut pile, &mut cutter, 1).await;
    assert!(gw.registry().is_connected(PILE));
    stop.send(true).unwrap();
    assert!(gw.drain().await, "drained within the deadline");
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(WAIT, pile.read(&mut buf)).await.expect("closed before the deadline");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(!gw.registry().is_connected(PILE));
}
