//! The charging timeline of an AP3000 pile through the real TCP gateway, on both backends: the
//! pile's start acknowledged, power heartbeats as meter progress, and a settlement upload whose
//! duration disagrees with the computed one (an `energy_mismatch` anomaly), each with its frame.

use crate::charging_ap3000::{control, env, expect, CARD, PILE};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_iam::Role;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// (kind, frame action) of each item.
fn steps(page: &Value) -> Vec<(String, Option<String>)> {
    let items = page["items"].as_array().unwrap_or_else(|| panic!("{page}"));
    items
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["frame"]["action"].as_str().map(str::to_owned)))
        .collect()
}

fn expected(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter().map(|(k, f)| ((*k).to_owned(), f.map(str::to_owned))).collect()
}

#[tokio::test]
async fn given_a_pile_session_settled_with_a_wrong_duration_then_its_timeline_has_the_upload_and_the_mismatch() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let admin = env.app.bearer("acme", Role::Admin);
        // A token minted at the (manual) clock's time of each read.
        let get = |path: String| {
            let app = &env.app;
            async move { app.call(Method::GET, &path, Some(&app.bearer("acme", Role::Viewer)), None).await }
        };
        let mut pile = PileClient::connect(&env.addr, "89860413161892009275").await.unwrap();
        pile.send(PILE, &report::register(2)).await.unwrap();
        expect(&mut pile, 0x20).await;
        env.handler.pile_connected(PILE).await;
        let (_, cps) = get("/api/v1/charge-points".into()).await;
        let cp = cps["items"].as_array().unwrap().iter().find(|c| c["identity"] == PILE.identity()).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/charge-points/{cp}/registration");
        let (s, b) = env.app.call(Method::PUT, &path, Some(&admin), Some(json!({"registration": "accepted"}))).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        pile.send(PILE, &report::register(2)).await.unwrap();
        expect(&mut pile, 0x20).await;
        pile.send(PILE, &report::heartbeat(&[0, 2])).await.unwrap();
        expect(&mut pile, 0x21).await;
        pile.send(PILE, &report::swipe(CARD, 1)).await.unwrap();
        expect(&mut pile, 0x02).await;
        let start = expect(&mut pile, 0x82).await;
        let order = control(&start).order;
        pile.send_with_id(PILE, start.message_id, &report::control_done(order, 1)).await.unwrap();
        // The start's answer is recorded by the task that sent the start: wait for it.
        let timeline = format!("/api/v1/charge-points/{cp}/timeline");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !steps(&get(timeline.clone()).await.1).iter().any(|(k, _)| k == "start_accepted") {
            assert!(Instant::now() < deadline, "{}: the start answer was never recorded", db.backend);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        pile.send(PILE, &report::power(1, order, 20, 1800, 1000)).await.unwrap();
        env.app.clock.advance(chrono::Duration::seconds(3700));
        pile.send(PILE, &report::settlement(1, order, 48, 100, 7)).await.unwrap();
        expect(&mut pile, 0x03).await;

        let (s, page) = get(timeline).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let want = [
            ("registered", Some("0x20")),
            ("connected", None),
            ("registered", None),
            ("registered", Some("0x20")),
            ("status_changed", Some("0x21")),
            ("status_changed", Some("0x21")),
            ("authorized", Some("0x02")),
            ("start_requested", None),
            ("start_accepted", None),
            ("meter_progress", Some("0x06")),
            ("stopped", Some("0x03")),
            ("settlement_uploaded", Some("0x03")),
            ("energy_mismatch", Some("0x03")),
        ];
        assert_eq!(steps(&page), expected(&want), "{}", db.backend);
        let items = page["items"].as_array().unwrap();
        assert_eq!(
            (items[0]["details"]["status"].as_str(), items[2]["details"]["by"].as_str()),
            (Some("pending"), Some("operator"))
        );
        assert_eq!(items[8]["details"]["command"], "0x82");
        assert_eq!(items[11]["frame"]["protocol"], "ap3000");
        assert_eq!(items[11]["details"]["pile"]["energy_wh"], 480);
        assert_eq!(items[12]["details"]["pile"]["duration_s"], 100);
        assert_eq!(items[12]["details"]["computed"]["duration_s"], 3700);
        let session = items[12]["session_id"].as_str().expect("the mismatch is on the session").to_owned();
        let (_, page) = get(format!("/api/v1/charging-sessions/{session}/timeline")).await;
        let kinds: Vec<_> = steps(&page).into_iter().map(|(k, _)| k).collect();
        let want = [
            "start_requested",
            "start_accepted",
            "meter_progress",
            "stopped",
            "settlement_uploaded",
            "energy_mismatch",
        ];
        assert_eq!(kinds, want, "{}", db.backend);
    }
}
