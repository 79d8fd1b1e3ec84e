//! Self-test of the `mgc-tests` harness: every database it hands out is real, fresh and usable.

// Test code: a failed step should fail the test right there, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mgc_tests::{all_databases, postgres_database, Backend, TestDatabase};
use sqlx::{PgPool, SqlitePool};

/// The database name at the end of a PostgreSQL URL.
fn database_name(db: &TestDatabase) -> &str {
    let path = db.url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap()
}

async fn exercise_postgres(url: &str) {
    let pool = PgPool::connect(url).await.unwrap();
    let two: i32 = sqlx::query_scalar("SELECT 1 + 1").fetch_one(&pool).await.unwrap();
    assert_eq!(two, 2);
    // A fresh database has no tables of its own.
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(tables, 0);
    sqlx::query("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL)").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO t (id, name) VALUES ($1, $2)").bind(7_i64).bind("seven").execute(&pool).await.unwrap();
    let name: String =
        sqlx::query_scalar("SELECT name FROM t WHERE id = $1").bind(7_i64).fetch_one(&pool).await.unwrap();
    assert_eq!(name, "seven");
    pool.close().await;
}

async fn exercise_sqlite(url: &str) {
    let pool = SqlitePool::connect(url).await.unwrap();
    let two: i32 = sqlx::query_scalar("SELECT 1 + 1").fetch_one(&pool).await.unwrap();
    assert_eq!(two, 2);
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetch_one(&pool).await.unwrap();
    assert_eq!(tables, 0);
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO t (id, name) VALUES (?, ?)").bind(7_i64).bind("seven").execute(&pool).await.unwrap();
    let name: String =
        sqlx::query_scalar("SELECT name FROM t WHERE id = ?").bind(7_i64).fetch_one(&pool).await.unwrap();
    assert_eq!(name, "seven");
    pool.close().await;
}

#[tokio::test]
async fn every_database_is_fresh_and_usable() {
    let databases = all_databases().await;
    assert_eq!(databases[0].backend, Backend::Sqlite, "sqlite comes first");
    assert!(databases.len() <= 2);
    for db in &databases {
        eprintln!("checking {} database {}", db.backend, db.url);
        match db.backend {
            Backend::Sqlite => {
                assert!(db.url.starts_with("sqlite://") && db.url.ends_with("/test.db?mode=rwc"));
                exercise_sqlite(&db.url).await;
            }
            Backend::Postgres => exercise_postgres(&db.url).await,
        }
    }
}

#[tokio::test]
async fn each_postgres_database_is_a_new_one() {
    let Some(first) = postgres_database().await else {
        eprintln!("no PostgreSQL: skipped");
        return;
    };
    let second = postgres_database().await.expect("PostgreSQL was available a moment ago");
    assert_eq!(first.backend, Backend::Postgres);
    assert_ne!(database_name(&first), database_name(&second));
    assert!(database_name(&first).starts_with("mgc_test_"));
    // Each is usable, and the table of one is not in the other.
    exercise_postgres(&first.url).await;
    exercise_postgres(&second.url).await;
}

#[tokio::test]
async fn sqlite_databases_are_separate_files() {
    let first = mgc_tests::sqlite_database().await;
    let second = mgc_tests::sqlite_database().await;
    assert_ne!(first.url, second.url);
    exercise_sqlite(&first.url).await;
    exercise_sqlite(&second.url).await;
}
