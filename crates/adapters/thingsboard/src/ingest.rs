//! One ingest request: resolve devices and mappings (reads only, through a short-lived cache),
//! then route the points. The caller records the result in a short unit of work afterwards, so
//! no transaction is held open while lookups run.

use crate::payload::ParsedBatch;
use crate::routing::{route_points, RoutedBatch};
use mgc_kernel::{RepoError, TenantId, TtlCache};
use mgc_masterdata::{Device, MappingSet, MasterdataQueries};
use std::collections::HashMap;

/// Devices found by reference (name, ThingsBoard id or id) with their mapping sets, per tenant.
/// Unknown references are never cached, so a newly provisioned device is routed at once; a
/// changed device or mapping is seen after the cache's time to live at the latest (at once on
/// the instance that made the change, which calls [`forget_tenant`]).
pub type RouteCache = TtlCache<(TenantId, String), (Device, MappingSet)>;

/// Drops the cached routes of `tenant` (after its devices or mappings changed).
pub fn forget_tenant(cache: &RouteCache, tenant: &TenantId) {
    cache.forget_where(|(t, _), _| t == tenant);
}

/// Resolves every device reference of `batch` in `tenant` and maps its points.
pub async fn route_batch<Q: MasterdataQueries>(
    queries: &Q,
    cache: &RouteCache,
    tenant: &TenantId,
    batch: ParsedBatch,
) -> Result<RoutedBatch, RepoError> {
    let mut devices = HashMap::new();
    for p in &batch.points {
        if devices.contains_key(&p.device) {
            continue;
        }
        let key = (tenant.clone(), p.device.clone());
        let resolved = match cache.get(&key) {
            Some(hit) => Some(hit),
            None => match queries.find_device(tenant, &p.device).await? {
                Some(d) => {
                    let set = queries.mapping_set(tenant, &d).await?;
                    cache.put(key, (d.clone(), set.clone()));
                    Some((d, set))
                }
                None => None,
            },
        };
        devices.insert(p.device.clone(), resolved);
    }
    Ok(route_points(batch.points, &devices, &batch.device_types))
}
