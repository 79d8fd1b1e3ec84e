//! The notification backlog on the scheduler tick: for every tenant with a rule reading
//! [`NOTIFY_BACKLOG`], its pending and retrying deliveries become that derived point of the
//! tenant-wide originator, evaluated like any other value.

use crate::app::derived::{evaluate_changed, reads};
use crate::app::tick::TickReport;
use crate::domain::derived::{tenant_originator, NOTIFY_BACKLOG};
use crate::domain::ports::{AlarmUnits, DerivedFacts};
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, TenantId};

/// Counts, stores and evaluates the backlog of each tenant that watches it; one unit of work per tenant.
pub async fn notify_backlog<U: AlarmUnits>(
    units: &U,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> Result<(), RepoError> {
    let rules = units.begin_alarm_tx().await?.enabled_threshold_rules().await?;
    let points = [NOTIFY_BACKLOG.to_owned()];
    let mut tenants: Vec<TenantId> = Vec::new();
    for rule in &rules {
        if reads(rule, &tenant_originator(&rule.tenant), &points) && !tenants.contains(&rule.tenant) {
            tenants.push(rule.tenant.clone());
        }
    }
    for tenant in tenants {
        let origin = tenant_originator(&tenant);
        let mut tx = units.begin_alarm_tx().await?;
        let backlog = tx.delivery_backlog(&tenant).await?;
        tx.put_derived(&tenant, origin.device_id, NOTIFY_BACKLOG, backlog as f64, None, now).await?;
        let own: Vec<_> = rules.iter().filter(|r| r.tenant == tenant).cloned().collect();
        for d in evaluate_changed(&mut tx, &tenant, &own, &origin, &points, now, now).await? {
            report.count(&d);
        }
        tx.commit().await?;
    }
    Ok(())
}
