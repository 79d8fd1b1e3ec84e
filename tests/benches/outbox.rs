//! `just bench-outbox`: outbox append and dispatch throughput on SQLite and PostgreSQL,
//! each against a baseline measured in the same run on the same database (a bare sqlx
//! INSERT + COMMIT of a row of the same size), so figures compare across machines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use chrono::Utc;
use mgc_contracts::{ApiKeyRevoked, EventEnvelope, IntegrationEvent};
use mgc_eventing::{Dispatcher, DispatcherConfig, EventHandler, HandlerError, OutboxWriter, UnitOfWork};
use mgc_kernel::{ApiKeyId, SystemClock, TenantId};
use mgc_store::{Store, StoreOptions, StoreTx};
use mgc_tests::{all_databases, Backend, TestDatabase};
use std::sync::Arc;
use std::time::Instant;

struct Noop;

#[async_trait]
impl EventHandler<StoreTx> for Noop {
    fn consumer(&self) -> &'static str {
        "bench-noop"
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec![<ApiKeyRevoked as IntegrationEvent>::TYPE]
    }
    async fn handle(&self, _tx: &mut StoreTx, _e: &EventEnvelope) -> Result<(), HandlerError> {
        Ok(())
    }
}

async fn baseline_inserts(db: &TestDatabase, n: usize) -> f64 {
    let payload = serde_json::json!({"api_key_id": ApiKeyId::new()}).to_string();
    let started;
    match db.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query("PRAGMA journal_mode=WAL").execute(&pool).await.unwrap();
            sqlx::query("PRAGMA synchronous=NORMAL").execute(&pool).await.unwrap();
            sqlx::query("CREATE TABLE bench_baseline (id BLOB PRIMARY KEY, payload TEXT NOT NULL)")
                .execute(&pool)
                .await
                .unwrap();
            started = Instant::now();
            for _ in 0..n {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("INSERT INTO bench_baseline VALUES ($1, $2)")
                    .bind(uuid::Uuid::now_v7())
                    .bind(&payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query("CREATE TABLE bench_baseline (id UUID PRIMARY KEY, payload JSONB NOT NULL)")
                .execute(&pool)
                .await
                .unwrap();
            started = Instant::now();
            for _ in 0..n {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query("INSERT INTO bench_baseline VALUES ($1, $2::jsonb)")
                    .bind(uuid::Uuid::now_v7())
                    .bind(&payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
    }
    n as f64 / started.elapsed().as_secs_f64()
}

async fn run(db: TestDatabase, n: usize) {
    let baseline = baseline_inserts(&db, n).await;
    let store = Store::connect(&db.url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let tenant = TenantId::parse("bench").unwrap();

    let started = Instant::now();
    for _ in 0..n {
        let mut tx = store.begin().await.unwrap();
        let ev = EventEnvelope::wrap(&tenant, &ApiKeyRevoked { api_key_id: ApiKeyId::new() }, Utc::now()).unwrap();
        tx.append(ev).await.unwrap();
        tx.commit().await.unwrap();
    }
    let append = n as f64 / started.elapsed().as_secs_f64();

    let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), SystemClock::shared(), DispatcherConfig::default());
    dispatcher.register(Arc::new(Noop));
    let started = Instant::now();
    let mut delivered = 0;
    while delivered < n {
        let r = dispatcher.tick().await.unwrap();
        assert!(r.claimed > 0, "outbox ran dry after {delivered} of {n}");
        delivered += r.delivered;
    }
    let dispatch = n as f64 / started.elapsed().as_secs_f64();
    println!(
        "{:<8} n={n:<6} baseline insert+commit {:>9.0}/s | outbox append {:>9.0}/s ({:.2}x baseline) | dispatch {:>9.0}/s ({:.2}x baseline)",
        db.backend.to_string(),
        baseline,
        append,
        append / baseline,
        dispatch,
        dispatch / baseline
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    for db in all_databases().await {
        run(db, n).await;
    }
}
