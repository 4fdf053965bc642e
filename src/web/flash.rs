//! One-shot flash messages carried in a short-lived cookie across a redirect.

use std::ops::ControlFlow;

use axum::extract::Request;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::around::Around;

const COOKIE: &str = "inflow_flash";

/// The flash message for this request, if any.
#[derive(Debug, Clone, Default)]
pub struct Flash(pub Option<String>);

/// 303 to `to` with a message shown once on the next page.
pub fn redirect_with_flash(to: &str, message: &str) -> Response {
    let value = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120",
        utf8_percent_encode(message, NON_ALPHANUMERIC)
    );
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// Reads the flash cookie into the request; clears it once a page has shown it.
#[derive(Clone, Copy)]
pub struct FlashCookie;

impl Around for FlashCookie {
    /// Whether the request carried a message.
    type Carry = bool;

    fn before(&self, req: &mut Request) -> ControlFlow<Response, bool> {
        let flash = super::cookie(req.headers(), COOKIE)
            .map(|v| {
                percent_decode_str(v)
                    .decode_utf8_lossy()
                    .chars()
                    .take(500)
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty());
        let had = flash.is_some();
        req.extensions_mut().insert(Flash(flash));
        ControlFlow::Continue(had)
    }

    fn after(&self, had: bool, mut res: Response) -> Response {
        let shown = !res.status().is_redirection() && res.status() != StatusCode::NOT_MODIFIED;
        if had && shown {
            res.headers_mut().append(
                SET_COOKIE,
                HeaderValue::from_static(
                    "inflow_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
                ),
            );
        }
        res
    }
}
