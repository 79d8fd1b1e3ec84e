//! One TCP connection: its byte stream cut into frames (sticky and split packets, ICCID and
//! `link` recognised, noise and bad frames skipped and counted without losing the frames after
//! them), each pile report answered through the handler, answers to our downlinks matched, the
//! downlinks written one at a time; ends on close, silence, a failed write, or shutdown.

use crate::gateway::outbound::Outbound;
use crate::gateway::registry::Connection;
use crate::gateway::{Gateway, PileHandler};
use crate::messages::Uplink;
use crate::{Frame, Item, StreamCutter};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Counter of frames received with a valid checksum.
pub const FRAMES_COUNTER: &str = "mgc_ap3000_frames_total";
/// Counter of malformed input, labelled `reason` (noise, bad_length, bad_checksum, bad_data).
pub const MALFORMED_COUNTER: &str = "mgc_ap3000_malformed_total";
/// Bytes read at most per read call.
const READ_CHUNK: usize = 1024;

/// Serves `stream` from `peer` until it ends.
pub(crate) async fn serve_connection<H: PileHandler>(gw: Gateway<H>, stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let mut conn = gw.registry.open();
    let settings = gw.settings.clone();
    let mut outbound = Outbound::new(1, settings.ack_timeout, settings.spacing);
    let mut cutter = StreamCutter::new(settings.max_length);
    let mut buf = vec![0u8; READ_CHUNK];
    let mut heard = Instant::now();
    let mut stop = gw.shutdown.clone();
    let shutdown = async move { drop(stop.wait_for(|s| *s).await) };
    tokio::pin!(shutdown);
    tracing::debug!(%peer, conn = conn.id, "AP3000 connection opened");
    let why = 'conn: loop {
        while let Some(bytes) = outbound.poll(Instant::now()) {
            if !write(&mut writer, &bytes, &gw).await {
                break 'conn "write failed";
            }
        }
        let silent_until = heard + settings.read_timeout;
        let wake = outbound.next_deadline().map_or(silent_until, |d| d.min(silent_until));
        tokio::select! {
            () = &mut shutdown => break "server shutting down",
            Some(out) = conn.downlinks.recv() => outbound.push(out),
            () = tokio::time::sleep_until(wake) => {
                if Instant::now() >= silent_until {
                    break "silent too long";
                }
            }
            read = reader.read(&mut buf) => match read {
                Ok(0) => break "closed by the pile",
                Err(_) => break "read failed",
                Ok(n) => {
                    heard = Instant::now();
                    cutter.push(&buf[..n]);
                    while let Some(item) = cutter.next_item() {
                        if !on_item(&gw, &conn, &mut outbound, &mut writer, peer, item).await {
                            break 'conn "write failed";
                        }
                    }
                }
            },
        }
    };
    outbound.close(why);
    while let Ok(out) = conn.downlinks.try_recv() {
        let _ = out.reply.send(Err(crate::gateway::SendFailure::Closed { sent: false, reason: why.to_owned() }));
    }
    let _ = writer.shutdown().await;
    let gone = gw.registry.close(&conn);
    tracing::debug!(%peer, conn = conn.id, why, piles = gone.len(), "AP3000 connection closed");
    if !gone.is_empty() {
        gw.handler.gone(gone).await;
    }
}

/// Handles one cut item; false when writing the answer failed.
async fn on_item<H: PileHandler>(
    gw: &Gateway<H>,
    conn: &Connection,
    outbound: &mut Outbound,
    writer: &mut OwnedWriteHalf,
    peer: SocketAddr,
    item: Item,
) -> bool {
    let frame = match item {
        Item::Frame(frame) => frame,
        Item::Skipped { bytes, reason } => {
            metrics::counter!(MALFORMED_COUNTER, "reason" => reason.as_str()).increment(1);
            tracing::warn!(%peer, bytes, reason = reason.as_str(), "AP3000 bytes skipped");
            return true;
        }
        Item::Iccid(iccid) => {
            tracing::debug!(%peer, conn = conn.id, %iccid, "AP3000 modem announced its SIM");
            return true;
        }
        Item::Link => return true,
    };
    metrics::counter!(FRAMES_COUNTER).increment(1);
    let report = match Uplink::decode(frame.command, &frame.data) {
        Ok(report) => report,
        Err(e) => {
            metrics::counter!(MALFORMED_COUNTER, "reason" => "bad_data").increment(1);
            tracing::warn!(%peer, pile = %frame.physical_id, error = %e, "AP3000 frame with unreadable data");
            return true;
        }
    };
    gw.registry.bind(frame.physical_id, conn);
    if outbound.on_answer(&frame, &report) {
        return true;
    }
    let Some(answer) = gw.handler.report(frame.physical_id, frame.message_id, report).await else { return true };
    let (command, data) = answer.encode();
    match Frame::new(frame.physical_id, frame.message_id, command, data).encode() {
        Ok(bytes) => write(writer, &bytes, gw).await,
        Err(e) => {
            tracing::error!(pile = %frame.physical_id, error = %e, "AP3000 answer does not fit a frame");
            true
        }
    }
}

async fn write<H: PileHandler>(writer: &mut OwnedWriteHalf, bytes: &[u8], gw: &Gateway<H>) -> bool {
    matches!(tokio::time::timeout(gw.settings.write_timeout, writer.write_all(bytes)).await, Ok(Ok(())))
}
