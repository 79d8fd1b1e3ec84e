//! The notification worker's own loop (`NotifyWorker::run`, as `mgc serve` runs it), not the
//! tests' `run_once`: a session's notices are held back one behind the other (per-session
//! order), so each must be claimed as soon as the one before it is recorded, not at the next
//! poll. The poll here is an hour and nothing else wakes the worker, so only that explains a
//! session told in full within seconds.

use crate::alarm_support::worker_config;
use crate::charging_ap3000::env;
use crate::subscriptions_support::*;
use mgc_eventing::Wakeup;
use mgc_tests::all_databases;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// A wake-up source that never fires: the worker waits out its whole poll interval.
struct NeverWoken;

#[async_trait::async_trait]
impl Wakeup for NeverWoken {
    async fn wait(&mut self, max: Duration) {
        tokio::time::sleep(max).await;
    }
}

#[tokio::test]
async fn given_a_session_s_notices_queued_when_the_worker_loop_runs_then_each_follows_the_one_before_without_a_poll() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let (hook, _) = receiver_and_worker(&env).await;
        let config = mgc_notify::NotifyConfig {
            max_age: chrono::Duration::hours(24),
            poll_interval: Duration::from_secs(3600),
            ..worker_config()
        };
        let worker = Arc::new(crate::alarm_support::worker(&env.app, config));
        subscribe(&env, &hook.url, json!(["session.*", "settlement.*"]), 0).await;
        let mut pile = online_pile(&env).await;
        charge_order(&env, &mut pile, "ORD-LOOP").await;

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(worker.run(NeverWoken, stopped));
        // started, four progress notices, ended, settlement.uploaded: seven, one key.
        let got = hook.wait_accepted(7, Duration::from_secs(30)).await;
        stop.send(true).unwrap();
        running.await.unwrap();

        let all: Vec<serde_json::Value> = got.iter().map(|r| r.json()).collect();
        let mut want = vec!["session.started"];
        want.extend(["session.progress"; 4]);
        want.extend(["session.ended", "settlement.uploaded"]);
        assert_eq!(events(&all), want, "{b}: the whole session, in order, without waiting for a poll");
    }
}
