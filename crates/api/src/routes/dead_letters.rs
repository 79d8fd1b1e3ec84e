//! `/api/v1/events/dead-letters`: events that exhausted their attempts, and their replay.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_eventing::{DeadLetter, DeadLetterQueue};
use mgc_iam::Role;
use mgc_kernel::DeadLetterId;
use serde::Serialize;
use utoipa::ToSchema;

/// A dead-lettered event.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterView {
    /// Dead-letter id (use it to replay).
    pub id: String,
    /// The event's id.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// Schema version.
    pub schema_version: u32,
    /// Aggregate type and id.
    pub aggregate: String,
    /// When the event happened.
    pub occurred_at: DateTime<Utc>,
    /// The event payload.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Attempts made.
    pub attempts: u32,
    /// Last error.
    pub last_error: String,
    /// Consumers that failed.
    pub failed_consumers: Vec<String>,
    /// When it was dead-lettered.
    pub dead_at: DateTime<Utc>,
    /// When it was replayed.
    pub replayed_at: Option<DateTime<Utc>>,
    /// Who replayed it.
    pub replayed_by: Option<String>,
}

impl From<DeadLetter> for DeadLetterView {
    fn from(d: DeadLetter) -> Self {
        Self {
            id: d.id.to_string(),
            event_id: d.event.id.to_string(),
            event_type: d.event.event_type,
            schema_version: d.event.schema_version,
            aggregate: format!("{}/{}", d.event.aggregate_type, d.event.aggregate_id),
            occurred_at: d.event.occurred_at,
            payload: d.event.payload,
            attempts: d.attempts,
            last_error: d.last_error,
            failed_consumers: d.failed_consumers,
            dead_at: d.dead_at,
            replayed_at: d.replayed_at,
            replayed_by: d.replayed_by,
        }
    }
}

/// One page of dead letters.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterPage {
    /// Dead letters, newest first.
    pub items: Vec<DeadLetterView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Lists the tenant's dead letters.
#[utoipa::path(get, path = "/api/v1/events/dead-letters", operation_id = "dead_letters_list", tag = "events", params(ListQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DeadLetterPage), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<DeadLetterPage>, ApiError> {
    p.require(Role::Admin)?;
    let page = state.store.list_dead_letters(&p.tenant, &q.page()?).await?;
    Ok(Json(DeadLetterPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Puts a dead-lettered event back into the outbox for a fresh round of attempts.
#[utoipa::path(post, path = "/api/v1/events/dead-letters/{id}/replay", operation_id = "dead_letters_replay", tag = "events",
    params(("id" = String, Path, description = "dead-letter id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DeadLetterView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn replay(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<DeadLetterView>, ApiError> {
    p.require(Role::Admin)?;
    let id: DeadLetterId = parse_id(&id, "dead letter")?;
    let dl = state.store.replay_dead_letter(&p.tenant, id, &p.subject, state.clock.now()).await?;
    Ok(Json(dl.into()))
}
