//! `AppState` and the router: every feature's routes, the role gates on the
//! route groups, and the layers every request passes through.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use sqlx::PgPool;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::config::Settings;
use crate::db::pool::Db;
use crate::mail::Mailer;
use crate::{
    admin, auth, campaigns, daily, goals, home, library, notifications, ops, people, reflections,
    web,
};

#[derive(Clone)]
pub struct AppState {
    /// Requests' connections (see `db::pool`).
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Shared, so that cloning the state for a request copies no strings.
    pub mailer: Arc<Mailer>,
    /// Set on SIGTERM: `/readyz` answers 503 while the server drains.
    pub draining: Arc<AtomicBool>,
    /// The library's topic list, per catalogue epoch.
    pub topics: Arc<library::topic_cache::TopicCache>,
}

impl AppState {
    pub fn new(db: PgPool, settings: Settings, mailer: Mailer) -> Self {
        AppState {
            db: Db::like(&db),
            settings: Arc::new(settings),
            mailer: Arc::new(mailer),
            draining: Arc::new(AtomicBool::new(false)),
            topics: Arc::default(),
        }
    }
}

pub fn build_router(state: AppState) -> Router {
    let _ = ops::prometheus();
    let signed_in = Router::new()
        .merge(home::router())
        .merge(auth::me_router())
        .merge(library::router())
        .merge(daily::router())
        .merge(reflections::router())
        .merge(goals::router())
        .merge(campaigns::router())
        .merge(notifications::router())
        .route_layer(middleware::from_fn(auth::session::require_user));
    let manage = goals::manage_router()
        .merge(reflections::manage_router())
        .merge(campaigns::manage_router())
        .route_layer(middleware::from_fn(auth::require_manager));
    let admin = Router::new()
        .merge(people::admin_router())
        .merge(library::admin_router())
        .merge(reflections::admin_router())
        .merge(goals::admin_router())
        .merge(campaigns::admin_router())
        .merge(admin::admin_router())
        .route_layer(middleware::from_fn(auth::require_admin));

    Router::new()
        .merge(auth::router())
        .merge(library::public_router())
        .merge(signed_in)
        .merge(manage)
        .merge(admin)
        .merge(ops::router())
        .merge(web::assets::router())
        .fallback(web::errors::not_found)
        .layer(middleware::from_fn(web::flash::layer))
        .layer(CsrfLayer::new().with_rejection_response(web::errors::csrf_rejection))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::session::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::errors::layer,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(ops::track))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", |p| p.as_str());
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        route,
                        request_id = %web::request_id(req.headers()),
                        user_id = tracing::field::Empty,
                    )
                })
                .on_request(())
                .on_failure(())
                .on_response(|res: &Response, latency: Duration, _: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_millis() as u64,
                        "response"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    // A route with its own policy (the embed page) decides its own framing.
    let own_policy = headers.contains_key(axum::http::header::CONTENT_SECURITY_POLICY);
    for (name, value) in web::security_headers() {
        if own_policy && name == axum::http::header::X_FRAME_OPTIONS {
            continue;
        }
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
