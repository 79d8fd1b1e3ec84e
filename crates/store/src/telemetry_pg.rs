//! PostgreSQL bulk path of telemetry writes: one `UNNEST` statement per batch instead of a
//! statement per point (SQLite, in process, keeps the simple per-row statements).

use crate::rows::db_err;
use crate::telemetry::value_json;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};
use mgc_telemetry::domain::stored::{StoreCounts, StoreOutcome, StoredPoint};
use sqlx::{PgConnection, Row};
use std::collections::HashMap;
use uuid::Uuid;

struct Columns<'a> {
    devices: Vec<Uuid>,
    points: Vec<&'a str>,
    ts: Vec<DateTime<Utc>>,
    nums: Vec<Option<f64>>,
    values: Vec<String>,
}

fn columns<'a>(points: impl Iterator<Item = &'a StoredPoint>, n: usize) -> Result<Columns<'a>, RepoError> {
    let mut c = Columns {
        devices: Vec::with_capacity(n),
        points: Vec::with_capacity(n),
        ts: Vec::with_capacity(n),
        nums: Vec::with_capacity(n),
        values: Vec::with_capacity(n),
    };
    for p in points {
        c.devices.push(p.device_id.as_uuid());
        c.points.push(p.point.as_str());
        c.ts.push(p.ts);
        c.nums.push(p.num_value);
        c.values.push(value_json(&p.value)?.to_string());
    }
    Ok(c)
}

/// Inserts new points, updates changed ones, skips identical ones; rows of one batch must be
/// unique per (device, point, ts) (see `last_per_key`).
pub(crate) async fn store_points(
    conn: &mut PgConnection,
    tenant: &TenantId,
    points: &[&StoredPoint],
    received_at: DateTime<Utc>,
) -> Result<StoreOutcome, RepoError> {
    if points.is_empty() {
        return Ok(StoreOutcome::default());
    }
    if crate::telemetry_pg_copy::copy_if_all_new(conn, tenant, points, received_at).await? {
        let counts = StoreCounts { new: points.len() as u64, ..StoreCounts::default() };
        return Ok(StoreOutcome { counts, fresh: (0..points.len()).collect(), changed: Vec::new() });
    }
    // Small batches, or some keys exist: 1. new keys; 2. only for keys that already existed,
    // rows whose value differs.
    let insert = "INSERT INTO telemetry_points (tenant_id, device_id, point, ts, num_value, value, raw_key, received_at)
                  SELECT $1, u.d, u.p, u.t, u.n, u.v::jsonb, u.r, $8
                  FROM UNNEST($2::uuid[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[], $7::text[]) AS u(d, p, t, n, v, r)
                  ON CONFLICT (tenant_id, device_id, point, ts) DO NOTHING
                  RETURNING device_id, point, ts";
    let update = "UPDATE telemetry_points AS t
                  SET num_value = u.n, value = u.v::jsonb, raw_key = u.r, received_at = $8
                  FROM UNNEST($2::uuid[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[], $7::text[]) AS u(d, p, t, n, v, r)
                  WHERE t.tenant_id = $1 AND t.device_id = u.d AND t.point = u.p AND t.ts = u.t AND t.value IS DISTINCT FROM u.v::jsonb
                  RETURNING t.device_id, t.point, t.ts";
    let index: HashMap<(Uuid, &str, DateTime<Utc>), usize> =
        points.iter().enumerate().map(|(i, p)| ((p.device_id.as_uuid(), p.point.as_str(), p.ts), i)).collect();
    let mut outcome = StoreOutcome { fresh: Vec::with_capacity(points.len()), ..StoreOutcome::default() };
    let inserted = run_keyed(conn, insert, tenant, points.iter().copied(), points.len(), received_at, &index).await?;
    outcome.counts.new = inserted.len() as u64;
    if inserted.len() < points.len() {
        let mut is_new = vec![false; points.len()];
        for &i in &inserted {
            is_new[i] = true;
        }
        let existing: Vec<&StoredPoint> = points.iter().zip(&is_new).filter(|(_, n)| !**n).map(|(p, _)| *p).collect();
        let changed =
            run_keyed(conn, update, tenant, existing.iter().copied(), existing.len(), received_at, &index).await?;
        outcome.counts.changed = changed.len() as u64;
        outcome.fresh.extend(&changed);
        outcome.changed = changed;
    }
    outcome.fresh.extend(inserted);
    outcome.fresh.sort_unstable();
    outcome.counts.duplicate = (points.len() as u64).saturating_sub(outcome.counts.new + outcome.counts.changed);
    Ok(outcome)
}

/// Runs one keyed UNNEST statement over `rows`; returns the batch indexes of the rows it returned.
async fn run_keyed<'a>(
    conn: &mut PgConnection,
    sql: &str,
    tenant: &TenantId,
    rows: impl Iterator<Item = &'a StoredPoint> + Clone,
    n: usize,
    received_at: DateTime<Utc>,
    index: &HashMap<(Uuid, &str, DateTime<Utc>), usize>,
) -> Result<Vec<usize>, RepoError> {
    let c = columns(rows.clone(), n)?;
    let raw_keys: Vec<&str> = rows.map(|p| p.raw_key.as_str()).collect();
    let returned = sqlx::query(sql)
        .bind(tenant.as_str())
        .bind(&c.devices)
        .bind(&c.points)
        .bind(&c.ts)
        .bind(&c.nums)
        .bind(&c.values)
        .bind(&raw_keys)
        .bind(received_at)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(returned.len());
    for row in &returned {
        let device: Uuid = row.try_get("device_id").map_err(db_err)?;
        let point: String = row.try_get("point").map_err(db_err)?;
        let ts: DateTime<Utc> = row.try_get("ts").map_err(db_err)?;
        if let Some(&i) = index.get(&(device, point.as_str(), ts)) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Moves the latest values forward for points unique per (device, point).
pub(crate) async fn advance_latest(
    conn: &mut PgConnection,
    tenant: &TenantId,
    points: &[&StoredPoint],
) -> Result<(), RepoError> {
    if points.is_empty() {
        return Ok(());
    }
    let c = columns(points.iter().copied(), points.len())?;
    let sql = "INSERT INTO telemetry_latest (tenant_id, device_id, point, ts, num_value, value)
               SELECT $1, u.d, u.p, u.t, u.n, u.v::jsonb
               FROM UNNEST($2::uuid[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[]) AS u(d, p, t, n, v)
               ON CONFLICT (tenant_id, device_id, point) DO UPDATE
               SET ts = excluded.ts, num_value = excluded.num_value, value = excluded.value
               WHERE excluded.ts >= telemetry_latest.ts";
    sqlx::query(sql)
        .bind(tenant.as_str())
        .bind(&c.devices)
        .bind(&c.points)
        .bind(&c.ts)
        .bind(&c.nums)
        .bind(&c.values)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}
