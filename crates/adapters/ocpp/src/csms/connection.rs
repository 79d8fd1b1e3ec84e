//! One charge point's WebSocket: answers its frames in order, writes the CSMS's own calls one at
//! a time and matches their answers, pings it, and ends on close, idleness, replacement by a
//! newer connection, or shutdown (failing the calls still waiting).

use crate::csms::dispatch::answer_parsed;
use crate::csms::handle::Caller;
use crate::csms::outbound::CallQueue;
use crate::csms::Csms;
use crate::frame::Frame;
use crate::ingest::CsmsUnits;
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use mgc_charging::ChargingUnits;
use mgc_commands::{ConnectedDevice, PROTOCOL_OCPP16};
use tokio::time::{Instant, MissedTickBehavior};

/// Far enough away to stand for "no deadline" in a `sleep_until`.
const NO_DEADLINE: std::time::Duration = std::time::Duration::from_secs(86_400);

/// Serves the upgraded connection of `caller` until it ends, then records the disconnect
/// (unless a newer connection of the same charge point replaced this one).
pub(crate) async fn serve_connection<U: CsmsUnits + Clone + 'static>(
    csms: Csms<U>,
    mut socket: WebSocket,
    caller: Caller,
) {
    let (registration, mut incoming) = csms.registry.register(&caller);
    let ticket = match &csms.directory {
        Some(directory) => Some(directory.connected(device(&caller), csms.clock.now()).await),
        None => None,
    };
    let mut calls = CallQueue::new(format!("csms{}", registration.id()));
    tracing::info!(tenant = %caller.tenant, identity = %caller.identity, "charge point connected");
    if let Err(e) = connected(&csms, &caller).await {
        tracing::warn!(identity = %caller.identity, error = %e, "could not record the connection on the timeline");
    }
    let (close, why) = {
        let mut stop = csms.shutdown.clone();
        // Also ends when the sender is gone: no composition root left to keep the connection for.
        let shutdown = async move { drop(stop.wait_for(|stop| *stop).await) };
        let replaced = registration.replaced();
        tokio::pin!(shutdown, replaced);
        let mut ping = tokio::time::interval(csms.settings.ping_interval);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        ping.tick().await;
        let mut heard = Instant::now();
        loop {
            if let Some(text) = calls.next_frame(Instant::now()) {
                if socket.send(Message::Text(text.into())).await.is_err() {
                    calls.unsent("the connection failed while the call was written");
                    break (None, "connection failed");
                }
            }
            let expiry = calls.next_deadline().unwrap_or_else(|| Instant::now() + NO_DEADLINE);
            tokio::select! {
                _ = &mut shutdown => break (Some((close_code::AWAY, "server shutting down")), "server shutting down"),
                _ = &mut replaced => break (Some((close_code::NORMAL, "replaced by a newer connection")), "replaced by a newer connection"),
                Some(call) = incoming.recv() => calls.push(call, caller.identity.as_str()),
                _ = tokio::time::sleep_until(expiry) => calls.expire(Instant::now()),
                _ = ping.tick() => {
                    if heard.elapsed() >= csms.settings.idle_timeout {
                        break (Some((close_code::AWAY, "no traffic")), "no traffic");
                    }
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        break (None, "connection failed");
                    }
                }
                received = socket.recv() => match received {
                    Some(Ok(Message::Text(text))) => {
                        heard = Instant::now();
                        let parsed = Frame::parse(text.as_str());
                        if let Ok(frame @ (Frame::CallResult { .. } | Frame::CallError { .. })) = &parsed {
                            if !calls.on_answer(frame) {
                                tracing::debug!(identity = %caller.identity, id = frame.id(), "answer to no outstanding call of ours; ignored");
                            }
                            continue;
                        }
                        let now = csms.clock.now();
                        let reply = answer_parsed(&csms.units, &csms.settings.charging, &caller, parsed, now).await;
                        if let Some(reply) = reply {
                            if socket.send(Message::Text(reply.into())).await.is_err() {
                                break (None, "connection failed");
                            }
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        heard = Instant::now();
                        tracing::warn!(identity = %caller.identity, "binary frame ignored: OCPP-J uses text frames");
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => heard = Instant::now(),
                    Some(Ok(Message::Close(_))) | None => break (None, "closed by the charge point"),
                    Some(Err(e)) => {
                        tracing::info!(identity = %caller.identity, error = %e, "connection failed (e.g. frame over the size limit)");
                        break (None, "connection failed");
                    }
                },
            }
        }
    };
    // Calls still on their way in are failed with the rest: nothing will send them now.
    incoming.close();
    while let Ok(call) = incoming.try_recv() {
        calls.push(call, caller.identity.as_str());
    }
    calls.close(why);
    if let Some((code, reason)) = close {
        let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
    }
    let mut current = csms.registry.unregister(&caller, registration);
    if let (true, Some(directory), Some(ticket)) = (current, &csms.directory, &ticket) {
        // False: the charge point reconnected to another instance, which keeps it online.
        current = directory.disconnected(ticket).await;
    }
    tracing::info!(tenant = %caller.tenant, identity = %caller.identity, replaced = !current, "charge point disconnected");
    if current {
        if let Err(e) = disconnected(&csms, &caller).await {
            tracing::warn!(identity = %caller.identity, error = %e, "could not record the disconnect");
        }
    }
}

/// The charge point as the connection directory knows it.
fn device(caller: &Caller) -> ConnectedDevice {
    ConnectedDevice {
        tenant: caller.tenant.clone(),
        protocol: PROTOCOL_OCPP16.to_owned(),
        target: caller.identity.as_str().to_owned(),
    }
}

async fn connected<U: ChargingUnits>(csms: &Csms<U>, caller: &Caller) -> Result<bool, mgc_charging::ChargingError> {
    let tx = csms.units.begin_charging_tx().await?;
    let details = serde_json::json!({ "protocol": mgc_charging::Protocol::Ocpp16J.as_str() });
    mgc_charging::connected(tx, &caller.tenant, &caller.identity, details, csms.clock.now()).await
}

async fn disconnected<U: ChargingUnits>(csms: &Csms<U>, caller: &Caller) -> Result<bool, mgc_charging::ChargingError> {
    let tx = csms.units.begin_charging_tx().await?;
    mgc_charging::disconnected(tx, &caller.tenant, &caller.identity, csms.clock.now()).await
}
