//! The operator console (`/`) and the API reference page (`/docs`): plain HTML, CSS and
//! JavaScript modules under `crates/api/console`, embedded in the binary with `include_str!`, so
//! nothing is fetched at build or run time and no request leaves the host (a Content Security
//! Policy of `'self'` makes the browser hold the pages to that). They are not API operations,
//! so they stay out of the OpenAPI document.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Path under `/console/` (and under `crates/api/console/` in the source tree).
    pub path: &'static str,
    /// Content type served.
    pub content_type: &'static str,
    /// The file's text.
    pub body: &'static str,
}

macro_rules! asset {
    ($path:literal, $kind:expr) => {
        Asset { path: $path, content_type: $kind, body: include_str!(concat!("../console/", $path)) }
    };
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// Every file of the console and of the API reference page.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", HTML),
    asset!("docs.html", HTML),
    asset!("console.css", CSS),
    asset!("icon.svg", SVG),
    asset!("js/app.js", JS),
    asset!("js/api.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/chart.js", JS),
    asset!("js/docs.js", JS),
    asset!("js/login.js", JS),
    asset!("js/pages/stations.js", JS),
    asset!("js/pages/alarms.js", JS),
    asset!("js/pages/alarm_rules.js", JS),
    asset!("js/pages/stats.js", JS),
    asset!("js/pages/statements.js", JS),
    asset!("js/pages/commands.js", JS),
    asset!("js/pages/shadow.js", JS),
    asset!("js/pages/charging.js", JS),
    asset!("js/pages/tariffs.js", JS),
    asset!("js/pages/strategies.js", JS),
    asset!("js/pages/lists.js", JS),
];

/// What the pages may load: only this origin (scripts, styles, fetches, images).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The console's routes: `/`, `/docs` and `/console/{*path}`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { serve("index.html") }))
        .route("/docs", get(|| async { serve("docs.html") }))
        .route("/console/{*path}", get(|Path(path): Path<String>| async move { serve(&path) }))
}

/// The embedded file at `path`, if there is one.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

fn serve(path: &str) -> Response {
    let Some(asset) = find(path) else {
        return crate::ApiError::not_found(format!("no console file {path}")).into_response();
    };
    let mut response = (StatusCode::OK, asset.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    // Small files; revalidated each time so an upgraded binary never runs yesterday's script.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    response
}

#[cfg(test)]
#[path = "console_tests.rs"]
mod tests;
