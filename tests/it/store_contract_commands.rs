//! Commands ports (`CommandRepository`, `DeviceDirectory`, `CommandQueries`): round trip, tenant
//! isolation and not-found on SQLite and PostgreSQL.

use crate::store_contract_masterdata::seed_site;
use crate::support::{store, t0, tenant};
use mgc_commands::domain::command::NewCommand;
use mgc_commands::{Command, CommandId, CommandQueries, CommandRepository, CommandState, DeviceDirectory, RpcOptions};
use mgc_contracts::CommandOrigin;
use mgc_eventing::UnitOfWork;
use mgc_kernel::{DeviceId, Scope, StationId};
use mgc_tests::all_databases;
use serde_json::json;

fn command(tenant_id: &str, key: &str) -> Command {
    Command::issue(
        NewCommand {
            tenant: tenant(tenant_id),
            device_id: DeviceId::new(),
            station_id: StationId::new(),
            method: "setPower".into(),
            params: json!({"kw": 12}),
            timeout_s: 30,
            options: RpcOptions::default(),
            protocol: "thingsboard".into(),
            target: "tb-1".into(),
            origin: CommandOrigin::Api { subject: "contract".into() },
            idempotency_key: Some(key.into()),
            fingerprint: format!("fp-{key}"),
        },
        t0(),
    )
}

#[tokio::test]
async fn command_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let mine = command("acme", "k1");
        let theirs = command("other", "k1");
        let mut tx = store.begin().await.unwrap();
        tx.insert_command(&mine).await.unwrap();
        tx.insert_command(&theirs).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.command(&tenant("acme"), mine.id).await.unwrap().as_ref(), Some(&mine), "{b}");
        assert_eq!(tx.command_by_key(&tenant("acme"), "k1").await.unwrap().map(|c| c.id), Some(mine.id), "{b}");
        // The same key in another tenant is another command; an id never crosses tenants.
        assert_eq!(tx.command_by_key(&tenant("other"), "k1").await.unwrap().map(|c| c.id), Some(theirs.id));
        assert_eq!(tx.command(&tenant("other"), mine.id).await.unwrap(), None, "{b}");
        // Not found.
        assert_eq!(tx.command(&tenant("acme"), CommandId::new()).await.unwrap(), None, "{b}");
        assert_eq!(tx.command_by_key(&tenant("acme"), "nope").await.unwrap(), None, "{b}");
        assert_eq!(tx.command_by_rpc_id(&tenant("acme"), "rpc-1").await.unwrap(), None, "{b}");

        // A transition saved through the port is read back with its history.
        let mut sent = mine.clone();
        let tr = sent.transition(CommandState::Sent, "contract", t0()).unwrap();
        sent.rpc_id = Some("rpc-1".into());
        tx.save_command(&sent, CommandState::Pending, &[tr]).await.unwrap();
        let loaded = tx.command(&tenant("acme"), mine.id).await.unwrap().unwrap();
        assert_eq!(loaded.state, CommandState::Sent, "{b}");
        assert_eq!(loaded.transitions, sent.transitions, "{b}");
        assert_eq!(tx.command_by_rpc_id(&tenant("acme"), "rpc-1").await.unwrap().map(|c| c.id), Some(mine.id));
        assert_eq!(tx.command_by_rpc_id(&tenant("other"), "rpc-1").await.unwrap(), None, "{b}");
        tx.commit().await.unwrap();

        let acme = Scope::tenant_wide(tenant("acme"));
        assert_eq!(store.get_command(&acme, mine.id).await.unwrap().map(|c| c.id), Some(mine.id), "{b}");
        assert_eq!(store.get_command(&Scope::tenant_wide(tenant("other")), mine.id).await.unwrap(), None, "{b}");
        assert_eq!(store.get_command(&acme, CommandId::new()).await.unwrap(), None, "{b}");
    }
}

#[tokio::test]
async fn device_directory_resolves_only_devices_in_scope() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let (s, d) = seed_site(&store, "acme", "s1").await;
        let mut tx = store.begin().await.unwrap();
        let target = tx.device_target(&Scope::tenant_wide(tenant("acme")), d.id).await.unwrap().unwrap();
        assert_eq!(target.station_id, s.id, "{b}");
        assert!(tx.device_target(&Scope::tenant_wide(tenant("other")), d.id).await.unwrap().is_none(), "{b}");
        let narrow = Scope::stations(tenant("acme"), vec![StationId::new()]);
        assert!(tx.device_target(&narrow, d.id).await.unwrap().is_none(), "{b}: outside the station scope");
        assert!(tx.device_target(&Scope::tenant_wide(tenant("acme")), DeviceId::new()).await.unwrap().is_none());
        tx.commit().await.unwrap();
    }
}
