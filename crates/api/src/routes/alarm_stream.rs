//! `GET /api/v1/alarms/stream`: alarm changes as server-sent events, read from the persisted
//! history, so `Last-Event-ID` resumes exactly where a client left off. A client that cannot
//! keep up is told so (`event: error`, code `client_too_slow`) and disconnected; it resumes
//! with the last id it received.

use crate::auth::Auth;
use crate::extract::ApiQuery;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use mgc_alarms::{AlarmQueries, HistoryEntry, Severity};
use mgc_kernel::{DeviceId, Scope, StationId};
use mgc_store::Store;
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use utoipa::IntoParams;

/// Entries buffered per client before it counts as slow.
const BUFFER: usize = 256;
/// How long a full buffer may stay full before the client is disconnected.
const SLOW_GRACE: Duration = Duration::from_secs(10);
/// History rows read per round.
const BATCH: u32 = 200;
/// Polling fallback for changes committed by other instances.
const POLL: Duration = Duration::from_secs(1);

/// Filters of the stream.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Only this station.
    #[param(value_type = Option<String>)]
    pub station_id: Option<StationId>,
    /// Only this device.
    #[param(value_type = Option<String>)]
    pub device_id: Option<DeviceId>,
    /// Only this severity and above.
    #[param(value_type = Option<String>)]
    pub min_severity: Option<Severity>,
    /// Resume after this event id (the `Last-Event-ID` header wins).
    pub last_event_id: Option<i64>,
}

impl StreamQuery {
    fn wants(&self, e: &HistoryEntry) -> bool {
        self.station_id.is_none_or(|s| s == e.station_id)
            && self.device_id.is_none_or(|d| d == e.device_id)
            && self.min_severity.is_none_or(|m| e.severity >= m)
    }
}

fn to_event(e: &HistoryEntry) -> Event {
    Event::default()
        .id(e.seq.to_string())
        .event("alarm")
        .json_data(e)
        .unwrap_or_else(|_| Event::default().comment("unencodable entry"))
}

/// Streams the tenant's alarm changes (within the caller's station scope).
#[utoipa::path(get, path = "/api/v1/alarms/stream", operation_id = "alarms_stream", tag = "alarms", params(StreamQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "text/event-stream of alarm history entries (event `alarm`, id = stream position)")))]
pub async fn stream(
    State(state): State<AppState>,
    Auth(p): Auth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let header_id = headers
        .get("last-event-id")
        .map(|v| {
            v.to_str().ok().and_then(|s| s.trim().parse::<i64>().ok()).ok_or_else(|| {
                ApiError::bad_request("invalid_header", "Last-Event-ID must be an event id this stream sent")
            })
        })
        .transpose()?;
    let after = match header_id.or(q.last_event_id) {
        Some(id) => id.max(0),
        None => state.store.history_head(&p.tenant).await?,
    };
    if let Some(s) = q.station_id {
        crate::routes::masterdata::visible_station(&p, s)?;
    }
    let (tx, rx) = mpsc::channel(BUFFER);
    let (kick_tx, kick_rx) = oneshot::channel();
    tokio::spawn(produce(state.store.clone(), p.scope(), q, after, tx, kick_tx));
    let stream =
        futures_util::stream::unfold((rx, Some(kick_rx), after, false), |(mut rx, kick, last, done)| async move {
            if done {
                return None;
            }
            let mut kick = kick?;
            tokio::select! {
                biased;
                Some(e) = rx.recv() => Some((Ok(to_event(&e)), (rx, Some(kick), e.seq, false))),
                Ok(reason) = &mut kick => {
                    let data = json!({"code": "client_too_slow", "message": reason, "last_event_id": last});
                    let ev = Event::default().event("error").json_data(data).unwrap_or_default();
                    Some((Ok(ev), (rx, None, last, true)))
                }
                else => None,
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

async fn produce(
    store: Store,
    scope: Scope,
    q: StreamQuery,
    mut cursor: i64,
    tx: mpsc::Sender<HistoryEntry>,
    kick: oneshot::Sender<String>,
) {
    let mut changes = store.alarm_changes();
    loop {
        let batch = match store.history_after(&scope, cursor, BATCH).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "alarm stream read failed");
                let _ = kick.send("the server could not read alarm history; reconnect with Last-Event-ID".into());
                return;
            }
        };
        let full = batch.len() as u32 >= BATCH;
        for e in batch {
            let seq = e.seq;
            if q.wants(&e) {
                match tx.send_timeout(e, SLOW_GRACE).await {
                    Ok(()) => {}
                    Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
                        let _ = kick.send(format!(
                            "client did not read {BUFFER} buffered events within {}s; reconnect with Last-Event-ID",
                            SLOW_GRACE.as_secs()
                        ));
                        return;
                    }
                    Err(mpsc::error::SendTimeoutError::Closed(_)) => return,
                }
            }
            cursor = seq;
        }
        if full {
            continue;
        }
        if tx.is_closed() {
            return;
        }
        changes.changed_or(POLL).await;
    }
}
