//! Given/when/then tests of the application services against the in-memory fake of the ports.

mod authorize_tests;
mod boot_tests;
mod connection_tests;
mod credentials_tests;
mod device_report_tests;
mod fake;
mod idempotency_proptests;
mod session_flow_tests;
mod status_tests;
mod timeline_tests;

use crate::{
    boot, put_id_tag, start_transaction, stop_transaction, AuthorizationStatus, BootDecision, BootInfo,
    ChargingSettings, IdTag, IdToken, OcppIdentity, StartOutcome, StartRequest, StopOutcome, StopRequest,
    TransactionId,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use fake::FakeStore;
use mgc_kernel::{TenantId, Wh};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(secs)
}

fn tenant() -> TenantId {
    TenantId::parse("acme").unwrap()
}

fn cp1() -> OcppIdentity {
    OcppIdentity::parse("CP-001").unwrap()
}

fn tag(name: &str) -> IdToken {
    IdToken::parse(name).unwrap()
}

fn boot_info() -> BootInfo {
    BootInfo {
        vendor: "VendorX".into(),
        model: "Wallbox 22".into(),
        serial_number: Some("SN-1".into()),
        firmware_version: Some("1.2.3".into()),
        meter_type: None,
        meter_serial_number: None,
    }
}

/// A fake store with settings; helpers for the usual "given" steps.
struct World {
    store: FakeStore,
    settings: ChargingSettings,
}

impl World {
    fn new() -> Self {
        Self { store: FakeStore::default(), settings: ChargingSettings { accept_unknown: true, ..Default::default() } }
    }

    fn rejecting_unknown() -> Self {
        Self { store: FakeStore::default(), settings: ChargingSettings::default() }
    }

    async fn boot_at(&self, when: DateTime<Utc>) -> BootDecision {
        boot(self.store.tx(), &tenant(), &cp1(), boot_info(), &self.settings, when).await.unwrap()
    }

    async fn booted(&self) -> BootDecision {
        self.boot_at(t0()).await
    }

    async fn tag_with(&self, name: &str, status: AuthorizationStatus, expires_at: Option<DateTime<Utc>>) {
        let t = IdTag { token: tag(name), status, expires_at, parent: None };
        put_id_tag(self.store.tx(), &tenant(), t).await.unwrap();
    }

    async fn start(&self, connector: u32, meter_start: i64, started: i64) -> StartOutcome {
        start_transaction(self.store.tx(), &tenant(), &cp1(), start_req(connector, meter_start, started), at(started))
            .await
            .unwrap()
    }

    async fn stop(&self, id: TransactionId, meter_stop: i64, stopped: i64) -> StopOutcome {
        stop_transaction(self.store.tx(), &tenant(), &cp1(), stop_req(id, meter_stop, stopped), at(stopped))
            .await
            .unwrap()
    }
}

fn start_req(connector: u32, meter_start: i64, started: i64) -> StartRequest {
    StartRequest {
        connector,
        id_tag: tag("TAG1"),
        meter_start: Wh(meter_start),
        started_at: at(started),
        reservation_id: None,
    }
}

fn stop_req(id: TransactionId, meter_stop: i64, stopped: i64) -> StopRequest {
    StopRequest {
        transaction_id: id,
        meter_stop: Wh(meter_stop),
        stopped_at: at(stopped),
        reason: None,
        id_tag: None,
        transaction_data: Vec::new(),
    }
}
