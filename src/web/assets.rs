//! Static assets, compiled into the binary so one file is the whole deployment.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::app::AppState;

const APP_CSS: &str = include_str!("../../static/app.css");

pub fn router() -> Router<AppState> {
    Router::new().route("/static/app.css", get(app_css))
}

async fn app_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
}
