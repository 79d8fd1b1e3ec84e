//! The error-code table of docs/api.md is the truth: every refusal of every context, as the
//! HTTP edge answers it, has its row (status and code). A new variant does not compile here
//! until it is listed (the matches are exhaustive), and its row must then exist.

#![allow(clippy::unwrap_used)]

use crate::error::ApiError;
use chrono::{NaiveDate, TimeZone, Utc};
use mgc_kernel::{DeviceId, RepoError, StationId};
use std::collections::BTreeSet;

const API_MD: &str = include_str!("../../../docs/api.md");

/// `(status, code)` rows of the "## Error codes" section.
fn documented() -> BTreeSet<(u16, String)> {
    let section = API_MD.split("\n## Error codes").nth(1).expect("docs/api.md has a '## Error codes' section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let status = cells.get(1)?.parse::<u16>().ok()?;
            let code = cells.get(2)?.trim_matches('`');
            Some((status, code.to_owned()))
        })
        .collect()
}

fn auth() -> Vec<mgc_iam::AuthError> {
    use mgc_iam::{AuthError as E, Role};
    let all = vec![
        E::MissingCredentials,
        E::Malformed("x".into()),
        E::Expired,
        E::NotYetValid,
        E::BadSignature,
        E::WrongAlgorithm("HS512".into()),
        E::MissingTenant,
        E::InvalidClaim("role".into()),
        E::UnknownApiKey,
        E::RevokedApiKey,
        E::Forbidden { required: Role::Admin, actual: Role::Viewer },
        E::StationScoped { what: "x".into() },
        E::Unavailable("x".into()),
        E::UnknownTenant,
        E::TenantDisabled,
    ];
    for e in &all {
        match e {
            E::MissingCredentials
            | E::Malformed(_)
            | E::Expired
            | E::NotYetValid
            | E::BadSignature
            | E::WrongAlgorithm(_)
            | E::MissingTenant
            | E::InvalidClaim(_)
            | E::UnknownApiKey
            | E::RevokedApiKey
            | E::Forbidden { .. }
            | E::StationScoped { .. }
            | E::Unavailable(_)
            | E::UnknownTenant
            | E::TenantDisabled => {}
        }
    }
    all
}

fn repo() -> Vec<RepoError> {
    let all = vec![
        RepoError::NotFound { what: "x", id: "1".into() },
        RepoError::Conflict("x".into()),
        RepoError::Invalid("x".into()),
        RepoError::Unavailable("x".into()),
        RepoError::Backend("x".into()),
    ];
    for e in &all {
        match e {
            RepoError::NotFound { .. }
            | RepoError::Conflict(_)
            | RepoError::Invalid(_)
            | RepoError::Unavailable(_)
            | RepoError::Backend(_) => {}
        }
    }
    all
}

fn ingest() -> Vec<mgc_adapter_thingsboard::IngestError> {
    use mgc_adapter_thingsboard::IngestError as E;
    use mgc_iam::{HmacError as H, IngestAuthError as A};
    let auth = [
        A::MissingCredentials,
        A::UnknownIntegration,
        A::Signature(H::MalformedSignature),
        A::Signature(H::MalformedTimestamp("x".into())),
        A::Signature(H::StaleTimestamp { skew_secs: 900, window_secs: 300 }),
        A::Signature(H::Mismatch),
        A::LegacySignature,
        A::Replayed,
        A::StaticDisabled,
        A::WrongSecret,
        A::TenantDisabled,
    ];
    for a in &auth {
        match a {
            A::MissingCredentials
            | A::UnknownIntegration
            | A::Signature(H::MalformedSignature | H::MalformedTimestamp(_) | H::StaleTimestamp { .. } | H::Mismatch)
            | A::LegacySignature
            | A::Replayed
            | A::StaticDisabled
            | A::WrongSecret
            | A::TenantDisabled => {}
        }
    }
    let mut all: Vec<E> = auth.into_iter().map(E::Auth).collect();
    use mgc_adapter_thingsboard::payload::{codes as c, PayloadError};
    let payload = [
        c::MALFORMED_JSON,
        c::EMPTY_BATCH,
        c::INVALID_SHAPE,
        c::MISSING_DEVICE,
        c::INVALID_TIMESTAMP,
        c::INVALID_KEY,
        c::INVALID_VALUE,
        c::TOO_MANY_POINTS,
    ];
    all.extend(payload.map(|code| E::Payload(PayloadError { code, path: "$".into(), reason: "x".into() })));
    all.push(E::Storage(RepoError::Unavailable("x".into())));
    all.push(E::ShuttingDown);
    all
}

fn commands() -> Vec<mgc_commands::CommandError> {
    use mgc_commands::{CommandError as E, CommandId, CommandState as S};
    let id = CommandId::new();
    let all = vec![
        E::Invalid { field: "method".into(), message: "x".into() },
        E::UnknownDevice(DeviceId::new()),
        E::NotControllable(DeviceId::new()),
        E::IdempotencyConflict("k".into()),
        E::NotCancellable { id, state: S::Succeeded },
        E::NotFound(id),
        E::UnknownRpcId("r".into()),
        E::EarlyUpdatesFull(10, "acme".into()),
        E::IllegalTransition { from: S::Succeeded, to: S::Pending },
    ];
    for e in &all {
        match e {
            E::Invalid { .. }
            | E::UnknownDevice(_)
            | E::NotControllable(_)
            | E::IdempotencyConflict(_)
            | E::NotCancellable { .. }
            | E::NotFound(_)
            | E::UnknownRpcId(_)
            | E::EarlyUpdatesFull(..)
            | E::IllegalTransition { .. }
            | E::Repo(_) => {}
        }
    }
    all
}

fn charging() -> Vec<mgc_charging::ChargingError> {
    use mgc_charging::{ChargingError as E, OcppIdentity, RegistrationStatus, SessionState, TransactionId};
    let cp = OcppIdentity::parse("CP1").unwrap();
    let tx = TransactionId(7);
    let all = vec![
        E::Invalid { field: "idTag", message: "x".into() },
        E::UnknownChargePoint(cp.clone()),
        E::NotAccepted { identity: cp, status: RegistrationStatus::Pending },
        E::UnknownTransaction(tx),
        E::SessionEnded(tx),
        E::IllegalTransition { from: SessionState::Completed, to: SessionState::Charging },
        E::Exhausted("transaction ids"),
    ];
    for e in &all {
        match e {
            E::Invalid { .. }
            | E::UnknownChargePoint(_)
            | E::NotAccepted { .. }
            | E::UnknownTransaction(_)
            | E::SessionEnded(_)
            | E::IllegalTransition { .. }
            | E::Exhausted(_)
            | E::Repo(_) => {}
        }
    }
    all
}

fn settlement() -> Vec<mgc_settlement::SettlementError> {
    use mgc_settlement::{SettlementError as E, SettlementId, StatementId, TariffId};
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let (s, st) = (SettlementId::new(), StatementId::new());
    let all = vec![
        E::InvalidTariff("x".into()),
        E::InvalidMonth("x".into()),
        E::InvalidReason,
        E::Content("x".into()),
        E::StationNotFound(StationId::new()),
        E::TariffNotFound(TariffId::new()),
        E::SettlementNotFound(s),
        E::StatementNotFound(st),
        E::TariffInUse { id: TariffId::new(), station: StationId::new(), from: day },
        E::AlreadyFrozen { id: s, day },
        E::Unpriced { id: s, day, reason: "x".into() },
        E::StatementIssued { id: st, version: 1, month: "2026-03".into() },
        E::StatementState { id: st, state: "void".into(), needed: "x" },
        E::StatementOutdated(st),
    ];
    for e in &all {
        match e {
            E::InvalidTariff(_)
            | E::InvalidMonth(_)
            | E::InvalidReason
            | E::Content(_)
            | E::StationNotFound(_)
            | E::TariffNotFound(_)
            | E::SettlementNotFound(_)
            | E::StatementNotFound(_)
            | E::TariffInUse { .. }
            | E::AlreadyFrozen { .. }
            | E::Unpriced { .. }
            | E::StatementIssued { .. }
            | E::StatementState { .. }
            | E::StatementOutdated(_)
            | E::Repo(_) => {}
        }
    }
    all
}

fn strategy() -> Vec<mgc_strategy::StrategyError> {
    use mgc_strategy::{StrategyError as E, StrategyId};
    let all = vec![
        E::InvalidDefinition("x".into()),
        E::UnknownStation(StationId::new()),
        E::InvalidTargets("x".into()),
        E::NotFound(StrategyId::new()),
    ];
    for e in &all {
        match e {
            E::InvalidDefinition(_) | E::UnknownStation(_) | E::InvalidTargets(_) | E::NotFound(_) | E::Repo(_) => {}
        }
    }
    all
}

fn analytics() -> Vec<mgc_analytics::app::close::CloseError> {
    use mgc_analytics::app::close::CloseError as E;
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let all = vec![
        E::StationNotFound(StationId::new()),
        E::EmptyRange { from: t, to: t },
        E::RangeTooLong { max_days: 31 },
        E::NothingEnded { from: t, to: t, now: t },
    ];
    for e in &all {
        match e {
            E::StationNotFound(_)
            | E::EmptyRange { .. }
            | E::RangeTooLong { .. }
            | E::NothingEnded { .. }
            | E::Repo(_) => {}
        }
    }
    all
}

fn telemetry() -> Vec<mgc_telemetry::TelemetryError> {
    use mgc_telemetry::TelemetryError as E;
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let all = vec![
        E::EmptyRange { from: t, to: t },
        E::InvalidInterval("7m".into()),
        E::InvalidAgg("median".into()),
        E::AggWithoutInterval,
        E::TooManySamples { max: 500_000 },
    ];
    for e in &all {
        match e {
            E::EmptyRange { .. }
            | E::InvalidInterval(_)
            | E::InvalidAgg(_)
            | E::AggWithoutInterval
            | E::TooManySamples { .. }
            | E::Repo(_) => {}
        }
    }
    all
}

fn alarms() -> Vec<mgc_alarms::AlarmError> {
    use mgc_alarms::{AlarmError as E, AlarmId, ChannelId, RuleId};
    let all = vec![
        E::InvalidRule("x".into()),
        E::InvalidChannel("x".into()),
        E::UnknownChannel(ChannelId::new()),
        E::UnknownDevice(DeviceId::new()),
        E::AlarmNotFound(AlarmId::new()),
        E::RuleNotFound(RuleId::new()),
        E::ChannelNotFound(ChannelId::new()),
        E::AlreadyAcknowledged(AlarmId::new()),
        E::AlreadyCleared(AlarmId::new()),
    ];
    for e in &all {
        match e {
            E::InvalidRule(_)
            | E::InvalidChannel(_)
            | E::UnknownChannel(_)
            | E::UnknownDevice(_)
            | E::AlarmNotFound(_)
            | E::RuleNotFound(_)
            | E::ChannelNotFound(_)
            | E::AlreadyAcknowledged(_)
            | E::AlreadyCleared(_)
            | E::Repo(_) => {}
        }
    }
    all
}

fn masterdata() -> Vec<mgc_masterdata::MasterdataError> {
    use mgc_masterdata::MasterdataError as E;
    let all = vec![
        E::Invalid("x".into()),
        E::InvalidMapping("x".into()),
        E::UnknownStation(StationId::new()),
        E::StationNotFound(StationId::new()),
        E::DeviceNotFound(DeviceId::new()),
        E::StationHasDevices { id: StationId::new(), devices: 2 },
        E::TimeZoneLocked { id: StationId::new(), zone: "Europe/Berlin".into(), since: chrono::Utc::now() },
    ];
    for e in &all {
        match e {
            E::Invalid(_)
            | E::InvalidMapping(_)
            | E::UnknownStation(_)
            | E::StationNotFound(_)
            | E::DeviceNotFound(_)
            | E::StationHasDevices { .. }
            | E::TimeZoneLocked { .. }
            | E::Repo(_) => {}
        }
    }
    all
}

fn integrations() -> Vec<mgc_iam::integration_service::IntegrationError> {
    use mgc_iam::integration_service::IntegrationError as E;
    let all = vec![E::InvalidName, E::InvalidGrace];
    for e in &all {
        match e {
            E::InvalidName | E::InvalidGrace | E::Repo(_) => {}
        }
    }
    all
}

fn shadow() -> Vec<mgc_strategy::app::shadow_run::ShadowError> {
    use mgc_strategy::app::shadow_run::ShadowError as E;
    let all = vec![E::Invalid("x".into()), E::StationNotFound("s".into())];
    for e in &all {
        match e {
            E::Invalid(_) | E::StationNotFound(_) | E::Repo(_) => {}
        }
    }
    all
}

fn platform() -> Vec<mgc_platform::PlatformError> {
    use mgc_platform::PlatformError as E;
    let all = vec![
        E::invalid("order_no", "x"),
        E::invalid("limit", "x"),
        E::UnknownDevice("d".into()),
        E::NotLinked("d".into()),
        E::Offline("d".into()),
        E::ModeNotSupported { protocol: "ap3000".into(), mode: "power" },
        E::NotSupported { protocol: "ap3000".into(), operation: "firmware_update" },
        E::OrderConflict("o".into()),
        E::UnknownOrder("o".into()),
        E::NoOpenSession(1),
    ];
    for e in &all {
        match e {
            E::Invalid { .. }
            | E::UnknownDevice(_)
            | E::NotLinked(_)
            | E::Offline(_)
            | E::ModeNotSupported { .. }
            | E::NotSupported { .. }
            | E::OrderConflict(_)
            | E::UnknownOrder(_)
            | E::NoOpenSession(_)
            | E::Command(_)
            | E::Repo(_) => {}
        }
    }
    all
}

#[test]
fn every_refusal_of_every_context_has_its_row_in_the_error_code_table() {
    let mut answered: Vec<ApiError> = Vec::new();
    answered.extend(auth().into_iter().map(ApiError::from));
    answered.extend(repo().into_iter().map(ApiError::from));
    answered.extend(ingest().into_iter().map(ApiError::from));
    answered.extend(commands().into_iter().map(ApiError::from));
    answered.extend(charging().into_iter().map(ApiError::from));
    answered.extend(settlement().into_iter().map(ApiError::from));
    answered.extend(strategy().into_iter().map(ApiError::from));
    answered.extend(telemetry().into_iter().map(ApiError::from));
    answered.extend(alarms().into_iter().map(ApiError::from));
    answered.extend(masterdata().into_iter().map(ApiError::from));
    answered.extend(integrations().into_iter().map(ApiError::from));
    answered.extend(platform().into_iter().map(ApiError::from));
    answered.extend(crate::routes::subscriptions::refusals().into_iter().map(ApiError::from));
    answered.extend(analytics().into_iter().map(crate::routes::analytics::close_error));
    answered.extend(shadow().into_iter().map(crate::routes::shadow_runs::shadow_error));
    let table = documented();
    let missing: BTreeSet<String> = answered
        .iter()
        .filter(|e| !table.contains(&(e.status.as_u16(), e.code.to_owned())))
        .map(|e| format!("| {} | `{}` | {} |", e.status.as_u16(), e.code, e.message))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/api.md '## Error codes' lacks these rows:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_table_parses_and_has_the_generic_rows() {
    let table = documented();
    for row in [(404, "not_found"), (422, "invalid_request"), (503, "storage_unavailable"), (500, "internal_error")] {
        assert!(table.contains(&(row.0, row.1.to_owned())), "{row:?} in {table:?}");
    }
}
