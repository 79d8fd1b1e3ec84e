//! Alarm repositories on the unit of work: rules, per-device rule state, alarms, history, and
//! the read port onto masterdata and latest values.

use crate::alarms_rows::{alarm_from_row, rule_from_row, ALARM_COLUMNS, RULE_COLUMNS};
use crate::rows::{db_err, tenant_of, RowExt};
use crate::tx::TxConn;
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{
    Alarm, AlarmId, AlarmRepository, AlarmRule, AlarmUnits, HistoryEntry, LatestValue, Originator, Originators, RuleId,
    RuleState, Scope, Trigger,
};
use mgc_kernel::{DeviceId, RepoError, StationId, StationTz, TenantId};
use sqlx::types::Json;

fn rule_kind(rule: &AlarmRule) -> &'static str {
    match rule.spec.trigger {
        Trigger::Threshold { .. } => "threshold",
        Trigger::NoData { .. } => "no_data",
    }
}

fn json_of<T: mgc_kernel::serde::Serialize>(v: &T) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}

pub(crate) const ORIGIN_COLUMNS: &str =
    "d.id, d.name, d.kind, d.station_id, d.created_at, s.name AS station_name, s.time_zone";

pub(crate) fn origin_from_row(r: &impl RowExt) -> Result<Originator, RepoError> {
    Ok(Originator {
        device_id: DeviceId::from_uuid(r.uuid("id")?),
        device_name: r.text("name")?,
        kind: r.text("kind")?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        station_name: r.text("station_name")?,
        time_zone: StationTz::parse(&r.text("time_zone")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        created_at: r.time("created_at")?,
    })
}

#[async_trait]
impl Originators for StoreTx {
    async fn originators(&mut self, tenant: &TenantId, ids: &[DeviceId]) -> Result<Vec<Originator>, RepoError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {ORIGIN_COLUMNS} FROM devices d JOIN stations s ON s.id = d.station_id
                 WHERE d.tenant_id = $1 AND d.id IN ({})",
                marks.join(", ")
            );
            let rows = on_tx!(self, c => {
                let mut q = sqlx::query(&sql).bind(tenant.as_str());
                for id in chunk {
                    q = q.bind(id.as_uuid());
                }
                q.fetch_all(&mut *c).await.map_err(db_err)?.iter().map(origin_from_row).collect::<Result<Vec<_>, _>>()?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    async fn originators_in_scope(&mut self, tenant: &TenantId, scope: &Scope) -> Result<Vec<Originator>, RepoError> {
        let sql = format!(
            "SELECT {ORIGIN_COLUMNS} FROM devices d JOIN stations s ON s.id = d.station_id
             WHERE d.tenant_id = $1 AND ($2 IS NULL OR d.station_id = $2) AND ($3 IS NULL OR d.id = $3)
             AND ($4 IS NULL OR d.kind = $4) ORDER BY d.id"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str())
            .bind(scope.station_id.map(|s| s.as_uuid())).bind(scope.device_id.map(|d| d.as_uuid()))
            .bind(scope.device_kind.as_deref())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(origin_from_row).collect())
    }

    async fn samples_between(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        max: u32,
    ) -> Result<Vec<LatestValue>, RepoError> {
        let sql = "SELECT point, ts, num_value FROM telemetry_points WHERE tenant_id = $1 AND device_id = $2
                   AND ts >= $3 AND ts <= $4 ORDER BY ts, point LIMIT $5";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid()).bind(from).bind(to).bind(i64::from(max))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok(LatestValue { point: r.text("point")?, ts: r.time("ts")?, value: r.opt_float("num_value")?, detail: None, derived: false }))
            .collect())
    }

    async fn latest_values(&mut self, tenant: &TenantId, device: DeviceId) -> Result<Vec<LatestValue>, RepoError> {
        // Telemetry, then the derived points of the alarms context (which win on a shared name).
        let sql = "SELECT point, ts, num_value, CAST(NULL AS TEXT) AS detail, CAST(0 AS BIGINT) AS derived
                   FROM telemetry_latest WHERE tenant_id = $1 AND device_id = $2
                   UNION ALL SELECT point, ts, num_value, detail, CAST(1 AS BIGINT) AS derived FROM alarm_derived_points
                   WHERE tenant_id = $1 AND device_id = $2";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok(LatestValue { point: r.text("point")?, ts: r.time("ts")?, value: r.opt_float("num_value")?,
                detail: r.opt_text("detail")?, derived: r.int("derived")? == 1 }))
            .collect())
    }
}

#[async_trait]
impl AlarmRepository for StoreTx {
    async fn enabled_rules(&mut self, tenant: &TenantId) -> Result<Vec<AlarmRule>, RepoError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM alarm_rules WHERE tenant_id = $1 AND enabled ORDER BY id");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(rule_from_row).collect())
    }

    async fn enabled_no_data_rules(&mut self) -> Result<Vec<AlarmRule>, RepoError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM alarm_rules WHERE kind = 'no_data' AND enabled ORDER BY id");
        on_tx!(self, c => sqlx::query(&sql).fetch_all(&mut *c).await.map_err(db_err)?.iter().map(rule_from_row).collect())
    }

    async fn rule(&mut self, tenant: &TenantId, id: RuleId) -> Result<Option<AlarmRule>, RepoError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM alarm_rules WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(rule_from_row).transpose())
    }

    async fn save_rule(&mut self, rule: &AlarmRule, is_new: bool) -> Result<(), RepoError> {
        let sql = if is_new {
            format!("INSERT INTO alarm_rules ({RULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        } else {
            "UPDATE alarm_rules SET version = $3, enabled = $4, kind = $5, station_id = $6, device_id = $7, device_kind = $8,
             spec = $9, created_at = $10, updated_at = $11 WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        let spec = json_of(&rule.spec)?;
        let scope = &rule.spec.scope;
        on_tx!(self, c => sqlx::query(&sql)
            .bind(rule.id.as_uuid()).bind(rule.tenant.as_str()).bind(rule.version).bind(rule.enabled).bind(rule_kind(rule))
            .bind(scope.station_id.map(|s| s.as_uuid())).bind(scope.device_id.map(|d| d.as_uuid())).bind(scope.device_kind.as_deref())
            .bind(Json(&spec)).bind(rule.created_at).bind(rule.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn delete_rule(&mut self, tenant: &TenantId, id: RuleId) -> Result<(), RepoError> {
        on_tx!(self, c => {
            sqlx::query("DELETE FROM alarm_rule_states WHERE tenant_id = $1 AND rule_id = $2")
                .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("DELETE FROM alarm_rules WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err)?;
        });
        Ok(())
    }

    async fn rule_state(&mut self, rule: RuleId, device: DeviceId) -> Result<Option<RuleState>, RepoError> {
        let sql = "SELECT state FROM alarm_rule_states WHERE rule_id = $1 AND device_id = $2";
        let row = on_tx!(self, c => sqlx::query(sql).bind(rule.as_uuid()).bind(device.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.map(|r| r.json("state")).transpose()?);
        row.map(|v| serde_json::from_value(v).map_err(|e| crate::alarms_rows::corrupt("rule state", e))).transpose()
    }

    async fn save_rule_state(
        &mut self,
        tenant: &TenantId,
        rule: RuleId,
        device: DeviceId,
        state: &RuleState,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO alarm_rule_states (rule_id, device_id, tenant_id, state, pending_since, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (rule_id, device_id)
                   DO UPDATE SET state = excluded.state, pending_since = excluded.pending_since, updated_at = excluded.updated_at";
        let json = json_of(state)?;
        on_tx!(self, c => sqlx::query(sql).bind(rule.as_uuid()).bind(device.as_uuid()).bind(tenant.as_str())
            .bind(Json(&json)).bind(state.pending_since).bind(at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn pending_states(&mut self, limit: u32) -> Result<Vec<(TenantId, RuleId, DeviceId)>, RepoError> {
        let sql = "SELECT tenant_id, rule_id, device_id FROM alarm_rule_states WHERE pending_since IS NOT NULL
                   ORDER BY pending_since LIMIT $1";
        on_tx!(self, c => sqlx::query(sql).bind(i64::from(limit)).fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok((tenant_of(r)?, RuleId::from_uuid(r.uuid("rule_id")?), DeviceId::from_uuid(r.uuid("device_id")?))))
            .collect())
    }

    async fn open_alarm(
        &mut self,
        tenant: &TenantId,
        rule: RuleId,
        device: DeviceId,
    ) -> Result<Option<Alarm>, RepoError> {
        let sql = format!(
            "SELECT {ALARM_COLUMNS} FROM alarms WHERE tenant_id = $1 AND rule_id = $2 AND device_id = $3 AND NOT cleared"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(rule.as_uuid()).bind(device.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(alarm_from_row).transpose())
    }

    async fn alarm(&mut self, tenant: &TenantId, id: AlarmId) -> Result<Option<Alarm>, RepoError> {
        let sql = format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(alarm_from_row).transpose())
    }

    async fn save_alarm(&mut self, tenant: &TenantId, a: &Alarm, is_new: bool) -> Result<(), RepoError> {
        let marks: Vec<String> = (1..=25).map(|i| format!("${i}")).collect();
        let sql = if is_new {
            format!("INSERT INTO alarms ({ALARM_COLUMNS}) VALUES ({})", marks.join(", "))
        } else {
            "UPDATE alarms SET rule_version = $4, severity = $7, acknowledged = $8, cleared = $9, started_at = $10,
             ended_at = $11, acknowledged_at = $12, acknowledged_by = $13, cleared_at = $14, cleared_by = $15, assignee = $16,
             message = $17, point = $18, last_value = $19, threshold = $20, count = $21, escalate_at = $22,
             escalated_at = $23, notified = $24, updated_at = $25
             WHERE id = $1 AND tenant_id = $2 AND rule_id = $3 AND device_id = $5 AND station_id = $6"
                .to_owned()
        };
        on_tx!(self, c => sqlx::query(&sql)
            .bind(a.id.as_uuid()).bind(tenant.as_str()).bind(a.rule_id.as_uuid()).bind(a.rule_version)
            .bind(a.device_id.as_uuid()).bind(a.station_id.as_uuid()).bind(a.severity.as_str())
            .bind(a.acknowledged).bind(a.cleared).bind(a.started_at).bind(a.ended_at)
            .bind(a.acknowledged_at).bind(&a.acknowledged_by).bind(a.cleared_at).bind(&a.cleared_by).bind(&a.assignee)
            .bind(&a.message).bind(&a.point).bind(a.last_value).bind(&a.threshold).bind(a.count)
            .bind(a.escalate_at).bind(a.escalated_at).bind(a.notified).bind(a.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn append_history(&mut self, tenant: &TenantId, e: &HistoryEntry) -> Result<(), RepoError> {
        // PostgreSQL: one writer per tenant at a time, so stream positions commit in order and
        // a stream reading "after position n" never skips an entry that commits late.
        if let TxConn::Postgres(t) = &mut self.conn {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("mgc_alarm_history:{}", tenant.as_str()))
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        }
        let sql =
            "INSERT INTO alarm_history (tenant_id, alarm_id, rule_id, device_id, station_id, action, actor, comment,
                   severity, status, message, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(tenant.as_str()).bind(e.alarm_id.as_uuid()).bind(e.rule_id.as_uuid()).bind(e.device_id.as_uuid())
            .bind(e.station_id.as_uuid()).bind(&e.action).bind(&e.actor).bind(&e.comment).bind(e.severity.as_str())
            .bind(&e.status).bind(&e.message).bind(e.at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        self.alarm_writes.history = true;
        Ok(())
    }

    async fn open_alarms_of_rule(&mut self, tenant: &TenantId, rule: RuleId) -> Result<Vec<Alarm>, RepoError> {
        let sql = format!("SELECT {ALARM_COLUMNS} FROM alarms WHERE tenant_id = $1 AND rule_id = $2 AND NOT cleared");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(rule.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(alarm_from_row).collect())
    }

    async fn alarms_to_escalate(
        &mut self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, Alarm)>, RepoError> {
        let lock = if matches!(self.conn, TxConn::Postgres(_)) { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE alarms SET escalated_at = $1 WHERE id IN (SELECT id FROM alarms WHERE escalate_at <= $1
             AND escalated_at IS NULL AND NOT cleared AND NOT acknowledged ORDER BY escalate_at LIMIT $2 {lock})
             RETURNING {ALARM_COLUMNS}"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(now).bind(i64::from(limit))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok((tenant_of(r)?, alarm_from_row(r)?))).collect())
    }
}

#[async_trait]
impl AlarmUnits for Store {
    type Tx = StoreTx;

    async fn begin_alarm_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }
}
