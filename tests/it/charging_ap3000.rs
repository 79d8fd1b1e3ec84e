//! AP3000 piles through the real TCP gateway into the charging and commands contexts, on both
//! backends: a card-started session charged, stopped by a command and settled by the pile; a
//! command to an offline pile; a command the pile never answers (sent twice, then failed).

use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::charging::ChargingHandler;
use mgc_adapter_ap3000::commands::Ap3000CommandAdapter;
use mgc_adapter_ap3000::gateway::{Gateway, GatewaySettings, Registry};
use mgc_adapter_ap3000::messages::{ChargeControl, Downlink};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_adapter_ap3000::{Frame, PhysicalId};
use mgc_charging::{put_id_tag, AuthorizationStatus, ChargingSettings, IdTag, IdToken};
use mgc_commands::{AdapterRegistry, CommandSettings};
use mgc_iam::Role;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub(crate) const PILE: PhysicalId = PhysicalId(0x04AB_373B);
pub(crate) const OFFLINE: PhysicalId = PhysicalId(0x0400_0001);
pub(crate) const CARD: u32 = 2_056_062_429;
pub(crate) const WAIT: Duration = Duration::from_secs(10);

pub(crate) struct Env {
    pub(crate) app: TestApp,
    pub(crate) addr: String,
    pub(crate) handler: ChargingHandler<mgc_store::Store>,
    pub(crate) adapters: AdapterRegistry,
    _stop: tokio::sync::watch::Sender<bool>,
}

pub(crate) async fn env(db: &mgc_tests::TestDatabase) -> Env {
    let app = TestApp::new(db).await;
    let admin = app.bearer("acme", Role::Admin);
    let devices = [PILE, OFFLINE].map(|p| json!({"name": p.identity(), "kind": "charger"}));
    let body = json!({"code": "bikes", "name": "Bike shed", "time_zone": "UTC", "devices": devices});
    let provisioned = crate::ingest_support::provision(&app, &admin, body).await;
    for device in provisioned["devices"].as_array().unwrap() {
        let path = format!("/api/v1/devices/{}", device["id"].as_str().unwrap());
        let (s, b) = app.call(Method::PATCH, &path, Some(&admin), Some(json!({"protocol": "ap3000"}))).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let tag = IdTag {
        token: IdToken::parse(&CARD.to_string()).unwrap(),
        status: AuthorizationStatus::Accepted,
        expires_at: None,
        parent: None,
    };
    put_id_tag(app.store.begin().await.unwrap(), &tenant("acme"), tag).await.unwrap();
    let (addr, handler, adapters, stop) = gateway(&app).await;
    Env { app, addr, handler, adapters, _stop: stop }
}

/// An AP3000 gateway on `app`'s database (a second one is what another instance would run): its
/// address, its charging handler, its command adapters and the sender that stops it.
pub(crate) async fn gateway(
    app: &TestApp,
) -> (String, ChargingHandler<mgc_store::Store>, AdapterRegistry, tokio::sync::watch::Sender<bool>) {
    let settings = GatewaySettings {
        ack_timeout: Duration::from_millis(300),
        spacing: Duration::from_millis(5),
        ..GatewaySettings::default()
    };
    let registry = Registry::default();
    let charging = ChargingSettings { accept_unknown: false, ..ChargingSettings::default() };
    let handler =
        ChargingHandler::new(app.store.clone(), app.clock.shared(), tenant("acme"), charging, registry.clone(), WAIT);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let gateway = Gateway::with_registry(handler.clone(), registry, settings, stopped);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(gateway.serve(listener));
    let adapters = AdapterRegistry::new()
        .with(mgc_commands::PROTOCOL_AP3000, Arc::new(Ap3000CommandAdapter::new(handler.clone())));
    (addr, handler, adapters, stop)
}

impl Env {
    pub(crate) async fn issue(&self, pile: PhysicalId, method: &str, params: Value) -> String {
        let op = self.app.bearer("acme", Role::Operator);
        let (_, devices) = self.app.call(Method::GET, "/api/v1/devices", Some(&op), None).await;
        let device =
            devices["items"].as_array().unwrap().iter().find(|d| d["name"] == pile.identity()).unwrap()["id"].clone();
        let body = json!({"device_id": device, "method": method, "params": params, "timeout_s": 30});
        let (s, b) = self.app.call(Method::POST, "/api/v1/commands", Some(&op), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().unwrap().to_owned()
    }

    /// Runs one dispatch round in the background (it waits for the pile's answers).
    pub(crate) fn round(&self) -> tokio::task::JoinHandle<()> {
        let (store, adapters, clock) = (self.app.store.clone(), self.adapters.clone(), self.app.clock.shared());
        tokio::spawn(async move {
            mgc_commands::run_dispatch_round(&store, &adapters, &CommandSettings::default(), &clock, "test")
                .await
                .unwrap();
        })
    }

    pub(crate) async fn command(&self, id: &str) -> Value {
        let viewer = self.app.bearer("acme", Role::Viewer);
        self.app.call(Method::GET, &format!("/api/v1/commands/{id}"), Some(&viewer), None).await.1
    }
}

pub(crate) async fn expect(pile: &mut PileClient, command: u8) -> Frame {
    let frame = pile.recv(WAIT).await.unwrap().expect("a frame before the deadline");
    assert_eq!((frame.physical_id, frame.command), (PILE, command), "{frame:?}");
    frame
}

pub(crate) fn control(frame: &Frame) -> ChargeControl {
    match Downlink::decode(frame.command, &frame.data).unwrap() {
        Downlink::ChargeControl(c) => c,
        other => panic!("not a 0x82: {other:?}"),
    }
}

#[tokio::test]
async fn given_a_pile_when_it_charges_by_card_is_stopped_by_command_and_settles_then_one_completed_session_has_its_energy(
) {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let admin = env.app.bearer("acme", Role::Admin);
        let mut pile = PileClient::connect(&env.addr, "89860413161892009275").await.unwrap();

        pile.send(PILE, &report::register(2)).await.unwrap();
        let reply = expect(&mut pile, 0x20).await;
        assert_eq!(reply.data, vec![1], "{}: an unknown pile is pending, not accepted", db.backend);
        let (_, cps) = env.app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
        let cp = cps["items"].as_array().unwrap().iter().find(|c| c["identity"] == PILE.identity()).unwrap().clone();
        assert_eq!(cp["protocol"], "ap3000", "{cp}");
        let path = format!("/api/v1/charge-points/{}/registration", cp["id"].as_str().unwrap());
        let (s, b) = env.app.call(Method::PUT, &path, Some(&admin), Some(json!({"registration": "accepted"}))).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        pile.send(PILE, &report::register(2)).await.unwrap();
        assert_eq!(expect(&mut pile, 0x20).await.data, vec![0]);

        pile.send(PILE, &report::heartbeat(&[0, 2])).await.unwrap();
        assert_eq!(expect(&mut pile, 0x21).await.data, vec![0]);
        pile.send(PILE, &report::swipe(CARD, 1)).await.unwrap();
        let card = expect(&mut pile, 0x02).await;
        assert_eq!((card.data[4], card.data[10]), (0, 1), "account ok, port echoed: {:?}", card.data);
        let start = expect(&mut pile, 0x82).await;
        let start_cmd = control(&start);
        assert_eq!((start_cmd.command, start_cmd.port), (1, 1));
        pile.send_with_id(PILE, start.message_id, &report::control_done(start_cmd.order, 1)).await.unwrap();
        pile.send(PILE, &report::power(1, start_cmd.order, 20, 1800, 1000)).await.unwrap();
        pile.send(PILE, &report::power(1, start_cmd.order, 40, 3600, 1000)).await.unwrap();

        let stop_id = env.issue(PILE, "stop", json!({"port": 2})).await;
        let round = env.round();
        let stop = expect(&mut pile, 0x82).await;
        let stop_cmd = control(&stop);
        assert_eq!((stop_cmd.command, stop_cmd.order), (0, start_cmd.order), "a stop carries the running order");
        pile.send_with_id(PILE, stop.message_id, &report::control_done(stop_cmd.order, 1)).await.unwrap();
        round.await.unwrap();
        assert_eq!(env.command(&stop_id).await["state"], "succeeded");

        env.app.clock.advance(chrono::Duration::seconds(3700));
        pile.send(PILE, &report::settlement(1, start_cmd.order, 48, 3700, 7)).await.unwrap();
        assert_eq!(expect(&mut pile, 0x03).await.data, vec![0], "a settlement is always acknowledged");
        pile.send(PILE, &report::settlement(1, start_cmd.order, 48, 3700, 7)).await.unwrap();
        assert_eq!(expect(&mut pile, 0x03).await.data, vec![0], "a duplicate too");

        let viewer = env.app.bearer("acme", Role::Viewer);
        let (_, sessions) = env.app.call(Method::GET, "/api/v1/charging-sessions", Some(&viewer), None).await;
        let items = sessions["items"].as_array().unwrap_or_else(|| panic!("{sessions}"));
        assert_eq!(items.len(), 1, "{}: {sessions}", db.backend);
        assert_eq!(
            (items[0]["state"].as_str(), items[0]["energy_wh"].as_i64()),
            (Some("completed"), Some(480)),
            "{}",
            items[0]
        );
        // The power heartbeats are also telemetry of the pile's device: port 2 under its own
        // keys, the per-order energy never as the device's import register.
        let (_, devices) = env.app.call(Method::GET, "/api/v1/devices", Some(&viewer), None).await;
        let device =
            devices["items"].as_array().unwrap().iter().find(|d| d["name"] == PILE.identity()).unwrap().clone();
        let path = format!("/api/v1/telemetry/latest?station_id={}", device["station_id"].as_str().unwrap());
        let (_, latest) = env.app.call(Method::GET, &path, Some(&viewer), None).await;
        let value = |point: &str| {
            latest
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["point"] == point && i["device_id"] == device["id"])
                .map(|i| i["num_value"].clone())
        };
        assert_eq!(value("ap3000.c2.power_w"), Some(json!(100.0)), "{}: {latest}", db.backend);
        assert_eq!(value("ap3000.c2.order_energy_wh"), Some(json!(400.0)), "{latest}");
        assert_eq!(value("energy_import_wh"), None, "{latest}");
    }
}

#[tokio::test]
async fn given_an_offline_pile_or_one_that_never_answers_then_the_command_fails_with_the_reason() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let offline = env.issue(OFFLINE, "reboot", json!({})).await;
        env.round().await.unwrap();
        let c = env.command(&offline).await;
        assert_eq!(c["state"], "failed", "{}: {c}", db.backend);
        assert!(c["reason"].to_string().contains("04000001 is not connected"), "{c}");

        let mut pile = PileClient::connect(&env.addr, "89860413161892009275").await.unwrap();
        pile.send(PILE, &report::heartbeat(&[0, 0])).await.unwrap();
        expect(&mut pile, 0x21).await;
        let silent = env.issue(PILE, "reboot", json!({})).await;
        let round = env.round();
        let first = expect(&mut pile, 0x87).await;
        let again = expect(&mut pile, 0x87).await;
        assert_eq!(first.message_id, again.message_id, "resent once with the same message id");
        round.await.unwrap();
        let c = env.command(&silent).await;
        assert_eq!(c["state"], "failed", "{c}");
        assert!(c["reason"].to_string().contains("sent twice"), "{c}");
        assert_eq!(pile.recv(Duration::from_millis(700)).await.unwrap(), None, "no third attempt");
    }
}
