//! Operations endpoints: liveness, readiness (503 while draining or when the
//! database does not answer) and Prometheus metrics, plus the request-metrics layer.

use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::app::AppState;
use crate::web::around::Around;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.draining.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response();
    }
    let ping = async {
        let mut c = state.db.acquire().await?;
        sqlx::query("SELECT 1").execute(&mut *c).await
    };
    match ping.await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The process-wide Prometheus recorder (installed once).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Folds the latency samples recorded since the last pass into the
/// histograms every few seconds. The recorder keeps each sample until then,
/// so without this its memory grows with every request while nothing
/// scrapes `/metrics`.
pub fn spawn_upkeep() {
    tokio::spawn(async {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            prometheus().run_upkeep();
        }
    });
}

async fn metrics_text() -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        prometheus().render(),
    )
}

/// A response that takes this long is logged at warn.
const SLOW_RESPONSE: Duration = Duration::from_secs(1);

/// Counts requests and their latency by method, matched route and status.
/// One line per request is an access log, at debug
/// (`RUST_LOG=info,inflow::access=debug`; formatting it was 3 % of a page's
/// CPU); a slow one is always logged at warn; errors are logged where they
/// happen (`AppError`). The lines carry the request's fields
/// (`web::request_log`).
#[derive(Clone, Copy)]
pub struct Track;

impl Around for Track {
    type Carry = (Instant, Method);

    fn before(&self, req: &mut Request) -> ControlFlow<Response, Self::Carry> {
        ControlFlow::Continue((Instant::now(), req.method().clone()))
    }

    fn after(&self, (start, method): Self::Carry, res: Response) -> Response {
        // The router hands the matched route out with the response (`app::MatchedRoute`).
        let route = res
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
        let status = res.status().as_u16();
        let labels = [
            ("method", method.to_string()),
            ("route", route),
            ("status", status.to_string()),
        ];
        metrics::counter!("inflow_http_requests_total", &labels).increment(1);
        let latency = start.elapsed();
        metrics::histogram!("inflow_http_request_duration_seconds", &labels)
            .record(latency.as_secs_f64());
        let latency_ms = latency.as_millis() as u64;
        if latency >= SLOW_RESPONSE {
            tracing::warn!(status, latency_ms, "slow response");
        } else {
            tracing::debug!(target: "inflow::access", status, latency_ms, "response");
        }
        res
    }
}
