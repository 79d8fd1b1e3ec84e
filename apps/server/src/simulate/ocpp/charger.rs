//! One simulated charge point: connects (with backoff), boots, heartbeats, reports its
//! connectors, runs sessions and answers the central system, until the run ends.

use super::link::{Answer, Link, LinkError};
use super::remote::{respond, Effect, View};
use super::session::{status, Hardware, Session};
use super::stats::{bump, Counters};
use super::Plan;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{sleep_until, Instant};

/// Longest wait between two connection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Heartbeat interval when the boot answer gives 0.
const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(300);

/// What the tasks share.
pub(super) struct Shared {
    pub(super) plan: Plan,
    pub(super) counters: Counters,
    /// Becomes true at the end of the run (deadline or Ctrl-C).
    pub(super) end: watch::Receiver<bool>,
}

/// How a connection's life ended without a socket error.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Exit {
    /// The run is over.
    End,
    /// Reset: connect again and boot.
    Reboot,
}

/// A charge point's state across connections.
pub(super) struct Charger {
    pub(super) shared: Arc<Shared>,
    pub(super) identity: String,
    url: String,
    /// Tag presented for local starts.
    pub(super) id_tag: String,
    pub(super) hw: Hardware,
    pub(super) rng: StdRng,
    /// Energy register per connector (index 0 = connector 1), Wh.
    pub(super) registers: Vec<i64>,
    pub(super) session: Option<Session>,
    /// When the running session ends on its own.
    pub(super) session_ends: Instant,
    pub(super) next_meter: Instant,
    pub(super) last_advance: Instant,
    /// The running session has sent a MeterValues.
    pub(super) metered: bool,
    /// When the next session starts (None: only when asked).
    pub(super) next_start: Option<Instant>,
    /// A StopTransaction not answered before the connection dropped, re-sent after reconnecting.
    pub(super) unsent_stop: Option<Value>,
    heartbeat: Duration,
    booted: bool,
    pub(super) latencies_us: Vec<u32>,
}

impl Charger {
    /// Charge point number `index` of the fleet (its random generator derives from the seed).
    pub(super) fn new(shared: Arc<Shared>, index: usize) -> Self {
        let plan = &shared.plan;
        let identity = plan.identities.get(index).cloned().unwrap_or_default();
        let mut rng = StdRng::seed_from_u64(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let hw = Hardware::random(&mut rng);
        let registers = (0..plan.connectors).map(|_| rng.gen_range(0..5_000_000)).collect();
        let now = Instant::now();
        let id_tag = plan.id_tags.get(index % plan.id_tags.len().max(1)).cloned().unwrap_or_default();
        Self {
            id_tag,
            url: format!("{}/{identity}", plan.base),
            identity,
            hw,
            registers,
            session: None,
            session_ends: now,
            next_meter: now,
            last_advance: now,
            metered: false,
            next_start: None,
            unsent_stop: None,
            heartbeat: plan.heartbeat.unwrap_or(DEFAULT_HEARTBEAT),
            booted: false,
            latencies_us: Vec::new(),
            rng,
            shared,
        }
    }

    fn ended(&self) -> bool {
        *self.shared.end.borrow()
    }

    /// Runs until the end of the run; returns the call latencies (µs).
    pub(super) async fn run(mut self) -> Vec<u32> {
        self.schedule_next_start();
        let mut backoff = Duration::from_secs(1);
        let mut end = self.shared.end.clone();
        while !self.ended() {
            let plan = &self.shared.plan;
            let connecting = Link::connect(&self.url, &self.identity, &plan.password, plan.timeout);
            let connected = tokio::select! {
                c = connecting => c,
                _ = until_end(&mut end) => break,
            };
            let mut link = match connected {
                Ok(link) => link,
                Err(e) => {
                    bump(&self.shared.counters.connect_failures);
                    tracing::debug!(identity = %self.identity, error = %e, "connection attempt failed");
                    let jitter = Duration::from_millis(self.rng.gen_range(0..1000));
                    tokio::select! {
                        _ = tokio::time::sleep(backoff + jitter) => {}
                        _ = until_end(&mut end) => break,
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            };
            backoff = Duration::from_secs(1);
            self.shared.counters.up();
            let outcome = self.online(&mut link).await;
            self.shared.counters.down();
            match outcome {
                Ok(Exit::End) => {
                    link.close().await;
                    break;
                }
                Ok(Exit::Reboot) => {
                    link.close().await;
                    self.booted = false;
                }
                Err(e) => {
                    bump(&self.shared.counters.disconnects);
                    tracing::debug!(identity = %self.identity, error = %e, "connection lost");
                }
            }
        }
        self.latencies_us
    }

    /// Sends a CALL on `link`, counting and timing it.
    pub(super) async fn call(&mut self, link: &mut Link, action: &str, payload: Value) -> Result<Answer, LinkError> {
        let answer = link.call(action, payload, &self.shared.counters, &mut self.latencies_us).await?;
        if let Answer::Error(code) = &answer {
            tracing::debug!(identity = %self.identity, action, code = %code, "CALLERROR received");
        }
        Ok(answer)
    }

    /// One connection's life: boot (once per power-on), connector status, then the event loop.
    async fn online(&mut self, link: &mut Link) -> Result<Exit, LinkError> {
        if !self.booted {
            if let Some(exit) = self.boot(link).await? {
                return Ok(exit);
            }
        }
        if let Some(stop) = self.unsent_stop.clone() {
            self.call(link, "StopTransaction", stop).await?;
            self.unsent_stop = None;
            bump(&self.shared.counters.sessions_completed);
        }
        self.report_connectors(link).await?;
        let mut end = self.shared.end.clone();
        let mut next_heartbeat = Instant::now() + self.heartbeat;
        loop {
            while let Some(call) = link.inbox.pop_front() {
                if let Some(exit) = self.answer(link, call.id, &call.action, &call.payload).await? {
                    return Ok(exit);
                }
            }
            let due = self.next_due();
            tokio::select! {
                _ = until_end(&mut end) => {
                    self.stop_session(link, "Local").await?;
                    return Ok(Exit::End);
                }
                call = link.incoming() => {
                    let call = call?;
                    if let Some(exit) = self.answer(link, call.id, &call.action, &call.payload).await? {
                        return Ok(exit);
                    }
                }
                _ = sleep_until(next_heartbeat) => {
                    self.call(link, "Heartbeat", json!({})).await?;
                    next_heartbeat = Instant::now() + self.heartbeat;
                }
                _ = sleep_until(due.unwrap_or_else(far_future)), if due.is_some() => self.step(link).await?,
            }
        }
    }

    /// BootNotification until accepted (waiting the interval answered in between); None when
    /// accepted, Some(End) when the run ended first.
    async fn boot(&mut self, link: &mut Link) -> Result<Option<Exit>, LinkError> {
        let mut end = self.shared.end.clone();
        loop {
            let answer = self.call(link, "BootNotification", self.hw.boot()).await?;
            let (accepted, interval) = match &answer {
                Answer::Result(a) => {
                    (a["status"] == "Accepted", a["interval"].as_u64().filter(|s| *s > 0).map(Duration::from_secs))
                }
                Answer::Error(_) => (false, None),
            };
            if accepted {
                bump(&self.shared.counters.boots_accepted);
                self.booted = true;
                self.heartbeat = self.shared.plan.heartbeat.or(interval).unwrap_or(DEFAULT_HEARTBEAT);
                return Ok(None);
            }
            bump(&self.shared.counters.boots_not_accepted);
            let retry_at = Instant::now() + interval.unwrap_or(Duration::from_secs(60));
            // Pending: the central system may talk to us meanwhile.
            loop {
                tokio::select! {
                    _ = until_end(&mut end) => return Ok(Some(Exit::End)),
                    _ = sleep_until(retry_at) => break,
                    call = link.incoming() => {
                        let call = call?;
                        if let Some(exit) = self.answer(link, call.id, &call.action, &call.payload).await? {
                            return Ok(Some(exit));
                        }
                    }
                }
            }
        }
    }

    /// StatusNotification for the charge point (0) and each connector.
    pub(super) async fn report_connectors(&mut self, link: &mut Link) -> Result<(), LinkError> {
        let now = chrono::Utc::now();
        self.call(link, "StatusNotification", status(0, "Available", now)).await?;
        for c in 1..=self.shared.plan.connectors {
            let busy = self.session.as_ref().is_some_and(|s| s.connector == c);
            self.call(link, "StatusNotification", status(c, if busy { "Charging" } else { "Available" }, now)).await?;
        }
        Ok(())
    }

    /// Answers a CALL of the central system and carries out what it asked.
    async fn answer(
        &mut self,
        link: &mut Link,
        id: String,
        action: &str,
        payload: &Value,
    ) -> Result<Option<Exit>, LinkError> {
        bump(&self.shared.counters.csms_calls);
        let view = View {
            transaction: self.session.as_ref().map(|s| s.transaction_id),
            connectors: self.shared.plan.connectors,
            heartbeat_s: self.heartbeat.as_secs(),
            meter_interval_s: self.shared.plan.meter_interval.as_secs(),
        };
        let reply = respond(action, payload, view);
        match reply.answer {
            Ok(payload) => link.reply(id, payload).await?,
            Err((code, description)) => link.reply_error(id, code, &description).await?,
        }
        match reply.effect {
            None => {}
            Some(Effect::Start { connector, id_tag }) => self.start_session(link, connector, &id_tag, false).await?,
            Some(Effect::Stop) => self.stop_session(link, "Remote").await?,
            Some(Effect::Reset { hard }) => {
                self.stop_session(link, if hard { "HardReset" } else { "SoftReset" }).await?;
                return Ok(Some(Exit::Reboot));
            }
            Some(Effect::Trigger(message)) => match message.as_str() {
                "Heartbeat" => drop(self.call(link, "Heartbeat", json!({})).await?),
                "StatusNotification" => self.report_connectors(link).await?,
                "MeterValues" => self.meter(link).await?,
                _ => drop(self.call(link, "BootNotification", self.hw.boot()).await?),
            },
        }
        Ok(None)
    }
}

/// A time that never comes (for a disabled select branch).
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365)
}

/// Resolves when the run ends (the guard of the watch value is not held across an await).
async fn until_end(end: &mut watch::Receiver<bool>) {
    let _ = end.wait_for(|e| *e).await.map(|_| ());
}
