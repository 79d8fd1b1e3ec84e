//! SQLite bulk path of telemetry writes: multi-row `INSERT ... RETURNING` statements of up to
//! [`ROWS_PER_STATEMENT`] points instead of one statement per point.

use crate::rows::{db_err, RowExt};
use crate::telemetry::value_json;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};
use mgc_telemetry::domain::stored::{StoreOutcome, StoredPoint};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per statement: 8 parameters each stays far below SQLite's limit of 32766.
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts new points, updates changed ones, skips identical ones; rows must be unique per
/// (device, point, ts).
pub(crate) async fn store_points(
    conn: &mut SqliteConnection,
    tenant: &TenantId,
    points: &[&StoredPoint],
    received_at: DateTime<Utc>,
) -> Result<StoreOutcome, RepoError> {
    let values = points.iter().map(|p| value_json(&p.value)).collect::<Result<Vec<_>, _>>()?;
    let index: HashMap<(Uuid, &str, DateTime<Utc>), usize> =
        points.iter().enumerate().map(|(i, p)| ((p.device_id.as_uuid(), p.point.as_str(), p.ts), i)).collect();
    let mut is_new = vec![false; points.len()];
    let mut start = 0;
    while start < points.len() {
        let end = (start + ROWS_PER_STATEMENT).min(points.len());
        let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
            "INSERT INTO telemetry_points (tenant_id, device_id, point, ts, num_value, value, raw_key, received_at) ",
        );
        q.push_values(start..end, |mut row, i| {
            let p = points[i];
            row.push_bind(tenant.as_str())
                .push_bind(p.device_id.as_uuid())
                .push_bind(p.point.as_str())
                .push_bind(p.ts)
                .push_bind(p.num_value)
                .push_bind(Json(&values[i]))
                .push_bind(p.raw_key.as_str())
                .push_bind(received_at);
        });
        q.push(" ON CONFLICT (tenant_id, device_id, point, ts) DO NOTHING RETURNING device_id, point, ts");
        for row in q.build().fetch_all(&mut *conn).await.map_err(db_err)? {
            let key = (row.uuid("device_id")?, row.text("point")?, row.time("ts")?);
            if let Some(&i) = index.get(&(key.0, key.1.as_str(), key.2)) {
                is_new[i] = true;
            }
        }
        start = end;
    }
    let mut outcome = StoreOutcome::default();
    // Keys that existed (usually none): the newer delivery wins when the value differs.
    let update = "UPDATE telemetry_points SET num_value = $5, value = $6, raw_key = $7, received_at = $8
                  WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts = $4 AND value <> $6";
    for (i, p) in points.iter().enumerate() {
        if is_new[i] {
            outcome.counts.new += 1;
            outcome.fresh.push(i);
            continue;
        }
        let updated = sqlx::query(update)
            .bind(tenant.as_str())
            .bind(p.device_id.as_uuid())
            .bind(p.point.as_str())
            .bind(p.ts)
            .bind(p.num_value)
            .bind(Json(&values[i]))
            .bind(p.raw_key.as_str())
            .bind(received_at)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?
            .rows_affected();
        if updated == 1 {
            outcome.counts.changed += 1;
            outcome.fresh.push(i);
            outcome.changed.push(i);
        } else {
            outcome.counts.duplicate += 1;
        }
    }
    Ok(outcome)
}

/// Moves the latest values forward for points unique per (device, point).
pub(crate) async fn advance_latest(
    conn: &mut SqliteConnection,
    tenant: &TenantId,
    points: &[&StoredPoint],
) -> Result<(), RepoError> {
    for chunk in points.chunks(ROWS_PER_STATEMENT) {
        let values = chunk.iter().map(|p| value_json(&p.value)).collect::<Result<Vec<_>, _>>()?;
        let mut q: QueryBuilder<'_, Sqlite> =
            QueryBuilder::new("INSERT INTO telemetry_latest (tenant_id, device_id, point, ts, num_value, value) ");
        q.push_values(chunk.iter().zip(&values), |mut row, (p, v)| {
            row.push_bind(tenant.as_str())
                .push_bind(p.device_id.as_uuid())
                .push_bind(p.point.as_str())
                .push_bind(p.ts)
                .push_bind(p.num_value)
                .push_bind(Json(v));
        });
        q.push(
            " ON CONFLICT (tenant_id, device_id, point) DO UPDATE SET ts = excluded.ts, num_value = excluded.num_value,
              value = excluded.value WHERE excluded.ts >= telemetry_latest.ts",
        );
        q.build().execute(&mut *conn).await.map_err(db_err)?;
    }
    Ok(())
}
