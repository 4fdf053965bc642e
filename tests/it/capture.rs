//! The test binary's one tracing subscriber: what the app tells tracing
//! on the listening test's thread, namely the SQL statements sqlx sends
//! (`hot_pages`) and the request fields of each access line (`ops`).

use std::cell::RefCell;
use std::sync::Once;

use inflow::web::request_log::{self, Fields};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// What the app told tracing on the listening test's thread.
#[derive(Default)]
struct Heard {
    /// The statements sqlx reported.
    statements: Vec<String>,
    /// The request fields (`web::request_log`) of each access line.
    requests: Vec<Fields>,
}

thread_local! {
    /// `Some` while a test listens on this thread.
    static HEARD: RefCell<Option<Heard>> = const { RefCell::new(None) };
}

/// Adds to what the listening test (if any) on this thread has heard.
fn hear(add: impl FnOnce(&mut Heard)) {
    HEARD.with(|h| {
        if let Some(heard) = h.borrow_mut().as_mut() {
            add(heard);
        }
    });
}

/// Every SQL statement the app sends on the listening test's thread (sqlx's
/// own query events). One global subscriber for the whole test binary: a
/// per-thread one races with other tests over tracing's interest cache.
struct Capture;

#[derive(Default)]
struct Query {
    summary: String,
    statement: String,
}

impl Visit for Query {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.statement = value.trim().to_owned(),
            _ => {}
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S> tracing_subscriber::Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "inflow::access" {
            if let Some(fields) = request_log::current() {
                hear(|heard| heard.requests.push(fields));
            }
            return;
        }
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        hear(|heard| {
            let mut f = Query::default();
            event.record(&mut f);
            heard.statements.push(if f.statement.is_empty() {
                f.summary
            } else {
                f.statement
            });
        });
    }
}

/// Listening on this thread: `take` returns the statements sent and
/// `requests` the fields of the access lines written since the last call.
pub(crate) struct Listener;

impl Listener {
    pub(crate) fn listen() -> Listener {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
                .expect("no other global subscriber in the test binary");
        });
        HEARD.with(|h| *h.borrow_mut() = Some(Heard::default()));
        Listener
    }

    /// The statements sent since the last call.
    pub(crate) fn take(&self) -> Vec<String> {
        let mut statements = Vec::new();
        hear(|heard| statements = std::mem::take(&mut heard.statements));
        statements
    }

    /// The request fields of the access lines written since the last call.
    pub(crate) fn requests(&self) -> Vec<Fields> {
        let mut requests = Vec::new();
        hear(|heard| requests = std::mem::take(&mut heard.requests));
        requests
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        HEARD.with(|h| *h.borrow_mut() = None);
    }
}
