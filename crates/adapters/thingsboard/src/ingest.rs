//! One ingest request: resolve devices and mappings (reads only), then route the points.
//! The caller records the result in a short unit of work afterwards, so no transaction is
//! held open while lookups run.

use crate::routing::{route_points, RoutedBatch};
use mgc_kernel::{RepoError, TenantId};
use mgc_masterdata::MasterdataQueries;
use mgc_telemetry::domain::payload::ParsedBatch;
use std::collections::HashMap;

/// Resolves every device reference of `batch` in `tenant` and maps its points.
pub async fn route_batch<Q: MasterdataQueries>(
    queries: &Q,
    tenant: &TenantId,
    batch: ParsedBatch,
) -> Result<RoutedBatch, RepoError> {
    let mut devices = HashMap::new();
    for p in &batch.points {
        if devices.contains_key(&p.device) {
            continue;
        }
        let resolved = match queries.find_device(tenant, &p.device).await? {
            Some(d) => {
                let set = queries.mapping_set(tenant, &d).await?;
                Some((d, set))
            }
            None => None,
        };
        devices.insert(p.device.clone(), resolved);
    }
    Ok(route_points(batch.points, &devices, &batch.device_types))
}
