//! Sessions: a random id in an `HttpOnly`, `SameSite=Lax` cookie, its SHA-256
//! in Postgres. One query per request loads the signed-in person (on Today,
//! with the page's state: [`load_with_today`]); the role gates for
//! `/manage` and `/admin` sit on the route groups.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sqlx::PgConnection;
use tower::{Layer, Service};
use uuid::Uuid;

use super::model::{self, Role, SESSION_ABSOLUTE_DAYS};
use super::store;
use crate::app::AppState;
use crate::daily;
use crate::error::AppError;
use crate::web::cookie;

pub const COOKIE: &str = "inflow_session";

/// The signed-in person, as every handler and page sees them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    pub name: Arc<str>,
    pub email: Arc<str>,
    pub role: Role,
    pub timezone: Arc<str>,
    /// Unread notifications (loaded with the session, for the navigation).
    pub unread: i64,
    /// `plan_epoch` as this request began: it rises with every change to the
    /// catalogue, so what was read at the same epoch is still current.
    pub catalogue_epoch: i64,
}

/// The hash of this request's session id, if it carried one.
#[derive(Debug, Clone)]
pub struct SessionId(pub Vec<u8>);

/// Start a new session (a new id every sign-in) and return its cookie.
pub async fn start(c: &mut PgConnection, user_id: Uuid, secure: bool) -> sqlx::Result<HeaderValue> {
    let (token, hash) = model::new_token();
    store::create_session(c, &hash, user_id).await?;
    let max_age = SESSION_ABSOLUTE_DAYS * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    Ok(HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("hex token is a valid header"))
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("inflow_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Loads the signed-in person into the request (and the response, for error
/// pages): one boxed future a request, where `from_fn` boxed a copy of the
/// rest of the stack as well.
#[derive(Clone)]
pub struct SessionLayer(pub AppState);

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionService {
            inner,
            state: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct SessionService<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for SessionService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let Some(token) = cookie(req.headers(), COOKIE) else {
            return Box::pin(self.inner.call(req));
        };
        let hash = model::hash_token(token);
        // The service made ready is the one to call; a clone takes its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Box::pin(with_session(state, hash, req, inner))
    }
}

async fn with_session<S>(
    state: AppState,
    hash: Vec<u8>,
    mut req: Request,
    mut inner: S,
) -> Result<Response, Infallible>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let loaded = if req.method() == Method::GET && req.uri().path() == daily::PATH {
        load_with_today(&state, &hash, &mut req).await
    } else {
        load(&state, &hash).await
    };
    let user = match loaded {
        Ok(u) => u,
        Err(e) => return Ok(e.into_response()),
    };
    req.extensions_mut().insert(SessionId(hash));
    let Some(user) = user else {
        // A stale cookie is cleared, unless this response starts a new session.
        let mut res = inner.call(req).await?;
        let sets_session = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(COOKIE.as_bytes()));
        if !sets_session {
            res.headers_mut().append(SET_COOKIE, clear_cookie());
        }
        return Ok(res);
    };
    crate::web::request_log::record_user(user.id);
    req.extensions_mut().insert(user.clone());
    let mut res = inner.call(req).await?;
    res.extensions_mut().insert(user);
    Ok(res)
}

/// The session is the first thing a signed-in request asks the database, so
/// it is where a connection the database dropped shows up: that load is tried
/// once more, on a connection pinged first (see `db::health`).
async fn load(state: &AppState, hash: &[u8]) -> Result<Option<CurrentUser>, AppError> {
    match load_once(state, hash).await {
        Err(e) if crate::db::health::note(&e) => Ok(load_once(state, hash).await?),
        r => Ok(r?),
    }
}

async fn load_once(state: &AppState, hash: &[u8]) -> sqlx::Result<Option<CurrentUser>> {
    let mut c = state.db.acquire().await?;
    let Some(row) = store::session_user(&mut c, hash).await? else {
        return Ok(None);
    };
    if row.stale {
        store::touch_session(&mut c, hash).await?;
    }
    Ok(Some(current_user(row)))
}

/// On Today, the page learners open most, the session is read with the
/// page's state in one statement (`daily::store::today::with_session`),
/// which goes into the request for the page ([`daily::Stash`]): one round
/// trip less. Should that statement fail (a time zone Postgres does not
/// know, a connection lost), the session is read on its own, as for any
/// other page, and the page reads its state itself, for Inflow's date.
async fn load_with_today(
    state: &AppState,
    hash: &[u8],
    req: &mut Request,
) -> Result<Option<CurrentUser>, AppError> {
    let at = Utc::now();
    let read = async {
        let mut c = state.db.acquire().await?;
        let read = daily::store::today::with_session(&mut c, hash, at, None).await?;
        if read.as_ref().is_some_and(|(row, ..)| row.stale) {
            store::touch_session(&mut c, hash).await?;
        }
        Ok::<_, sqlx::Error>(read)
    };
    match read.await {
        Ok(Some((row, today, st))) => {
            let prefetch = daily::Prefetch {
                at,
                today,
                state: st,
            };
            req.extensions_mut()
                .insert(daily::Stash(Arc::new(prefetch)));
            Ok(Some(current_user(row)))
        }
        Ok(None) => Ok(None),
        // No connection to be had: another try would only wait as long again.
        Err(e @ (sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed)) => Err(e.into()),
        Err(e) => {
            tracing::warn!(error = %e, "reading the session with Today's state failed; reading it alone");
            load(state, hash).await
        }
    }
}

fn current_user(row: store::SessionRow) -> CurrentUser {
    CurrentUser {
        id: row.id,
        name: row.name.into(),
        email: row.email.into(),
        role: Role::parse(&row.role).unwrap_or(Role::Learner),
        timezone: row.timezone.into(),
        unread: row.unread,
        catalogue_epoch: row.catalogue_epoch,
    }
}

fn login_redirect(parts_uri: &axum::http::Uri) -> Response {
    let next = parts_uri.path_and_query().map_or("/", |p| p.as_str());
    Redirect::to(&crate::web::login_url(next)).into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| login_redirect(&parts.uri))
    }
}

/// A gate on a group of routes (checked by `app::Gate` on each of them):
/// the signed-in people whose role it lets through. Anyone else is sent to
/// sign in, or refused when signed in.
#[derive(Clone, Copy)]
pub struct Require(fn(Role) -> bool);

impl Require {
    /// Gate for pages every signed-in person may see.
    pub const USER: Require = Require(|_| true);
    /// Gate for `/manage/...`: managers and admins.
    pub const MANAGER: Require = Require(Role::can_manage);
    /// Gate for `/admin/...`: L&D admins.
    pub const ADMIN: Require = Require(Role::is_admin);

    /// The response turning `req` away, if this gate does.
    pub fn refusal(&self, req: &Request) -> Option<Response> {
        match req.extensions().get::<CurrentUser>() {
            None => Some(login_redirect(req.uri())),
            Some(u) if !(self.0)(u.role) => Some(AppError::Forbidden.into_response()),
            Some(_) => None,
        }
    }
}
