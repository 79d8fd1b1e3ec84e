//! The store's fault-injection switches, used by the durability tests (see [`crate::Store`]).

use crate::db::Db;
use crate::rows::db_err;
use crate::Store;
use mgc_kernel::RepoError;
use sqlx::Row;
use std::sync::atomic::Ordering;

/// SQLite's largest page limit: what `max_page_count` is when nothing limits it.
const SQLITE_NO_PAGE_LIMIT: u32 = 4_294_967_294;

impl Store {
    /// Test support: on SQLite, makes the database file unable to grow (`full = true`: every write
    /// that needs a new page fails with `database or disk is full`), or lifts that again. The limit
    /// also applies to writer connections opened later, so a reconnect does not lift it. No-op on
    /// PostgreSQL.
    #[doc(hidden)]
    pub async fn inject_sqlite_disk_full(&self, full: bool) -> Result<(), RepoError> {
        let Db::Sqlite { write, .. } = &self.inner.db else { return Ok(()) };
        let limit = if full {
            let row = sqlx::query("PRAGMA page_count").fetch_one(write).await.map_err(db_err)?;
            let pages: i64 = row.try_get(0).map_err(db_err)?;
            u32::try_from(pages.max(1)).unwrap_or(SQLITE_NO_PAGE_LIMIT)
        } else {
            SQLITE_NO_PAGE_LIMIT
        };
        self.inner.faults.sqlite_page_limit.store(if full { limit } else { 0 }, Ordering::SeqCst);
        sqlx::query(&format!("PRAGMA max_page_count = {limit}")).execute(write).await.map_err(db_err)?;
        Ok(())
    }

    /// Test support: the next `n` unit-of-work commits roll back instead and fail as `storage
    /// unavailable` (both backends).
    #[doc(hidden)]
    pub fn inject_commit_failures(&self, n: u64) {
        self.inner.faults.fail_next_commits(n);
    }

    /// Test support: from now on every `n`th unit-of-work commit rolls back and fails (0 stops it).
    #[doc(hidden)]
    pub fn inject_commit_failure_every(&self, n: u64) {
        self.inner.faults.fail_every_nth_commit(n);
    }
}
