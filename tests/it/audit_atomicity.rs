//! The audit entry of an authenticated mutating request is written in the request's own unit of
//! work: a change whose audit entry cannot be written is not made, and a change that is made
//! has exactly one entry carrying the response's status, on both backends.

use crate::ingest_support::{provision, station_body};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_tests::{all_databases, Backend, TestDatabase};
use serde_json::Value;

/// Makes every insert into the audit log fail (`refuse = true`) or lifts that again.
async fn refuse_audit_inserts(db: &TestDatabase, refuse: bool) {
    let statements: &[&str] = match (db.backend, refuse) {
        (Backend::Sqlite, true) => {
            &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END"]
        }
        (Backend::Sqlite, false) => &["DROP TRIGGER refuse_audit"],
        (Backend::Postgres, true) => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
        (Backend::Postgres, false) => &["DROP TRIGGER refuse_audit ON audit_log", "DROP FUNCTION refuse_audit()"],
    };
    for sql in statements {
        if db.backend == Backend::Sqlite {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn audit_of(app: &TestApp, admin: &str) -> Vec<Value> {
    let (s, log) = app.call(Method::GET, "/api/v1/audit", Some(admin), None).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn given_audit_log_refusing_inserts_when_station_provisioned_then_nothing_changes() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        refuse_audit_inserts(&db, true).await;
        let (s, b) = app.call(Method::POST, "/api/v1/provisioning/stations", Some(&admin), Some(station_body())).await;
        assert!(s.is_server_error(), "{}: a change was made without its audit entry: {s} {b}", db.backend);
        refuse_audit_inserts(&db, false).await;

        let (_, stations) = app.call(Method::GET, "/api/v1/stations", Some(&admin), None).await;
        assert_eq!(stations["items"].as_array().map(Vec::len), Some(0), "{}: {stations}", db.backend);
    }
}

#[tokio::test]
async fn given_committed_and_refused_mutations_then_each_has_one_entry_with_its_status() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        // A refused creation commits nothing; its entry is written by the edge.
        let bad = serde_json::json!({"name": "k", "role": "emperor"});
        let (s, b) = app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let good = serde_json::json!({"name": "k", "role": "viewer"});
        let (s, b) = app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(good)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");

        let log = audit_of(&app, &admin).await;
        let got: Vec<(&str, &str, u64)> = log
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap(), e["status"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("POST /api/v1/api-keys", "success", 201),
                ("POST /api/v1/api-keys", "failed", 422),
                ("POST /api/v1/provisioning/stations", "success", 200)
            ],
            "{}: {log:?}",
            db.backend
        );
    }
}
