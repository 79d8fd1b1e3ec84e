//! PostgreSQL fast path for fresh telemetry: `COPY` inside a savepoint. Fresh data (the normal
//! case) is loaded at close to the raw `COPY` rate; when any key exists already, the savepoint
//! is rolled back and the caller takes the `INSERT ... ON CONFLICT` path instead.

use crate::rows::db_err;
use crate::telemetry::value_json;
use chrono::{DateTime, SecondsFormat, Utc};
use mgc_kernel::{RepoError, TenantId};
use mgc_telemetry::domain::stored::StoredPoint;
use sqlx::{Executor, PgConnection};
use std::fmt::Write;

/// Batches smaller than this are cheaper as one `INSERT` (fewer round trips).
pub(crate) const COPY_MIN_POINTS: usize = 64;

const COPY: &str = "COPY telemetry_points (tenant_id, device_id, point, ts, num_value, value, raw_key, received_at) \
                    FROM STDIN (FORMAT text)";

/// Appends `s` as a field of COPY's text format (backslash, tab, newline and CR escaped).
fn push_field(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// The COPY text of `points`, or None when a value cannot be written as text (non-finite).
fn copy_text(
    tenant: &TenantId,
    points: &[&StoredPoint],
    received_at: DateTime<Utc>,
) -> Result<Option<String>, RepoError> {
    let received = received_at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    let mut buf = String::with_capacity(points.len() * 160);
    for p in points {
        if p.num_value.is_some_and(|n| !n.is_finite()) {
            return Ok(None);
        }
        push_field(&mut buf, tenant.as_str());
        let _ = write!(buf, "\t{}\t", p.device_id.as_uuid());
        push_field(&mut buf, &p.point);
        let _ = write!(buf, "\t{}\t", p.ts.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        match p.num_value {
            Some(n) => {
                let _ = write!(buf, "{n:?}");
            }
            None => buf.push_str("\\N"),
        }
        buf.push('\t');
        push_field(&mut buf, &value_json(&p.value)?.to_string());
        buf.push('\t');
        push_field(&mut buf, &p.raw_key);
        let _ = writeln!(buf, "\t{received}");
    }
    Ok(Some(buf))
}

/// Loads `points` with `COPY` when none of their keys exists yet; returns false (nothing
/// written) when one does, or when the batch is not suited to `COPY`.
pub(crate) async fn copy_if_all_new(
    conn: &mut PgConnection,
    tenant: &TenantId,
    points: &[&StoredPoint],
    received_at: DateTime<Utc>,
) -> Result<bool, RepoError> {
    if points.len() < COPY_MIN_POINTS {
        return Ok(false);
    }
    let Some(text) = copy_text(tenant, points, received_at)? else { return Ok(false) };
    conn.execute("SAVEPOINT mgc_telemetry_copy").await.map_err(db_err)?;
    let copied = async {
        let mut copy = conn.copy_in_raw(COPY).await?;
        match copy.send(text.into_bytes()).await {
            Ok(_) => copy.finish().await,
            Err(e) => {
                let _ = copy.abort("send failed").await;
                Err(e)
            }
        }
    }
    .await;
    match copied {
        Ok(_) => {
            conn.execute("RELEASE SAVEPOINT mgc_telemetry_copy").await.map_err(db_err)?;
            Ok(true)
        }
        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
            conn.execute("ROLLBACK TO SAVEPOINT mgc_telemetry_copy").await.map_err(db_err)?;
            conn.execute("RELEASE SAVEPOINT mgc_telemetry_copy").await.map_err(db_err)?;
            Ok(false)
        }
        Err(e) => Err(db_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_special_characters_when_written_as_copy_text_then_escaped() {
        let mut buf = String::new();
        push_field(&mut buf, "a\tb\nc\\d\re");
        assert_eq!(buf, "a\\tb\\nc\\\\d\\re");
    }
}
