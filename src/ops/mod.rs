//! Operations endpoints: liveness, readiness (503 while draining or when the
//! database does not answer) and Prometheus metrics, plus the request-metrics layer.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::{OnceLock, RwLock};
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

/// A request's counter and latency histogram, registered once for each
/// method, route and status.
type Handles = (metrics::Counter, metrics::Histogram);

/// Handles by (method, status), then by route. Registering them on every
/// request built two keys of three labels (nine strings) and looked each up
/// in the recorder.
type HandleCache = RwLock<HashMap<(Method, u16), HashMap<Box<str>, Handles>>>;

/// Count one response and its latency under its method, route and status.
fn record(method: Method, route: &str, status: u16, latency: Duration) {
    static CACHE: OnceLock<HandleCache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        // Handles registered before the recorder is installed would count
        // nothing, for good.
        prometheus();
        RwLock::default()
    });
    let count = |(requests, latencies): &Handles| {
        requests.increment(1);
        latencies.record(latency.as_secs_f64());
    };
    let key = (method, status);
    if let Ok(m) = cache.read()
        && let Some(h) = m.get(&key).and_then(|r| r.get(route))
    {
        return count(h);
    }
    let method = &key.0;
    let labels = [
        ("method", method.to_string()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    let h: Handles = (
        metrics::counter!("inflow_http_requests_total", &labels),
        metrics::histogram!("inflow_http_request_duration_seconds", &labels),
    );
    count(&h);
    // Routes are the router's own patterns (or "unmatched"), but any token
    // is a method: past this many (method, status) pairs, new ones are
    // looked up each time instead of kept.
    if let Ok(mut m) = cache.write()
        && (m.len() < 256 || m.contains_key(&key))
    {
        m.entry(key).or_default().insert(route.into(), h);
    }
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
            .map_or("unmatched", MatchedPath::as_str);
        let status = res.status().as_u16();
        let latency = start.elapsed();
        record(method, route, status, latency);
        let latency_ms = latency.as_millis() as u64;
        if latency >= SLOW_RESPONSE {
            tracing::warn!(status, latency_ms, "slow response");
        } else {
            tracing::debug!(target: "inflow::access", status, latency_ms, "response");
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of one series in the Prometheus text, if it is there.
    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
    }

    #[test]
    fn each_response_counts_once_under_its_own_method_route_and_status() {
        let route = format!("/test/{}", uuid::Uuid::new_v4());
        let ms = Duration::from_millis(3);
        record(Method::GET, &route, 200, ms);
        record(Method::GET, &route, 200, ms);
        record(Method::POST, &route, 200, ms);
        record(Method::GET, &route, 404, ms);
        let text = prometheus().render();
        let series = |m: &str, s: u16| {
            let labels = format!("{{method=\"{m}\",route=\"{route}\",status=\"{s}\"}}");
            value(&text, &format!("inflow_http_requests_total{labels}"))
        };
        assert_eq!(series("GET", 200), Some(2.0), "{text}");
        assert_eq!(series("POST", 200), Some(1.0));
        assert_eq!(series("GET", 404), Some(1.0));
        let count = format!(
            "inflow_http_request_duration_seconds_count{{method=\"GET\",route=\"{route}\",status=\"200\"}}"
        );
        assert_eq!(value(&text, &count), Some(2.0), "{text}");
    }
}
