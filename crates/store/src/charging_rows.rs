//! Column lists and row mapping of charge points, connectors, sessions and id tags.

use crate::commands_rows::corrupt;
use crate::rows::{tenant_of, to_u32, RowExt};
use mgc_charging::{
    BootInfo, ChargePoint, ChargePointId, ChargingSession, Connector, ConnectorStatusEntry, IdTag, IdToken,
    OcppIdentity, PasswordHash, ReportedStatus, SessionId, SessionTransition, TransactionId,
};
use mgc_kernel::{DeviceId, RepoError, StationId, Wh};
use std::str::FromStr;

/// Columns of `charge_points`.
pub(crate) const CHARGE_POINT_COLUMNS: &str = "id, tenant_id, station_id, device_id, identity, protocol, vendor, model,
    serial_number, firmware_version, meter_type, meter_serial_number, registration, connected, last_seen, last_boot_at,
    password_hash, created_at, updated_at, firmware_status, firmware_status_at, diagnostics_status, diagnostics_status_at, charger_type";

/// Columns of `charging_connectors`.
pub(crate) const CONNECTOR_COLUMNS: &str =
    "tenant_id, charge_point_id, number, status, error_code, info, vendor_id, vendor_error_code, status_at";

/// Columns of `charging_connector_history`.
pub(crate) const HISTORY_COLUMNS: &str =
    "from_status, status, error_code, info, vendor_id, vendor_error_code, at, received_at";

/// Columns of `charging_sessions`.
pub(crate) const SESSION_COLUMNS: &str = "id, tenant_id, charge_point_id, station_id, transaction_id, connector, id_tag,
    authorization_status, reservation_id, state, meter_start_wh, last_register_wh, meter_stop_wh, started_at, stopped_at,
    stop_reason, stop_id_tag, max_power_w, meter_went_backwards, samples_recorded, last_update_event_at, updated_at";

/// Columns of `charging_session_transitions`.
pub(crate) const TRANSITION_COLUMNS: &str = "session_id, from_state, to_state, at, reason";

/// A stored snake_case name parsed into its enum.
pub(crate) fn named<T: FromStr>(r: &impl RowExt, col: &str) -> Result<T, RepoError>
where
    T::Err: std::fmt::Display,
{
    r.text(col)?.parse().map_err(|e| corrupt(col, e))
}

fn opt_named<T: FromStr>(r: &impl RowExt, col: &str) -> Result<Option<T>, RepoError>
where
    T::Err: std::fmt::Display,
{
    r.opt_text(col)?.map(|s| s.parse().map_err(|e| corrupt(col, e))).transpose()
}

fn token(s: &str, col: &str) -> Result<IdToken, RepoError> {
    IdToken::parse(s).map_err(|e| corrupt(col, e))
}

fn opt_token(r: &impl RowExt, col: &str) -> Result<Option<IdToken>, RepoError> {
    r.opt_text(col)?.map(|s| token(&s, col)).transpose()
}

/// A `charge_points` row.
pub(crate) fn charge_point_from_row(r: &impl RowExt) -> Result<ChargePoint, RepoError> {
    let boot_info = match (r.opt_text("vendor")?, r.opt_text("model")?) {
        (Some(vendor), Some(model)) => Some(BootInfo {
            vendor,
            model,
            serial_number: r.opt_text("serial_number")?,
            firmware_version: r.opt_text("firmware_version")?,
            meter_type: r.opt_text("meter_type")?,
            meter_serial_number: r.opt_text("meter_serial_number")?,
        }),
        _ => None,
    };
    let password_hash =
        r.opt_text("password_hash")?.map(|h| PasswordHash::from_stored(&h).map_err(|e| corrupt("password_hash", e)));
    Ok(ChargePoint {
        id: ChargePointId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        station_id: r.opt_uuid("station_id")?.map(StationId::from_uuid),
        device_id: r.opt_uuid("device_id")?.map(DeviceId::from_uuid),
        identity: OcppIdentity::parse(&r.text("identity")?).map_err(|e| corrupt("identity", e))?,
        protocol: named(r, "protocol")?,
        charger_type: named(r, "charger_type")?,
        boot_info,
        registration: named(r, "registration")?,
        connected: r.boolean("connected")?,
        last_seen: r.opt_time("last_seen")?,
        last_boot_at: r.opt_time("last_boot_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        password_hash: password_hash.transpose()?,
        firmware: reported(r, "firmware_status")?,
        diagnostics: reported(r, "diagnostics_status")?,
    })
}

/// A status column and its `<column>_at` time.
fn reported(r: &impl RowExt, column: &str) -> Result<Option<ReportedStatus>, RepoError> {
    Ok(match r.opt_text(column)? {
        Some(status) => Some(ReportedStatus { status, at: r.time(&format!("{column}_at"))? }),
        None => None,
    })
}

/// A `charging_connectors` row (history empty; see [`history_from_row`]).
pub(crate) fn connector_from_row(r: &impl RowExt) -> Result<Connector, RepoError> {
    Ok(Connector {
        tenant: tenant_of(r)?,
        charge_point_id: ChargePointId::from_uuid(r.uuid("charge_point_id")?),
        number: to_u32(r.int("number")?, "connector number")?,
        status: named(r, "status")?,
        error_code: named(r, "error_code")?,
        info: r.opt_text("info")?,
        vendor_id: r.opt_text("vendor_id")?,
        vendor_error_code: r.opt_text("vendor_error_code")?,
        status_at: r.time("status_at")?,
        history: Vec::new(),
    })
}

/// A `charging_connector_history` row.
pub(crate) fn history_from_row(r: &impl RowExt) -> Result<ConnectorStatusEntry, RepoError> {
    Ok(ConnectorStatusEntry {
        from: opt_named(r, "from_status")?,
        status: named(r, "status")?,
        error_code: named(r, "error_code")?,
        info: r.opt_text("info")?,
        vendor_id: r.opt_text("vendor_id")?,
        vendor_error_code: r.opt_text("vendor_error_code")?,
        at: r.time("at")?,
        received_at: r.time("received_at")?,
    })
}

/// A `charging_sessions` row (transitions empty; see [`transition_from_row`]).
pub(crate) fn session_from_row(r: &impl RowExt) -> Result<ChargingSession, RepoError> {
    let transaction = r.int("transaction_id")?;
    let samples = r.int("samples_recorded")?;
    Ok(ChargingSession {
        id: SessionId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        charge_point_id: ChargePointId::from_uuid(r.uuid("charge_point_id")?),
        station_id: r.opt_uuid("station_id")?.map(StationId::from_uuid),
        transaction_id: TransactionId(i32::try_from(transaction).map_err(|e| corrupt("transaction_id", e))?),
        connector: to_u32(r.int("connector")?, "connector")?,
        id_tag: token(&r.text("id_tag")?, "id_tag")?,
        authorization: named(r, "authorization_status")?,
        reservation_id: r
            .opt_int("reservation_id")?
            .map(|v| i32::try_from(v).map_err(|e| corrupt("reservation_id", e)))
            .transpose()?,
        state: named(r, "state")?,
        meter_start: Wh(r.int("meter_start_wh")?),
        last_register: Wh(r.int("last_register_wh")?),
        meter_stop: r.opt_int("meter_stop_wh")?.map(Wh),
        started_at: r.time("started_at")?,
        stopped_at: r.opt_time("stopped_at")?,
        stop_reason: opt_named(r, "stop_reason")?,
        stop_id_tag: opt_token(r, "stop_id_tag")?,
        max_power_w: r.opt_int("max_power_w")?,
        meter_went_backwards: r.boolean("meter_went_backwards")?,
        samples_recorded: u64::try_from(samples).map_err(|e| corrupt("samples_recorded", e))?,
        last_update_event_at: r.opt_time("last_update_event_at")?,
        updated_at: r.time("updated_at")?,
        transitions: Vec::new(),
    })
}

/// A `charging_session_transitions` row with its session id.
pub(crate) fn transition_from_row(r: &impl RowExt) -> Result<(SessionId, SessionTransition), RepoError> {
    Ok((
        SessionId::from_uuid(r.uuid("session_id")?),
        SessionTransition {
            from: opt_named(r, "from_state")?,
            to: named(r, "to_state")?,
            at: r.time("at")?,
            reason: r.text("reason")?,
        },
    ))
}

/// A `charging_id_tags` row.
pub(crate) fn id_tag_from_row(r: &impl RowExt) -> Result<IdTag, RepoError> {
    Ok(IdTag {
        token: token(&r.text("token")?, "token")?,
        status: named(r, "status")?,
        expires_at: r.opt_time("expires_at")?,
        parent: opt_token(r, "parent")?,
    })
}

/// Puts each session's transitions (ordered by position) on it.
pub(crate) fn attach(sessions: &mut [ChargingSession], transitions: Vec<(SessionId, SessionTransition)>) {
    for (id, t) in transitions {
        if let Some(s) = sessions.iter_mut().find(|s| s.id == id) {
            s.transitions.push(t);
        }
    }
}
