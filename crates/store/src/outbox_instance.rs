//! Claims of an instance that stopped without releasing them (kill -9, power loss).
//!
//! A dispatcher's lease owner is `<instance id>:<random>`. When an instance starts again with the
//! same instance id, the claims of its dead predecessor are released at once instead of after
//! their lease ran out. Two live processes must never share an instance id: the second would
//! take the first one's claims, and events would be delivered twice (consumers are idempotent,
//! so nothing is counted twice, but work is repeated).

use crate::rows::db_err;
use crate::Store;
use mgc_kernel::RepoError;

impl Store {
    /// Releases the claims of pending events held by earlier processes of `instance` (lease owners
    /// `<instance>:…`), so they are due at once; returns how many.
    pub async fn release_instance_claims(&self, instance: &str) -> Result<u64, RepoError> {
        let prefix = format!("{instance}:");
        let len = i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX);
        let sql = "UPDATE outbox_events SET lease_owner = NULL, lease_until = NULL
                   WHERE status = 'pending' AND lease_owner IS NOT NULL
                     AND substr(lease_owner, 1, CAST($2 AS INTEGER)) = $1";
        let done = on_write!(self, p => sqlx::query(sql).bind(&prefix).bind(len).execute(p).await
            .map(|r| r.rows_affected()).map_err(db_err)?);
        Ok(done)
    }
}
