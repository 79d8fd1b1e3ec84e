//! One charge point's WebSocket: answers its frames in order, pings it, and ends on close,
//! idleness, replacement by a newer connection, or shutdown.

use crate::csms::dispatch::answer;
use crate::csms::handle::Caller;
use crate::csms::Csms;
use crate::ingest::CsmsUnits;
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use mgc_charging::ChargingUnits;
use tokio::time::{Instant, MissedTickBehavior};

/// Serves the upgraded connection of `caller` until it ends, then records the disconnect
/// (unless a newer connection of the same charge point replaced this one).
pub(crate) async fn serve_connection<U: CsmsUnits + Clone + 'static>(
    csms: Csms<U>,
    mut socket: WebSocket,
    caller: Caller,
) {
    let registration = csms.registry.register(&caller);
    tracing::info!(tenant = %caller.tenant, identity = %caller.identity, "charge point connected");
    let close = {
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
            tokio::select! {
                _ = &mut shutdown => break Some((close_code::AWAY, "server shutting down")),
                _ = &mut replaced => break Some((close_code::NORMAL, "replaced by a newer connection")),
                _ = ping.tick() => {
                    if heard.elapsed() >= csms.settings.idle_timeout {
                        break Some((close_code::AWAY, "no traffic"));
                    }
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        break None;
                    }
                }
                received = socket.recv() => match received {
                    Some(Ok(Message::Text(text))) => {
                        heard = Instant::now();
                        let now = csms.clock.now();
                        let reply = answer(&csms.units, &csms.settings.charging, &caller, text.as_str(), now).await;
                        if let Some(reply) = reply {
                            if socket.send(Message::Text(reply.into())).await.is_err() {
                                break None;
                            }
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        heard = Instant::now();
                        tracing::warn!(identity = %caller.identity, "binary frame ignored: OCPP-J uses text frames");
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => heard = Instant::now(),
                    Some(Ok(Message::Close(_))) | None => break None,
                    Some(Err(e)) => {
                        tracing::info!(identity = %caller.identity, error = %e, "connection failed (e.g. frame over the size limit)");
                        break None;
                    }
                }
            }
        }
    };
    if let Some((code, reason)) = close {
        let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
    }
    let current = csms.registry.unregister(&caller, registration);
    tracing::info!(tenant = %caller.tenant, identity = %caller.identity, replaced = !current, "charge point disconnected");
    if current {
        if let Err(e) = disconnected(&csms, &caller).await {
            tracing::warn!(identity = %caller.identity, error = %e, "could not record the disconnect");
        }
    }
}

async fn disconnected<U: ChargingUnits>(csms: &Csms<U>, caller: &Caller) -> Result<bool, mgc_charging::ChargingError> {
    let tx = csms.units.begin_charging_tx().await?;
    mgc_charging::disconnected(tx, &caller.tenant, &caller.identity, csms.clock.now()).await
}
