//! Alarms context: rules evaluated on telemetry and on a scheduler tick, the alarm lifecycle
//! (raise, repeat, escalate, acknowledge, clear), and persisted notification requests.
//!
//! `domain/` is pure (rules, conditions, evaluation state machine, alarm aggregate, channels);
//! `app/` holds the command handlers, the telemetry consumer and the scheduler tick, each
//! behind the ports in [`domain::ports`], implemented by `mgc-store`.

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
    AlarmFilter, AlarmQueries, AlarmRepository, AlarmTx, AlarmUnits, ChannelRepository, LatestValue,
    NotificationRequests, Originator, Originators,
};
pub use domain::rule::{AlarmRule, Escalation, Level, RuleInput, RuleSpec, Scope, Trigger};
pub use domain::schedule::Schedule;
pub use domain::severity::Severity;
