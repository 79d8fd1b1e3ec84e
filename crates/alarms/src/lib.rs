//! Alarms context: rules evaluated on telemetry, on charging events (as derived points, see
//! [`domain::derived`]) and on a scheduler tick, the alarm lifecycle (raise, repeat, escalate,
//! acknowledge, clear), and persisted notification requests.
//!
//! `domain/` is pure (rules, conditions, evaluation state machine, alarm aggregate, channels);
//! `app/` holds the command handlers, the telemetry consumer and the scheduler tick, each
//! behind the ports in [`domain::ports`], implemented by `mgc-store`.
//!
//! # Evaluating a rule on a series
//!
//! [`domain::evaluation::evaluate_threshold`] is pure: the rule, the persisted [`RuleState`],
//! the severity of the open alarm (if any) and one sample in, a [`Decision`] out.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use mgc_alarms::domain::evaluation::{evaluate_threshold, Sample, ThresholdRule};
//! use mgc_alarms::{Condition, Decision, Level, RuleState, Severity};
//! use std::collections::HashMap;
//!
//! // "temperature above 80 °C on two consecutive samples" raises a major alarm.
//! let over_80 = Condition::parse(&serde_json::json!({"point": "temp_c", "op": ">", "value": 80}), "condition")?;
//! let levels = [Level { severity: Severity::Major, condition: over_80 }];
//! let rule = ThresholdRule { levels: &levels, clear_condition: None, hysteresis: 0.0, duration_secs: 0, repeat_count: 2 };
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
//! let mut state = RuleState::default();
//! let mut open: Option<Severity> = None;
//! let mut decisions = Vec::new();
//! for (i, temp) in [70.0, 85.0, 90.0, 88.0, 60.0].into_iter().enumerate() {
//!     let values: HashMap<String, f64> = [("temp_c".to_owned(), temp)].into();
//!     let at = t0 + Duration::minutes(i as i64);
//!     let decision = evaluate_threshold(&rule, &mut state, open, Sample { at, values: &values, fresh: true }, true);
//!     match &decision {
//!         Decision::Raise { severity, .. } => open = Some(*severity),
//!         Decision::Clear => open = None,
//!         _ => {}
//!     }
//!     decisions.push(decision);
//! }
//! // 85 starts the count, 90 completes it: raised since the first sample over 80.
//! assert!(matches!(decisions[1], Decision::Nothing));
//! assert!(matches!(decisions[2], Decision::Raise { severity: Severity::Major, since, .. } if since == t0 + Duration::minutes(1)));
//! assert!(matches!(decisions[3], Decision::Repeat { .. }));
//! assert_eq!(decisions[4], Decision::Clear);
//! # Ok::<(), String>(())
//! ```

#![warn(missing_docs)]

pub mod app;
pub mod domain;

mgc_kernel::define_id!(
    /// Identifies an alarm rule.
    RuleId
);
mgc_kernel::define_id!(
    /// Identifies an alarm.
    AlarmId
);
mgc_kernel::define_id!(
    /// Identifies a notification channel.
    ChannelId
);
mgc_kernel::define_id!(
    /// Identifies one notification delivery.
    DeliveryId
);

pub use app::channels::{create_channel, delete_channel, update_channel, ChannelInput};
pub use app::charging::ChargingAlarmConsumer;
pub use app::consumer::TelemetryAlarmConsumer;
pub use app::lifecycle::{acknowledge, assign, clear_by_operator};
pub use app::rules::{create_rule, delete_rule, set_rule_enabled, update_rule};
pub use app::tick::{run_tick, TickReport};
pub use domain::alarm::{Alarm, HistoryEntry};
pub use domain::channel::{Channel, ChannelConfig, RobotFormat, SmtpTls};
pub use domain::condition::{Comparison, Condition, Op};
pub use domain::delivery::{Delivery, DeliveryState, NotificationRequest};
pub use domain::error::AlarmError;
pub use domain::evaluation::{Decision, RuleState};
pub use domain::ports::{
    AlarmFilter, AlarmQueries, AlarmRepository, AlarmTx, AlarmUnits, ChannelRepository, DerivedFacts, LatestValue,
    NotificationRequests, Originator, Originators,
};
pub use domain::rule::{AlarmRule, Escalation, Level, RuleInput, RuleSpec, Scope, Trigger};
pub use domain::schedule::Schedule;
pub use domain::severity::Severity;
