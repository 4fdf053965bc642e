//! The test binary's one tracing subscriber: what the app tells tracing
//! on the listening test's thread, namely the SQL statements sqlx sends
//! (`hot_pages`) and the routes recorded on request spans (`ops`).

use std::cell::RefCell;
use std::sync::Once;

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

thread_local! {
    /// The statements sqlx reports on this thread while a test listens.
    static SEEN: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    /// The routes recorded on request spans on this thread while a test listens.
    static ROUTES: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Every SQL statement the app sends on the listening test's thread (sqlx's
/// own query events). One global subscriber for the whole test binary: a
/// per-thread one races with other tests over tracing's interest cache.
struct Capture;

#[derive(Default)]
struct Fields {
    summary: String,
    statement: String,
    route: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.statement = value.trim().to_owned(),
            "route" => self.route = value.to_owned(),
            _ => {}
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S> tracing_subscriber::Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if ctx.metadata(id).is_none_or(|m| m.name() != "request") {
            return;
        }
        ROUTES.with(|routes| {
            if let Some(list) = routes.borrow_mut().as_mut() {
                let mut f = Fields::default();
                values.record(&mut f);
                if !f.route.is_empty() {
                    list.push(f.route);
                }
            }
        });
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        SEEN.with(|seen| {
            if let Some(list) = seen.borrow_mut().as_mut() {
                let mut f = Fields::default();
                event.record(&mut f);
                list.push(if f.statement.is_empty() {
                    f.summary
                } else {
                    f.statement
                });
            }
        });
    }
}

/// Listening on this thread: `take` returns the statements sent and `routes`
/// the routes recorded since the last call.
pub(crate) struct Listener;

impl Listener {
    pub(crate) fn listen() -> Listener {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
                .expect("no other global subscriber in the test binary");
        });
        SEEN.with(|seen| *seen.borrow_mut() = Some(Vec::new()));
        ROUTES.with(|routes| *routes.borrow_mut() = Some(Vec::new()));
        Listener
    }

    pub(crate) fn take(&self) -> Vec<String> {
        SEEN.with(|seen| seen.borrow_mut().replace(Vec::new()).unwrap_or_default())
    }

    /// The routes recorded on request spans since listening.
    pub(crate) fn routes(&self) -> Vec<String> {
        ROUTES.with(|routes| routes.borrow_mut().replace(Vec::new()).unwrap_or_default())
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        SEEN.with(|seen| *seen.borrow_mut() = None);
        ROUTES.with(|routes| *routes.borrow_mut() = None);
    }
}
