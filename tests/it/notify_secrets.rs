//! Notification channel settings (webhook secret, URL, headers) are sealed at rest: the stored
//! `config` is `{"sealed": "enc1:…"}`, reads and deliveries open it, and a row stored in clear
//! before is sealed by the start-up pass. On both backends.

use crate::alarm_support::{webhook_channel, worker, worker_config, Receiver};
use crate::ingest_support::provisioned;
use axum::http::{Method, StatusCode};
use mgc_tests::{all_databases, Backend, TestDatabase};
use serde_json::{json, Value};

/// The stored `config` of channel `id`, as text.
async fn stored_config(db: &TestDatabase, id: &str) -> String {
    let id = uuid::Uuid::parse_str(id).unwrap();
    if db.backend == Backend::Sqlite {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let sql = "SELECT config FROM notification_channels WHERE id = $1";
        sqlx::query_scalar(sql).bind(id).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let sql = "SELECT config::text FROM notification_channels WHERE id = $1";
        sqlx::query_scalar(sql).bind(id).fetch_one(&pool).await.unwrap()
    }
}

/// Writes channel `id`'s `config` in clear, as versions before encryption did.
async fn store_in_clear(db: &TestDatabase, id: &str, config: &Value) {
    let id = uuid::Uuid::parse_str(id).unwrap();
    if db.backend == Backend::Sqlite {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let sql = "UPDATE notification_channels SET config = $2 WHERE id = $1";
        sqlx::query(sql).bind(id).bind(config.to_string()).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let sql = "UPDATE notification_channels SET config = $2::jsonb WHERE id = $1";
        sqlx::query(sql).bind(id).bind(config.to_string()).execute(&pool).await.unwrap();
    }
}

#[tokio::test]
async fn given_webhook_channel_then_its_settings_are_sealed_at_rest_and_deliveries_still_sign() {
    for db in all_databases().await {
        let (app, admin, _) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, secret) = webhook_channel(&app, &admin, &hook.url).await;

        let stored = stored_config(&db, &channel).await;
        assert!(stored.contains("enc1:"), "{}: stored in clear: {stored}", db.backend);
        assert!(!stored.contains(&secret) && !stored.contains(&hook.url), "{}: {stored}", db.backend);

        let path = format!("/api/v1/notification-channels/{channel}");
        let (s, got) = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!((s, got["config"]["url"].as_str()), (StatusCode::OK, Some(hook.url.as_str())), "{got}");
        let (s, b) = app.call(Method::POST, &format!("{path}/test"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}");
        worker(&app, worker_config()).run_once().await.unwrap();
        let sent = hook.accepted();
        assert_eq!(sent.len(), 1, "{}", db.backend);
        assert!(mgc_notify::verify_webhook_signature(
            &secret,
            &sent[0].header("x-mgc-timestamp"),
            &sent[0].body,
            &sent[0].header("x-mgc-signature")
        ));

        // A row from before encryption reads as it is until the start-up pass seals it.
        let legacy = "legacy-secret-legacy-secret-0001";
        store_in_clear(&db, &channel, &json!({"url": hook.url, "secret": legacy, "headers": {}})).await;
        assert!(stored_config(&db, &channel).await.contains(legacy));
        let report = app.store.seal_secrets(false).await.unwrap();
        assert!(report.sealed >= 1, "{}: {report:?}", db.backend);
        let stored = stored_config(&db, &channel).await;
        assert!(stored.contains("enc1:") && !stored.contains(legacy), "{}: {stored}", db.backend);
        let (s, got) = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!((s, got["config"]["url"].as_str()), (StatusCode::OK, Some(hook.url.as_str())), "{got}");
        assert_eq!(app.store.seal_secrets(false).await.unwrap().sealed, 0, "{}: sealed twice", db.backend);
    }
}
