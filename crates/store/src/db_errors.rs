//! Which database errors mean "storage cannot take work now" (retry later) rather than a fault.

use mgc_kernel::RepoError;

/// Maps a sqlx error to a repository error: unique violations become conflicts, an unreachable,
/// full, locked or shut-down database becomes [`RepoError::Unavailable`], the rest a backend error.
pub(crate) fn db_err(e: sqlx::Error) -> RepoError {
    if let Some(db) = e.as_database_error() {
        if db.is_unique_violation() {
            return RepoError::Conflict(db.message().to_owned());
        }
        let unavailable = match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            Some(pg) => pg_state_means_unavailable(pg.code()),
            None => db.code().is_some_and(|code| sqlite_code_means_unavailable(&code)),
        };
        if unavailable {
            return RepoError::Unavailable(db.message().to_owned());
        }
        return RepoError::Backend(e.to_string());
    }
    match e {
        sqlx::Error::PoolTimedOut => {
            RepoError::Unavailable("no database connection became free in time (database slow or unreachable)".into())
        }
        sqlx::Error::PoolClosed => RepoError::Unavailable("the database pool is closed (shutting down)".into()),
        sqlx::Error::Io(io) => RepoError::Unavailable(format!("database connection failed: {io}")),
        sqlx::Error::Tls(tls) => RepoError::Unavailable(format!("database connection failed: {tls}")),
        sqlx::Error::WorkerCrashed => RepoError::Unavailable("the SQLite connection worker stopped".into()),
        other => RepoError::Backend(other.to_string()),
    }
}

/// SQLite result codes (numeric, primary code in the low byte) that say the database cannot do
/// the work now, through no fault of the request: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL,
/// CANTOPEN.
fn sqlite_code_means_unavailable(code: &str) -> bool {
    code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14))
}

/// PostgreSQL SQLSTATEs that say the same.
fn pg_state_means_unavailable(code: &str) -> bool {
    // 08: connection exception; 53: insufficient resources (disk full, out of memory, too many
    // connections); 57P01-57P03: admin/crash shutdown, cannot connect now; 58: system I/O error.
    code.starts_with("08") || code.starts_with("53") || code.starts_with("57P") || code.starts_with("58")
}

#[cfg(test)]
mod tests {
    use super::{pg_state_means_unavailable, sqlite_code_means_unavailable};

    #[test]
    fn given_sqlite_codes_when_classified_then_full_busy_and_io_errors_are_unavailable() {
        for code in ["13", "5", "6", "10", "778", "3338", "8", "14"] {
            assert!(sqlite_code_means_unavailable(code), "{code}");
        }
        for code in ["19", "2067", "1", "20"] {
            assert!(!sqlite_code_means_unavailable(code), "{code}");
        }
    }

    #[test]
    fn given_postgres_states_when_classified_then_connection_and_resource_states_are_unavailable() {
        for code in ["08006", "08001", "53100", "53300", "57P01", "57P03", "58030"] {
            assert!(pg_state_means_unavailable(code), "{code}");
        }
        for code in ["23505", "22P02", "42P01", "40001", "25P02"] {
            assert!(!pg_state_means_unavailable(code), "{code}");
        }
    }
}
