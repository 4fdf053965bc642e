//! Test harness: one private Postgres per test run (or `DATABASE_URL`), a
//! migrated template database, and a fresh clone of it for every test. A
//! small in-process client keeps cookies and sends same-origin headers like a
//! browser would.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ChildStdin;
use std::sync::{Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use inflow::app::{AppState, build_router};
use inflow::config::Settings;
use inflow::db::cluster::Cluster;
use inflow::mail::Mailer;
use scraper::{Html, Selector};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Executor, PgPool};
use tower::ServiceExt;
use uuid::Uuid;

const TEMPLATE: &str = "inflow_test_template";

struct Shared {
    server: PgConnectOptions,
    template: String,
    _watchdog: Mutex<Option<ChildStdin>>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| std::thread::spawn(boot).join().expect("test database boot"))
}

fn boot() -> Shared {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (server, watchdog) = match std::env::var("DATABASE_URL") {
        Ok(url) => (
            url.parse::<PgConnectOptions>()
                .expect("DATABASE_URL")
                .database("postgres"),
            None,
        ),
        Err(_) => {
            let dir = std::env::temp_dir().join(format!("inflow-test-{}", std::process::id()));
            let cluster = Cluster::start(&dir).expect("start private Postgres");
            let watchdog = cluster.stop_on_exit(Some(&dir)).expect("watchdog");
            (cluster.connect_options("postgres"), Some(watchdog))
        }
    };
    let template = format!("{TEMPLATE}_{}", std::process::id());
    rt.block_on(async {
        let mut c = server.connect().await.expect("connect to test Postgres");
        c.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {template}"
        ))))
        .await
        .unwrap();
        c.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {template}"
        ))))
        .await
        .unwrap();
        let pool = PgPool::connect_with(server.clone().database(&template))
            .await
            .unwrap();
        inflow::db::migrate(&pool).await.expect("migrations");
        pool.close().await;
    });
    Shared {
        server,
        template,
        _watchdog: Mutex::new(watchdog),
    }
}

/// A fresh, migrated database for one test.
pub async fn fresh_db(pool_size: u32) -> PgPool {
    fresh_db_with_url(pool_size).await.0
}

/// A fresh, migrated database and a URL to it (for running the binary).
pub async fn fresh_db_with_url(pool_size: u32) -> (PgPool, String) {
    let s = shared();
    let name = format!("t_{}", Uuid::now_v7().simple());
    let mut c = s.server.connect().await.expect("connect");
    c.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE {}",
        s.template
    ))))
    .await
    .expect("create test database");
    let options = s.server.clone().database(&name);
    let url = options.to_url_lossy().to_string();
    let pool = inflow::db::pool_options(pool_size)
        .connect_with(options)
        .await
        .expect("pool");
    (pool, url)
}

pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    pub state: AppState,
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_pool(fresh_db(4).await)
    }

    pub fn with_pool(pool: PgPool) -> TestApp {
        Self::with_pool_and_mailer(pool, Mailer::outbox())
    }

    pub fn with_pool_and_mailer(pool: PgPool, mailer: Mailer) -> TestApp {
        let mut settings = Settings::local();
        settings.public_url = "http://localhost".into();
        let state = AppState::new(pool.clone(), settings, mailer);
        TestApp {
            router: build_router(state.clone()),
            pool,
            state,
        }
    }

    /// The same app (same database and mail) with its settings changed.
    pub fn change_settings(&mut self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self.state.settings.clone();
        change(&mut settings);
        self.state = AppState::new(self.pool.clone(), settings, self.state.mailer.clone());
        self.router = build_router(self.state.clone());
    }

    /// An app with the demo organisation seeded.
    pub async fn demo() -> TestApp {
        let app = Self::new().await;
        inflow::demo::seed(&app.pool).await.expect("demo seed");
        app
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            ip: SocketAddr::from(([10, 0, 0, 1], 5555)),
        }
    }

    /// A client signed in as `email` (demo password).
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut c = self.client();
        let res = c.login(email, inflow::demo::PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login as {email}: {}",
            res.body
        );
        c
    }

    /// Runs `sql` (test-written, no parameters) on the test's database.
    pub async fn exec(&self, sql: &str) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .unwrap();
    }

    pub async fn scalar_i64(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Add `n` teams named `<prefix> 01`, `<prefix> 02`, … (zero-padded to
    /// `width` digits): an organisation of many teams.
    pub async fn add_teams(&self, prefix: &str, n: i32, width: i32) {
        sqlx::query(
            "INSERT INTO teams (id, name)
             SELECT gen_random_uuid(), $1 || ' ' || lpad(i::text, $3, '0') FROM generate_series(1, $2) i",
        )
        .bind(prefix)
        .bind(n)
        .bind(width)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// The days `email` learned this week before today, in their own zone:
    /// what "this week" shows before they learn today (it depends on the
    /// weekday the test runs on).
    pub async fn week_days_before_today(&self, email: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT count(DISTINCT a.local_date) FROM activities a JOIN users u ON u.id = a.user_id
             WHERE u.email = $1 AND a.verb IN ('completed', 'answered', 'reflected')
               AND a.local_date >= date_trunc('week', now() AT TIME ZONE u.timezone)::date
               AND a.local_date < (now() AT TIME ZONE u.timezone)::date",
        )
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// The newest outbox message to `to`, and the first link in it.
    pub async fn last_mail_link(&self, to: &str) -> Option<String> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE to_email = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(to)
        .fetch_optional(&self.pool)
        .await
        .unwrap();
        body?
            .split_whitespace()
            .find(|w| w.starts_with("http://localhost/"))
            .map(|l| l.trim_start_matches("http://localhost").to_owned())
    }
}

pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
    pub ip: SocketAddr,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn doc(&self) -> Html {
        Html::parse_document(&self.body)
    }
    /// The text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).expect("selector");
        self.doc()
            .select(&sel)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
    pub fn text(&self, css: &str) -> String {
        self.texts(css).join(" | ")
    }
    /// The value attribute of the input named `name`.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let sel = Selector::parse(&format!("[name=\"{name}\"]")).unwrap();
        self.doc().select(&sel).next().and_then(|e| {
            e.value()
                .attr("value")
                .map(str::to_owned)
                .or_else(|| Some(e.text().collect()))
        })
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

pub fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

impl Client {
    pub async fn send(&mut self, mut req: Request<Body>) -> Res {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        req.headers_mut()
            .insert(header::HOST, "localhost".parse().unwrap());
        req.extensions_mut().insert(ConnectInfo(self.ip));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        for v in parts.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = body.collect().await.unwrap().to_bytes();
        Res {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        self.send(
            Request::get(path)
                .header("sec-fetch-site", "same-origin")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A same-origin form POST, as a browser sends it from an Inflow page.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://localhost")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form(fields)))
            .unwrap();
        self.send(req).await
    }

    /// A form POST coming from another site.
    pub async fn post_cross_site(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(form(fields)))
            .unwrap();
        self.send(req).await
    }

    /// A multipart form POST with text fields (file fields are given as `(name, filename, content)`).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str)],
    ) -> Res {
        let boundary = "inflow-test-boundary-7d1f";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        for (k, filename, v) in files {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let req = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::ORIGIN, "http://localhost")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Res {
        self.post(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }
}

/// A scratch directory for tests that need files (removed by the OS temp cleaner).
pub fn scratch_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("inflow-{tag}-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
