//! Telemetry housekeeping: daily partitions created ahead on PostgreSQL, and retention
//! (dropping whole old partitions on PostgreSQL, deleting old rows on SQLite).

use crate::db::Db;
use crate::rows::db_err;
use crate::Store;
use chrono::{DateTime, Days, NaiveDate, Utc};
use mgc_kernel::RepoError;

fn partition_name(day: NaiveDate) -> String {
    format!("telemetry_points_{}", day.format("%Y%m%d"))
}

fn day_of_partition(name: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(name.strip_prefix("telemetry_points_")?, "%Y%m%d").ok()
}

impl Store {
    /// Creates the daily partitions (UTC days) `first ..= first + days` that do not exist yet;
    /// returns how many were created. A day whose rows already sit in the default partition is
    /// skipped with a warning (its rows stay queryable there). SQLite: nothing to do.
    pub async fn ensure_telemetry_partitions(&self, first: NaiveDate, days: u32) -> Result<u32, RepoError> {
        let Db::Postgres { pool } = &self.inner.db else { return Ok(0) };
        let mut created = 0;
        for offset in 0..=u64::from(days) {
            let Some(day) = first.checked_add_days(Days::new(offset)) else { break };
            let Some(next) = day.succ_opt() else { break };
            let name = partition_name(day);
            let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = $1)")
                .bind(&name)
                .fetch_one(pool)
                .await
                .map_err(db_err)?;
            if exists {
                continue;
            }
            let sql = format!(
                "CREATE TABLE IF NOT EXISTS {name} PARTITION OF telemetry_points FOR VALUES FROM ('{day} 00:00:00+00') TO ('{next} 00:00:00+00')"
            );
            match sqlx::query(&sql).execute(pool).await {
                Ok(_) => created += 1,
                Err(e) => {
                    tracing::warn!(partition = %name, error = %e, "telemetry partition not created; its rows stay in the default partition")
                }
            }
        }
        Ok(created)
    }

    /// Removes telemetry older than `cutoff`: whole daily partitions that end at or before it
    /// and older rows of the default partition (PostgreSQL), or old rows (SQLite). Returns the
    /// partitions dropped (PostgreSQL) or rows deleted (SQLite).
    pub async fn purge_telemetry_before(&self, cutoff: DateTime<Utc>) -> Result<u64, RepoError> {
        match &self.inner.db {
            Db::Sqlite { write, .. } => Ok(sqlx::query("DELETE FROM telemetry_points WHERE ts < $1")
                .bind(cutoff)
                .execute(write)
                .await
                .map_err(db_err)?
                .rows_affected()),
            Db::Postgres { pool } => {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'telemetry_points'",
                )
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
                let mut dropped = 0;
                for name in names {
                    let ends = day_of_partition(&name).and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0));
                    if ends.is_some_and(|end| end.and_utc() <= cutoff) {
                        sqlx::query(&format!("DROP TABLE IF EXISTS {name}")).execute(pool).await.map_err(db_err)?;
                        dropped += 1;
                    }
                }
                sqlx::query("DELETE FROM telemetry_points_default WHERE ts < $1")
                    .bind(cutoff)
                    .execute(pool)
                    .await
                    .map_err(db_err)?;
                Ok(dropped)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_day_when_named_then_parses_back_and_foreign_names_are_ignored() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        assert_eq!(partition_name(d), "telemetry_points_20260301");
        assert_eq!(day_of_partition(&partition_name(d)), Some(d));
        assert_eq!(day_of_partition("telemetry_points_default"), None);
        assert_eq!(day_of_partition("other_20260301"), None);
    }
}
