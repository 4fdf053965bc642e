//! Tracing subscriber: compact human-readable logs, or JSON with `LOG_FORMAT=json`.
//! `RUST_LOG` chooses what is logged (default [`DEFAULT_FILTER`]).

use std::io::IsTerminal;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::web::request_log::WithRequest;

pub const DEFAULT_FILTER: &str = "info,sqlx=warn,graphile_worker=warn";

/// How `RUST_LOG` (or the default) filters. A list of `target=level`
/// directives, what it nearly always is, is a static [`Targets`] filter.
/// Directives scoped to spans or fields (`target[span{field}]=level`; a
/// request has no span, see `web::request_log`) need
/// [`EnvFilter`], which also checks every span a future enters, on
/// each poll (3 % of the server's time on a page). An invalid `RUST_LOG`
/// falls back to the default.
fn filter(spec: Option<&str>) -> Box<dyn Layer<Registry> + Send + Sync> {
    let spec = spec.map(str::trim).filter(|s| !s.is_empty());
    let spec = spec.unwrap_or(DEFAULT_FILTER);
    let targets = if spec.contains(['[', '{']) {
        None
    } else {
        spec.parse::<Targets>().ok()
    };
    match targets {
        Some(targets) => targets.boxed(),
        None => EnvFilter::try_new(spec)
            .unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
            .boxed(),
    }
}

pub fn init() {
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_target(false)
        // Colours only for a person at a terminal, not in files or journals.
        .with_ansi(std::io::stdout().is_terminal());
    // Lines written while a request is served carry its fields
    // (`web::request_log`).
    let fmt = if json {
        let format = tracing_subscriber::fmt::format()
            .json()
            .with_target(false)
            .flatten_event(true)
            .with_current_span(true);
        fmt.json()
            .event_format(WithRequest {
                inner: format,
                json,
            })
            .boxed()
    } else {
        let format = tracing_subscriber::fmt::format()
            .compact()
            .with_target(false);
        fmt.event_format(WithRequest {
            inner: format,
            json,
        })
        .boxed()
    };
    let spec = std::env::var("RUST_LOG").ok();
    let _ = tracing_subscriber::registry()
        .with(filter(spec.as_deref()).and_then(fmt))
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;
    use tracing::subscriber::with_default;

    /// Which of an `inflow` info event, a `sqlx` info event, a `sqlx`
    /// warning and an `inflow` debug event inside a request's span the
    /// filter lets through.
    fn passes(spec: Option<&str>) -> [bool; 4] {
        let subscriber = tracing_subscriber::registry().with(filter(spec));
        with_default(subscriber, || {
            [
                tracing::enabled!(target: "inflow::app", Level::INFO),
                tracing::enabled!(target: "sqlx::query", Level::INFO),
                tracing::enabled!(target: "sqlx::query", Level::WARN),
                tracing::error_span!(target: "inflow::app", "request")
                    .in_scope(|| tracing::enabled!(target: "inflow::app", Level::DEBUG)),
            ]
        })
    }

    #[test]
    fn rust_log_directives_filter_by_target_and_level() {
        assert_eq!(passes(None), [true, false, true, false]);
        assert_eq!(passes(Some("  ")), [true, false, true, false]);
        assert_eq!(passes(Some("warn")), [false, false, true, false]);
        assert_eq!(passes(Some("info,sqlx=info")), [true, true, true, false]);
        assert_eq!(passes(Some("debug")), [true, true, true, true]);
        // A directive scoped to a span applies only inside it.
        assert_eq!(
            passes(Some("error,inflow[request]=debug")),
            [false, false, false, true]
        );
        // Nonsense falls back to the default.
        assert_eq!(passes(Some("sqlx=[[[")), [true, false, true, false]);
    }
}
