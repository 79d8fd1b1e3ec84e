//! Row mapping of alarm rules, alarms, history, channels and deliveries.

use crate::rows::{tenant_of, to_u32, RowExt};
use mgc_alarms::{
    Alarm, AlarmId, AlarmRule, Channel, ChannelId, Delivery, DeliveryId, DeliveryState, HistoryEntry,
    NotificationRequest, RuleId,
};
use mgc_kernel::{DeviceId, RepoError, StationId};

pub(crate) const RULE_COLUMNS: &str =
    "id, tenant_id, version, enabled, kind, station_id, device_id, device_kind, spec, created_at, updated_at";

pub(crate) const ALARM_COLUMNS: &str = "id, tenant_id, rule_id, rule_version, device_id, station_id, severity, acknowledged, cleared, \
     started_at, ended_at, acknowledged_at, acknowledged_by, cleared_at, cleared_by, assignee, message, point, last_value, \
     threshold, count, escalate_at, escalated_at, notified, updated_at";

pub(crate) const HISTORY_COLUMNS: &str =
    "seq, alarm_id, rule_id, device_id, station_id, action, actor, comment, severity, status, message, at";

pub(crate) const CHANNEL_COLUMNS: &str = "id, tenant_id, name, kind, config, enabled, created_at, updated_at";

pub(crate) const DELIVERY_COLUMNS: &str =
    "seq, id, tenant_id, channel_id, alarm_id, event, title, text, payload, state, attempts, \
     next_attempt_at, created_at, age_from, last_error, delivered_at";

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(format!("stored {what} unreadable: {e}"))
}

pub(crate) fn rule_from_row(r: &impl RowExt) -> Result<AlarmRule, RepoError> {
    Ok(AlarmRule {
        id: RuleId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        version: r.int("version")?,
        enabled: r.boolean("enabled")?,
        spec: serde_json::from_value(r.json("spec")?).map_err(|e| corrupt("rule", e))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn alarm_from_row(r: &impl RowExt) -> Result<Alarm, RepoError> {
    Ok(Alarm {
        id: AlarmId::from_uuid(r.uuid("id")?),
        tenant: Some(tenant_of(r)?),
        rule_id: RuleId::from_uuid(r.uuid("rule_id")?),
        rule_version: r.int("rule_version")?,
        device_id: DeviceId::from_uuid(r.uuid("device_id")?),
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        severity: r.text("severity")?.parse().map_err(|e| corrupt("alarm", e))?,
        acknowledged: r.boolean("acknowledged")?,
        cleared: r.boolean("cleared")?,
        started_at: r.time("started_at")?,
        ended_at: r.time("ended_at")?,
        acknowledged_at: r.opt_time("acknowledged_at")?,
        acknowledged_by: r.opt_text("acknowledged_by")?,
        cleared_at: r.opt_time("cleared_at")?,
        cleared_by: r.opt_text("cleared_by")?,
        assignee: r.opt_text("assignee")?,
        message: r.text("message")?,
        point: r.opt_text("point")?,
        last_value: r.opt_float("last_value")?,
        threshold: r.opt_text("threshold")?,
        count: r.int("count")?,
        escalate_at: r.opt_time("escalate_at")?,
        escalated_at: r.opt_time("escalated_at")?,
        notified: r.boolean("notified")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn history_from_row(r: &impl RowExt) -> Result<HistoryEntry, RepoError> {
    Ok(HistoryEntry {
        seq: r.int("seq")?,
        alarm_id: AlarmId::from_uuid(r.uuid("alarm_id")?),
        rule_id: RuleId::from_uuid(r.uuid("rule_id")?),
        device_id: DeviceId::from_uuid(r.uuid("device_id")?),
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        action: r.text("action")?,
        actor: r.text("actor")?,
        comment: r.opt_text("comment")?,
        severity: r.text("severity")?.parse().map_err(|e| corrupt("alarm history", e))?,
        status: r.text("status")?,
        message: r.text("message")?,
        at: r.time("at")?,
    })
}

/// A channel as stored, its settings opened with the store's keyring.
pub(crate) fn channel_from_row(inner: &crate::db::Inner, r: &impl RowExt) -> Result<Channel, RepoError> {
    let config = crate::secrets_at_rest::open_json(inner, r.json("config")?)?;
    let tagged = serde_json::json!({"kind": r.text("kind")?, "config": config});
    Ok(Channel {
        id: ChannelId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        name: r.text("name")?,
        enabled: r.boolean("enabled")?,
        config: serde_json::from_value(tagged).map_err(|e| corrupt("channel", e))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn delivery_from_row(r: &impl RowExt) -> Result<Delivery, RepoError> {
    let state = r.text("state")?;
    Ok(Delivery {
        id: DeliveryId::from_uuid(r.uuid("id")?),
        channel_id: ChannelId::from_uuid(r.uuid("channel_id")?),
        request: NotificationRequest {
            event: r.text("event")?,
            alarm_id: r.opt_uuid("alarm_id")?.map(AlarmId::from_uuid),
            title: r.text("title")?,
            text: r.text("text")?,
            payload: r.json("payload")?,
        },
        state: DeliveryState::parse(&state).ok_or_else(|| corrupt("delivery state", &state))?,
        attempts: to_u32(r.int("attempts")?, "attempts")?,
        next_attempt_at: r.time("next_attempt_at")?,
        created_at: r.time("created_at")?,
        age_from: r.time("age_from")?,
        last_error: r.opt_text("last_error")?,
        delivered_at: r.opt_time("delivered_at")?,
    })
}
