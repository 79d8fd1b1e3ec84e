//! The idempotency rule and the per-device lock rule.

use crate::domain::command::Command;
use crate::CommandState;
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::DeviceId;
use sha2::{Digest, Sha256};

/// How long an idempotency key refers to its command.
pub fn idempotency_window() -> Duration {
    Duration::hours(24)
}

/// What an issue with an already used idempotency key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyReuse {
    /// Same request within the window: answer with the existing command.
    Replay,
    /// Different request within the window: refuse (409).
    Conflict,
    /// The window is over: the key is free for a new command.
    Expired,
}

/// Judges a request with `fingerprint` against the command that holds its key.
pub fn key_reuse(existing: &Command, fingerprint: &str, now: DateTime<Utc>) -> KeyReuse {
    if now - existing.created_at >= idempotency_window() {
        KeyReuse::Expired
    } else if existing.fingerprint == fingerprint {
        KeyReuse::Replay
    } else {
        KeyReuse::Conflict
    }
}

/// Hash of what a request asks for (device, method, params, timeout), hex SHA-256.
pub fn fingerprint(device: DeviceId, method: &str, params: &serde_json::Value, timeout_s: u32) -> String {
    fingerprint_of(device, method, params, timeout_s, false)
}

/// [`fingerprint`] of a request that may also ask to wait for its device to come online; the
/// flag counts only when set, so the hashes of requests without it stay what they were.
pub fn fingerprint_of(
    device: DeviceId,
    method: &str,
    params: &serde_json::Value,
    timeout_s: u32,
    queue_until_online: bool,
) -> String {
    let mut canonical =
        serde_json::json!({"device_id": device, "method": method, "params": params, "timeout_s": timeout_s});
    if queue_until_online {
        canonical["queue_until_online"] = serde_json::Value::Bool(true);
    }
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The per-device lock: whether `other` keeps `candidate` from being sent at `now`.
///
/// Commands of one device that are not parallel go one at a time and in issue order: a
/// candidate waits while another non-parallel command of its device is in flight (`sent`,
/// `delivered`, or pending and held by a dispatcher that is sending it) or is an older pending
/// one. A newer command being sent blocks an older one too: on PostgreSQL issue transactions
/// can commit out of insertion order, so a dispatcher may have claimed the newer one before the
/// older one was visible. Parallel methods neither wait nor hold the lock. The store's claim
/// query applies the same rule in SQL (issue order = insertion order).
pub fn blocks(candidate: &Command, other: &Command, now: DateTime<Utc>) -> bool {
    if candidate.options.parallel || other.options.parallel {
        return false;
    }
    if other.id == candidate.id || other.device_id != candidate.device_id || other.tenant != candidate.tenant {
        return false;
    }
    other.state.is_in_flight()
        || (other.state == CommandState::Pending
            && (other.is_being_sent(now) || (other.created_at, other.id) < (candidate.created_at, candidate.id)))
}

/// Whether `candidate` may be sent at `now` given the other live commands of its device.
pub fn may_send(candidate: &Command, others: &[Command], now: DateTime<Utc>) -> bool {
    !others.iter().any(|o| blocks(candidate, o, now))
}
