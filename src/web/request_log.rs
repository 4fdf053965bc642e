//! What every log line written during a request says about it: its id (the
//! one on error pages), method, matched route and signed-in person.
//!
//! They live in a task-local for the request's future, not in a tracing
//! span: sqlx enters the current span on every poll of a query's row
//! stream, once per row, and a request span made that 5–7 % of the
//! server's CPU on a page. The log format ([`WithRequest`]) adds them to
//! each line written inside a request.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::task::{Context, Poll};

use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Method, Request};
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use uuid::Uuid;

/// The request being served, as its log lines name it.
pub struct RequestLog {
    method: Method,
    id: Option<HeaderValue>,
    route: RefCell<Option<MatchedPath>>,
    user: Cell<Option<Uuid>>,
}

tokio::task_local! {
    static REQUEST: RequestLog;
}

/// The route the router matched, for the rest of the request's log lines.
pub fn record_route(route: &MatchedPath) {
    let _ = REQUEST.try_with(|r| *r.route.borrow_mut() = Some(route.clone()));
}

/// The signed-in person, for the rest of the request's log lines.
pub fn record_user(id: Uuid) {
    let _ = REQUEST.try_with(|r| r.user.set(Some(id)));
}

/// What the current request's log lines carry, if a request is being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub request_id: String,
    pub method: String,
    pub route: Option<String>,
    pub user_id: Option<Uuid>,
}

pub fn current() -> Option<Fields> {
    REQUEST
        .try_with(|r| Fields {
            request_id: super::request_id_of(r.id.as_ref()),
            method: r.method.to_string(),
            route: r.route.borrow().as_ref().map(|p| p.as_str().to_owned()),
            user_id: r.user.get(),
        })
        .ok()
}

impl Fields {
    /// ` request_id=… method=… route=… user_id=…`, for the compact format.
    fn compact(&self, out: &mut String) {
        let _ = write!(
            out,
            " request_id={} method={}",
            self.request_id, self.method
        );
        if let Some(route) = &self.route {
            let _ = write!(out, " route={route}");
        }
        if let Some(user) = self.user_id {
            let _ = write!(out, " user_id={user}");
        }
    }

    /// `{"id":…,"method":…,"route":…,"user_id":…}`, for the JSON format.
    fn json(&self) -> String {
        serde_json::json!({
            "id": self.request_id,
            "method": self.method,
            "route": self.route,
            "user_id": self.user_id,
        })
        .to_string()
    }
}

/// Serves each request inside its [`RequestLog`]; reads the request id, so
/// it goes inside the layer that sets one.
#[derive(Clone, Copy)]
pub struct RequestLogLayer;

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLogService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLogService { inner }
    }
}

#[derive(Clone)]
pub struct RequestLogService<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for RequestLogService<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TaskLocalFuture<RequestLog, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let log = RequestLog {
            method: req.method().clone(),
            id: req.headers().get(crate::web::X_REQUEST_ID).cloned(),
            route: RefCell::new(None),
            user: Cell::new(None),
        };
        REQUEST.scope(log, self.inner.call(req))
    }
}

/// A log format that adds the request's fields to every line written while
/// a request is served: ` request_id=… method=… route=… user_id=…` at the
/// end of a compact line, a `"request"` object in a JSON one. Such lines are
/// written without colours.
pub struct WithRequest<F> {
    pub inner: F,
    pub json: bool,
}

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let Some(fields) = current() else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        let had_newline = line.ends_with('\n');
        line.truncate(line.trim_end_matches('\n').len());
        if self.json && line.ends_with('}') {
            line.pop();
            let _ = write!(line, ",\"request\":{}}}", fields.json());
        } else {
            fields.compact(&mut line);
        }
        if had_newline {
            line.push('\n');
        }
        writer.write_str(&line)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    /// The lines written, shared with the subscriber.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;
        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    fn request() -> RequestLog {
        RequestLog {
            method: Method::POST,
            id: Some(HeaderValue::from_static("req-42")),
            route: RefCell::new(None),
            user: Cell::new(None),
        }
    }

    /// Logs a warning outside a request, then one inside a request after
    /// its route and person are known; returns the lines.
    async fn log_lines(json: bool) -> Vec<String> {
        let route = matched("/goals/{id}").await;
        let lines = Lines::default();
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(lines.clone())
            .with_ansi(false);
        // Built as `telemetry::init` builds them.
        let subscriber: Box<dyn Subscriber + Send + Sync> = if json {
            let f = tracing_subscriber::fmt::format().json().flatten_event(true);
            let fmt = fmt.json().event_format(WithRequest { inner: f, json });
            Box::new(tracing_subscriber::registry().with(fmt))
        } else {
            let f = tracing_subscriber::fmt::format().compact();
            let fmt = fmt.event_format(WithRequest { inner: f, json });
            Box::new(tracing_subscriber::registry().with(fmt))
        };
        let _guard = tracing::subscriber::set_default(subscriber);
        tracing::warn!(n = 1, "outside");
        REQUEST
            .scope(request(), async {
                record_route(&route);
                record_user(Uuid::nil());
                tokio::task::yield_now().await;
                tracing::warn!(n = 2, "inside");
            })
            .await;
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_owned).collect()
    }

    /// A `MatchedPath` as the router makes one (it has no constructor).
    async fn matched(route: &'static str) -> MatchedPath {
        use tower::ServiceExt;
        let seen = Arc::new(Mutex::new(None));
        let keep = seen.clone();
        let router = axum::Router::new().route(
            route,
            axum::routing::get(move |p: MatchedPath| async move {
                *keep.lock().unwrap() = Some(p);
            }),
        );
        let req = axum::http::Request::builder()
            .uri(route.replace("{id}", "1"))
            .body(axum::body::Body::empty())
            .unwrap();
        router.oneshot(req).await.unwrap();
        let p = seen.lock().unwrap().take();
        p.expect("the route matched")
    }

    #[tokio::test]
    async fn compact_lines_inside_a_request_end_with_its_fields() {
        let lines = log_lines(false).await;
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("outside"), "{}", lines[0]);
        assert!(!lines[0].contains("request_id"), "{}", lines[0]);
        assert!(lines[1].contains("inside"), "{}", lines[1]);
        assert!(
            lines[1].ends_with(&format!(
                " request_id=req-42 method=POST route=/goals/{{id}} user_id={}",
                Uuid::nil()
            )),
            "{}",
            lines[1]
        );
    }

    #[tokio::test]
    async fn json_lines_inside_a_request_carry_a_request_object() {
        let lines = log_lines(true).await;
        assert_eq!(lines.len(), 2, "{lines:?}");
        let outside: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(outside["message"], "outside");
        assert!(outside.get("request").is_none());
        let inside: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(inside["message"], "inside");
        assert_eq!(inside["n"], 2);
        assert_eq!(
            inside["request"],
            serde_json::json!({
                "id": "req-42",
                "method": "POST",
                "route": "/goals/{id}",
                "user_id": Uuid::nil(),
            })
        );
    }

    #[test]
    fn outside_a_request_there_is_nothing_to_record() {
        record_user(Uuid::nil());
        assert_eq!(current(), None);
    }
}
