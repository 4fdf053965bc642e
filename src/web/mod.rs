//! Shared web plumbing: the page context every template gets, rendering,
//! redirects with flash messages, cookies, forms, pagination, security headers
//! and the friendly error pages.

pub mod around;
pub mod assets;
pub mod csv_stream;
pub mod errors;
pub mod flash;
pub mod forms;
pub mod pagination;
pub mod request_log;

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
pub use flash::{Flash, redirect_with_flash};
pub use forms::FormErrors;
pub use pagination::Pagination;

/// What every page needs: who is signed in, the flash message, the request id.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    pub user: Option<CurrentUser>,
    pub flash: Option<String>,
    pub request_id: String,
    pub demo: bool,
    pub path: String,
}

impl PageCtx {
    pub fn is_signed_in(&self) -> bool {
        self.user.is_some()
    }
    pub fn is_manager(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_manage())
    }
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.is_admin())
    }
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map_or("", |u| &*u.name)
    }
    /// `aria-current` value for a navigation link.
    pub fn current(&self, prefix: &str) -> &'static str {
        let hit = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if hit { "page" } else { "false" }
    }
}

/// The request id's header, set by the outermost layer (`app::build_service`).
/// A constant name is looked up without parsing and lowercasing a string.
pub const X_REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

pub fn request_id(headers: &HeaderMap) -> String {
    request_id_of(headers.get(X_REQUEST_ID))
}

/// The request id as shown on pages, from its header's value.
pub fn request_id_of(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageCtx {
            user: parts.extensions.get::<CurrentUser>().cloned(),
            flash: parts.extensions.get::<Flash>().and_then(|f| f.0.clone()),
            request_id: request_id(&parts.headers),
            demo: state.settings.demo,
            path: parts.uri.path().to_owned(),
        })
    }
}

/// Render a template as a 200 page.
pub fn render<T: Template>(t: &T) -> AppResult<Html<String>> {
    Ok(Html(t.render()?))
}

/// Render a template with another status (422 for a form with errors).
pub fn render_status<T: Template>(status: StatusCode, t: &T) -> AppResult<Response> {
    Ok((status, Html(t.render()?)).into_response())
}

/// Characters kept as they are in a `?next=` value (RFC 3986 unreserved).
const NEXT_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The sign-in page, coming back to `next` (a local path) afterwards.
pub fn login_url(next: &str) -> String {
    format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(next, NEXT_ENCODE)
    )
}

/// Post/redirect/get.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address: the peer, or behind a trusted load balancer the last
/// `X-Forwarded-For` entry. None in in-process tests without connect info.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = || {
            let xff = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .next_back()?;
            let last = xff.rsplit(',').next()?.trim();
            last.parse::<std::net::IpAddr>()
                .ok()
                .map(|ip| ip.to_string())
        };
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        };
        Ok(ClientIp(if state.settings.trust_proxy {
            forwarded().or_else(peer)
        } else {
            peer()
        }))
    }
}

/// Security headers set on every response unless a route set its own.
pub fn security_headers() -> [(header::HeaderName, &'static str); 5] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ]
}
