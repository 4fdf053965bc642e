//! The learner's home page after sign-in. The Today page replaces its body
//! when daily learning arrives.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::app::AppState;
use crate::error::AppResult;
use crate::web::{PageCtx, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    page: PageCtx,
}

async fn home(page: PageCtx) -> AppResult<Html<String>> {
    render(&HomePage { page })
}
