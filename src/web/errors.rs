//! Turns every error response into a friendly page that shows the request id
//! (the same id as in the log line). No stack trace ever reaches a page.

use std::ops::ControlFlow;

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;

use super::PageCtx;
use super::around::Around;
use crate::auth::CurrentUser;
use crate::error::{AppError, ErrorInfo};

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub page: PageCtx,
    pub status: u16,
    pub title: String,
    pub message: String,
}

/// Turns error responses into pages. `demo` is the settings' demo flag
/// (the page's banner).
#[derive(Clone, Copy)]
pub struct ErrorPages {
    pub demo: bool,
}

impl Around for ErrorPages {
    /// The request's id header and its URI, for the page; cheap to keep
    /// (shared bytes), read only when the response is an error.
    type Carry = (Option<HeaderValue>, Uri);

    fn before(&self, req: &mut Request) -> ControlFlow<Response, Self::Carry> {
        ControlFlow::Continue((
            req.headers().get(crate::web::X_REQUEST_ID).cloned(),
            req.uri().clone(),
        ))
    }

    fn after(&self, (request_id, uri): Self::Carry, res: Response) -> Response {
        let status = res.status();
        let info = match res.extensions().get::<ErrorInfo>() {
            Some(info) => info.clone(),
            None if status == StatusCode::METHOD_NOT_ALLOWED => ErrorInfo {
                title: "Not allowed",
                message: "That action is not available here.".into(),
            },
            None if is_bare_rejection(&res) => ErrorInfo {
                title: if status == StatusCode::NOT_FOUND {
                    "Page not found"
                } else {
                    "That did not work"
                },
                message: "Inflow could not handle that request. Go back and try again.".into(),
            },
            None => return res,
        };
        let page = PageCtx {
            user: res.extensions().get::<CurrentUser>().cloned(),
            flash: None,
            request_id: super::request_id_of(request_id.as_ref()),
            demo: self.demo,
            path: uri.path().to_owned(),
        };
        let view = ErrorPage {
            page,
            status: status.as_u16(),
            title: info.title.into(),
            message: info.message,
        };
        let html = view
            .render()
            .unwrap_or_else(|_| format!("{} ({})", view.title, view.page.request_id));
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Response::from_parts(parts, Body::from(html))
    }
}

/// A plain-text client error from an extractor (a malformed id in the path,
/// an unreadable form): worth a friendly page too.
fn is_bare_rejection(res: &Response) -> bool {
    res.status().is_client_error()
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"))
}

/// Routes nobody matched.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// What the CSRF layer answers to a cross-site state-changing request.
pub fn csrf_rejection(_: tower_http::csrf::ProtectionError) -> Response<Body> {
    let mut res = Response::new(Body::from("Cross-site request refused"));
    *res.status_mut() = StatusCode::FORBIDDEN;
    res.extensions_mut().insert(ErrorInfo {
        title: "Request refused",
        message: "This form was sent from another site, so Inflow refused it. Go back to Inflow and try again from there.".into(),
    });
    res
}
