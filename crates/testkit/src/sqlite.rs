//! Fresh SQLite file databases.

use crate::backend::{Backend, TestDatabase};

/// A fresh SQLite file database in a new temporary directory (`sqlite://<dir>/test.db?mode=rwc`).
pub async fn sqlite_database() -> TestDatabase {
    let dir = tempfile::Builder::new()
        .prefix("mgc-test-sqlite-")
        .tempdir()
        .expect("test harness: cannot create a temporary directory for a SQLite database");
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    TestDatabase::new(Backend::Sqlite, url, Some(dir))
}
