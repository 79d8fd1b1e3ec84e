//! The SQLite writer connection is checked every time it goes back to its pool: it must be
//! outside any transaction, as SQLite sees it and as sqlx counts it, or it is discarded.
//!
//! Why: when a statement or a COMMIT fails with `SQLITE_FULL` or `SQLITE_IOERR`, SQLite may roll
//! the whole transaction back on its own. sqlx still counts the transaction as open (its
//! ROLLBACK then fails with "no transaction is active" and the count is never lowered), so the
//! next `BEGIN` it sends is a `SAVEPOINT`, the next rollback a `ROLLBACK TO` that leaves a
//! transaction open, and every later "commit" only releases a savepoint inside that transaction:
//! answered as committed, never written, lost when the process stops. A clean connection cannot
//! get there, and a dirty one is closed (SQLite rolls its transaction back) and replaced.

use futures_util::future::BoxFuture;
use sqlx::{Database, Sqlite, SqliteConnection, TransactionManager};

/// Whether the writer connection is outside any transaction; `false` makes the pool close it.
pub(crate) fn writer_is_clean(conn: &mut SqliteConnection) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(check(conn))
}

async fn check(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    // The worker runs commands in order, so a rollback queued for a dropped transaction has run
    // before this BEGIN, which fails only when SQLite is still inside a transaction.
    if let Err(e) = sqlx::query("BEGIN").execute(&mut *conn).await {
        tracing::error!(error = %e, "SQLite writer left inside a transaction; replacing the connection");
        metrics::counter!("mgc_db_writer_discarded_total").increment(1);
        return Ok(false);
    }
    sqlx::query("ROLLBACK").execute(&mut *conn).await?;
    let depth = <Sqlite as Database>::TransactionManager::get_transaction_depth(conn);
    if depth != 0 {
        tracing::error!(depth, "SQLite writer's transaction count diverged from SQLite; replacing the connection");
        metrics::counter!("mgc_db_writer_discarded_total").increment(1);
        return Ok(false);
    }
    Ok(true)
}
