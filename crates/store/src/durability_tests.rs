//! The writer connection after a storage error: what a unit of work commits is committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{Store, StoreOptions};
use mgc_eventing::UnitOfWork;

/// A store on a fresh SQLite file in a directory removed when the returned guard drops.
async fn scratch_store() -> (Store, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("durability.db").display());
    let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    on_write!(store, p => sqlx::query("CREATE TABLE scratch (x BLOB)").execute(p).await.map(|_| ()).unwrap());
    (store, url, dir)
}

async fn rows_seen_by_another_connection(url: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let n = sqlx::query_scalar("SELECT count(*) FROM scratch").fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn given_a_write_failed_on_a_full_disk_when_later_units_of_work_commit_then_another_connection_sees_them() {
    let (store, url, _dir) = scratch_store().await;
    store.inject_sqlite_disk_full(true).await.unwrap();
    // A statement without a statement journal: SQLite rolls the whole transaction back itself.
    let mut tx = store.begin().await.unwrap();
    let failed = on_tx!(tx, c => sqlx::query("INSERT INTO scratch (x) VALUES (zeroblob(200000))").execute(&mut *c).await.map(|_| ()));
    assert!(failed.is_err(), "the full disk took a 200 kB row");
    drop(tx);
    store.inject_sqlite_disk_full(false).await.unwrap();

    // A unit of work that ends without commit (a read, a refused command) ...
    let tx = store.begin().await.unwrap();
    drop(tx);
    // ... and one that commits.
    let mut tx = store.begin().await.unwrap();
    on_tx!(tx, c => sqlx::query("INSERT INTO scratch (x) VALUES (x'01')").execute(&mut *c).await.map(|_| ()).unwrap());
    tx.commit().await.unwrap();
    assert_eq!(rows_seen_by_another_connection(&url).await, 1);
}
