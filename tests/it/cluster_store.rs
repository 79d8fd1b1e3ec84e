//! Contract of the instance leases and the device connection directory on both databases: only
//! the live holder of a device's connection claims its commands, the newest connection wins,
//! a dead instance's connections and claims are released, and (PostgreSQL) issuing a command
//! wakes the holder through LISTEN/NOTIFY.

use crate::commands_support::{env, CommandEnv};
use crate::support::tenant;
use chrono::{DateTime, Duration, Utc};
use mgc_commands::{
    CommandId, CommandQueries, CommandUnits, ConnectedDevice, ConnectionDirectory, ConnectionId, ConnectionRecords,
    ConnectionTicket, InstanceDirectory,
};
use mgc_kernel::Clock;
use mgc_store::Store;
use mgc_tests::all_databases;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const LEASE: i64 = 15;

fn now(env: &CommandEnv) -> DateTime<Utc> {
    env.app.clock.now()
}

async fn join(store: &Store, holder: &str, at: DateTime<Utc>) {
    store.join_cluster(holder, &format!("instance-{holder}"), at, at + Duration::seconds(LEASE)).await.unwrap();
}

/// Issues a command to pv-1; returns it as stored and the device as the directory names it.
async fn issued(env: &CommandEnv) -> (CommandId, ConnectedDevice) {
    let id: CommandId = env.issue_ok("getStatus", 60).await.parse().unwrap();
    let c = env.app.store.get_command(&mgc_kernel::Scope::tenant_wide(tenant("acme")), id).await.unwrap().unwrap();
    (id, ConnectedDevice { tenant: c.tenant, protocol: c.protocol, target: c.target })
}

fn ticket(device: &ConnectedDevice, at: DateTime<Utc>) -> ConnectionTicket {
    ConnectionTicket { device: device.clone(), connection: ConnectionId::new(), connected_at: at }
}

async fn claim(store: &Store, holder: &str, at: DateTime<Utc>) -> Vec<CommandId> {
    let claimed = store.claim_due_commands(holder, at, at + Duration::seconds(60), 10).await.unwrap();
    claimed.into_iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn given_a_device_held_by_a_live_instance_when_both_claim_then_only_the_holder_gets_its_command() {
    for db in all_databases().await {
        let env = env(&db).await;
        let store = &env.app.store;
        let t = now(&env);
        join(store, "a", t).await;
        join(store, "b", t).await;
        let wakes = Arc::new(AtomicUsize::new(0));
        let counted = wakes.clone();
        let directory = InstanceDirectory::new(
            store.clone(),
            "a",
            Arc::new(move || {
                counted.fetch_add(1, Ordering::SeqCst);
            }),
        );
        let (id, device) = issued(&env).await;

        let held = directory.connected(device.clone(), t).await;
        assert_eq!(wakes.load(Ordering::SeqCst), 1, "{}: a connect wakes the dispatcher", db.backend);
        assert_eq!(
            store.device_holder(&device.tenant, &device.protocol, &device.target).await.unwrap().as_deref(),
            Some("a")
        );
        assert!(claim(store, "b", t).await.is_empty(), "{}: b leaves the command to a", db.backend);
        assert_eq!(claim(store, "a", t).await, vec![id], "{}", db.backend);

        assert!(directory.disconnected(&held).await, "{}: still the current connection", db.backend);
        assert_eq!(store.device_holder(&device.tenant, &device.protocol, &device.target).await.unwrap(), None);
    }
}

#[tokio::test]
async fn given_the_holder_died_when_its_lease_runs_out_then_its_connections_and_claims_are_released() {
    for db in all_databases().await {
        let env = env(&db).await;
        let store = &env.app.store;
        let t = now(&env);
        join(store, "a", t).await;
        join(store, "b", t).await;
        let (id, device) = issued(&env).await;
        store.hold_connection("a", &ticket(&device, t)).await.unwrap();
        assert_eq!(claim(store, "a", t).await, vec![id], "{}: a claims, then dies while sending", db.backend);

        // Only b renews; at the end of a's lease b reaps it.
        let later = t + Duration::seconds(LEASE + 1);
        assert!(store
            .renew_instance_lease("b", t + Duration::seconds(5), later + Duration::seconds(LEASE))
            .await
            .unwrap());
        assert!(
            store.reap_instances(t + Duration::seconds(LEASE)).await.unwrap().instances == 0,
            "{}: a's lease covers its last instant",
            db.backend
        );
        let reaped = store.reap_instances(later).await.unwrap();
        assert_eq!((reaped.instances, reaped.connections, reaped.claims), (1, 1, 1), "{}: {reaped:?}", db.backend);
        assert_eq!(store.live_instances(later).await.unwrap(), vec!["b".to_owned()], "{}", db.backend);
        // The command's own claim ran for 60 s: b gets it now, not then.
        assert_eq!(claim(store, "b", later).await, vec![id], "{}", db.backend);
        assert!(
            !store.renew_instance_lease("a", later, later + Duration::seconds(LEASE)).await.unwrap(),
            "{}: a must join again",
            db.backend
        );
    }
}

#[tokio::test]
async fn given_a_device_reconnected_elsewhere_then_the_newest_connection_keeps_it() {
    for db in all_databases().await {
        let env = env(&db).await;
        let store = &env.app.store;
        let t = now(&env);
        join(store, "a", t).await;
        join(store, "b", t).await;
        let (_, device) = issued(&env).await;
        let (older, newer) = (ticket(&device, t), ticket(&device, t + Duration::seconds(1)));
        store.hold_connection("a", &older).await.unwrap();
        store.hold_connection("b", &newer).await.unwrap();

        assert!(!store.release_connection(&older).await.unwrap(), "{}: a's end does not take b's row", db.backend);
        assert!(!store.restore_connection("a", &older, t).await.unwrap(), "{}: b is alive", db.backend);
        assert_eq!(
            store.device_holder(&device.tenant, &device.protocol, &device.target).await.unwrap().as_deref(),
            Some("b")
        );

        // Once b is dead, a may record its connection again (after losing its own lease).
        let later = t + Duration::seconds(LEASE + 1);
        join(store, "a", later).await;
        assert!(store.restore_connection("a", &older, later).await.unwrap(), "{}", db.backend);
        assert!(store.release_connection(&older).await.unwrap(), "{}", db.backend);
        assert!(store.release_connection(&newer).await.unwrap(), "{}: no row left: the last connection", db.backend);
    }
}

#[tokio::test]
async fn given_postgres_when_a_command_is_issued_to_a_held_device_then_its_holder_is_woken_and_stops_cleanly() {
    for db in all_databases().await {
        let env = env(&db).await;
        let store = &env.app.store;
        let wake = Arc::new(tokio::sync::Notify::new());
        let Some(listener) = store.device_command_listener("a", wake.clone()) else {
            assert_eq!(store.backend(), mgc_store::Backend::Sqlite, "only SQLite has no listener");
            continue;
        };
        let t = now(&env);
        join(store, "a", t).await;
        let (_, device) = issued(&env).await;
        store.hold_connection("a", &ticket(&device, t)).await.unwrap();
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(listener.run(stop));
        let deadline = std::time::Duration::from_secs(10);
        // The first wake-up says LISTEN is in place.
        tokio::time::timeout(deadline, wake.notified()).await.expect("listening");
        env.issue_ok("getStatus", 60).await;
        tokio::time::timeout(deadline, wake.notified()).await.expect("the holder is woken by the issue");
        stop_tx.send(true).unwrap();
        tokio::time::timeout(deadline, task).await.expect("the listener stops").unwrap();
    }
}

#[tokio::test]
async fn given_an_instance_that_lost_its_lease_when_it_takes_it_again_then_it_records_its_connections_again() {
    for db in all_databases().await {
        let env = env(&db).await;
        let store = &env.app.store;
        let t = now(&env);
        join(store, "a", t).await;
        let directory = InstanceDirectory::new(store.clone(), "a", Arc::new(|| {}));
        let (_, device) = issued(&env).await;
        directory.connected(device.clone(), t).await;

        // a stalls past its lease; b reaps it, so a's connection is no longer recorded.
        let later = t + Duration::seconds(LEASE + 1);
        join(store, "b", later).await;
        assert_eq!(store.reap_instances(later).await.unwrap().connections, 1, "{}", db.backend);
        assert_eq!(store.device_holder(&device.tenant, &device.protocol, &device.target).await.unwrap(), None);

        // a notices at its next renewal, joins again and records what it still holds.
        assert!(!store.renew_instance_lease("a", later, later + Duration::seconds(LEASE)).await.unwrap());
        join(store, "a", later).await;
        assert_eq!(directory.restore(true, later).await.unwrap(), 1, "{}", db.backend);
        let holder = store.device_holder(&device.tenant, &device.protocol, &device.target).await.unwrap();
        assert_eq!(holder.as_deref(), Some("a"), "{}", db.backend);
        assert_eq!(directory.restore(false, later).await.unwrap(), 0, "{}: nothing left to retry", db.backend);
    }
}
