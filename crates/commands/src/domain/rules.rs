//! The idempotency rule and the per-device lock rule.

use crate::domain::command::Command;
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
