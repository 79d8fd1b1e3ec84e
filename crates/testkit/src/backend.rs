//! The kinds of database the harness provides and the handle it returns.

use std::fmt;

use tempfile::TempDir;

/// A database engine the workspace supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, as a file database.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A fresh, empty database for one test; keep it alive as long as the test uses the database.
#[derive(Debug)]
pub struct TestDatabase {
    /// Which engine the database runs on.
    pub backend: Backend,
    /// The connection URL (`sqlite://…?mode=rwc` or `postgres://…/<fresh database>`).
    pub url: String,
    /// Keeps a SQLite database's temporary directory alive (deleted on drop).
    _dir: Option<TempDir>,
}

impl TestDatabase {
    pub(crate) fn new(backend: Backend, url: String, dir: Option<TempDir>) -> Self {
        Self { backend, url, _dir: dir }
    }

    /// Another way to reach a database that something else keeps alive (a proxy in front of a
    /// harness database, say).
    pub fn external(backend: Backend, url: String) -> Self {
        Self { backend, url, _dir: None }
    }
}
