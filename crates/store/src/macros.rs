//! Macros that compile one block of SQL code once per backend.

/// Runs `$body` with `$c` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); the block is type-checked for both backends.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::tx::TxConn::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::tx::TxConn::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// Runs `$body` with `$p` bound to the pool for reads.
macro_rules! on_read {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.inner.db {
            $crate::db::Db::Sqlite { read, .. } => {
                let $p = read;
                $body
            }
            $crate::db::Db::Postgres { pool } => {
                let $p = pool;
                $body
            }
        }
    };
}

/// Runs `$body` with `$p` bound to the pool for single-statement writes outside a unit of work.
macro_rules! on_write {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.inner.db {
            $crate::db::Db::Sqlite { write, .. } => {
                let $p = write;
                $body
            }
            $crate::db::Db::Postgres { pool } => {
                let $p = pool;
                $body
            }
        }
    };
}
