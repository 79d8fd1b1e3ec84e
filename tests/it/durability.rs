//! Durability under storage faults: an acknowledged write is a committed write, whatever failed
//! before it, and a write storage cannot take now is a clear 503 with `Retry-After`.

use crate::ingest_support::{post_signed, provisioned, Ingest};
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_kernel::Clock;
use mgc_tests::{Backend, TestDatabase};
use serde_json::{json, Value};

/// A flat ThingsBoard batch of `n` power readings of meter-1 starting `first` seconds into the
/// sixth hour before the app clock; every point has its own timestamp.
fn readings(app: &TestApp, first: i64, n: i64) -> String {
    let base = (app.clock.now() - chrono::Duration::hours(6)).timestamp_millis();
    let items: Vec<Value> =
        (first..first + n).map(|i| json!({"ts": base + i * 1000, "values": {"P": (i % 97) as f64}})).collect();
    Value::Array(items).to_string()
}

/// Posts one batch; returns the status and, when acknowledged, how many new points it reported.
async fn post_batch(app: &TestApp, ing: &Ingest, first: i64, n: i64) -> (StatusCode, Value) {
    post_signed(app, ing, &readings(app, first, n), &[("x-device-name", "meter-1")]).await
}

/// Rows of `table` as another connection sees them (what survives this process).
async fn committed(db: &TestDatabase, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    match db.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
    }
}

#[tokio::test]
async fn given_the_sqlite_disk_filled_up_and_freed_again_when_ingest_goes_on_then_every_acknowledged_point_is_committed(
) {
    let db = mgc_tests::sqlite_database().await;
    let (app, admin, ing) = provisioned(&db).await;
    let mut acknowledged = 0;
    let mut next = 0;
    for _ in 0..3 {
        let (s, b) = post_batch(&app, &ing, next, 50).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        acknowledged += b["new"].as_i64().unwrap();
        next += 50;
    }

    // The disk fills up: writes fail until it has room again, and say so.
    app.store.inject_sqlite_disk_full(true).await.unwrap();
    let mut refused = 0;
    for _ in 0..40 {
        let (s, b) = post_batch(&app, &ing, next, 200).await;
        next += 200;
        if s == StatusCode::OK {
            acknowledged += b["new"].as_i64().unwrap();
        } else {
            assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
            assert_error(&b, "storage_unavailable");
            refused += 1;
        }
    }
    assert!(refused > 0, "the full disk never refused a batch");
    let (s, b) = app
        .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "during", "role": "viewer"})))
        .await;
    // It may still fit in a free page; if it was answered as created, it was.
    let during_created = s == StatusCode::CREATED;
    if !during_created {
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
        assert_error(&b, "storage_unavailable");
    }

    // Room again: everything acknowledged from now on is committed, and so is all before.
    app.store.inject_sqlite_disk_full(false).await.unwrap();
    for _ in 0..5 {
        let (s, b) = post_batch(&app, &ing, next, 10).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        acknowledged += b["new"].as_i64().unwrap();
        next += 10;
    }
    let (s, b) = app
        .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "after", "role": "viewer"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(committed(&db, "telemetry_points").await, acknowledged, "acknowledged points missing from the file");
    assert_eq!(committed(&db, "api_keys").await, if during_created { 2 } else { 1 }, "API keys");
}

#[tokio::test]
async fn given_a_commit_the_database_rolled_back_itself_when_writes_go_on_then_each_acknowledged_write_is_committed() {
    for db in mgc_tests::all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let (s, b) = post_batch(&app, &ing, 0, 20).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        let mut acknowledged = b["new"].as_i64().unwrap();

        // The commit fails as a full disk makes it fail: the transaction is gone, the answer a 503.
        app.store.inject_commit_failures(1);
        let (s, b) = post_batch(&app, &ing, 20, 20).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{}: {b}", db.backend);
        assert_error(&b, "storage_unavailable");

        // A refused write (nothing to commit) and an operator write, then more ingest.
        let (s, _) = app.call(Method::GET, "/api/v1/stations", Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, b) = app
            .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "after", "role": "viewer"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {b}", db.backend);
        for i in 0..5 {
            let (s, b) = post_batch(&app, &ing, 100 + i * 10, 10).await;
            assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
            acknowledged += b["new"].as_i64().unwrap();
        }
        assert_eq!(committed(&db, "telemetry_points").await, acknowledged, "{}: points", db.backend);
        assert_eq!(committed(&db, "api_keys").await, 1, "{}: API keys", db.backend);
        let health = app.store.write_health();
        assert_eq!(health.consecutive_failures, 0, "{}: {health:?}", db.backend);
    }
}

/// A small deterministic generator (xorshift64*) so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

#[tokio::test]
async fn given_random_commit_failures_under_concurrent_ingest_then_every_2xx_is_committed_and_every_failure_is_a_503() {
    let seed = std::env::var("MGC_DURABILITY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_u64);
    let rounds = std::env::var("MGC_DURABILITY_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    for db in mgc_tests::all_databases().await {
        let (app, _admin, ing) = provisioned(&db).await;
        let mut rng = Rng(seed | 1);
        let (mut acknowledged, mut refused, mut next) = (0, 0, 0);
        for round in 0..rounds {
            // Some rounds fail every nth commit, some fail the next few, some fail nothing.
            match rng.below(3) {
                0 => app.store.inject_commit_failure_every(1 + rng.below(3)),
                1 => app.store.inject_commit_failures(rng.below(3)),
                _ => app.store.inject_commit_failure_every(0),
            }
            let sizes: Vec<i64> = (0..1 + rng.below(12)).map(|_| 1 + rng.below(30) as i64).collect();
            let mut firsts = Vec::new();
            for n in &sizes {
                firsts.push(next);
                next += n;
            }
            let posts = sizes.iter().zip(&firsts).map(|(n, first)| post_batch(&app, &ing, *first, *n));
            for (s, b) in futures_util::future::join_all(posts).await {
                match s {
                    StatusCode::OK => acknowledged += b["new"].as_i64().unwrap(),
                    StatusCode::SERVICE_UNAVAILABLE => {
                        assert_error(&b, "storage_unavailable");
                        refused += 1;
                    }
                    other => panic!("{} seed {seed} round {round}: {other} {b}", db.backend),
                }
            }
        }
        app.store.inject_commit_failure_every(0);
        // Every request carried points of its own: committed exactly what was acknowledged.
        assert_eq!(committed(&db, "telemetry_points").await, acknowledged, "{} seed {seed}", db.backend);
        assert!(refused > 0, "{} seed {seed}: no failure was injected", db.backend);
        assert!(acknowledged > 0, "{} seed {seed}: nothing was acknowledged", db.backend);
    }
}

/// Sends `GET path` and returns the status, the `Retry-After` header and the JSON body.
async fn get_with_retry_after(app: &TestApp, path: &str, auth: Option<&str>) -> (StatusCode, Option<String>, Value) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::get(path);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = app.router.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    let status = resp.status();
    let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, retry, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn given_postgres_goes_away_when_requests_arrive_then_they_get_503_and_the_first_after_it_returns_succeeds() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    // The service reaches PostgreSQL through a proxy the test can cut: a real network outage.
    let url = url::Url::parse(&db.url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let mut proxy = crate::fault_proxy::FaultProxy::start(target).await;
    let mut proxied_url = url.clone();
    proxied_url.set_host(Some("127.0.0.1")).unwrap();
    proxied_url.set_port(Some(proxy.addr.port())).unwrap();
    let proxied = mgc_tests::TestDatabase::external(mgc_tests::Backend::Postgres, proxied_url.to_string());
    let options =
        mgc_store::StoreOptions { acquire_timeout: std::time::Duration::from_millis(500), ..Default::default() };
    let app = TestApp::with_options(&proxied, mgc_api::ApiConfig::default(), &options).await;
    let admin = app.bearer("acme", mgc_iam::Role::Admin);
    crate::ingest_support::provision(&app, &admin, crate::ingest_support::station_body()).await;
    let ing = crate::ingest_support::integration(&app, &admin, false).await;
    let (s, b) = post_batch(&app, &ing, 0, 10).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut acknowledged = b["new"].as_i64().unwrap();

    proxy.cut();
    for i in 0..3 {
        let (s, b) = post_batch(&app, &ing, 100 + i * 10, 10).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "ingest during the outage: {b}");
        assert_error(&b, "storage_unavailable");
    }
    let (s, retry, b) = get_with_retry_after(&app, "/api/v1/stations", Some(&admin)).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "read during the outage: {b}");
    assert_error(&b, "storage_unavailable");
    assert_eq!(retry.as_deref(), Some("2"), "503 without Retry-After");
    let (s, _, b) = get_with_retry_after(&app, "/readyz", None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_eq!(b["database"], false, "{b}");

    // The database is back: the first request succeeds, and readiness follows.
    proxy.restore().await;
    let (s, b) = post_batch(&app, &ing, 200, 10).await;
    assert_eq!(s, StatusCode::OK, "first ingest after the outage: {b}");
    acknowledged += b["new"].as_i64().unwrap();
    let (s, _, b) = get_with_retry_after(&app, "/readyz", None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(committed(&db, "telemetry_points").await, acknowledged);
}

#[tokio::test]
async fn given_another_process_holds_the_sqlite_write_lock_when_ingest_arrives_then_it_gets_503_not_an_endless_wait() {
    let db = mgc_tests::sqlite_database().await;
    let options =
        mgc_store::StoreOptions { sqlite_busy_timeout: std::time::Duration::from_millis(300), ..Default::default() };
    let app = TestApp::with_options(&db, mgc_api::ApiConfig::default(), &options).await;
    let admin = app.bearer("acme", mgc_iam::Role::Admin);
    crate::ingest_support::provision(&app, &admin, crate::ingest_support::station_body()).await;
    let ing = crate::ingest_support::integration(&app, &admin, false).await;

    // Another process (here: another connection) takes the write lock and keeps it.
    let mut other = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let (s, b) = post_batch(&app, &ing, 0, 10).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_error(&b, "storage_unavailable");
    let (s, b) = app
        .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "locked", "role": "viewer"})))
        .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");

    // The lock goes: writes go through again.
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let (s, b) = post_batch(&app, &ing, 0, 10).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(committed(&db, "telemetry_points").await, b["new"].as_i64().unwrap());
}

#[tokio::test]
async fn given_commits_keep_failing_when_readiness_is_asked_then_it_is_not_ready_until_one_commits() {
    for db in mgc_tests::all_databases().await {
        let (app, _admin, ing) = provisioned(&db).await;
        app.store.inject_commit_failures(3);
        for i in 0..3 {
            let (s, b) = post_batch(&app, &ing, i * 10, 10).await;
            assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{}: {b}", db.backend);
        }
        let (s, _, b) = get_with_retry_after(&app, "/readyz", None).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{}: {b}", db.backend);
        let problems = b["problems"].to_string();
        assert!(problems.contains("failed to commit"), "{}: {b}", db.backend);
        let (s, b) = post_batch(&app, &ing, 100, 10).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        let (s, _, b) = get_with_retry_after(&app, "/readyz", None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
    }
}

#[tokio::test]
async fn given_a_request_outlives_its_deadline_then_it_gets_503_request_timeout_with_retry_after() {
    let db = mgc_tests::sqlite_database().await;
    let config =
        mgc_api::ApiConfig { request_timeout: std::time::Duration::from_millis(200), ..mgc_api::ApiConfig::default() };
    let options =
        mgc_store::StoreOptions { sqlite_busy_timeout: std::time::Duration::from_secs(30), ..Default::default() };
    let app = TestApp::with_options(&db, config, &options).await;
    let admin = app.bearer("acme", mgc_iam::Role::Admin);
    let mut other = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();

    let (s, b) =
        app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "slow", "role": "viewer"}))).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_error(&b, "request_timeout");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let (s, _, b) = get_with_retry_after(&app, "/api/v1/api-keys", Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn given_a_dead_process_left_claims_when_its_instance_starts_again_then_they_are_due_at_once_and_others_stay() {
    use mgc_eventing::OutboxStore;
    for db in mgc_tests::all_databases().await {
        let store = crate::support::store(&db).await;
        let now = crate::support::t0();
        let lease = now + chrono::Duration::seconds(60);
        crate::support::append_event(&store, "acme", now).await;
        crate::support::append_event(&store, "acme", now).await;
        // The dead process of this instance took one, a live instance elsewhere the other.
        assert_eq!(store.claim("host-a:/srv/mgc:dead", now, lease, 1).await.unwrap().len(), 1);
        assert_eq!(store.claim("host-b:/srv/mgc:live", now, lease, 1).await.unwrap().len(), 1);
        assert!(store.claim("probe", now, lease, 10).await.unwrap().is_empty(), "{}", db.backend);

        // A prefix of another instance's id is not that instance.
        assert_eq!(store.release_instance_claims("host-a:/srv").await.unwrap(), 0, "{}", db.backend);
        assert_eq!(store.release_instance_claims("host-a:/srv/mgc").await.unwrap(), 1, "{}", db.backend);
        let again = store.claim("host-a:/srv/mgc:new", now, lease, 10).await.unwrap();
        assert_eq!(again.len(), 1, "{}: the released claim is due before its lease ran out", db.backend);
    }
}
