//! Turns every error response into a friendly page that shows the request id
//! (the same id as in the log line). No stack trace ever reaches a page.

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::PageCtx;
use crate::app::AppState;
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

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = super::request_id(req.headers());
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
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
        request_id,
        demo: state.settings.demo,
        path,
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
