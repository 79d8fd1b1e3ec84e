//! Connection state: disconnects and the offline sweep.

use super::*;
use crate::{disconnected, heartbeat, sweep_offline, Connection};
use mgc_contracts::ChargePointConnectionChanged;

fn online_flags(w: &World) -> Vec<bool> {
    w.store.events::<ChargePointConnectionChanged>().iter().map(|e| e.online).collect()
}

#[tokio::test]
async fn given_silent_charge_point_when_swept_after_timeout_then_offline_once() {
    let w = World::new();
    w.booted().await;
    let timeout = i64::from(w.settings.offline_after_s);
    let early = sweep_offline(&w.store, &w.settings, at(timeout - 1), 100).await.unwrap();
    assert_eq!(early.marked_offline, 0);
    let report = sweep_offline(&w.store, &w.settings, at(timeout + 1), 100).await.unwrap();
    assert_eq!((report.checked, report.marked_offline), (1, 1));
    assert_eq!(sweep_offline(&w.store, &w.settings, at(timeout + 2), 100).await.unwrap().checked, 0);
    assert_eq!(online_flags(&w), vec![true, false]);
    let cp = w.store.charge_point("CP-001");
    assert_eq!(cp.connection(at(timeout + 2), w.settings.offline_after()), Connection::Offline);
}

#[tokio::test]
async fn given_offline_charge_point_when_heartbeat_then_online_again() {
    let w = World::new();
    w.booted().await;
    assert!(disconnected(w.store.tx(), &tenant(), &cp1(), at(5)).await.unwrap());
    assert!(!disconnected(w.store.tx(), &tenant(), &cp1(), at(6)).await.unwrap());
    heartbeat(w.store.tx(), &tenant(), &cp1(), at(10)).await.unwrap();
    assert_eq!(online_flags(&w), vec![true, false, true]);
}
