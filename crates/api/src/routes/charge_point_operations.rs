//! Operations on one charge point that become OCPP commands through the commands context:
//! local list sync, reservations, charging profiles and the composite schedule. Each answers
//! 202 with the command; its state and the charge point's answer are at `/api/v1/commands/{id}`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_adapter_ocpp::enums::{ChargingProfilePurpose, ChargingRateUnit};
use mgc_adapter_ocpp::mapping::full_local_list;
use mgc_adapter_ocpp::messages::reservation::{CancelReservationRequest, ReserveNowRequest};
use mgc_adapter_ocpp::messages::smart_charging::{
    ClearChargingProfileRequest, GetCompositeScheduleRequest, SetChargingProfileRequest,
};
use mgc_adapter_ocpp::{OcppAction, OcppPayload};
use mgc_charging::{ChargePointId, ChargingQueries, IdToken};
use mgc_commands::{issue_committed, Command, IssueRequest, Issued};
use mgc_contracts::CommandOrigin;
use mgc_iam::{Principal, Role};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

fn unprocessable(message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

/// Issues `R` with `payload` to the masterdata device of charge point `raw_id` in the caller's
/// scope; 404 outside it, 409 when the charge point is not linked to a device yet.
async fn issue<R: OcppAction>(
    state: &AppState,
    p: &Principal,
    raw_id: &str,
    payload: Value,
    timeout_s: Option<u32>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    p.require(Role::Operator)?;
    let id: ChargePointId = parse_id(raw_id, "charge point")?;
    R::from_payload(&payload).map_err(|v| unprocessable(v.to_string()))?;
    let cp = state
        .store
        .get_charge_point(&p.scope(), id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("charge point {id} not found")))?;
    let device_id = cp.device_id.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "charge_point_not_linked",
            format!(
                "charge point {id} has no masterdata device yet: provision a charger device named '{}'",
                cp.identity
            ),
        )
    })?;
    let req = IssueRequest {
        device_id,
        method: R::ACTION.to_owned(),
        params: Some(payload),
        timeout_s,
        idempotency_key: None,
        origin: CommandOrigin::Api { subject: p.subject.clone() },
        queue_until_online: false,
    };
    let issued =
        issue_committed(&state.store, &p.scope(), req, &state.config.commands, &state.adapters, state.clock.now())
            .await?;
    state.commands_wakeup.notify_one();
    let (Issued::Created(c) | Issued::Existing(c)) = issued;
    Ok((StatusCode::ACCEPTED, Json(c)))
}

/// Sends the tenant's whole local authorization list (every id tag, at the list's version) to
/// the charge point as a full SendLocalList.
#[utoipa::path(post, path = "/api/v1/charge-points/{id}/local-list/sync", operation_id = "charge_points_sync_local_list", tag = "charging",
    params(("id" = String, Path, description = "charge point id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the SendLocalList command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn sync_local_list(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    let list = mgc_charging::current_local_list(state.store.begin().await?, &p.tenant).await?;
    let payload = full_local_list(&list).to_payload();
    issue::<mgc_adapter_ocpp::messages::local_list::SendLocalListRequest>(&state, &p, &id, payload, None).await
}

/// Body of a reservation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveBody {
    /// Connector to reserve (0: any connector of the charge point).
    pub connector_id: i32,
    /// Tag the reservation is for.
    pub id_tag: String,
    /// Group tag that may also use it.
    pub parent_id_tag: Option<String>,
    /// When the reservation ends (RFC 3339, in the future).
    pub expires_at: DateTime<Utc>,
    /// Reservation id (positive); derived from the command id when absent.
    pub reservation_id: Option<i32>,
    /// Seconds the charge point has to answer.
    pub timeout_s: Option<u32>,
}

/// Reserves a connector for an id tag (ReserveNow). The reservation id is in the command's
/// params; cancel it with `DELETE .../reservations/{reservation_id}`.
#[utoipa::path(post, path = "/api/v1/charge-points/{id}/reservations", operation_id = "charge_points_reserve", tag = "charging", request_body = ReserveBody,
    params(("id" = String, Path, description = "charge point id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the ReserveNow command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reserve(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReserveBody>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    if body.expires_at <= state.clock.now() {
        return Err(unprocessable(format!("expires_at: {} is not in the future", body.expires_at)));
    }
    for (field, tag) in [("id_tag", Some(&body.id_tag)), ("parent_id_tag", body.parent_id_tag.as_ref())] {
        if let Some(tag) = tag {
            IdToken::parse(tag).map_err(|e| unprocessable(format!("{field}: {e}")))?;
        }
    }
    let reservation_id = match body.reservation_id {
        Some(r) if r > 0 => r,
        Some(r) => return Err(unprocessable(format!("reservation_id: must be positive, got {r}"))),
        None => derived_reservation_id(),
    };
    let req = ReserveNowRequest {
        connector_id: body.connector_id,
        expiry_date: body.expires_at,
        id_tag: body.id_tag,
        parent_id_tag: body.parent_id_tag,
        reservation_id,
    };
    issue::<ReserveNowRequest>(&state, &p, &id, req.to_payload(), body.timeout_s).await
}

/// A positive reservation id from 31 random bits (collisions among one charge point's live
/// reservations are negligible; a caller who needs its own numbering passes `reservation_id`).
fn derived_reservation_id() -> i32 {
    let bits = uuid::Uuid::new_v4().as_u128() as u32 & 0x7fff_ffff;
    i32::try_from(bits).unwrap_or(1).max(1)
}

/// Cancels a reservation (CancelReservation).
#[utoipa::path(delete, path = "/api/v1/charge-points/{id}/reservations/{reservation_id}", operation_id = "charge_points_cancel_reservation", tag = "charging",
    params(("id" = String, Path, description = "charge point id"), ("reservation_id" = i32, Path, description = "reservation id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the CancelReservation command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn cancel_reservation(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, reservation_id)): Path<(String, i32)>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    let req = CancelReservationRequest { reservation_id };
    issue::<CancelReservationRequest>(&state, &p, &id, req.to_payload(), None).await
}

/// Body of a charging profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// Connector (0: the charge point as a whole).
    #[schema(minimum = -2147483648, maximum = 2147483647)]
    pub connector_id: i32,
    /// The OCPP 1.6 `ChargingProfile` object (chargingProfileId, stackLevel, purpose, kind,
    /// chargingSchedule …), validated against the 1.6 schema (the document states that schema).
    #[schema(value_type = Object)]
    pub profile: Value,
    /// Seconds the charge point has to answer (1..=`commands.max_timeout_s`, 3600 unless configured).
    #[schema(minimum = 1, maximum = 3600)]
    pub timeout_s: Option<u32>,
}

/// Installs a charging profile (SetChargingProfile).
#[utoipa::path(post, path = "/api/v1/charge-points/{id}/charging-profiles", operation_id = "charge_points_set_profile", tag = "charging", request_body = ProfileBody,
    params(("id" = String, Path, description = "charge point id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the SetChargingProfile command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_profile(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProfileBody>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    let payload = serde_json::json!({"connectorId": body.connector_id, "csChargingProfiles": body.profile});
    issue::<SetChargingProfileRequest>(&state, &p, &id, payload, body.timeout_s).await
}

/// Which profiles to clear (none given: every profile of the charge point).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClearQuery {
    /// Profile id.
    pub profile_id: Option<i32>,
    /// Connector.
    pub connector_id: Option<i32>,
    /// Purpose: ChargePointMaxProfile, TxDefaultProfile or TxProfile.
    pub purpose: Option<String>,
    /// Stack level.
    pub stack_level: Option<i32>,
}

/// Clears charging profiles (ClearChargingProfile).
#[utoipa::path(delete, path = "/api/v1/charge-points/{id}/charging-profiles", operation_id = "charge_points_clear_profiles", tag = "charging",
    params(("id" = String, Path, description = "charge point id"), ClearQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the ClearChargingProfile command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn clear_profiles(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ClearQuery>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    let purpose = q
        .purpose
        .as_deref()
        .map(|raw| {
            serde_json::from_value::<ChargingProfilePurpose>(Value::String(raw.to_owned())).map_err(|_| {
                unprocessable(format!("purpose: '{raw}' is not one of {}", ChargingProfilePurpose::NAMES.join(", ")))
            })
        })
        .transpose()?;
    let req = ClearChargingProfileRequest {
        id: q.profile_id,
        connector_id: q.connector_id,
        charging_profile_purpose: purpose,
        stack_level: q.stack_level,
    };
    issue::<ClearChargingProfileRequest>(&state, &p, &id, req.to_payload(), None).await
}

/// Body of a composite schedule request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// Connector (0: the charge point's grid connection).
    #[schema(minimum = -2147483648, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::whole_number::whole")]
    pub connector_id: i32,
    /// Seconds from now the schedule covers.
    #[schema(minimum = -2147483648, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::whole_number::whole")]
    pub duration_s: i32,
    /// `W` or `A` (the charge point's choice when absent).
    #[schema(value_type = Option<crate::schema_enums::RateUnitName>)]
    pub rate_unit: Option<String>,
    /// Seconds the charge point has to answer (1..=`commands.max_timeout_s`, 3600 unless configured).
    #[schema(minimum = 1, maximum = 3600)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_whole")]
    pub timeout_s: Option<u32>,
}

/// Asks the charge point for its composite schedule (GetCompositeSchedule); the schedule is the
/// command's response once it succeeded.
#[utoipa::path(post, path = "/api/v1/charge-points/{id}/composite-schedule", operation_id = "charge_points_composite_schedule", tag = "charging", request_body = ScheduleBody,
    params(("id" = String, Path, description = "charge point id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::command_views::CommandView, description = "the GetCompositeSchedule command"), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn composite_schedule(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScheduleBody>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    let unit = body
        .rate_unit
        .as_deref()
        .map(|raw| {
            serde_json::from_value::<ChargingRateUnit>(Value::String(raw.to_owned()))
                .map_err(|_| unprocessable(format!("rate_unit: '{raw}' is not W or A")))
        })
        .transpose()?;
    let req = GetCompositeScheduleRequest {
        connector_id: body.connector_id,
        duration: body.duration_s,
        charging_rate_unit: unit,
    };
    issue::<GetCompositeScheduleRequest>(&state, &p, &id, req.to_payload(), body.timeout_s).await
}
