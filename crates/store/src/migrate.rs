//! Embedded migrations per backend, applied at `serve` start and by `mgc migrate`.

use crate::db::Db;
use crate::rows::db_err;
use crate::Store;
use mgc_kernel::RepoError;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

/// (version, description, SQL) of every SQLite migration, in order.
const SQLITE: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../../../migrations/sqlite/0001_foundation.sql")),
    (2, "masterdata_telemetry", include_str!("../../../migrations/sqlite/0002_masterdata_telemetry.sql")),
    (3, "ingest_signature_purge", include_str!("../../../migrations/sqlite/0003_ingest_signature_purge.sql")),
    (4, "analytics", include_str!("../../../migrations/sqlite/0004_analytics.sql")),
    (5, "settlement", include_str!("../../../migrations/sqlite/0005_settlement.sql")),
    (6, "alarms_notifications", include_str!("../../../migrations/sqlite/0006_alarms_notifications.sql")),
    (7, "commands", include_str!("../../../migrations/sqlite/0007_commands.sql")),
    (8, "strategy", include_str!("../../../migrations/sqlite/0008_strategy.sql")),
    (9, "shadow_runs", include_str!("../../../migrations/sqlite/0009_shadow_runs.sql")),
    (10, "devices_tb_unique", include_str!("../../../migrations/sqlite/0010_devices_tb_unique.sql")),
    (11, "analytics_meter_carries", include_str!("../../../migrations/sqlite/0011_analytics_meter_carries.sql")),
    (12, "charging", include_str!("../../../migrations/sqlite/0012_charging.sql")),
    (13, "api_key_station_scope", include_str!("../../../migrations/sqlite/0013_api_key_station_scope.sql")),
    (14, "signature_v2", include_str!("../../../migrations/sqlite/0014_signature_v2.sql")),
    (15, "command_queue_until_online", include_str!("../../../migrations/sqlite/0015_command_queue_until_online.sql")),
    (16, "ocpp_device_reports", include_str!("../../../migrations/sqlite/0016_ocpp_device_reports.sql")),
];

/// (version, description, SQL) of every PostgreSQL migration, in order.
const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../../../migrations/postgres/0001_foundation.sql")),
    (2, "masterdata_telemetry", include_str!("../../../migrations/postgres/0002_masterdata_telemetry.sql")),
    (3, "ingest_signature_purge", include_str!("../../../migrations/postgres/0003_ingest_signature_purge.sql")),
    (4, "analytics", include_str!("../../../migrations/postgres/0004_analytics.sql")),
    (5, "settlement", include_str!("../../../migrations/postgres/0005_settlement.sql")),
    (6, "alarms_notifications", include_str!("../../../migrations/postgres/0006_alarms_notifications.sql")),
    (7, "commands", include_str!("../../../migrations/postgres/0007_commands.sql")),
    (8, "strategy", include_str!("../../../migrations/postgres/0008_strategy.sql")),
    (9, "shadow_runs", include_str!("../../../migrations/postgres/0009_shadow_runs.sql")),
    (10, "devices_tb_unique", include_str!("../../../migrations/postgres/0010_devices_tb_unique.sql")),
    (11, "analytics_meter_carries", include_str!("../../../migrations/postgres/0011_analytics_meter_carries.sql")),
    (12, "charging", include_str!("../../../migrations/postgres/0012_charging.sql")),
    (13, "api_key_station_scope", include_str!("../../../migrations/postgres/0013_api_key_station_scope.sql")),
    (14, "signature_v2", include_str!("../../../migrations/postgres/0014_signature_v2.sql")),
    (
        15,
        "command_queue_until_online",
        include_str!("../../../migrations/postgres/0015_command_queue_until_online.sql"),
    ),
    (16, "ocpp_device_reports", include_str!("../../../migrations/postgres/0016_ocpp_device_reports.sql")),
];

fn migrator(list: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = list
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(*version, Cow::Borrowed(*description), MigrationType::Simple, Cow::Borrowed(*sql), false)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ignore_missing: false, locking: true, no_tx: false }
}

/// Which migrations the database has and which this build would apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Versions recorded as applied in the database.
    pub applied: Vec<i64>,
    /// Versions this build embeds.
    pub known: Vec<i64>,
}

impl MigrationStatus {
    /// True when every known migration is applied.
    pub fn up_to_date(&self) -> bool {
        self.known.iter().all(|v| self.applied.contains(v))
    }
}

impl Store {
    /// Applies pending migrations; refuses a database changed by a newer or edited migration.
    pub async fn migrate(&self) -> Result<MigrationStatus, RepoError> {
        let result = match &self.inner.db {
            Db::Sqlite { write, .. } => migrator(SQLITE).run(write).await,
            Db::Postgres { pool } => migrator(POSTGRES).run(pool).await,
        };
        result.map_err(|e| RepoError::Backend(format!("migration failed: {e}")))?;
        self.migration_status().await
    }

    /// Reads the applied migration versions.
    pub async fn migration_status(&self) -> Result<MigrationStatus, RepoError> {
        let known = match self.backend() {
            crate::Backend::Sqlite => SQLITE,
            crate::Backend::Postgres => POSTGRES,
        }
        .iter()
        .map(|m| m.0)
        .collect();
        let sql = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let applied: Result<Vec<i64>, _> = on_read!(self, p => {
            sqlx::query_scalar::<_, i64>(sql).fetch_all(p).await
        });
        let applied = match applied {
            Ok(v) => v,
            Err(e) if is_missing_table(&e) => Vec::new(),
            Err(e) => return Err(db_err(e)),
        };
        Ok(MigrationStatus { applied, known })
    }
}

fn is_missing_table(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        let m = d.message();
        m.contains("no such table") || m.contains("does not exist")
    })
}
