//! Notification delivery edge: sends persisted deliveries to webhooks (signed JSON envelope),
//! DingTalk and WeCom robots and email (SMTP), with a worker pool, per-endpoint concurrency,
//! timeouts, exponential backoff with jitter, a circuit breaker and a rate limit per endpoint,
//! and dead-lettering after the maximum attempts or age.
//!
//! # Signing and verifying a webhook
//!
//! Every webhook carries `X-Mgc-Timestamp` and `X-Mgc-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of `timestamp + "." + body` under the channel's secret. A receiver checks it
//! with [`verify_webhook_signature`] (constant time):
//!
//! ```
//! use mgc_notify::{verify_webhook_signature, webhook_signature};
//!
//! let secret = "whsec-3f1c2d3e4a5b6c7d";
//! let body = br#"{"event":"alarm.raised","severity":"major"}"#;
//! let signature = webhook_signature(secret, "1772366400", body);
//! assert!(signature.starts_with("sha256=") && signature.len() == 7 + 64);
//!
//! assert!(verify_webhook_signature(secret, "1772366400", body, &signature));
//! // Another body, timestamp or secret does not verify.
//! assert!(!verify_webhook_signature(secret, "1772366400", br#"{"event":"alarm.cleared"}"#, &signature));
//! assert!(!verify_webhook_signature(secret, "1772366401", body, &signature));
//! assert!(!verify_webhook_signature("another-secret", "1772366400", body, &signature));
//! ```

#![warn(missing_docs)]

pub mod queue;

pub use queue::{ClaimedDelivery, DeliveryQueue};
pub mod breaker;
pub mod format;
pub mod send;
pub mod signature;

pub use send::{SendError, Sender};
pub use signature::{verify_webhook_signature, webhook_signature};
pub mod worker;

pub use breaker::{BreakerConfig, BreakerState};
pub use worker::{NotifyConfig, NotifyWorker, WorkReport};
