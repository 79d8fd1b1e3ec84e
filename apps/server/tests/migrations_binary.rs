//! Migration checksums through the real binary: an applied migration whose SQL text changed
//! stops `mgc migrate` and `mgc serve` with a message naming it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{mgc, stdout_line, MGC};
use mgc_tests::all_databases;

/// Changes the recorded checksum of migration 3, as if its file had been edited after it ran.
async fn tamper_checksum(url: &str) {
    let sql = "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 3";
    let other = vec![0u8; 48];
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        assert_eq!(sqlx::query(sql).bind(other).execute(&pool).await.unwrap().rows_affected(), 1);
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        assert_eq!(sqlx::query(sql).bind(other).execute(&pool).await.unwrap().rows_affected(), 1);
        pool.close().await;
    }
}

#[tokio::test]
async fn given_applied_migration_whose_text_changed_when_migrate_or_serve_then_refused_naming_it() {
    for db in all_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let out = mgc(&["migrate", "--database-url", &db.url], dir.path());
        assert!(stdout_line(&out).contains("migrations applied"), "{}", db.backend);
        tamper_checksum(&db.url).await;

        let out = mgc(&["migrate", "--database-url", &db.url], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: migrate accepted an edited migration", db.backend);
        assert!(stderr.contains("0003_ingest_signature_purge.sql"), "{}: {stderr}", db.backend);
        assert!(stderr.contains("different SQL text"), "{}: {stderr}", db.backend);

        let out = std::process::Command::new(MGC)
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db.url, "--data-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: serve started on an edited migration", db.backend);
        assert!(stderr.contains("0003_ingest_signature_purge.sql"), "{}: {stderr}", db.backend);
    }
}
