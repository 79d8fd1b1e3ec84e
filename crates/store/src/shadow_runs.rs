//! Shadow runs and their rows in the generic jobs table (kind `shadow_run`), written by the same
//! transactions; finishing a run also queues its completion notification.

use crate::rows::{db_err, parse_cursor, tenant_of, to_u32, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::{Backend, Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{ChannelId, NotificationRequest, NotificationRequests};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{JobId, RepoError, Scope, TenantId};
use mgc_strategy::domain::shadow::run::JOB_KIND;
use mgc_strategy::{RunNotice, RunState, ShadowRun, ShadowRunId, ShadowRunStore};
use sqlx::types::Json;
use uuid::Uuid;

const RUN_COLUMNS: &str = "id, tenant_id, job_id, station_id, spec, state, days_done, days_total, error, report, \
                           created_by, created_at, started_at, finished_at";

fn corrupt(what: &str, e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(format!("stored shadow run {what} unreadable: {e}"))
}

fn run_from_row(r: &impl RowExt) -> Result<ShadowRun, RepoError> {
    let state = r.text("state")?;
    Ok(ShadowRun {
        id: ShadowRunId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        job_id: JobId::from_uuid(r.uuid("job_id")?),
        spec: serde_json::from_value(r.json("spec")?).map_err(|e| corrupt("spec", e))?,
        state: RunState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        days_done: to_u32(r.int("days_done")?, "days_done")?,
        days_total: to_u32(r.int("days_total")?, "days_total")?,
        error: r.opt_text("error")?,
        report: r.opt_text_json("report")?.map(serde_json::from_value).transpose().map_err(|e| corrupt("report", e))?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        started_at: r.opt_time("started_at")?,
        finished_at: r.opt_time("finished_at")?,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}

/// Mirrors the run's state and progress on its job row.
async fn sync_job(tx: &mut StoreTx, run: &ShadowRun) -> Result<(), RepoError> {
    let errors: Vec<String> = run.error.iter().cloned().collect();
    let result = run.report.as_ref().map(|r| to_json(&r.totals)).transpose()?;
    let sql = "UPDATE jobs SET state = $2, done = $3, total = $4, errors = $5, result = $6, started_at = $7,
               finished_at = $8 WHERE id = $1";
    on_tx!(tx, c => sqlx::query(sql).bind(run.job_id.as_uuid()).bind(run.state.as_str())
        .bind(i64::from(run.days_done)).bind(i64::from(run.days_total)).bind(Json(&errors)).bind(result.map(Json))
        .bind(run.started_at).bind(run.finished_at).execute(&mut *c).await.map_err(db_err).map(|_| ()))
}

/// A run nobody works on: queued, or running with a lease that ran out before `$1`.
const CLAIMABLE: &str = "state = 'queued' OR (state = 'running' AND lease_until < $1)";

/// Saves the run of the runner that claimed it at `run.started_at` (and its job); a run claimed
/// by another runner since is a conflict and nothing is written.
async fn update_run(tx: &mut StoreTx, run: &ShadowRun, lease_until: Option<DateTime<Utc>>) -> Result<(), RepoError> {
    let report = run.report.as_ref().map(to_json).transpose()?;
    let sql = "UPDATE shadow_runs SET state = $2, days_done = $3, error = $4, report = $5, finished_at = $7,
               lease_until = $8 WHERE id = $1 AND state = 'running' AND started_at = $6";
    let n = on_tx!(tx, c => sqlx::query(sql).bind(run.id.as_uuid()).bind(run.state.as_str()).bind(i64::from(run.days_done))
        .bind(&run.error).bind(report.map(Json)).bind(run.started_at).bind(run.finished_at).bind(lease_until)
        .execute(&mut *c).await.map_err(db_err)?.rows_affected());
    if n == 0 {
        return Err(RepoError::Conflict(format!("shadow run {} was claimed by another runner", run.id)));
    }
    sync_job(tx, run).await
}

#[async_trait]
impl ShadowRunStore for Store {
    async fn notify_channel_exists(&self, tenant: &TenantId, channel: Uuid) -> Result<bool, RepoError> {
        let sql = "SELECT COUNT(*) FROM notification_channels WHERE tenant_id = $1 AND id = $2";
        let n: i64 = on_read!(self, p => sqlx::query_scalar(sql).bind(tenant.as_str()).bind(channel)
            .fetch_one(p).await.map_err(db_err)?);
        Ok(n > 0)
    }

    async fn queue_run(&self, run: &ShadowRun) -> Result<(), RepoError> {
        let mut tx = self.begin().await?;
        let spec = to_json(&run.spec)?;
        let sql = format!("INSERT INTO shadow_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10, NULL, NULL)");
        on_tx!(tx, c => sqlx::query(&sql).bind(run.id.as_uuid()).bind(run.tenant.as_str()).bind(run.job_id.as_uuid())
            .bind(run.spec.station_id.as_uuid()).bind(Json(&spec)).bind(run.state.as_str())
            .bind(i64::from(run.days_done)).bind(i64::from(run.days_total)).bind(&run.created_by).bind(run.created_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        let no_errors: Vec<String> = Vec::new();
        let sql = "INSERT INTO jobs (id, tenant_id, kind, params, state, done, total, errors, result, created_by,
                   created_at, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, NULL, NULL)";
        on_tx!(tx, c => sqlx::query(sql).bind(run.job_id.as_uuid()).bind(run.tenant.as_str()).bind(JOB_KIND)
            .bind(Json(run.job_params())).bind(run.state.as_str()).bind(i64::from(run.days_done))
            .bind(i64::from(run.days_total)).bind(Json(&no_errors)).bind(&run.created_by).bind(run.created_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        tx.commit().await
    }

    async fn claim_run(&self, at: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<Option<ShadowRun>, RepoError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // One statement picks and marks: a runner on another instance cannot claim the same run.
        let sql = format!(
            "UPDATE shadow_runs SET state = 'running', started_at = $1, days_done = 0, lease_until = $2
             WHERE id = (SELECT id FROM shadow_runs WHERE {CLAIMABLE} ORDER BY created_at, id LIMIT 1 {lock})
             AND ({CLAIMABLE}) RETURNING {RUN_COLUMNS}"
        );
        let mut tx = self.begin().await?;
        let run = on_tx!(tx, c => sqlx::query(&sql).bind(at).bind(lease_until).fetch_optional(&mut *c).await.map_err(db_err)?
            .as_ref().map(run_from_row).transpose())?;
        if let Some(run) = &run {
            sync_job(&mut tx, run).await?;
        }
        tx.commit().await?;
        Ok(run)
    }

    async fn save_progress(&self, run: &ShadowRun, lease_until: DateTime<Utc>) -> Result<(), RepoError> {
        let mut tx = self.begin().await?;
        update_run(&mut tx, run, Some(lease_until)).await?;
        tx.commit().await
    }

    async fn finish_run(&self, run: &ShadowRun, notice: Option<&RunNotice>) -> Result<(), RepoError> {
        let mut tx = self.begin().await?;
        update_run(&mut tx, run, None).await?;
        if let Some(n) = notice {
            let req = NotificationRequest {
                event: n.event.clone(),
                alarm_id: None,
                title: n.title.clone(),
                text: n.text.clone(),
                payload: n.payload.clone(),
            };
            let at = run.finished_at.unwrap_or(run.created_at);
            tx.request_notifications(&run.tenant, &[ChannelId::from_uuid(n.channel_id)], &req, at).await?;
        }
        tx.commit().await
    }

    async fn shadow_run(&self, scope: &Scope, id: ShadowRunId) -> Result<Option<ShadowRun>, RepoError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM shadow_runs WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid()), scope.station_list())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(run_from_row).transpose())
    }

    async fn shadow_runs(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ShadowRun>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM shadow_runs r WHERE r.tenant_id = $1 AND ($2 IS NULL OR (r.created_at, r.id) <
                 (SELECT c.created_at, c.id FROM shadow_runs c WHERE c.tenant_id = $1 AND c.id = $2)){}
             ORDER BY r.created_at DESC, r.id DESC LIMIT $3",
            station_clause("r.station_id", scope.station_list(), 4)
        );
        let rows = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(cursor)
                .bind(i64::from(page.limit) + 1), scope.station_list())
            .fetch_all(p).await.map_err(db_err)?.iter().map(run_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |r| r.id.to_string()))
    }
}
