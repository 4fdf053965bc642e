//! Calibration for the load harness: the library search and the goal page
//! (`goal.rs`) as a bare axum + sqlx server would serve them. The same
//! statements as Inflow's pages (the session, then the page's own), decoded
//! into the same column types, and a page of the same size (Inflow's own
//! page for the first request with the request's own text written into it,
//! from `BARE_PARTS`) written with `push_str`. No layers, no templates, no
//! snippets, no logging.
//!
//! `BARE_POOL=sqlx` draws connections from sqlx's pool; `simple` (the
//! default) hands a released connection straight to the next request, as
//! Inflow's own pool (`src/db/pool.rs`) does.
//!
//! `reference.rs` is the issue's own yardstick, a minimal page of four
//! primary-key lookups (`bench/reference.py`).
//!
//! `/metrics` counts responses in the line format the harness reads from
//! Inflow, so its status check works unchanged; `/readyz` answers at once.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgConnection, PgPool, Postgres};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

mod goal;
mod reference;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `src/auth/store.rs`, `session_user`.
const SESSION: &str = r#"SELECT u.id, u.name, u.email, u.role, u.timezone,
                  s.last_seen_at < now() - interval '1 minute' AS "stale!",
                  (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS "unread!",
                  (SELECT e.n FROM plan_epoch e) AS "catalogue_epoch!"
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id_hash = $1 AND u.active
             AND s.last_seen_at > now() - make_interval(hours => $2)
             AND s.created_at > now() - make_interval(days => $3)"#;

/// `src/library/store/find.rs`, `one_word`.
const SEARCH: &str = r#"WITH term AS (
               SELECT l.lexeme FROM websearch_to_tsquery('english', $1) q,
                      unnest(tsvector_to_array(to_tsvector('english', $1))) l(lexeme)
               WHERE numnode(q) = 1 AND search_term_query(l.lexeme) = q
               LIMIT 1),
           hits AS (
               SELECT st.item_id AS id, st.rank, st.published_at
               FROM search_terms st WHERE st.lexeme = (SELECT lexeme FROM term)
               ORDER BY st.rank DESC, st.published_at DESC, st.item_id
               LIMIT $2 OFFSET $3),
           tp AS (
               SELECT it.item_id, array_agg(t.name ORDER BY lower(t.name)) AS names
               FROM hits h JOIN item_topics it ON it.item_id = h.id JOIN topics t ON t.id = it.topic_id
               GROUP BY it.item_id)
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  coalesce(tp.names, '{}') AS "topics!",
                  ARRAY(SELECT lexeme FROM term) AS "lexemes!",
                  (SELECT count(*) FROM search_terms st WHERE st.lexeme = (SELECT lexeme FROM term)) AS "total!"
           FROM hits h JOIN content_items i ON i.id = h.id LEFT JOIN tp ON tp.item_id = h.id
           ORDER BY h.rank DESC, h.published_at DESC, h.id"#;

type SessionRow = (Uuid, String, String, String, String, bool, i64, i64);
type Hit = (
    Uuid,
    String,
    String,
    String,
    String,
    i32,
    bool,
    bool,
    Option<String>,
    Vec<String>,
    Vec<String>,
    i64,
);

/// The idle connections of the `simple` pool and the permits to take one.
#[derive(Clone)]
struct Idle {
    permits: Arc<Semaphore>,
    conns: Arc<Mutex<Vec<PgConnection>>>,
}

#[derive(Clone)]
enum Db {
    Sqlx(PgPool),
    Simple(Idle, Box<PgConnectOptions>),
}

#[derive(Clone)]
struct App {
    db: Db,
    /// Inflow's own page for the first request, cut where the request's
    /// own text goes (`BARE_PARTS`: the pieces, separated by NUL).
    parts: &'static [&'static str],
}

static OK: AtomicU64 = AtomicU64::new(0);
static OTHER: AtomicU64 = AtomicU64::new(0);

async fn metrics() -> String {
    format!(
        "inflow_http_requests_total{{route=\"bare\",status=\"200\"}} {}\n\
         inflow_http_requests_total{{route=\"bare\",status=\"500\"}} {}\n",
        OK.load(Relaxed),
        OTHER.load(Relaxed)
    )
}

/// A connection for one request. From the `simple` pool it goes back when
/// its request finished ([`Conn::done`]); one whose request was cut off
/// (the client went away mid-statement) is dropped, and the next request
/// opens another.
enum Conn {
    Sqlx(PoolConnection<Postgres>),
    Simple {
        idle: Idle,
        conn: Option<PgConnection>,
        done: bool,
        _permit: OwnedSemaphorePermit,
    },
}

impl Conn {
    async fn take(db: &Db) -> sqlx::Result<Conn> {
        match db {
            Db::Sqlx(pool) => Ok(Conn::Sqlx(pool.acquire().await?)),
            Db::Simple(idle, options) => {
                let permit = idle
                    .permits
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let pooled = idle.conns.lock().unwrap().pop();
                let conn = match pooled {
                    Some(c) => c,
                    None => options.connect().await?,
                };
                Ok(Conn::Simple {
                    idle: idle.clone(),
                    conn: Some(conn),
                    done: false,
                    _permit: permit,
                })
            }
        }
    }

    fn get(&mut self) -> &mut PgConnection {
        match self {
            Conn::Sqlx(c) => c,
            Conn::Simple { conn, .. } => conn.as_mut().expect("taken until dropped"),
        }
    }

    /// The request's statements ran to the end: the connection may go back.
    fn done(mut self) {
        if let Conn::Simple { done, .. } = &mut self {
            *done = true;
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Conn::Simple {
            idle,
            conn,
            done: true,
            ..
        } = self
            && let Some(c) = conn.take()
        {
            idle.conns.lock().unwrap().push(c);
        }
    }
}

/// The session's user, as `src/auth/store.rs`'s `session_user` reads it,
/// from the request's `inflow_session` cookie.
async fn session(c: &mut PgConnection, headers: &HeaderMap) -> sqlx::Result<Option<SessionRow>> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix("inflow_session="))
        .unwrap_or("");
    let hash = Sha256::digest(token.as_bytes());
    sqlx::query_as(SESSION)
        .bind(&hash[..])
        .bind(8i32)
        .bind(30i32)
        .fetch_optional(c)
        .await
}

/// The response when the statements found no session or failed, counted
/// as not 200.
fn failed(r: sqlx::Result<()>) -> Response {
    OTHER.fetch_add(1, Relaxed);
    match r {
        Ok(()) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn esc(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

async fn search(c: &mut PgConnection, q: &str, page: i64) -> sqlx::Result<Vec<Hit>> {
    sqlx::query_as(SEARCH)
        .bind(q)
        .bind(20i64)
        .bind((page - 1) * 20)
        .fetch_all(c)
        .await
}

async fn library(
    State(app): State<App>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let q = param("q").unwrap_or("");
    let page = param("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1i64)
        .max(1);
    let found = async {
        let mut conn = Conn::take(&app.db).await?;
        let Some(s) = session(conn.get(), &headers).await? else {
            return Ok(None);
        };
        let hits = search(conn.get(), q, page).await?;
        conn.done();
        Ok(Some((s, hits)))
    };
    let (s, hits) = match found.await {
        Ok(Some(found)) => found,
        Ok(None) => return failed(Ok(())),
        Err(e) => return failed(Err(e)),
    };
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(app.parts[0]);
    esc(&mut out, &s.1);
    let _ = write!(out, " ({}), {} unread, epoch {}", s.2, s.6, s.7);
    let total = hits.first().map_or(0, |h| h.11);
    let _ = write!(out, "<p class=\"count\">{total} results for “");
    esc(&mut out, q);
    out.push_str("”</p>\n<div class=\"cards\">\n");
    for h in &hits {
        out.push_str("<article class=\"card item-card\">\n  <h3><a href=\"/library/");
        esc(&mut out, &h.1);
        out.push_str("\">");
        esc(&mut out, &h.2);
        let _ = write!(out, "</a></h3>\n  <p class=\"meta\">{} · {} min", h.4, h.5);
        if let Some(src) = &h.8 {
            out.push_str(" · ");
            esc(&mut out, src);
        }
        if h.6 {
            out.push_str(" · Reference");
        }
        out.push_str("</p>\n  <p class=\"snippet\">");
        esc(&mut out, &h.3);
        out.push_str("</p>\n  <p class=\"tags\"><span class=\"visually-hidden\">Topics: </span>");
        for t in &h.9 {
            out.push_str("<span class=\"tag\">");
            esc(&mut out, t);
            out.push_str("</span> ");
        }
        out.push_str("</p>\n</article>\n");
    }
    out.push_str(app.parts.get(1).copied().unwrap_or(""));
    OK.fetch_add(1, Relaxed);
    Html(out).into_response()
}

/// The pieces of Inflow's page in the file `var` names (none when unset:
/// the reference page needs none).
fn parts_of(var: &str) -> &'static [&'static str] {
    let Ok(path) = std::env::var(var) else {
        return &[];
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text: &'static str = Box::leak(text.into_boxed_str());
    Box::leak(text.split('\0').collect::<Vec<_>>().into_boxed_slice())
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is not set");
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8098);
    let pool = std::env::var("BARE_POOL").unwrap_or_else(|_| "simple".into());
    let options = url
        .parse::<PgConnectOptions>()
        .expect("DATABASE_URL")
        .disable_statement_logging();
    let db = match pool.as_str() {
        "sqlx" => Db::Sqlx(
            PgPoolOptions::new()
                .max_connections(8)
                .min_connections(8)
                .connect_with(options)
                .await
                .expect("connect"),
        ),
        "simple" => {
            let mut idle = Vec::new();
            for _ in 0..8 {
                idle.push(options.connect().await.expect("connect"));
            }
            let idle = Idle {
                permits: Arc::new(Semaphore::new(8)),
                conns: Arc::new(Mutex::new(idle)),
            };
            Db::Simple(idle, Box::new(options))
        }
        other => panic!("BARE_POOL={other}: sqlx or simple"),
    };
    let app = App {
        db,
        parts: parts_of("BARE_PARTS"),
    };
    let router = Router::new()
        .route("/library", get(library))
        .route("/goals/{id}", get(goal::show))
        .route("/reference/{n}", get(reference::show))
        .route("/metrics", get(metrics))
        .route("/readyz", get(|| async { "ok" }))
        .with_state(app);
    // The harness stops a server with SIGINT; a background job may have
    // inherited SIGINT ignored, so the handler is installed here.
    tokio::spawn(async {
        let _ = tokio::signal::ctrl_c().await;
        std::process::exit(0);
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    axum::serve(listener, router).await.expect("serve");
}
