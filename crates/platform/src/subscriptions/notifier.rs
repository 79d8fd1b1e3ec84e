//! The idempotent consumer that queues a notice for every enabled subscription wanting an
//! event, with the platform's order number when the event belongs to an order's session;
//! `session.progress` at most once per subscription's interval for a session.

use crate::subscriptions::notices::{data_of, draft_of, SOURCE_TYPES};
use crate::subscriptions::ports::{Notice, SubscriptionRepository};
use async_trait::async_trait;
use mgc_contracts::EventEnvelope;
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::SharedClock;

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "platform.subscriptions";

/// Turns charging, settlement and alarm events into subscription deliveries.
pub struct SubscriptionNotifier {
    clock: SharedClock,
}

impl SubscriptionNotifier {
    /// A notifier stamping deliveries with `clock`'s time.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl<T: SubscriptionRepository> EventHandler<T> for SubscriptionNotifier {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        SOURCE_TYPES.to_vec()
    }

    /// A started session's notice names the platform order the linker tied it to.
    fn runs_after(&self) -> &'static [&'static str] {
        &[crate::link::CONSUMER]
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        let Some(draft) = draft_of(event).map_err(HandlerError::new)? else { return Ok(()) };
        let tenant = &event.tenant_id;
        let subs: Vec<_> = tx
            .enabled_subscriptions(tenant)
            .await
            .map_err(HandlerError::new)?
            .into_iter()
            .filter(|s| s.wants(draft.event))
            .collect();
        if subs.is_empty() {
            return Ok(());
        }
        let order_no = match draft.session {
            Some(session) => tx.order_of_session(tenant, session).await.map_err(HandlerError::new)?,
            None => None,
        };
        let notice = Notice {
            event: draft.event.to_owned(),
            order_key: Some(draft.order_key.clone()),
            title: draft.event.to_owned(),
            text: draft.text.clone(),
            data: data_of(event, order_no.as_ref().map(|o| o.as_str())),
        };
        let now = self.clock.now();
        for sub in subs {
            if draft.event == "session.progress" {
                let last = tx.last_notice_at(sub.id, draft.event, &draft.order_key).await.map_err(HandlerError::new)?;
                let interval = chrono::Duration::seconds(i64::from(sub.progress_interval_s));
                if last.is_some_and(|at| now - at < interval) {
                    continue;
                }
            }
            tx.queue_notice(tenant, sub.id, &notice, now).await.map_err(HandlerError::new)?;
        }
        Ok(())
    }
}
