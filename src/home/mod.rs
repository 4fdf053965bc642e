//! The home address: signed-in people land on their Today page.

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(|| async { Redirect::to("/today") }))
}
