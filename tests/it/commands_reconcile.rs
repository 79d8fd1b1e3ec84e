//! Reconciliation: a persistent command that hears nothing (ThingsBoard's forwarded state
//! messages were lost) is checked with `GET /api/rpc/persistent/{rpcId}` of the fake
//! ThingsBoard and advanced from what it reports, on SQLite and PostgreSQL.

use crate::commands_support::{env, states, CommandEnv, TB_PV};
use mgc_commands::{CommandSettings, ReconcileReport};
use mgc_tests::all_databases;
use mgc_tests::fake_thingsboard::Answer;
use serde_json::json;

async fn reconcile(e: &CommandEnv, settings: &CommandSettings) -> ReconcileReport {
    mgc_commands::reconcile_persistent_rpcs(&e.app.store, &e.adapters, settings, &e.app.clock.shared(), 50)
        .await
        .unwrap()
}

fn report(checked: usize, advanced: usize, unanswered: usize) -> ReconcileReport {
    ReconcileReport { checked, advanced, unanswered }
}

#[tokio::test]
async fn quiet_persistent_command_is_advanced_by_asking_thingsboard() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-q".into())]);
        let id = e.issue_ok("setMode", 600).await;
        e.round().await;
        assert_eq!(e.get(&id).await["state"], "sent");

        e.advance(59);
        assert_eq!(reconcile(&e, &e.settings).await, report(0, 0, 0), "{}: not quiet long enough", db.backend);
        e.fake.set_persistent("rpc-q", "DELIVERED", None);
        e.advance(2);
        let off = CommandSettings { rpc_check_after: None, ..e.settings.clone() };
        assert_eq!(reconcile(&e, &off).await, report(0, 0, 0), "switched off");
        assert_eq!(reconcile(&e, &e.settings).await, report(1, 1, 0), "{}", db.backend);
        let c = e.get(&id).await;
        assert_eq!(c["state"], "delivered", "{c}");
        assert!(c["reason"].as_str().unwrap().contains("asking the platform"), "{c}");
        assert_eq!(reconcile(&e, &e.settings).await, report(0, 0, 0), "not asked again at once");

        e.fake.set_persistent("rpc-q", "SUCCESSFUL", Some(json!({"mode": "eco"})));
        e.advance(61);
        assert_eq!(reconcile(&e, &e.settings).await, report(1, 1, 0), "{}", db.backend);
        let c = e.get(&id).await;
        assert_eq!(states(&c), ["pending", "sent", "delivered", "succeeded"]);
        assert_eq!(c["response"], json!({"mode": "eco"}));
        let asks = e.fake.requests_to("/api/rpc/persistent/");
        assert_eq!(asks.len(), 2);
        assert_eq!(asks[0].path, "/api/rpc/persistent/rpc-q");
        assert!(asks[0].headers["x-authorization"].starts_with("Bearer "));
        e.advance(61);
        assert_eq!(reconcile(&e, &e.settings).await, report(0, 0, 0), "final commands are not asked about");
    }
}

#[tokio::test]
async fn rpc_unknown_to_thingsboard_is_asked_again_later_and_left_to_the_deadline() {
    for db in all_databases().await {
        let e = env(&db).await;
        e.fake.script(TB_PV, [Answer::RpcId("rpc-lost".into())]);
        let id = e.issue_ok("setMode", 100).await;
        e.round().await;
        e.advance(61);
        assert_eq!(reconcile(&e, &e.settings).await, report(1, 0, 1), "{}", db.backend);
        assert_eq!(e.get(&id).await["state"], "sent");
        e.advance(30);
        assert_eq!(reconcile(&e, &e.settings).await, report(0, 0, 0), "waits before asking again");
        e.advance(9);
        assert_eq!(e.scan().await.timed_out, 1);
        e.advance(61);
        assert_eq!(reconcile(&e, &e.settings).await, report(0, 0, 0), "past the deadline: not asked");
        assert_eq!(states(&e.get(&id).await), ["pending", "sent", "timed_out"]);
    }
}
