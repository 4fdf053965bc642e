//! Calibration for the load harness: the library search as a bare axum +
//! sqlx server would serve it. The same two statements as Inflow's search
//! page (the session, then the one-word search), decoded into the same
//! column types, and a page of the same size (Inflow's own page around the
//! results, from `BARE_HEAD` and `BARE_FOOT`) written with `push_str`. No
//! layers, no templates, no snippets, no logging.
//!
//! `BARE_POOL=sqlx` draws connections from sqlx's pool; `simple` (the
//! default) hands a released connection straight to the next request, as
//! Inflow's own pool (`src/db/pool.rs`) does.
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
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgConnection, PgPool};
use tokio::sync::Semaphore;
use uuid::Uuid;

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

type Idle = Arc<(Semaphore, Mutex<Vec<PgConnection>>)>;

#[derive(Clone)]
enum Db {
    Sqlx(PgPool),
    Simple(Idle, Box<PgConnectOptions>),
}

#[derive(Clone)]
struct App {
    db: Db,
    head: &'static str,
    foot: &'static str,
}

static OK: AtomicU64 = AtomicU64::new(0);
static OTHER: AtomicU64 = AtomicU64::new(0);

async fn metrics() -> String {
    format!(
        "inflow_http_requests_total{{route=\"/library\",status=\"200\"}} {}\n\
         inflow_http_requests_total{{route=\"/library\",status=\"500\"}} {}\n",
        OK.load(Relaxed),
        OTHER.load(Relaxed)
    )
}

/// Puts a connection back when its request finished; one whose request
/// was cut off (the client went away mid-statement) is dropped, and the next
/// request opens another.
struct Lease {
    idle: Idle,
    conn: Option<PgConnection>,
    done: bool,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let (true, Some(c)) = (self.done, self.conn.take()) {
            self.idle.1.lock().unwrap().push(c);
        }
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

async fn statements(
    c: &mut PgConnection,
    hash: &[u8],
    q: &str,
    page: i64,
) -> sqlx::Result<Option<(SessionRow, Vec<Hit>)>> {
    let s: Option<SessionRow> = sqlx::query_as(SESSION)
        .bind(hash)
        .bind(8i32)
        .bind(30i32)
        .fetch_optional(&mut *c)
        .await?;
    let Some(s) = s else { return Ok(None) };
    let hits: Vec<Hit> = sqlx::query_as(SEARCH)
        .bind(q)
        .bind(20i64)
        .bind((page - 1) * 20)
        .fetch_all(&mut *c)
        .await?;
    Ok(Some((s, hits)))
}

async fn run(
    db: &Db,
    hash: &[u8],
    q: &str,
    page: i64,
) -> sqlx::Result<Option<(SessionRow, Vec<Hit>)>> {
    match db {
        Db::Sqlx(pool) => statements(&mut *pool.acquire().await?, hash, q, page).await,
        Db::Simple(idle, options) => {
            let _permit = idle
                .0
                .acquire()
                .await
                .expect("the semaphore is never closed");
            let conn = idle.1.lock().unwrap().pop();
            let mut lease = Lease {
                idle: idle.clone(),
                conn,
                done: false,
            };
            if lease.conn.is_none() {
                lease.conn = Some(options.connect().await?);
            }
            let r = statements(lease.conn.as_mut().unwrap(), hash, q, page).await;
            lease.done = true;
            r
        }
    }
}

async fn library(
    State(app): State<App>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix("inflow_session="))
        .unwrap_or("");
    let hash = Sha256::digest(token.as_bytes());
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
    let (s, hits) = match run(&app.db, &hash, q, page).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            OTHER.fetch_add(1, Relaxed);
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        Err(e) => {
            OTHER.fetch_add(1, Relaxed);
            return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
        }
    };
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(app.head);
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
    out.push_str(app.foot);
    OK.fetch_add(1, Relaxed);
    Html(out).into_response()
}

fn text_of(var: &str) -> &'static str {
    let path = std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Box::leak(text.into_boxed_str())
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
            Db::Simple(
                Arc::new((Semaphore::new(8), Mutex::new(idle))),
                Box::new(options),
            )
        }
        other => panic!("BARE_POOL={other}: sqlx or simple"),
    };
    let app = App {
        db,
        head: text_of("BARE_HEAD"),
        foot: text_of("BARE_FOOT"),
    };
    let router = Router::new()
        .route("/library", get(library))
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
