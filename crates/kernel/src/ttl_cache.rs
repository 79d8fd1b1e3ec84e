//! A small in-process cache whose entries expire after a fixed time on an injectable clock.

use crate::clock::SharedClock;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Values kept for `ttl` after they were put; `ttl` zero keeps nothing.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    max_entries: usize,
    clock: SharedClock,
    entries: Mutex<HashMap<K, (DateTime<Utc>, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// A cache of at most `max_entries` entries (all are dropped when it would grow beyond).
    pub fn new(ttl: Duration, max_entries: usize, clock: SharedClock) -> Self {
        Self { ttl, max_entries, clock, entries: Mutex::new(HashMap::new()) }
    }

    /// The value of `key` if it was put less than `ttl` ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let now = self.clock.now();
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(until, _)| now < *until).map(|(_, v)| v.clone())
    }

    /// Keeps `value` under `key` for `ttl`.
    pub fn put(&self, key: K, value: V) {
        if self.ttl <= Duration::zero() || self.max_entries == 0 {
            return;
        }
        let until = self.clock.now() + self.ttl;
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            let now = self.clock.now();
            entries.retain(|_, (u, _)| now < *u);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key, (until, value));
    }

    /// Forgets every entry for which `pred(key, value)` holds (e.g. all of one tenant).
    pub fn forget_where(&self, pred: impl Fn(&K, &V) -> bool) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|k, (_, v)| !pred(k, v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use chrono::TimeZone;

    fn cache(ttl_secs: i64, max: usize) -> (ManualClock, TtlCache<&'static str, u32>) {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default());
        let c = TtlCache::new(Duration::seconds(ttl_secs), max, clock.shared());
        (clock, c)
    }

    #[test]
    fn given_a_put_value_when_read_before_and_after_ttl_then_it_is_there_then_gone() {
        let (clock, c) = cache(5, 10);
        c.put("a", 1);
        clock.advance(Duration::seconds(4));
        assert_eq!(c.get(&"a"), Some(1));
        clock.advance(Duration::seconds(1));
        assert_eq!(c.get(&"a"), None);
    }

    #[test]
    fn given_zero_ttl_when_put_then_nothing_is_kept() {
        let (_, c) = cache(0, 10);
        c.put("a", 1);
        assert_eq!(c.get(&"a"), None);
    }

    #[test]
    fn given_entries_when_forgotten_by_predicate_then_only_those_go() {
        let (_, c) = cache(5, 10);
        c.put("t1/a", 1);
        c.put("t2/a", 2);
        c.forget_where(|k, _| k.starts_with("t1/"));
        assert_eq!((c.get(&"t1/a"), c.get(&"t2/a")), (None, Some(2)));
    }

    #[test]
    fn given_a_full_cache_when_a_new_key_comes_then_size_stays_bounded() {
        let (clock, c) = cache(5, 2);
        c.put("a", 1);
        c.put("b", 2);
        c.put("c", 3);
        assert_eq!(c.get(&"c"), Some(3));
        assert!(c.get(&"a").is_none() || c.get(&"b").is_none(), "cache grew beyond its bound");
        clock.advance(Duration::seconds(6));
        c.put("d", 4);
        assert_eq!((c.get(&"c"), c.get(&"d")), (None, Some(4)));
    }
}
