//! Serialized `GET /api/v1/stats` answers kept in memory and served again while the station's
//! statistics revision has not moved.
//!
//! A year of hourly windows is 8,784 rows; reading them costs more than the answer's budget on a
//! loaded machine, and closed periods rarely change. The store bumps a per-station revision in
//! every unit of work that writes a statistic version (close, recompute, time-zone rebuild,
//! remap); an answer is kept with the revision read *before* its rows, and served only while one
//! indexed read of the revision still gives that number. An answer built while a write
//! committed carries the older revision (its rows may be newer), so the next read misses: a
//! stale answer is never served. The caller checks role and station scope first; the key
//! holds the tenant and everything of the query, so an entry answers only the query it was built
//! for by someone who may read it. Memory is bounded in bytes (least recently used out first).

use crate::ApiError;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hashlink::LinkedHashMap;
use mgc_analytics::domain::repository::StatsQuery;
use mgc_analytics::AnalyticsQueries;
use mgc_kernel::{DeviceId, Granularity, StationId, TenantId};
use std::sync::{Mutex, PoisonError};

/// Bookkeeping bytes charged per entry beside its body (key, links, counters).
const ENTRY_OVERHEAD: usize = 256;

/// Everything an answer depends on besides the station's statistics.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatsKey {
    tenant: TenantId,
    station: StationId,
    time_zone: String,
    granularity: Granularity,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    device: Option<DeviceId>,
    point: Option<String>,
    all_versions: bool,
    compact: bool,
}

impl StatsKey {
    /// The key of `q` asked by `tenant`, answered in `time_zone`, in the compact form or not.
    #[must_use]
    pub fn of(tenant: &TenantId, q: &StatsQuery, time_zone: &str, compact: bool) -> Self {
        Self {
            tenant: tenant.clone(),
            station: q.station,
            time_zone: time_zone.to_owned(),
            granularity: q.granularity,
            from: q.range.start,
            to: q.range.end,
            device: q.device,
            point: q.point.clone(),
            all_versions: q.all_versions,
            compact,
        }
    }

    fn bytes(&self) -> usize {
        ENTRY_OVERHEAD + self.time_zone.len() + self.point.as_ref().map_or(0, String::len)
    }
}

struct Entry {
    revision: i64,
    body: Bytes,
}

#[derive(Default)]
struct Lru {
    map: LinkedHashMap<StatsKey, Entry>,
    bytes: usize,
}

impl Lru {
    fn remove(&mut self, key: &StatsKey) {
        if let Some(e) = self.map.remove(key) {
            self.bytes -= key.bytes() + e.body.len();
        }
    }
}

/// The bounded cache of serialized stats answers (shared by every request).
pub struct StatsCache {
    max_bytes: usize,
    lru: Mutex<Lru>,
}

impl std::fmt::Debug for StatsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsCache").field("max_bytes", &self.max_bytes).field("bytes", &self.bytes()).finish()
    }
}

impl Default for StatsCache {
    fn default() -> Self {
        Self::new(crate::state::DEFAULT_STATS_CACHE_BYTES)
    }
}

/// A revision read for one lookup: `None` when the cache is off (no read was made).
pub type Revision = Option<i64>;

impl StatsCache {
    /// A cache holding at most `max_bytes` of answers; 0 turns it off.
    #[must_use]
    pub fn new(max_bytes: usize) -> Self {
        metrics::gauge!("mgc_stats_cache_bytes").set(0.0);
        Self { max_bytes, lru: Mutex::new(Lru::default()) }
    }

    /// Bytes held now (bodies and bookkeeping).
    pub fn bytes(&self) -> usize {
        self.lru.lock().unwrap_or_else(PoisonError::into_inner).bytes
    }

    /// The station's statistics revision now (one indexed read), when the cache is on.
    pub async fn revision(
        &self,
        store: &impl AnalyticsQueries,
        tenant: &TenantId,
        station: StationId,
    ) -> Result<Revision, ApiError> {
        if self.max_bytes == 0 {
            return Ok(None);
        }
        Ok(Some(store.stats_revision(tenant, station).await?))
    }

    /// The kept answer of `key` if it was built at `revision`; counts a hit or a miss.
    pub fn get(&self, key: &StatsKey, revision: Revision) -> Option<Response> {
        let revision = revision?;
        let mut lru = self.lru.lock().unwrap_or_else(PoisonError::into_inner);
        let found = match lru.map.to_back(key) {
            Some(e) if e.revision == revision => Some(e.body.clone()),
            Some(_) => {
                lru.remove(key);
                None
            }
            None => None,
        };
        drop(lru);
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!("mgc_stats_cache_requests_total", "result" => result).increment(1);
        found.map(json)
    }

    /// Keeps `body` as the answer of `key` at `revision` (unless the cache is off, the body is
    /// larger than the whole cache, or a newer revision's answer is kept) and answers it.
    pub fn keep(&self, key: StatsKey, revision: Revision, body: Vec<u8>) -> Response {
        let body = Bytes::from(body);
        let size = key.bytes() + body.len();
        if let Some(revision) = revision.filter(|_| size <= self.max_bytes) {
            let mut lru = self.lru.lock().unwrap_or_else(PoisonError::into_inner);
            if lru.map.get(&key).is_none_or(|e| e.revision <= revision) {
                lru.remove(&key);
                while lru.bytes + size > self.max_bytes {
                    let Some((k, e)) = lru.map.pop_front() else { break };
                    lru.bytes -= k.bytes() + e.body.len();
                }
                lru.bytes += size;
                lru.map.insert(key, Entry { revision, body: body.clone() });
            }
            metrics::gauge!("mgc_stats_cache_bytes").set(lru.bytes as f64);
        }
        json(body)
    }
}

fn json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mgc_kernel::Window;

    fn key(tenant: &str, compact: bool) -> StatsKey {
        let t0 = DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let q = StatsQuery {
            station: StationId::from_uuid(uuid::Uuid::from_u128(7)),
            granularity: Granularity::Hour,
            range: Window { start: t0, end: t0 + chrono::Duration::days(1) },
            device: None,
            point: None,
            all_versions: false,
        };
        StatsKey::of(&TenantId::parse(tenant).unwrap_or_else(|_| unreachable!()), &q, "UTC", compact)
    }

    #[test]
    fn an_answer_is_served_only_at_the_revision_it_was_built_at() {
        let cache = StatsCache::new(1 << 20);
        let _ = cache.keep(key("t1", false), Some(3), b"{\"a\":1}".to_vec());
        assert!(cache.get(&key("t1", false), Some(3)).is_some());
        assert!(cache.get(&key("t1", false), Some(4)).is_none(), "a newer revision misses");
        assert!(cache.get(&key("t1", false), Some(3)).is_none(), "the stale entry is gone");
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn the_key_separates_tenants_and_forms() {
        let cache = StatsCache::new(1 << 20);
        let _ = cache.keep(key("t1", false), Some(1), b"{}".to_vec());
        assert!(cache.get(&key("t2", false), Some(1)).is_none());
        assert!(cache.get(&key("t1", true), Some(1)).is_none());
    }

    #[test]
    fn memory_stays_within_the_bound_least_recently_used_out_first() {
        let body = vec![b' '; 1000];
        let one = ENTRY_OVERHEAD + "UTC".len() + body.len();
        let cache = StatsCache::new(2 * one);
        let _ = cache.keep(key("a", false), Some(1), body.clone());
        let _ = cache.keep(key("b", false), Some(1), body.clone());
        assert!(cache.get(&key("a", false), Some(1)).is_some(), "a is now the most recent");
        let _ = cache.keep(key("c", false), Some(1), body.clone());
        assert!(cache.bytes() <= 2 * one);
        assert!(cache.get(&key("b", false), Some(1)).is_none(), "b was least recently used");
        assert!(cache.get(&key("a", false), Some(1)).is_some());
        assert!(cache.get(&key("c", false), Some(1)).is_some());
        let _ = cache.keep(key("d", false), Some(1), vec![b' '; 3 * one]);
        assert!(cache.get(&key("d", false), Some(1)).is_none(), "larger than the cache: not kept");
    }

    #[test]
    fn an_older_build_does_not_replace_a_newer_one_and_off_keeps_nothing() {
        let cache = StatsCache::new(1 << 20);
        let _ = cache.keep(key("t1", false), Some(5), b"new".to_vec());
        let _ = cache.keep(key("t1", false), Some(4), b"old".to_vec());
        assert!(cache.get(&key("t1", false), Some(5)).is_some());
        let off = StatsCache::new(0);
        let _ = off.keep(key("t1", false), None, b"x".to_vec());
        assert_eq!(off.bytes(), 0);
        assert!(off.get(&key("t1", false), None).is_none());
    }
}
