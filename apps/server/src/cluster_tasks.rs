//! This process as one of several `mgc serve` instances on one database: its lease (taken at
//! start, renewed on the clock, given up at a clean stop), the reaping of dead instances, the
//! directory its device adapters record connections in, and (PostgreSQL) the LISTEN wake-ups
//! for commands issued elsewhere to the devices it holds.

use crate::config_cluster::ClusterSettings;
use mgc_commands::{InstanceDirectory, InstanceLease};
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// Gauge of the `mgc serve` processes alive on the database (as this one sees them).
pub const INSTANCES_GAUGE: &str = "mgc_cluster_instances";

/// This process in the cluster.
pub struct Member {
    /// Its holder id: `<instance id>:<process uuid>`, also the lease owner of its claims.
    pub holder: String,
    /// Where its device adapters record their connections.
    pub directory: Arc<InstanceDirectory<Store>>,
    lease: InstanceLease,
}

/// Takes this process's lease (before any device can connect); `wake` wakes its command
/// dispatcher.
pub async fn join(
    store: &Store,
    clock: &SharedClock,
    settings: &ClusterSettings,
    instance: &str,
    wake: Arc<Notify>,
) -> Result<Member, String> {
    let holder = format!("{instance}:{}", mgc_kernel::uuid::Uuid::new_v4().simple());
    let lease = settings.lease();
    let now = clock.now();
    store
        .join_cluster(&holder, instance, now, lease.until(now))
        .await
        .map_err(|e| format!("cannot join the cluster: {e}"))?;
    tracing::info!(%holder, lease_secs = settings.lease_secs, "instance lease taken");
    let directory =
        Arc::new(InstanceDirectory::new(store.clone(), holder.clone(), Arc::new(move || wake.notify_one())));
    Ok(Member { holder, directory, lease })
}

impl Member {
    /// Starts the lease renewal and the LISTEN wake-ups (PostgreSQL); both end when `stop`
    /// turns true, the lease task after giving the lease up.
    pub fn spawn(
        &self,
        store: &Store,
        clock: &SharedClock,
        wake: Arc<Notify>,
        stop: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        let mut tasks = vec![tokio::spawn(renew(
            store.clone(),
            clock.clone(),
            self.holder.clone(),
            self.lease,
            self.directory.clone(),
            stop.clone(),
        ))];
        if let Some(listener) = store.device_command_listener(&self.holder, wake) {
            tasks.push(tokio::spawn(listener.run(stop)));
        }
        tasks
    }
}

async fn renew(
    store: Store,
    clock: SharedClock,
    holder: String,
    lease: InstanceLease,
    directory: Arc<InstanceDirectory<Store>>,
    mut stop: watch::Receiver<bool>,
) {
    let instance = holder.rsplit_once(':').map_or(holder.as_str(), |(i, _)| i).to_owned();
    let mut tick = tokio::time::interval(lease.renew_every());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            _ = tick.tick() => {}
        }
        let now = clock.now();
        let lost = match store.renew_instance_lease(&holder, now, lease.until(now)).await {
            Ok(renewed) => !renewed,
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew the instance lease");
                continue;
            }
        };
        if lost {
            // Other instances may have released this process's connections: record them again
            // (except devices that reconnected elsewhere meanwhile).
            tracing::warn!(%holder, "instance lease had run out; taking it again");
            if let Err(e) = store.join_cluster(&holder, &instance, now, lease.until(now)).await {
                tracing::warn!(error = %e, "cannot take the instance lease again");
                continue;
            }
        }
        match directory.restore(lost, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(connections = n, "device connections recorded again in the directory"),
            Err(e) => tracing::warn!(error = %e, "cannot record device connections again"),
        }
        match store.reap_instances(now).await {
            Ok(r) if r.instances > 0 => tracing::info!(?r, "released what dead instances held"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot release what dead instances held"),
        }
        if let Ok(live) = store.live_instances(now).await {
            metrics::gauge!(INSTANCES_GAUGE).set(live.len() as f64);
        }
    }
    match store.leave_cluster(&holder).await {
        Ok(()) => tracing::info!(%holder, "instance lease given up"),
        Err(e) => tracing::warn!(error = %e, "cannot give the instance lease up; it runs out by itself"),
    }
}
