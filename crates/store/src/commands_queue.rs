//! The dispatcher's queue of commands (claim with a lease under the per-device lock, overdue
//! commands) and the command read side.

use crate::cluster::HELD_ELSEWHERE;
use crate::commands_rows::transition_from_row;
use crate::commands_rows::{attach, command_from_row, marks, COMMAND_COLUMNS, TRANSITION_COLUMNS};
use crate::rows::{db_err, tenant_of, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::tx::TxConn;
use crate::{Backend, Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_commands::{Command, CommandFilter, CommandId, CommandQueries, CommandUnits, RpcCheck};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, TenantId};

impl Store {
    /// Loads the transitions of `commands` (one statement) and attaches them.
    async fn with_transitions(&self, tenant: &TenantId, mut commands: Vec<Command>) -> Result<Vec<Command>, RepoError> {
        if commands.is_empty() {
            return Ok(commands);
        }
        let sql = format!(
            "SELECT {TRANSITION_COLUMNS} FROM command_transitions WHERE tenant_id = $1 AND command_id IN ({})
             ORDER BY command_id, position",
            marks(2, commands.len())
        );
        let transitions = on_read!(self, p => {
            let mut q = sqlx::query(&sql).bind(tenant.as_str());
            for c in &commands {
                q = q.bind(c.id.as_uuid());
            }
            q.fetch_all(p).await.map_err(db_err)?.iter().map(transition_from_row).collect::<Result<Vec<_>, _>>()?
        });
        attach(&mut commands, transitions);
        Ok(commands)
    }
}

#[async_trait]
impl CommandUnits for Store {
    type Tx = StoreTx;

    async fn begin_command_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }

    async fn claim_due_commands(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Command>, RepoError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // The per-device lock, in one place (this query; tests/it/commands_lifecycle.rs proves it
        // on both databases): commands of one device that are not parallel go one at a time in
        // issue order (insertion order, `seq`). A non-parallel command waits for in-flight (sent,
        // delivered, or pending under a live lease: being sent) and older pending non-parallel
        // commands of its device. A newer one being sent blocks an older one too: on PostgreSQL
        // issue transactions can commit out of insertion order, so a dispatcher may have claimed
        // the newer one before the older one was visible. Parallel methods neither wait nor lock.
        let sql = format!(
            "UPDATE commands SET lease_owner = $1, lease_until = $2
             WHERE seq IN (SELECT c.seq FROM commands c
                 WHERE c.state = 'pending' AND c.next_attempt_at <= $3 AND c.deadline > $3
                 AND (c.lease_until IS NULL OR c.lease_until < $3)
                 AND (c.parallel OR NOT EXISTS (SELECT 1 FROM commands o
                     WHERE o.tenant_id = c.tenant_id AND o.device_id = c.device_id AND NOT o.parallel AND o.seq <> c.seq
                     AND (o.state IN ('sent', 'delivered')
                          OR (o.state = 'pending' AND (o.seq < c.seq OR o.lease_until >= $3)))))
                 AND NOT EXISTS ({HELD_ELSEWHERE})
                 ORDER BY c.seq LIMIT $4 {lock})
             RETURNING {COMMAND_COLUMNS}"
        );
        let mut tx = self.begin().await?;
        if let TxConn::Postgres(t) = &mut tx.conn {
            // One claim at a time (across instances too): each claim's snapshot sees the leases
            // of every claim before it, so two dispatchers cannot both pick a device's next
            // command when, say, an older issue commits after a newer one was claimed.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('mgc_command_claim'))")
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        }
        let mut rows = on_tx!(tx, c => sqlx::query(&sql).bind(owner).bind(lease_until).bind(now).bind(i64::from(limit))
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(command_from_row).collect::<Result<Vec<_>, _>>()?);
        tx.commit().await?;
        rows.sort_by_key(|(seq, _)| *seq);
        Ok(rows.into_iter().map(|(_, c)| c).collect())
    }

    async fn overdue_commands(
        &self,
        now: DateTime<Utc>,
        stuck_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, CommandId)>, RepoError> {
        let sql =
            "SELECT tenant_id, id FROM commands WHERE state IN ('pending', 'sent', 'delivered') AND deadline <= $1
                   AND (lease_until IS NULL OR lease_until < $1 OR deadline < $2) ORDER BY deadline LIMIT $3";
        on_read!(self, p => sqlx::query(sql).bind(now).bind(stuck_before).bind(i64::from(limit))
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok((tenant_of(r)?, CommandId::from_uuid(r.uuid("id")?)))).collect())
    }

    async fn make_due(
        &self,
        tenant: &TenantId,
        protocol: &str,
        target: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let sql = "UPDATE commands SET next_attempt_at = $4
                   WHERE tenant_id = $1 AND protocol = $2 AND target = $3 AND state = 'pending' AND next_attempt_at > $4";
        on_write!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(protocol).bind(target).bind(now)
            .execute(p).await.map_err(db_err).map(|r| r.rows_affected()))
    }

    async fn purge_early_updates(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        self.purge_early_rpc_updates(before).await
    }

    async fn claim_rpc_checks(
        &self,
        now: DateTime<Utc>,
        quiet_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RpcCheck>, RepoError> {
        self.claim_rpc_checks_at(now, quiet_since, limit).await
    }
}

fn parse_seq_cursor(cursor: Option<&str>) -> Result<Option<i64>, RepoError> {
    cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| RepoError::Invalid(format!("cursor '{c}' is not one this service returned")))
        })
        .transpose()
}

#[async_trait]
impl CommandQueries for Store {
    async fn list_commands(
        &self,
        scope: &Scope,
        f: &CommandFilter,
        page: &PageRequest,
    ) -> Result<Page<Command>, RepoError> {
        let cursor = parse_seq_cursor(page.cursor.as_deref())?;
        let tenant = &scope.tenant;
        let stations = scope.stations.as_deref();
        let scope = station_clause("station_id", stations, 10);
        let sql = format!(
            "SELECT {COMMAND_COLUMNS} FROM commands WHERE tenant_id = $1 AND ($2 IS NULL OR seq < $2)
             AND ($3 IS NULL OR device_id = $3) AND ($4 IS NULL OR station_id = $4) AND ($5 IS NULL OR state = $5)
             AND ($6 IS NULL OR created_at >= $6) AND ($7 IS NULL OR created_at < $7)
             AND ($9 IS NULL OR method = $9){scope}
             ORDER BY seq DESC LIMIT $8"
        );
        let rows = on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(f.device_id.map(|d| d.as_uuid()))
                .bind(f.station_id.map(|s| s.as_uuid())).bind(f.state.map(|s| s.as_str())).bind(f.from).bind(f.to)
                .bind(i64::from(page.limit) + 1).bind(f.method.as_deref());
            bind_stations!(q, stations).fetch_all(p).await.map_err(db_err)?.iter().map(command_from_row).collect::<Result<Vec<_>, _>>()?
        });
        let page = Page::from_overfetch(rows, page.limit, |(seq, _)| seq.to_string());
        let commands = self.with_transitions(tenant, page.items.into_iter().map(|(_, c)| c).collect()).await?;
        Ok(Page { items: commands, next_cursor: page.next_cursor })
    }

    async fn get_command(&self, scope: &Scope, id: CommandId) -> Result<Option<Command>, RepoError> {
        let tenant = &scope.tenant;
        let stations = scope.stations.as_deref();
        let sql = format!(
            "SELECT {COMMAND_COLUMNS} FROM commands WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", stations, 3)
        );
        let found = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()), stations)
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(command_from_row).transpose()?);
        match found {
            None => Ok(None),
            Some((_, c)) => Ok(self.with_transitions(tenant, vec![c]).await?.pop()),
        }
    }
}
