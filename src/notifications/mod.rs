//! In-app notifications for everyone: `/notifications`, with the unread
//! count in the navigation (read by the session query, so no extra query per
//! page). Features call [`store::notify`]; a dedupe key makes it idempotent.

pub mod store;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::web::{PageCtx, redirect_with_flash, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(mark_read))
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<store::Notification>,
}

async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let rows = store::list(&mut *state.db.acquire().await?, me.id, 100).await?;
    render(&ListPage { page, rows })
}

async fn mark_read(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    store::mark_all_read(&mut *state.db.acquire().await?, me.id).await?;
    Ok(redirect_with_flash("/notifications", "All caught up."))
}
