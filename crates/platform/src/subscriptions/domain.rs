//! A subscription: where a platform's notifications go and which events it wants.

use crate::subscriptions::error::SubscriptionError;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::{Deserialize, Serialize};

mgc_kernel::define_id!(
    /// Identifies a platform subscription.
    SubscriptionId
);

/// Every event a subscription can ask for.
pub const EVENT_TYPES: &[&str] = &[
    "device.online",
    "device.offline",
    "port.status_changed",
    "session.started",
    "session.progress",
    "session.ended",
    "settlement.uploaded",
    "alarm.raised",
    "alarm.severity_changed",
    "alarm.acknowledged",
    "alarm.cleared",
];

/// Event type of a test ping (sent whatever the filter).
pub const PING: &str = "ping";

/// Default least time between two `session.progress` notices of one session, in seconds.
pub const DEFAULT_PROGRESS_INTERVAL_S: u32 = 60;

const MAX_PROGRESS_INTERVAL_S: u32 = 86_400;
const MAX_PATTERNS: usize = 32;

/// A tenant's subscription (the secret is never serialized nor printed).
#[derive(Clone, PartialEq)]
pub struct Subscription {
    /// Id.
    pub id: SubscriptionId,
    /// Owner tenant.
    pub tenant: TenantId,
    /// Receiver URL.
    pub url: String,
    /// HMAC signing secret.
    pub secret: String,
    /// Event types or globs (`session.*`, `alarm.*`, `*`).
    pub event_types: Vec<String>,
    /// Least seconds between two `session.progress` notices of one session.
    pub progress_interval_s: u32,
    /// Whether new events are queued for it.
    pub enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("tenant", &self.tenant)
            .field("url", &self.url)
            .field("secret", &"***")
            .field("event_types", &self.event_types)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// True when one of its patterns covers `event`.
    pub fn wants(&self, event: &str) -> bool {
        self.event_types.iter().any(|p| pattern_matches(p, event))
    }
}

/// `*`, an exact event type, or `group.*` (every type starting with `group.`).
pub fn pattern_matches(pattern: &str, event: &str) -> bool {
    pattern == "*"
        || pattern == event
        || pattern
            .strip_suffix(".*")
            .is_some_and(|group| event.strip_prefix(group).is_some_and(|rest| rest.starts_with('.')))
}

/// The JSON body of `POST` and `PUT /api/v1/subscriptions`.
#[derive(Clone, Deserialize, Serialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    /// Receiver URL (http or https).
    pub url: String,
    /// Signing secret, 16 to 256 characters (required on create; left out on update: kept).
    #[serde(default, skip_serializing)]
    pub secret: Option<String>,
    /// Event types or globs.
    pub event_types: Vec<String>,
    /// Least seconds between two `session.progress` notices of a session (default 60).
    #[serde(default)]
    pub progress_interval_s: Option<u32>,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
}

impl std::fmt::Debug for SubscriptionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriptionInput").field("url", &self.url).field("event_types", &self.event_types).finish()
    }
}

fn invalid(message: impl Into<String>) -> SubscriptionError {
    SubscriptionError::Invalid(message.into())
}

fn check_url(url: &str) -> Result<(), SubscriptionError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    // The ASCII characters of RFC 3986 but `[` and `]` (no IPv6 literals), as the API documents.
    let ok = |c: char| c.is_ascii_alphanumeric() || "._~:/?#@!$&'()*+,;=%-".contains(c);
    match rest {
        Some(rest) if !rest.is_empty() && url.len() <= 2000 && rest.chars().all(ok) => Ok(()),
        _ => Err(invalid("url: an http(s) URL of at most 2000 ASCII URL characters (no IPv6 literal)")),
    }
}

fn check_secret(secret: &str) -> Result<(), SubscriptionError> {
    let n = secret.chars().count();
    if (16..=256).contains(&n) && !secret.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(invalid("secret: 16 to 256 characters, no control characters"))
    }
}

fn check_patterns(patterns: &[String]) -> Result<Vec<String>, SubscriptionError> {
    if patterns.is_empty() || patterns.len() > MAX_PATTERNS {
        return Err(invalid(format!("event_types: 1 to {MAX_PATTERNS} event types or globs")));
    }
    let mut out: Vec<String> = Vec::with_capacity(patterns.len());
    for p in patterns {
        if !EVENT_TYPES.iter().any(|e| pattern_matches(p, e)) {
            return Err(invalid(format!(
                "event_types: '{p}' names no event (known: {}; globs like session.* or *)",
                EVENT_TYPES.join(", ")
            )));
        }
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    Ok(out)
}

impl SubscriptionInput {
    /// Checks the fields (the secret when given) and applies them to `sub`.
    pub fn apply_to(self, sub: &mut Subscription) -> Result<(), SubscriptionError> {
        check_url(&self.url)?;
        if let Some(secret) = &self.secret {
            check_secret(secret)?;
        }
        let interval = self.progress_interval_s.unwrap_or(sub.progress_interval_s);
        if interval > MAX_PROGRESS_INTERVAL_S {
            return Err(invalid(format!("progress_interval_s: at most {MAX_PROGRESS_INTERVAL_S}")));
        }
        sub.event_types = check_patterns(&self.event_types)?;
        sub.url = self.url;
        if let Some(secret) = self.secret {
            sub.secret = secret;
        }
        sub.progress_interval_s = interval;
        sub.enabled = self.enabled.unwrap_or(sub.enabled);
        Ok(())
    }

    /// A new subscription of `tenant` from this input (the secret is required).
    pub fn create(self, tenant: &TenantId, now: DateTime<Utc>) -> Result<Subscription, SubscriptionError> {
        if self.secret.is_none() {
            return Err(invalid("secret: required (16 to 256 characters); it signs every delivery"));
        }
        let mut sub = Subscription {
            id: SubscriptionId::new(),
            tenant: tenant.clone(),
            url: String::new(),
            secret: String::new(),
            event_types: Vec::new(),
            progress_interval_s: DEFAULT_PROGRESS_INTERVAL_S,
            enabled: true,
            created_at: now,
            updated_at: now,
        };
        self.apply_to(&mut sub)?;
        Ok(sub)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(types: &[&str]) -> SubscriptionInput {
        SubscriptionInput {
            url: "https://platform.example/hook".into(),
            secret: Some("0123456789abcdef".into()),
            event_types: types.iter().map(|s| (*s).to_owned()).collect(),
            ..SubscriptionInput::default()
        }
    }

    #[test]
    fn given_globs_then_they_match_their_group_only() {
        let sub = input(&["alarm.*", "session.started"]).create(&TenantId::parse("acme").unwrap(), Utc::now()).unwrap();
        assert!(sub.wants("alarm.raised") && sub.wants("session.started"));
        assert!(!sub.wants("session.ended") && !sub.wants("alarmx.raised") && !sub.wants("ping"));
        assert!(pattern_matches("*", "device.online"));
        assert!(!format!("{sub:?}").contains("0123456789abcdef"), "the secret is never printed");
    }

    #[test]
    fn given_bad_fields_then_the_field_is_named() {
        let t = TenantId::parse("acme").unwrap();
        let err = |i: SubscriptionInput| i.create(&t, Utc::now()).unwrap_err().to_string();
        assert!(err(input(&["session.nope"])).contains("event_types"));
        assert!(err(input(&[])).contains("event_types"));
        assert!(err(SubscriptionInput { url: "ftp://x".into(), ..input(&["*"]) }).contains("url"));
        assert!(err(SubscriptionInput { secret: Some("short".into()), ..input(&["*"]) }).contains("secret"));
        assert!(err(SubscriptionInput { secret: None, ..input(&["*"]) }).contains("secret"));
        assert!(err(SubscriptionInput { progress_interval_s: Some(100_000), ..input(&["*"]) }).contains("progress"));
    }
}
