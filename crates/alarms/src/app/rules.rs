//! Rule commands: create, replace (version + 1), enable/disable, delete.

use crate::app::lifecycle::{clear_alarm, SYSTEM};
use crate::domain::ports::{AlarmTx, ChannelRepository, Originators};
use crate::domain::rule::{AlarmRule, RuleInput, RuleSpec};
use crate::AlarmError;
use crate::RuleId;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

async fn check_refs<T: ChannelRepository + Originators>(
    tx: &mut T,
    tenant: &TenantId,
    spec: &RuleSpec,
) -> Result<(), AlarmError> {
    for id in spec.all_channels() {
        if tx.channel(tenant, id).await?.is_none() {
            return Err(AlarmError::UnknownChannel(id));
        }
    }
    if let Some(device) = spec.scope.device_id {
        if tx.originators(tenant, &[device]).await?.is_empty() {
            return Err(AlarmError::UnknownDevice(device));
        }
    }
    Ok(())
}

fn missing(id: RuleId) -> AlarmError {
    AlarmError::RuleNotFound(id)
}

/// Creates a rule (version 1).
pub async fn create_rule<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    input: RuleInput,
    now: DateTime<Utc>,
) -> Result<AlarmRule, AlarmError> {
    let (spec, enabled) = input.into_spec().map_err(AlarmError::InvalidRule)?;
    check_refs(&mut tx, tenant, &spec).await?;
    let rule = AlarmRule {
        id: RuleId::new(),
        tenant: tenant.clone(),
        version: 1,
        enabled,
        spec,
        created_at: now,
        updated_at: now,
    };
    tx.save_rule(&rule, true).await?;
    tx.commit().await?;
    Ok(rule)
}

/// Replaces a rule's definition (version + 1); alarms keep the version that raised them.
pub async fn update_rule<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: RuleId,
    input: RuleInput,
    now: DateTime<Utc>,
) -> Result<AlarmRule, AlarmError> {
    let mut rule = tx.rule(tenant, id).await?.ok_or_else(|| missing(id))?;
    let (spec, enabled) = input.into_spec().map_err(AlarmError::InvalidRule)?;
    check_refs(&mut tx, tenant, &spec).await?;
    rule.spec = spec;
    rule.enabled = enabled;
    rule.version += 1;
    rule.updated_at = now;
    tx.save_rule(&rule, false).await?;
    tx.commit().await?;
    Ok(rule)
}

/// Enables or disables a rule (version + 1 when it changes).
pub async fn set_rule_enabled<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: RuleId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<AlarmRule, AlarmError> {
    let mut rule = tx.rule(tenant, id).await?.ok_or_else(|| missing(id))?;
    if rule.enabled != enabled {
        rule.enabled = enabled;
        rule.version += 1;
        rule.updated_at = now;
        tx.save_rule(&rule, false).await?;
        tx.commit().await?;
    }
    Ok(rule)
}

/// Deletes a rule; its open alarms are cleared by the system ("rule deleted").
pub async fn delete_rule<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: RuleId,
    now: DateTime<Utc>,
) -> Result<(), AlarmError> {
    let rule = tx.rule(tenant, id).await?.ok_or_else(|| missing(id))?;
    for alarm in tx.open_alarms_of_rule(tenant, id).await? {
        let comment = Some("rule deleted".to_owned());
        clear_alarm(&mut tx, tenant, alarm, Some(&rule), None, SYSTEM, comment, now).await?;
    }
    tx.delete_rule(tenant, id).await?;
    Ok(tx.commit().await?)
}
