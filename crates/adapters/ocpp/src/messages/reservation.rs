//! Reservations: ReserveNow and CancelReservation.

use super::{action, status_response, OcppPayload};
use crate::enums::{AcceptedRejected, ReservationStatus};
use crate::schema::{ci, opt, req, Field, Ty, INT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// ReserveNow.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReserveNowRequest {
    /// Connector (0 = any).
    pub connector_id: i32,
    /// Reservation ends.
    pub expiry_date: DateTime<Utc>,
    /// Tag (CiString20).
    pub id_tag: String,
    /// Group tag (CiString20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id_tag: Option<String>,
    /// Reservation id.
    pub reservation_id: i32,
}

impl OcppPayload for ReserveNowRequest {
    const SCHEMA: &'static [Field] = &[
        req("connectorId", INT),
        req("expiryDate", Ty::DateTime),
        req("idTag", ci(20)),
        opt("parentIdTag", ci(20)),
        req("reservationId", INT),
    ];
}

status_response!(
    /// ReserveNow.conf.
    ReserveNowResponse,
    ReservationStatus
);
action!(ReserveNowRequest, "ReserveNow", ReserveNowResponse);

/// CancelReservation.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelReservationRequest {
    /// Reservation id.
    pub reservation_id: i32,
}

impl OcppPayload for CancelReservationRequest {
    const SCHEMA: &'static [Field] = &[req("reservationId", INT)];
}

status_response!(
    /// CancelReservation.conf.
    CancelReservationResponse,
    AcceptedRejected
);
action!(CancelReservationRequest, "CancelReservation", CancelReservationResponse);
