//! The WebSocket handshake: subprotocol `ocpp1.6`, then HTTP Basic authentication of the charge
//! point (OCPP security profile 1: user = identity, password checked against its stored hash).

use crate::csms::connection::serve_connection;
use crate::csms::handle::Caller;
use crate::csms::Csms;
use crate::ingest::CsmsUnits;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use mgc_charging::{ChargingUnits, OcppIdentity};
use mgc_kernel::TenantId;

/// The only WebSocket subprotocol served.
pub const SUBPROTOCOL: &str = "ocpp1.6";

/// Read buffer of a connection. The library default (128 KiB, allocated and zeroed at once)
/// made an idle charge point cost ~140 KiB of server RSS; OCPP messages are a few hundred
/// bytes, and a larger message still grows the buffer up to `max_frame_bytes`.
const READ_BUFFER_BYTES: usize = 4 * 1024;

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Basic realm=\"OCPP\"")], "charge point not authenticated")
        .into_response()
}

/// `user:password` of a Basic `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The caller, when the path names a known charge point of the tenant and the Basic
/// credentials are its identity and password; the same refusal for every failure.
async fn authenticate<U: ChargingUnits>(
    csms: &Csms<U>,
    tenant: &str,
    identity: &str,
    headers: &HeaderMap,
) -> Result<Caller, Response> {
    let (Ok(tenant), Ok(identity)) = (TenantId::parse(tenant), OcppIdentity::parse(identity)) else {
        return Err(StatusCode::NOT_FOUND.into_response());
    };
    let Some((user, password)) = basic_credentials(headers) else { return Err(unauthorized()) };
    if user != identity.as_str() {
        return Err(unauthorized());
    }
    let found = csms.units.find_charge_point(&tenant, &identity).await.map_err(|e| {
        tracing::error!(error = %e, "charge point lookup failed");
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    })?;
    match found {
        Some(cp) if cp.password_matches(&password) => Ok(Caller { tenant, identity }),
        // No credential recorded yet: admitted only to be listed pending (its boot records it
        // so, and Authorize and StartTransaction are refused until an operator adopts it).
        Some(cp) if cp.password_hash.is_none() && csms.settings.admit_unknown => Ok(Caller { tenant, identity }),
        None if csms.settings.admit_unknown => {
            tracing::info!(%tenant, %identity, "unknown charge point admitted to be adopted (ocpp.accept_unknown = pending)");
            Ok(Caller { tenant, identity })
        }
        _ => {
            tracing::warn!(%tenant, %identity, "charge point refused: unknown identity or wrong password");
            Err(unauthorized())
        }
    }
}

/// `GET /ocpp/1.6/{tenant}/{identity}`: upgrades an authenticated charge point speaking `ocpp1.6`.
pub(crate) async fn upgrade<U: CsmsUnits + Clone + 'static>(
    State(csms): State<Csms<U>>,
    Path((tenant, identity)): Path<(String, String)>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if *csms.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let ws = ws.protocols([SUBPROTOCOL]);
    if ws.selected_protocol().is_none() {
        return (StatusCode::BAD_REQUEST, "the WebSocket subprotocol must be ocpp1.6").into_response();
    }
    let caller = match authenticate(&csms, &tenant, &identity, &headers).await {
        Ok(caller) => caller,
        Err(refused) => return refused,
    };
    let limit = csms.settings.max_frame_bytes;
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER_BYTES)
        // One answer per message: write it at once instead of gathering 128 KiB, and bound what
        // a charge point that stops reading can leave queued.
        .write_buffer_size(0)
        .max_write_buffer_size(limit.saturating_mul(2))
        .on_failed_upgrade(|e| tracing::warn!(error = %e, "OCPP WebSocket upgrade failed"))
        .on_upgrade(move |socket| serve_connection(csms, socket, caller))
}
