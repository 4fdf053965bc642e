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

/// What every handler shares, behind one `Arc`: cloning the state for a
/// request (each middleware and extractor takes its own) is one reference
/// count, not one per field (five were 1.5 % of the server's time).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// Requests' connections (see `db::pool`).
    pub db: Db,
    pub settings: Settings,
    pub mailer: Mailer,
    /// Set on SIGTERM: `/readyz` answers 503 while the server drains.
    pub draining: AtomicBool,
    /// The library's topic list, per catalogue epoch.
    pub topics: library::topic_cache::TopicCache,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(db: PgPool, settings: Settings, mailer: Mailer) -> Self {
        AppState(Arc::new(Shared {
            db: Db::like(&db),
            settings,
            mailer,
            draining: AtomicBool::new(false),
            topics: Default::default(),
        }))
    }
}

/// A response that takes this long is logged at warn.
const SLOW_RESPONSE: Duration = Duration::from_secs(1);

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
                    // One line per request is an access log, at debug
                    // (`RUST_LOG=info,inflow::access=debug`; formatting it was
                    // 3 % of a page's CPU); /metrics counts every request.
                    // A slow one is always logged; errors are logged where
                    // they happen (`AppError`).
                    let status = res.status().as_u16();
                    let latency_ms = latency.as_millis() as u64;
                    if latency >= SLOW_RESPONSE {
                        tracing::warn!(status, latency_ms, "slow response");
                    } else {
                        tracing::debug!(target: "inflow::access", status, latency_ms, "response");
                    }
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
