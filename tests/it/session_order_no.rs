//! A platform order's number on its session, on both backends: the session list and detail, the
//! third-party sessions route and the session timeline (JSON and CSV) carry it; a session started
//! by a card swipe carries null; `?order_no=` finds the session, never another tenant's.

use crate::charging_ap3000::{control, env, expect, CARD, PILE};
use crate::settlement_support::download;
use crate::subscriptions_support::{charge_order, online_pile};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::pile_reports as report;
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::Value;

#[tokio::test]
async fn given_a_platform_order_and_a_card_session_then_only_the_order_session_carries_its_order_no_everywhere() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let get = |path: String, token: String| {
            let app = &env.app;
            async move { app.call(Method::GET, &path, Some(&token), None).await }
        };
        let mut pile = online_pile(&env).await;
        env.app.pump().await;
        charge_order(&env, &mut pile, "ORD-N1").await;
        // A second session on the other port, started by a card swipe (no order).
        pile.send(PILE, &report::heartbeat(&[0, 2])).await.unwrap();
        expect(&mut pile, 0x21).await;
        pile.send(PILE, &report::swipe(CARD, 1)).await.unwrap();
        expect(&mut pile, 0x02).await;
        let start = expect(&mut pile, 0x82).await;
        let order = control(&start).order;
        pile.send_with_id(PILE, start.message_id, &report::control_done(order, 1)).await.unwrap();
        pile.send(PILE, &report::power(1, order, 20, 60, 1000)).await.unwrap();
        pile.send(PILE, &report::heartbeat(&[0, 1])).await.unwrap();
        expect(&mut pile, 0x21).await;
        env.app.pump().await;
        // Tokens are minted now: the charging moved the clock an hour on.
        let viewer = env.app.bearer("acme", Role::Viewer);

        let (s, list) = get("/api/v1/charging-sessions".into(), viewer.clone()).await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}: {list}");
        let ordered = items.iter().find(|i| i["connector"] == 1).expect("the order's session");
        let carded = items.iter().find(|i| i["connector"] == 2).expect("the card's session");
        assert_eq!(ordered["order_no"], "ORD-N1", "{b}: {ordered}");
        assert_eq!(carded["order_no"], Value::Null, "{b}: a card session has no order: {carded}");
        let id = ordered["id"].as_str().unwrap().to_owned();
        let local = carded["id"].as_str().unwrap().to_owned();

        let (s, one) = get(format!("/api/v1/charging-sessions/{id}"), viewer.clone()).await;
        assert_eq!((s, &one["order_no"]), (StatusCode::OK, &Value::from("ORD-N1")), "{b}: {one}");
        let (_, one) = get(format!("/api/v1/charging-sessions/{local}"), viewer.clone()).await;
        assert_eq!(one["order_no"], Value::Null, "{b}: {one}");

        let (s, third) = get(format!("/api/third/v1/devices/{}/sessions", PILE.identity()), viewer.clone()).await;
        assert_eq!(s, StatusCode::OK, "{third}");
        let by_id = |v: &Value, want: &str| v["items"].as_array().unwrap().iter().find(|i| i["id"] == want).cloned();
        assert_eq!(by_id(&third, &id).unwrap()["order_no"], "ORD-N1", "{b}: {third}");
        assert_eq!(by_id(&third, &local).unwrap()["order_no"], Value::Null, "{b}: {third}");

        let (s, timeline) = get(format!("/api/v1/charging-sessions/{id}/timeline"), viewer.clone()).await;
        assert_eq!((s, &timeline["order_no"]), (StatusCode::OK, &Value::from("ORD-N1")), "{b}: {timeline}");
        assert!(!timeline["items"].as_array().unwrap().is_empty(), "{b}: {timeline}");
        let (_, timeline) = get(format!("/api/v1/charging-sessions/{local}/timeline"), viewer.clone()).await;
        assert_eq!(timeline["order_no"], Value::Null, "{b}: {timeline}");
        let (s, _, bytes) = download(&env.app, &viewer, &format!("/api/v1/charging-sessions/{id}/timeline.csv")).await;
        assert_eq!(s, StatusCode::OK);
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').trim_end().split("\r\n").collect();
        let column = lines[0].split(',').position(|c| c == "order_no").expect("an order_no column");
        assert!(lines.len() > 1, "{b}: {text}");
        for line in &lines[1..] {
            assert_eq!(line.split(',').nth(column), Some("ORD-N1"), "{b}: every event names the order: {line}");
        }

        let (s, found) = get("/api/v1/charging-sessions?order_no=ORD-N1".into(), viewer.clone()).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        let ids: Vec<&str> = found["items"].as_array().unwrap().iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(ids, [id.as_str()], "{b}: {found}");
        let (_, none) = get("/api/v1/charging-sessions?order_no=ORD-NONE".into(), viewer.clone()).await;
        assert_eq!(none["items"], serde_json::json!([]), "{b}: {none}");
        let (s, bad) = get("/api/v1/charging-sessions?order_no=no%20spaces".into(), viewer.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}");

        let tenant_b = env.app.bearer("other", Role::Admin);
        let (s, theirs) = get("/api/v1/charging-sessions?order_no=ORD-N1".into(), tenant_b.clone()).await;
        assert_eq!((s, &theirs["items"]), (StatusCode::OK, &serde_json::json!([])), "{b}: {theirs}");
        let (s, _) = get(format!("/api/v1/charging-sessions/{id}/timeline"), tenant_b).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    }
}
