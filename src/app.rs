//! `AppState` and the router: every feature's routes, the role gates on the
//! route groups, and the layers every request passes through.

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use sqlx::PgPool;
use tower::{Service, ServiceBuilder};
use tower_http::compression::{CompressionBody, CompressionLayer};
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;

use crate::config::Settings;
use crate::db::pool::Db;
use crate::mail::Mailer;
use crate::web::around::{Around, AroundLayer};
use crate::web::request_log::{self, RequestLogLayer};
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

/// The app as a `Router` (what the tests drive): [`build_service`] as its
/// fallback.
pub fn build_router(state: AppState) -> Router {
    Router::new().fallback_service(build_service(state))
}

/// The app as the server serves it: the layers every request passes
/// through, around the routes. Served as it is, not as a `Router`'s
/// fallback, which would box and clone the whole stack once more on every
/// request.
pub fn build_service(
    state: AppState,
) -> impl Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Future<Output = Result<Response, Infallible>> + Send,
> + Clone
+ Send
+ Sync
+ 'static {
    let _ = ops::prometheus();
    let public = Router::new()
        .merge(auth::router())
        .merge(library::public_router())
        .merge(ops::router())
        .merge(web::assets::router())
        .route_layer(AroundLayer(Gate(None)));
    let signed_in = Router::new()
        .merge(home::router())
        .merge(auth::me_router())
        .merge(library::router())
        .merge(daily::router())
        .merge(reflections::router())
        .merge(goals::router())
        .merge(campaigns::router())
        .merge(notifications::router())
        .route_layer(AroundLayer(Gate(Some(auth::Require::USER))));
    let manage = goals::manage_router()
        .merge(reflections::manage_router())
        .merge(campaigns::manage_router())
        .route_layer(AroundLayer(Gate(Some(auth::Require::MANAGER))));
    let admin = Router::new()
        .merge(people::admin_router())
        .merge(library::admin_router())
        .merge(reflections::admin_router())
        .merge(goals::admin_router())
        .merge(campaigns::admin_router())
        .merge(admin::admin_router())
        .route_layer(AroundLayer(Gate(Some(auth::Require::ADMIN))));

    let routes = Router::new()
        .merge(public)
        .merge(signed_in)
        .merge(manage)
        .merge(admin)
        .fallback(web::errors::not_found)
        .with_state(state.clone());
    // The layers every request passes through wrap the router once, as one
    // concrete stack. `Router::layer` would wrap each route in each of them,
    // every level boxed and cloned per request (the stack took 6.7 µs a
    // request that way, 4.7 µs this way, on /healthz in a loop). Outermost
    // first.
    ServiceBuilder::new()
        // The body as `axum::serve` takes it (compressed when the client asks).
        .map_response(|res: axum::http::Response<CompressionBody<Body>>| res.map(Body::new))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(RequestLogLayer)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(CompressionLayer::new())
        // Outside the timeout, so that a request it cuts off is counted and
        // logged as slow.
        .layer(AroundLayer(ops::Track))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(AroundLayer(SecurityHeaders))
        .layer(AroundLayer(web::errors::ErrorPages {
            demo: state.settings.demo,
        }))
        .layer(auth::session::SessionLayer(state.clone()))
        .layer(CsrfLayer::new().with_rejection_response(web::errors::csrf_rejection))
        .layer(AroundLayer(web::flash::FlashCookie))
        .service(routes)
}

/// The one layer on each route: it records the route the router matched
/// (its pattern, as `/goals/{id}`) on the request's log fields
/// (`web::request_log`) and hands it out with the response for
/// `ops::Track`, and on a group of signed-in routes it is that group's role
/// gate ([`auth::Require`]). One layer instead of two: every route layer is
/// a level the router boxes and clones on each request. Unmatched requests
/// (the 404 fallback) have no route.
#[derive(Clone, Copy)]
struct Gate(Option<auth::Require>);

impl Around for Gate {
    type Carry = Option<MatchedPath>;

    fn before(&self, req: &mut Request) -> ControlFlow<Response, Self::Carry> {
        let route = req.extensions().get::<MatchedPath>().cloned();
        if let Some(route) = &route {
            request_log::record_route(route);
        }
        if let Some(refused) = self.0.and_then(|require| require.refusal(req)) {
            return ControlFlow::Break(self.after(route, refused));
        }
        ControlFlow::Continue(route)
    }

    fn after(&self, route: Self::Carry, mut res: Response) -> Response {
        if let Some(route) = route {
            res.extensions_mut().insert(route);
        }
        res
    }
}

/// The security headers (`web::security_headers`) on every response that
/// has not set its own.
#[derive(Clone, Copy)]
struct SecurityHeaders;

impl Around for SecurityHeaders {
    type Carry = ();

    fn before(&self, _: &mut Request) -> ControlFlow<Response, ()> {
        ControlFlow::Continue(())
    }

    fn after(&self, _: (), mut res: Response) -> Response {
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
}
