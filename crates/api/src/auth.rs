//! Authentication and audit middleware, and the [`Auth`] extractor handlers use.

use crate::refusal_audit::{refused_owner, Refusal};
use crate::{ApiError, AppState};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mgc_iam::{authenticate_api_key, AuditEntry, AuditLog, AuthError, Principal};
use mgc_kernel::{AuditId, TenantId};
use mgc_store::request_audit::{with_request_audit, RequestAudit, PROVISIONAL_STATUS};

/// The authenticated, tenant-scoped caller; rejects with 401 when nobody authenticated.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().cloned().map(Auth).ok_or_else(|| AuthError::MissingCredentials.into())
    }
}

/// Reads credentials from the headers: `Authorization: Bearer <jwt>`, `Authorization: ApiKey <key>`
/// or `X-Api-Key: <key>`. `Ok(None)` when none were sent.
pub async fn principal_from_headers(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, AuthError> {
    if let Some(key) = headers.get("x-api-key") {
        let key = key.to_str().map_err(|_| AuthError::Malformed("X-Api-Key is not ASCII".into()))?;
        return authenticate_api_key(&state.store, key).await.map(Some);
    }
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AuthError::Malformed("Authorization header is not ASCII".into()))?;
    let (scheme, credential) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| AuthError::Malformed("Authorization must be 'Bearer <jwt>' or 'ApiKey <key>'".into()))?;
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => state.jwt.verify(credential.trim(), state.clock.now()).map(Some),
        "apikey" => authenticate_api_key(&state.store, credential).await.map(Some),
        other => Err(AuthError::Malformed(format!("unsupported Authorization scheme '{other}'"))),
    }
}

/// Refuses the credentials of a tenant that is disabled or does not exist (cached briefly).
async fn tenant_may_act(state: &AppState, principal: &Principal) -> Result<(), AuthError> {
    match state.tenants.check(&state.store, &principal.tenant).await {
        Ok(answer) => answer.map_err(AuthError::from),
        Err(e) => Err(AuthError::Unavailable(e.to_string())),
    }
}

/// Audits a refused mutating request of `tenant`'s credential `actor` (rate-limited per tenant).
async fn audit_refusal(
    state: &AppState,
    request: (&Method, &str, &str, &str),
    tenant: TenantId,
    actor: String,
    status: u16,
) {
    let (method, route, target, request_id) = request;
    let refusal = Refusal { tenant, actor, action: format!("{method} {route}"), target, status, request_id };
    crate::refusal_audit::record(state, refusal).await;
}

/// Completes the audit of an authenticated mutating request: the entry its unit of work
/// committed gets the response's status; a request that committed nothing (refused, failed, or
/// changed nothing through a unit of work) is written now.
async fn settle_audit(state: &AppState, audit: &RequestAudit, status: u16) {
    let entry = audit.entry();
    let written = if !audit.written() {
        let outcome = AuditEntry::outcome_for(status).to_owned();
        state.store.record(&AuditEntry { outcome, status, ..entry.clone() }).await
    } else if status != PROVISIONAL_STATUS {
        state.store.settle_audit_status(entry, status).await
    } else {
        Ok(())
    };
    if let Err(e) = written {
        tracing::error!(error = %e, action = %entry.action, "audit entry not written");
    }
}

fn is_mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authenticates the request (when credentials are present) and audits every mutating request.
pub async fn authenticate_and_audit(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let target = req.uri().path().to_owned();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| target.clone(), |m| m.as_str().to_owned());
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let principal = match principal_from_headers(&state, req.headers()).await {
        Ok(Some(p)) => match tenant_may_act(&state, &p).await {
            Ok(()) => Some(p),
            Err(err) => {
                tracing::info!(%method, %target, tenant = %p.tenant, code = err.code(), "credential of a refused tenant");
                let response = ApiError::from(err).into_response();
                if is_mutating(&method) {
                    let request = (&method, route.as_str(), target.as_str(), request_id.as_str());
                    audit_refusal(&state, request, p.tenant.clone(), p.subject.clone(), response.status().as_u16())
                        .await;
                }
                return response;
            }
        },
        Ok(None) => None,
        Err(err) => {
            tracing::info!(%method, %target, code = err.code(), "authentication failed");
            let response = ApiError::from(err.clone()).into_response();
            if is_mutating(&method) {
                if let Some((tenant, actor)) = refused_owner(&state, req.headers(), &err).await {
                    let request = (&method, route.as_str(), target.as_str(), request_id.as_str());
                    audit_refusal(&state, request, tenant, actor, response.status().as_u16()).await;
                }
            }
            return response;
        }
    };
    if let Some(p) = &principal {
        req.extensions_mut().insert(p.clone());
    }
    let audit = principal.filter(|_| is_mutating(&method)).map(|p| {
        RequestAudit::new(AuditEntry {
            id: AuditId::new(),
            tenant: p.tenant.clone(),
            actor: p.subject.clone(),
            action: format!("{method} {route}"),
            target: target.clone(),
            outcome: String::new(),
            status: 0,
            request_id,
            at: state.clock.now(),
        })
    });
    let response = match &audit {
        Some(audit) => with_request_audit(audit.clone(), next.run(req)).await,
        None => next.run(req).await,
    };
    let status = response.status().as_u16();
    match audit {
        Some(audit) => settle_audit(&state, &audit, status).await,
        None if is_mutating(&method) => {
            tracing::info!(%method, %target, status, "unauthenticated mutating request");
            // Whatever refused it (401 from the handler, or a layer before it): nobody to
            // audit, so it is counted.
            let status = status.to_string();
            metrics::counter!("mgc_unauthenticated_mutating_requests_total", "status" => status).increment(1);
        }
        None => {}
    }
    response
}
