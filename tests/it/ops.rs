//! Health, readiness, metrics, security headers, error pages, the pool timeout.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;

use crate::harness::{TestApp, fresh_db};

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::new().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    app.state.draining.store(true, Ordering::SeqCst);
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        c.get("/healthz").await.status,
        StatusCode::OK,
        "still alive while draining"
    );
    app.state.db.close();
    app.state.draining.store(false, Ordering::SeqCst);
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "no database, not ready"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.get("/login").await;
    c.login("learner@example.com", "wrong password").await;
    // A matched route that answers 404 is counted under its pattern; a
    // path no route matches is "unmatched".
    assert_eq!(
        c.get("/library/no-such-item").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    // Requests a role gate turns away are counted under their route too.
    assert_eq!(c.get("/today").await.status, StatusCode::SEE_OTHER);
    let mut learner = app.signed_in("learner@example.com").await;
    assert_eq!(
        learner.get("/admin/people").await.status,
        StatusCode::FORBIDDEN
    );
    let m = c.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    for line in [
        "inflow_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"}",
        "inflow_http_requests_total{method=\"GET\",route=\"/library/{slug}\",status=\"404\"}",
        "inflow_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}",
        "inflow_http_requests_total{method=\"GET\",route=\"/today\",status=\"303\"}",
        "inflow_http_requests_total{method=\"GET\",route=\"/admin/people\",status=\"403\"}",
    ] {
        assert!(m.body.contains(line), "{line} in\n{}", m.body);
    }
    assert!(m.body.contains("inflow_login_failures_total"));
}

#[tokio::test]
async fn every_response_has_security_headers() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for path in ["/login", "/nope", "/static/app.css"] {
        let res = c.get(path).await;
        let csp = res.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(res.headers["x-content-type-options"], "nosniff");
        assert!(res.headers.contains_key("referrer-policy"));
        assert!(res.headers.contains_key("x-request-id"));
    }
}

#[tokio::test]
async fn not_found_is_a_friendly_page_with_the_request_id() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let res = c.get("/no/such/page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.text("h1"), "Page not found");
    let id = res.headers["x-request-id"].to_str().unwrap();
    assert!(res.text("code").contains(id));
}

#[tokio::test]
async fn a_malformed_link_gets_a_friendly_page_not_a_raw_rejection() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let res = c.get("/admin/people/not-a-uuid").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(res.text("h1"), "That did not work");
    assert!(
        res.text("nav[aria-label=Main]").contains("L&D admin"),
        "the page keeps the person's navigation"
    );
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_instead_of_hanging() {
    let app = TestApp::with_pool(fresh_db(1).await);
    inflow::demo::seed(&app.pool).await.unwrap();
    let mut c = app.signed_in("admin@example.com").await;
    let held = app.state.db.acquire().await.unwrap();
    let started = std::time::Instant::now();
    let res = c.get("/admin/people").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.text("h1"), "Inflow is busy");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    drop(held);
    assert_eq!(
        c.get("/admin/people").await.status,
        StatusCode::OK,
        "heals once a connection is free"
    );
}

#[tokio::test]
async fn an_internal_error_shows_a_friendly_page_without_details() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    sqlx::query("ALTER TABLE audit_log RENAME TO audit_log_gone")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = c.get("/admin/audit").await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.text("h1"), "Something went wrong");
    let id = res.headers["x-request-id"].to_str().unwrap();
    assert!(res.text("code").contains(id));
    for leak in ["audit_log", "relation", "sqlx", "panicked", "src/"] {
        assert!(!res.body.contains(leak), "the page must not show {leak}");
    }
}

#[tokio::test]
async fn the_pool_heals_after_the_database_drops_its_connections() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    assert_eq!(c.get("/admin/people").await.status, StatusCode::OK);
    cut_connections(&app).await;
    for _ in 0..3 {
        assert_eq!(c.get("/admin/people").await.status, StatusCode::OK);
    }
    // A form sent right after the cut is saved once, not lost to a dead connection.
    let mut learner = app.signed_in("learner@example.com").await;
    let slug = "praise-that-means-something";
    assert_eq!(
        learner.get(&format!("/library/{slug}")).await.status,
        StatusCode::OK
    );
    cut_connections(&app).await;
    let res = learner.post(&format!("/library/{slug}/done"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM activities a JOIN users u ON u.id = a.user_id
         JOIN content_items i ON i.id = a.object_id
         WHERE u.email = 'learner@example.com' AND i.slug = $1 AND a.verb = 'completed'",
    )
    .bind(slug)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(done, 1);
}

/// Terminate every other connection to the test database while some of the
/// pool's connections sit idle (used a moment ago, so not pinged by age).
async fn cut_connections(app: &TestApp) {
    let (a, b) = (
        app.state.db.acquire().await.unwrap(),
        app.state.db.acquire().await.unwrap(),
    );
    drop((a, b)); // two idle connections in the pool
    assert!(app.state.db.idle() >= 2);
    let mut killer = app.pool.acquire().await.unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
    )
    .fetch_one(&mut *killer)
    .await
    .unwrap();
    assert!(killed >= 1, "some pooled connections were cut");
    drop(killer);
}

/// Every log line of a request carries its id, method, the route the
/// router matched (its pattern) and the signed-in person; a path no route
/// matches has no route, a visitor no person.
#[tokio::test]
async fn log_lines_carry_the_request_route_and_person() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let log = crate::capture::Listener::listen();
    let res = c.get("/login").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        c.get("/library/no-such-item").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    let requests = log.requests();
    let routes: Vec<_> = requests.iter().map(|r| r.route.as_deref()).collect();
    assert_eq!(routes, [Some("/login"), Some("/library/{slug}"), None]);
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" && r.user_id.is_none())
    );
    let ids: std::collections::HashSet<_> = requests.iter().map(|r| &r.request_id).collect();
    assert_eq!(ids.len(), 3, "one id per request: {requests:?}");
    assert!(requests.iter().all(|r| r.request_id.len() == 36));

    let mut c = app.signed_in("learner@example.com").await;
    let learner = crate::daily::user_id(&app, "learner@example.com").await;
    let _ = log.requests();
    assert_eq!(c.get("/today").await.status, StatusCode::OK);
    let requests = log.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].route.as_deref(), Some("/today"));
    assert_eq!(requests[0].user_id, Some(learner));
}
