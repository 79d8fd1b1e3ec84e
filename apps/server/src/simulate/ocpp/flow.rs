//! A session's messages in order: Preparing → Authorize → StartTransaction → Charging →
//! MeterValues every interval → StopTransaction (with transaction data) → Finishing → Available.

use super::charger::Charger;
use super::link::{Answer, Link, LinkError};
use super::session::{status, Session};
use super::stats::bump;
use rand::Rng;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// `idTagInfo.status` of an answer, when it is a CALLRESULT.
fn tag_status(answer: &Answer) -> Option<&str> {
    match answer {
        Answer::Result(v) => v["idTagInfo"]["status"].as_str(),
        Answer::Error(_) => None,
    }
}

impl Charger {
    /// Draws when the next session starts: an exponential gap (Poisson arrivals), at once in
    /// back-to-back mode, never when the rate is 0.
    pub(super) fn schedule_next_start(&mut self) {
        let plan = &self.shared.plan;
        self.next_start = if plan.back_to_back {
            Some(Instant::now())
        } else if plan.session_rate_per_s > 0.0 {
            let u: f64 = self.rng.gen_range(f64::MIN_POSITIVE..1.0);
            let gap = (-u.ln() / plan.session_rate_per_s).min(86_400.0 * 366.0);
            Some(Instant::now() + Duration::from_secs_f64(gap))
        } else {
            None
        };
    }

    /// The next moment something happens on its own: a meter sample, the session's end, or the
    /// next session's start.
    pub(super) fn next_due(&self) -> Option<Instant> {
        match &self.session {
            Some(_) => Some(self.next_meter.min(self.session_ends)),
            None => self.next_start,
        }
    }

    /// Does what is due.
    pub(super) async fn step(&mut self, link: &mut Link) -> Result<(), LinkError> {
        let now = Instant::now();
        match &self.session {
            // Every session reports at least one sample before it ends.
            Some(s) if (now >= self.session_ends || s.full()) && self.metered => {
                self.stop_session(link, "EVDisconnected").await
            }
            Some(_) => self.meter(link).await,
            None if self.next_start.is_some_and(|at| now >= at) => {
                let tag = self.id_tag.clone();
                self.start_session(link, None, &tag, true).await
            }
            None => Ok(()),
        }
    }

    /// Plugs an EV in and starts a session on `connector` (a random one when None);
    /// `authorize` first for a local start (a remote start is authorized by the central system).
    pub(super) async fn start_session(
        &mut self,
        link: &mut Link,
        connector: Option<u32>,
        id_tag: &str,
        authorize: bool,
    ) -> Result<(), LinkError> {
        let connectors = self.shared.plan.connectors;
        let connector = connector.unwrap_or_else(|| self.rng.gen_range(1..=connectors)).clamp(1, connectors);
        let index = (connector - 1) as usize;
        let register = self.registers.get(index).copied().unwrap_or(0);
        let now = chrono::Utc::now();
        let mut session = Session::plug(connector, id_tag, register, &mut self.rng, now);
        self.call(link, "StatusNotification", status(connector, "Preparing", now)).await?;
        if authorize {
            let answer = self.call(link, "Authorize", json!({"idTag": id_tag})).await?;
            if tag_status(&answer) != Some("Accepted") {
                return self.refused(link, connector).await;
            }
        }
        let answer = self.call(link, "StartTransaction", session.start()).await?;
        let transaction = match &answer {
            Answer::Result(v) => v["transactionId"].as_i64(),
            Answer::Error(_) => None,
        };
        let Some(transaction) = transaction else { return self.refused(link, connector).await };
        session.transaction_id = transaction;
        if tag_status(&answer) != Some("Accepted") {
            // The central system refused the tag: the charger ends the transaction at once.
            let stop = session.stop("DeAuthorized", chrono::Utc::now());
            self.call(link, "StopTransaction", stop).await?;
            return self.refused(link, connector).await;
        }
        bump(&self.shared.counters.sessions_started);
        let plan = &self.shared.plan;
        let length = plan.session_length.mul_f64(self.rng.gen_range(0.5..1.5));
        let started = Instant::now();
        self.session_ends = started + length;
        self.next_meter = started + plan.meter_interval.min(length);
        self.last_advance = started;
        self.metered = false;
        self.next_start = None;
        self.session = Some(session);
        self.call(link, "StatusNotification", status(connector, "Charging", chrono::Utc::now())).await?;
        Ok(())
    }

    /// A refused start: the connector goes back to Available and the next arrival is drawn.
    async fn refused(&mut self, link: &mut Link, connector: u32) -> Result<(), LinkError> {
        bump(&self.shared.counters.sessions_refused);
        self.call(link, "StatusNotification", status(connector, "Available", chrono::Utc::now())).await?;
        self.schedule_next_start();
        Ok(())
    }

    /// Charges up to now.
    fn advance(&mut self) {
        let now = Instant::now();
        let dt = now.saturating_duration_since(self.last_advance);
        self.last_advance = now;
        let rating = self.hw.rating_w;
        if let Some(s) = self.session.as_mut() {
            s.advance(dt, rating, &mut self.rng);
            if let Some(r) = self.registers.get_mut((s.connector - 1) as usize) {
                *r = s.register_wh();
            }
        }
    }

    /// A periodic MeterValues of the running session.
    pub(super) async fn meter(&mut self, link: &mut Link) -> Result<(), LinkError> {
        self.advance();
        let Some(payload) = self.session.as_ref().map(|s| s.meter_values(chrono::Utc::now())) else { return Ok(()) };
        self.next_meter = Instant::now() + self.shared.plan.meter_interval;
        self.call(link, "MeterValues", payload).await?;
        self.metered = true;
        Ok(())
    }

    /// Stops the running session (if any) for `reason`, then Finishing and Available.
    pub(super) async fn stop_session(&mut self, link: &mut Link, reason: &str) -> Result<(), LinkError> {
        self.advance();
        let Some(session) = self.session.take() else { return Ok(()) };
        let now = chrono::Utc::now();
        let stop: Value = session.stop(reason, now);
        // Kept until answered: a charger re-sends a stop lost with the connection.
        self.unsent_stop = Some(stop.clone());
        self.schedule_next_start();
        self.call(link, "StopTransaction", stop).await?;
        self.unsent_stop = None;
        bump(&self.shared.counters.sessions_completed);
        let energy = u64::try_from(session.register_wh() - session.meter_start_wh).unwrap_or(0);
        self.shared.counters.energy_wh.fetch_add(energy, Ordering::Relaxed);
        self.call(link, "StatusNotification", status(session.connector, "Finishing", now)).await?;
        self.call(link, "StatusNotification", status(session.connector, "Available", chrono::Utc::now())).await?;
        Ok(())
    }
}
