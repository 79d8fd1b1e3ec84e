//! The same-run baseline of the OCPP bench: a minimal tokio-tungstenite echo server in the
//! bench process, and clients that send an OCPP-sized text frame and wait for its echo, one at
//! a time per connection, like a charge point waiting for each CALLRESULT.

use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// A MeterValues CALL of the size the simulator sends.
const FRAME: &str = r#"[2,"17","MeterValues",{"connectorId":1,"transactionId":4711,"meterValue":[{"timestamp":"2026-12-07T05:00:00.000Z","sampledValue":[{"value":"1234567","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"},{"value":"11000","context":"Sample.Periodic","measurand":"Power.Active.Import","location":"Outlet","unit":"W"}]}]}]"#;

fn config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0)
}

/// Starts the echo server; its `host:port`.
pub async fn start_echo_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the echo server");
    let addr = listener.local_addr().expect("echo server address").to_string();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config())).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    if msg.is_text() && ws.send(msg).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

/// Round trips per second of `clients` connections echoing for `duration`, and the p99 (ms).
pub async fn echo_round_trips(addr: &str, clients: u64, duration: Duration) -> (f64, f64) {
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let url = format!("ws://{addr}/");
        let count = count.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ws, _) =
                tokio_tungstenite::connect_async_with_config(url, Some(config()), true).await.expect("echo connect");
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                ws.send(Message::text(FRAME)).await.expect("echo send");
                loop {
                    match ws.next().await {
                        Some(Ok(Message::Text(_))) => break,
                        Some(Ok(_)) => continue,
                        other => panic!("echo connection ended: {other:?}"),
                    }
                }
                latencies.push(sent.elapsed().as_micros() as u64);
                count.fetch_add(1, Ordering::Relaxed);
            }
            let _ = ws.close(None).await;
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("echo client task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let p99 = all.get((all.len() * 99 / 100).min(all.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
    (count.load(Ordering::Relaxed) as f64 / elapsed, p99)
}
