//! `/api/v1/shadow-runs`: queue a backtest of a strategy over a station's history with a
//! simulated battery, follow it (also at `/api/v1/jobs/{id}`), download its report.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::routes::masterdata::visible_station;
use crate::routes::shadow_run_schemas::{BatteryBody, RunViewBody, StepSeconds, StrategyChoiceBody};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use mgc_iam::{Principal, Role};
use mgc_kernel::page::Page;
use mgc_kernel::StationId;
use mgc_strategy::app::shadow_run::{queue_run, ShadowError};
use mgc_strategy::app::shadow_strategy::{resolve_strategy, StrategyChoice};
use mgc_strategy::domain::shadow::run::DEFAULT_STEP_S;
use mgc_strategy::{BatteryModel, ShadowRun, ShadowRunId, ShadowRunSpec, ShadowRunStore, StrategyId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// Body of `POST /api/v1/shadow-runs`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShadowRun {
    /// Station of the caller's tenant.
    pub station_id: String,
    /// `{"type": ..., "params": {...}}` inline, or `{"id": ...}` of a saved strategy of the station.
    #[schema(value_type = StrategyChoiceBody)]
    pub strategy: Value,
    /// First local day `YYYY-MM-DD` (station's zone), not after `to`.
    #[schema(format = Date)]
    pub from: String,
    /// Last local day `YYYY-MM-DD`, inclusive; must have ended.
    #[schema(format = Date)]
    pub to: String,
    /// Simulation step in seconds (a divisor of 900, at least 10; default 60).
    #[schema(value_type = Option<StepSeconds>)]
    pub step_s: Option<u32>,
    /// The simulated battery.
    #[schema(value_type = BatteryBody)]
    pub battery: Value,
    /// Notification channel told when the run finishes.
    #[schema(format = Uuid)]
    pub notify_channel_id: Option<String>,
}

/// A run with its totals once finished.
#[derive(Debug, Serialize)]
pub struct RunView {
    /// The run.
    #[serde(flatten)]
    pub run: ShadowRun,
    /// Totals of the report, once succeeded.
    pub totals: Option<Value>,
}

fn view(run: ShadowRun) -> RunView {
    let totals = run.report.as_ref().and_then(|r| serde_json::to_value(&r.totals).ok());
    RunView { run, totals }
}

fn invalid(message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_shadow_run", message)
}

pub(crate) fn shadow_error(e: ShadowError) -> ApiError {
    match e {
        ShadowError::Invalid(m) => invalid(m),
        ShadowError::StationNotFound(id) => ApiError::not_found(format!("station {id} not found")),
        ShadowError::Repo(r) => r.into(),
    }
}

fn local_day(raw: &str, field: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| invalid(format!("{field}: '{raw}' is not a local date YYYY-MM-DD")))
}

/// The strategy part of the body: `{"id"}` of a saved strategy or `{"type", "params"}` inline.
fn choice_of(v: Value) -> Result<StrategyChoice, ApiError> {
    if !v.is_object() {
        return Err(invalid("strategy: must be an object, {\"id\"} or {\"type\", \"params\"}".into()));
    }
    let Some(raw) = v.get("id") else {
        return serde_json::from_value(v).map(StrategyChoice::Inline).map_err(|e| invalid(format!("strategy: {e}")));
    };
    if v.as_object().is_some_and(|o| o.len() > 1) {
        return Err(invalid(
            "strategy: give either {\"id\"} of a saved strategy or {\"type\", \"params\"}, not both".into(),
        ));
    }
    let raw = raw.as_str().ok_or_else(|| invalid("strategy.id: must be a string".into()))?;
    let id: StrategyId = raw.parse().map_err(|_| invalid(format!("strategy.id: '{raw}' is not a strategy id")))?;
    Ok(StrategyChoice::Saved(id))
}

async fn spec_of(state: &AppState, p: &Principal, body: CreateShadowRun) -> Result<ShadowRunSpec, ApiError> {
    let station_id: StationId = parse_id(&body.station_id, "station")?;
    let notify_channel_id = body
        .notify_channel_id
        .as_deref()
        .map(|c| c.parse().map_err(|_| invalid(format!("notify_channel_id: '{c}' is not a channel id"))))
        .transpose()?;
    if !body.battery.is_object() {
        return Err(invalid("battery: must be an object".into()));
    }
    let battery: BatteryModel = serde_json::from_value(body.battery).map_err(|e| invalid(format!("battery: {e}")))?;
    visible_station(p, station_id)?;
    let choice = choice_of(body.strategy)?;
    let (strategy, strategy_ref) =
        resolve_strategy(&state.store, &p.scope(), station_id, choice).await.map_err(shadow_error)?;
    Ok(ShadowRunSpec {
        station_id,
        strategy,
        strategy_ref,
        from: local_day(&body.from, "from")?,
        to: local_day(&body.to, "to")?,
        step_s: body.step_s.unwrap_or(DEFAULT_STEP_S),
        battery,
        notify_channel_id,
    })
}

/// Queues a shadow run; follow it here or at `GET /api/v1/jobs/{job_id}`.
#[utoipa::path(post, path = "/api/v1/shadow-runs", operation_id = "shadow_runs_create", tag = "shadow-runs", request_body = CreateShadowRun,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = RunViewBody, description = "the queued run with its job id"), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateShadowRun>,
) -> Result<(StatusCode, Json<RunView>), ApiError> {
    p.require(Role::Operator)?;
    let spec = spec_of(&state, &p, body).await?;
    let run = queue_run(&state.store, &p.tenant, spec, &p.subject, state.clock.now()).await.map_err(shadow_error)?;
    state.shadow_wakeup.notify_one();
    Ok((StatusCode::ACCEPTED, Json(view(run))))
}

async fn visible(state: &AppState, p: &Principal, raw: &str) -> Result<ShadowRun, ApiError> {
    let id: ShadowRunId = parse_id(raw, "shadow run")?;
    let not_found = || ApiError::not_found(format!("shadow run {id} not found"));
    state.store.shadow_run(&p.scope(), id).await?.ok_or_else(not_found)
}

/// One page of the shadow runs the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/shadow-runs", operation_id = "shadow_runs_list", tag = "shadow-runs", params(ListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::shadow_run_schemas::RunPageBody, description = "a page of runs"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<RunView>>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(state.store.shadow_runs(&p.scope(), &q.page()?).await?.map(view)))
}

/// A shadow run: its request, state, progress and totals.
#[utoipa::path(get, path = "/api/v1/shadow-runs/{id}", operation_id = "shadow_runs_get", tag = "shadow-runs", params(("id" = String, Path, description = "shadow run id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = RunViewBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(view(visible(&state, &p, &id).await?)))
}

/// The report of a finished run as `report.json`, `report.csv`, `report.xlsx` or `report.pdf`.
#[utoipa::path(get, path = "/api/v1/shadow-runs/{id}/{file}", operation_id = "shadow_runs_report", tag = "shadow-runs",
    params(("id" = String, Path, description = "shadow run id"), ("file" = String, Path, description = "report.json, report.csv, report.xlsx or report.pdf")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "report.json: the report; report.csv (UTF-8 with BOM), report.xlsx, report.pdf: the file",
            content((crate::routes::shadow_report_views::ShadowReportView = "application/json"),
                (crate::routes::statement_views::FileBytes = "text/csv"),
                (crate::routes::statement_views::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (crate::routes::statement_views::FileBytes = "application/pdf"))),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let (content_type, ext) = match file.as_str() {
        "report.json" => ("application/json", "json"),
        "report.csv" => ("text/csv; charset=utf-8", "csv"),
        "report.xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        "report.pdf" => ("application/pdf", "pdf"),
        other => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_format",
                format!("'{other}' is not a report; use report.json, report.csv, report.xlsx or report.pdf"),
            ))
        }
    };
    let run = visible(&state, &p, &id).await?;
    let Some(report) = &run.report else {
        let why = match &run.error {
            Some(e) => format!("shadow run {} failed without a report: {e}", run.id),
            None => format!("shadow run {} is {}; the report exists once it succeeded", run.id, run.state.as_str()),
        };
        return Err(ApiError::new(StatusCode::CONFLICT, "shadow_run_not_finished", why));
    };
    let rendered = match ext {
        "json" => serde_json::to_vec(report).map_err(|e| mgc_reports::ReportError(e.to_string())),
        "csv" => mgc_reports::shadow_csv(&run),
        "xlsx" => mgc_reports::shadow_xlsx(&run),
        _ => mgc_reports::shadow_pdf(&run),
    };
    let bytes = rendered.map_err(|e| {
        tracing::error!(error = %e, run = %run.id, "shadow report rendering");
        ApiError::internal()
    })?;
    let name = format!("attachment; filename=\"shadow-run-{}.{ext}\"", run.id);
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, name)], bytes)
        .into_response())
}
