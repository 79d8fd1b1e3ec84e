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
    (17, "tenant_disabled", include_str!("../../../migrations/sqlite/0017_tenant_disabled.sql")),
    (18, "cluster_connections", include_str!("../../../migrations/sqlite/0018_cluster_connections.sql")),
    (19, "charge_orders", include_str!("../../../migrations/sqlite/0019_charge_orders.sql")),
    (20, "charging_timeline", include_str!("../../../migrations/sqlite/0020_charging_timeline.sql")),
    (21, "charge_order_sessions", include_str!("../../../migrations/sqlite/0021_charge_order_sessions.sql")),
    (22, "platform_subscriptions", include_str!("../../../migrations/sqlite/0022_platform_subscriptions.sql")),
    (23, "collector_checkpoints", include_str!("../../../migrations/sqlite/0023_collector_checkpoints.sql")),
    (24, "alarm_derived_points", include_str!("../../../migrations/sqlite/0024_alarm_derived_points.sql")),
    (25, "station_stats_revisions", include_str!("../../../migrations/sqlite/0025_station_stats_revisions.sql")),
    (26, "charger_type", include_str!("../../../migrations/sqlite/0026_charger_type.sql")),
    (
        27,
        "notification_deliveries_open_seq",
        include_str!("../../../migrations/sqlite/0027_notification_deliveries_open_seq.sql"),
    ),
    (28, "commands_device", include_str!("../../../migrations/sqlite/0028_commands_device.sql")),
    (
        29,
        "notification_deliveries_open_order",
        include_str!("../../../migrations/sqlite/0029_notification_deliveries_open_order.sql"),
    ),
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
    (17, "tenant_disabled", include_str!("../../../migrations/postgres/0017_tenant_disabled.sql")),
    (18, "cluster_connections", include_str!("../../../migrations/postgres/0018_cluster_connections.sql")),
    (19, "charge_orders", include_str!("../../../migrations/postgres/0019_charge_orders.sql")),
    (20, "charging_timeline", include_str!("../../../migrations/postgres/0020_charging_timeline.sql")),
    (21, "charge_order_sessions", include_str!("../../../migrations/postgres/0021_charge_order_sessions.sql")),
    (22, "platform_subscriptions", include_str!("../../../migrations/postgres/0022_platform_subscriptions.sql")),
    (23, "collector_checkpoints", include_str!("../../../migrations/postgres/0023_collector_checkpoints.sql")),
    (24, "alarm_derived_points", include_str!("../../../migrations/postgres/0024_alarm_derived_points.sql")),
    (25, "station_stats_revisions", include_str!("../../../migrations/postgres/0025_station_stats_revisions.sql")),
    (26, "charger_type", include_str!("../../../migrations/postgres/0026_charger_type.sql")),
    (
        27,
        "notification_deliveries_open_seq",
        include_str!("../../../migrations/postgres/0027_notification_deliveries_open_seq.sql"),
    ),
    (28, "commands_device", include_str!("../../../migrations/postgres/0028_commands_device.sql")),
    (
        29,
        "notification_deliveries_open_order",
        include_str!("../../../migrations/postgres/0029_notification_deliveries_open_order.sql"),
    ),
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
        result.map_err(|e| RepoError::Backend(MigrationRefused::from_sqlx(e, self.embedded()).to_string()))?;
        self.migration_status().await
    }

    fn embedded(&self) -> (&'static [(i64, &'static str, &'static str)], &'static str) {
        match self.backend() {
            crate::Backend::Sqlite => (SQLITE, "sqlite"),
            crate::Backend::Postgres => (POSTGRES, "postgres"),
        }
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

/// Why the migrations were not applied, naming the migration concerned.
#[derive(Debug, thiserror::Error)]
enum MigrationRefused {
    /// An applied migration's SQL text differs from the text this build embeds.
    #[error("refusing to start: migration {file} was applied to this database with a different SQL text (its checksum in _sqlx_migrations does not match this build); an applied migration must never be edited: restore migrations/{dir}/{file} as it was applied and put the change in a new migration")]
    Changed { file: String, dir: &'static str },
    /// The database has a migration this build does not know (written by a newer build).
    #[error("refusing to start: the database has migration {version} applied, which this build does not know (it was migrated by a newer version of mgc); run that version or restore a backup")]
    Unknown { version: i64 },
    /// A migration failed half-way before (PostgreSQL runs each in a transaction; SQLite too).
    #[error("refusing to start: migration {file} is recorded as failed (dirty); repair the database by hand and delete its row in _sqlx_migrations")]
    Dirty { file: String },
    /// Anything else (SQL error, connection lost).
    #[error("migration failed: {0}")]
    Other(sqlx::migrate::MigrateError),
}

impl MigrationRefused {
    fn from_sqlx(e: sqlx::migrate::MigrateError, (list, dir): (&[(i64, &str, &str)], &'static str)) -> Self {
        use sqlx::migrate::MigrateError as E;
        let file = |version: i64| match list.iter().find(|m| m.0 == version) {
            Some((v, description, _)) => format!("{v:04}_{description}.sql"),
            None => format!("{version:04}"),
        };
        match e {
            E::VersionMismatch(v) => Self::Changed { file: file(v), dir },
            E::VersionMissing(version) => Self::Unknown { version },
            E::Dirty(v) => Self::Dirty { file: file(v) },
            other => Self::Other(other),
        }
    }
}

fn is_missing_table(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        let m = d.message();
        m.contains("no such table") || m.contains("does not exist")
    })
}
