//! Secrets at rest through the real binary: integration secrets (and notification channel
//! settings) are sealed in the database
//! (never clear), signed ingest still verifies, a row stored in clear before is sealed at
//! start, `mgc secrets rotate` keeps everything readable, and a wrong master key stops the
//! start with a clear message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, mgc, post_telemetry, stdout_line, Server, MGC};
use mgc_tests::all_databases;
use serde_json::{json, Value};
use std::path::Path;

/// The stored `secret` column of the only integration.
async fn stored_secret(url: &str) -> String {
    let sql = "SELECT secret FROM integrations";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let s = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        s
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let s = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        s
    }
}

/// The stored `config` of the only notification channel, as text.
async fn stored_channel(url: &str) -> String {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let s = sqlx::query_scalar("SELECT config FROM notification_channels").fetch_one(&pool).await.unwrap();
        pool.close().await;
        s
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let s = sqlx::query_scalar("SELECT config::text FROM notification_channels").fetch_one(&pool).await.unwrap();
        pool.close().await;
        s
    }
}

/// Writes `secret` in clear, as versions before encryption did.
async fn store_in_clear(url: &str, secret: &str) {
    let sql = "UPDATE integrations SET secret = $1";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).bind(secret).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).bind(secret).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

fn ingest_ok(dir: &Path, url: &str, integration: &Value, n: i64) {
    let server = Server::start(dir, &["--database-url", url]);
    let ts = chrono::Utc::now().timestamp_millis() + n;
    let body = json!([{"device": "sim-9", "ts": ts, "values": {"P": n}}]).to_string();
    let (status, raw) = post_telemetry(&server.addr, integration, &body);
    assert_eq!(status, 200, "{raw}");
    assert!(server.stop().success());
}

#[tokio::test]
async fn given_integration_secret_then_sealed_at_rest_verifies_signatures_and_survives_rotation() {
    for db in all_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(dir.path(), &["--database-url", &db.url]);
        let token = stdout_line(&mgc(
            &["token", "--tenant", "default", "--role", "admin", "--database-url", &db.url],
            dir.path(),
        ));
        let bearer = format!("Bearer {token}");
        let (status, integration) =
            call(&server, "POST", "/api/v1/integrations", &bearer, Some(&json!({"name": "tb"})));
        assert_eq!(status, 201, "{integration}");
        let hook = json!({"name": "hook", "kind": "webhook", "config": {"url": "http://127.0.0.1:9/hook"}});
        let (status, channel) = call(&server, "POST", "/api/v1/notification-channels", &bearer, Some(&hook));
        assert_eq!(status, 201, "{channel}");
        assert!(server.stop().success());
        let secret = integration["secret"].as_str().unwrap().to_owned();

        let sealed = stored_secret(&db.url).await;
        assert!(sealed.starts_with("enc1:") && !sealed.contains(&secret), "{}: stored {sealed}", db.backend);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("master-key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        ingest_ok(dir.path(), &db.url, &integration, 1);

        // A row stored in clear (before this version) is sealed at the next start.
        store_in_clear(&db.url, &secret).await;
        assert!(stdout_line(&mgc(&["migrate", "--database-url", &db.url], dir.path())).contains("migrations"));
        assert!(stored_secret(&db.url).await.starts_with("enc1:"), "{}: clear row left clear", db.backend);

        let out = mgc(&["secrets", "rotate", "--database-url", &db.url], dir.path());
        assert!(out.status.success(), "{}: {}", db.backend, String::from_utf8_lossy(&out.stderr));
        let keys = std::fs::read_to_string(dir.path().join("master-key")).unwrap();
        assert_eq!(keys.lines().count(), 2, "new key first, old one kept");
        let resealed = stored_secret(&db.url).await;
        assert_ne!(resealed.split(':').nth(1), sealed.split(':').nth(1), "{}: not under the new key", db.backend);
        ingest_ok(dir.path(), &db.url, &integration, 2);
        let new_key = resealed.split(':').nth(1).unwrap();
        let channel_config = stored_channel(&db.url).await;
        assert!(channel_config.contains(&format!("enc1:{new_key}:")), "{}: {channel_config}", db.backend);
        assert!(!channel_config.contains("127.0.0.1:9"), "{}: {channel_config}", db.backend);

        let wrong = "00".repeat(32);
        let out = std::process::Command::new(MGC)
            .args(["migrate", "--database-url", &db.url, "--data-dir"])
            .arg(dir.path())
            .env("MGC_MASTER_KEY", &wrong)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: started with a wrong master key", db.backend);
        assert!(stderr.contains("not among the configured master keys"), "{}: {stderr}", db.backend);
        assert!(!stderr.contains(&secret), "the secret leaked: {stderr}");
    }
}
