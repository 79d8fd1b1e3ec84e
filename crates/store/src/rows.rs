//! Typed column access that reads the same way from SQLite and PostgreSQL rows.

use chrono::{DateTime, Utc};
use mgc_kernel::RepoError;
use sqlx::Row;
use uuid::Uuid;

pub(crate) use crate::db_errors::db_err;

/// Column getters shared by both backends' rows.
pub(crate) trait RowExt {
    fn uuid(&self, col: &str) -> Result<Uuid, RepoError>;
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, RepoError>;
    fn text(&self, col: &str) -> Result<String, RepoError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, RepoError>;
    fn time(&self, col: &str) -> Result<DateTime<Utc>, RepoError>;
    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, RepoError>;
    fn int(&self, col: &str) -> Result<i64, RepoError>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, RepoError>;
    fn json(&self, col: &str) -> Result<serde_json::Value, RepoError>;
    fn opt_text_json(&self, col: &str) -> Result<Option<serde_json::Value>, RepoError>;
    fn float(&self, col: &str) -> Result<f64, RepoError>;
    fn opt_float(&self, col: &str) -> Result<Option<f64>, RepoError>;
    fn boolean(&self, col: &str) -> Result<bool, RepoError>;
}

macro_rules! impl_row_ext {
    ($row:ty) => {
        impl RowExt for $row {
            fn uuid(&self, col: &str) -> Result<Uuid, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn text(&self, col: &str) -> Result<String, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn time(&self, col: &str) -> Result<DateTime<Utc>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn int(&self, col: &str) -> Result<i64, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn float(&self, col: &str) -> Result<f64, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_float(&self, col: &str) -> Result<Option<f64>, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn boolean(&self, col: &str) -> Result<bool, RepoError> {
                self.try_get(col).map_err(db_err)
            }
            fn json(&self, col: &str) -> Result<serde_json::Value, RepoError> {
                self.try_get::<sqlx::types::Json<serde_json::Value>, _>(col).map(|j| j.0).map_err(db_err)
            }
            fn opt_text_json(&self, col: &str) -> Result<Option<serde_json::Value>, RepoError> {
                self.try_get::<Option<sqlx::types::Json<serde_json::Value>>, _>(col)
                    .map(|j| j.map(|j| j.0))
                    .map_err(db_err)
            }
        }
    };
}

impl_row_ext!(sqlx::sqlite::SqliteRow);
impl_row_ext!(sqlx::postgres::PgRow);

/// Parses an opaque page cursor (the last id of the previous page).
pub(crate) fn parse_cursor(cursor: Option<&str>) -> Result<Option<Uuid>, RepoError> {
    cursor
        .map(|c| {
            Uuid::parse_str(c).map_err(|_| RepoError::Invalid(format!("cursor '{c}' is not one this service returned")))
        })
        .transpose()
}

/// Parses a stored tenant id.
pub(crate) fn tenant_of(r: &impl RowExt) -> Result<mgc_kernel::TenantId, RepoError> {
    mgc_kernel::TenantId::parse(&r.text("tenant_id")?).map_err(|e| RepoError::Backend(e.to_string()))
}

/// Converts a stored integer to u32, rejecting corrupt values instead of wrapping.
pub(crate) fn to_u32(v: i64, what: &str) -> Result<u32, RepoError> {
    u32::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

/// Positional column getters for hot list queries (no column-name lookup per value).
pub(crate) trait RowAt {
    fn int_at(&self, i: usize) -> Result<i64, RepoError>;
    fn float_at(&self, i: usize) -> Result<f64, RepoError>;
    fn text_at(&self, i: usize) -> Result<String, RepoError>;
    fn opt_text_at(&self, i: usize) -> Result<Option<String>, RepoError>;
    fn time_at(&self, i: usize) -> Result<DateTime<Utc>, RepoError>;
    fn boolean_at(&self, i: usize) -> Result<bool, RepoError>;
}

macro_rules! impl_row_at {
    ($row:ty) => {
        impl RowAt for $row {
            fn int_at(&self, i: usize) -> Result<i64, RepoError> {
                self.try_get(i).map_err(db_err)
            }
            fn float_at(&self, i: usize) -> Result<f64, RepoError> {
                self.try_get(i).map_err(db_err)
            }
            fn text_at(&self, i: usize) -> Result<String, RepoError> {
                self.try_get(i).map_err(db_err)
            }
            fn opt_text_at(&self, i: usize) -> Result<Option<String>, RepoError> {
                self.try_get(i).map_err(db_err)
            }
            fn time_at(&self, i: usize) -> Result<DateTime<Utc>, RepoError> {
                self.try_get(i).map_err(db_err)
            }
            fn boolean_at(&self, i: usize) -> Result<bool, RepoError> {
                self.try_get(i).map_err(db_err)
            }
        }
    };
}

impl_row_at!(sqlx::sqlite::SqliteRow);
impl_row_at!(sqlx::postgres::PgRow);
