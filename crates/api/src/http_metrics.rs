//! Prometheus recorder (histograms, never summaries), process metrics and the HTTP request
//! duration histogram.

use crate::metrics_catalogue::{MetricKind, METRICS};
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static PROCESS: OnceLock<metrics_process::Collector> = OnceLock::new();

/// Installs the process-wide Prometheus recorder once and returns its handle; every metric of the
/// catalogue is described (help and unit) and its zero series registered.
pub fn install_recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            // Buckets for any histogram outside the catalogue too: never a summary.
            let mut builder = PrometheusBuilder::new()
                .set_buckets(crate::metrics_catalogue::DEFAULT_BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            for m in METRICS {
                if let MetricKind::Histogram(buckets) = m.kind {
                    builder = match builder.set_buckets_for_metric(Matcher::Full(m.name.into()), buckets) {
                        Ok(b) => b,
                        Err(e) => {
                            tracing::warn!(metric = m.name, error = %e, "histogram buckets not set");
                            PrometheusBuilder::new()
                        }
                    };
                }
            }
            let handle = match builder.install_recorder() {
                Ok(handle) => handle,
                Err(e) => {
                    // Another recorder is installed (e.g. by an embedding application):
                    // keep a private one so /metrics still answers.
                    tracing::warn!(error = %e, "global metrics recorder already set");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            };
            crate::metrics_catalogue::describe_and_register();
            PROCESS.get_or_init(metrics_process::Collector::default).describe();
            handle
        })
        .clone()
}

/// Refreshes the process metrics (CPU, memory, file descriptors, start time, threads).
pub fn collect_process() {
    if let Some(collector) = PROCESS.get() {
        collector.collect();
    }
}

/// Records `mgc_http_request_duration_seconds{method, route, status}`.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("mgc_http_request_duration_seconds", "method" => method, "route" => route, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}
