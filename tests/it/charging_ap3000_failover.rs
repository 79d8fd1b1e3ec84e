//! A pile charging through one gateway moves to another (as when its instance dies and the pile
//! reconnects elsewhere): the other gateway, which holds nothing of the session in memory, stops
//! it with the running order, and the pile's settlement completes the one session — nothing lost,
//! nothing doubled. On both backends.

use crate::charging_ap3000::{control, env, expect, gateway, CARD, PILE};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_commands::CommandSettings;
use mgc_iam::Role;
use serde_json::json;

const ICCID: &str = "89860413161892009275";

#[tokio::test]
async fn given_a_pile_charging_on_one_gateway_when_it_moves_to_another_then_that_one_stops_it_and_one_session_completes(
) {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let admin = env.app.bearer("acme", Role::Admin);
        let mut pile = PileClient::connect(&env.addr, ICCID).await.unwrap();
        pile.send(PILE, &report::register(2)).await.unwrap();
        expect(&mut pile, 0x20).await;
        let (_, cps) = env.app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
        let cp = cps["items"].as_array().unwrap().iter().find(|c| c["identity"] == PILE.identity()).unwrap().clone();
        let path = format!("/api/v1/charge-points/{}/registration", cp["id"].as_str().unwrap());
        let (s, body) = env.app.call(Method::PUT, &path, Some(&admin), Some(json!({"registration": "accepted"}))).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        pile.send(PILE, &report::register(2)).await.unwrap();
        assert_eq!(expect(&mut pile, 0x20).await.data, vec![0]);

        // Charging by card through the first gateway.
        pile.send(PILE, &report::swipe(CARD, 0)).await.unwrap();
        expect(&mut pile, 0x02).await;
        let start = expect(&mut pile, 0x82).await;
        let started = control(&start);
        pile.send_with_id(PILE, start.message_id, &report::control_done(started.order, 0)).await.unwrap();
        pile.send(PILE, &report::power(0, started.order, 20, 600, 1000)).await.unwrap();

        // The pile reconnects to a second gateway, which has never seen the session.
        drop(pile);
        let (addr, _handler, adapters, _stop) = gateway(&env.app).await;
        let mut moved = PileClient::connect(&addr, ICCID).await.unwrap();
        moved.send(PILE, &report::register(2)).await.unwrap();
        assert_eq!(expect(&mut moved, 0x20).await.data, vec![0], "{b}: still adopted");
        moved.send(PILE, &report::power(0, started.order, 30, 900, 1000)).await.unwrap();

        // A stop issued now is sent by the second gateway with the running order.
        let stop_id = env.issue(PILE, "stop", json!({"port": 1})).await;
        let (store, clock) = (env.app.store.clone(), env.app.clock.shared());
        let round = tokio::spawn(async move {
            mgc_commands::run_dispatch_round(&store, &adapters, &CommandSettings::default(), &clock, "test")
                .await
                .unwrap();
        });
        let stop = expect(&mut moved, 0x82).await;
        let stopped = control(&stop);
        assert_eq!((stopped.command, stopped.order), (0, started.order), "{b}: the order that runs");
        moved.send_with_id(PILE, stop.message_id, &report::control_done(stopped.order, 0)).await.unwrap();
        round.await.unwrap();
        assert_eq!(env.command(&stop_id).await["state"], "succeeded", "{b}");

        moved.send(PILE, &report::settlement(0, started.order, 35, 1000, 7)).await.unwrap();
        assert_eq!(expect(&mut moved, 0x03).await.data, vec![0]);
        let (_, sessions) = env.app.call(Method::GET, "/api/v1/charging-sessions", Some(&admin), None).await;
        let items = sessions["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{b}: one session, not lost, not doubled: {sessions}");
        assert_eq!(
            (items[0]["state"].as_str(), items[0]["energy_wh"].as_i64()),
            (Some("completed"), Some(350)),
            "{b}: {sessions}"
        );
    }
}
