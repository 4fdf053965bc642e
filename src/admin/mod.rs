//! L&D admin screens that are not a feature of their own: the audit log of
//! every admin action, and the mail outbox.

pub mod store;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppResult;
use crate::mail;
use crate::web::{PageCtx, Pagination, render};

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(audit))
        .route("/admin/outbox", get(outbox))
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: PageCtx,
    rows: Vec<store::AuditRow>,
    pager: Pagination,
}

async fn audit(
    State(state): State<AppState>,
    page: PageCtx,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let pager = Pagination::new(q.page, 50, store::count(&mut c).await?);
    let rows = store::list(&mut c, pager.per_page, pager.offset()).await?;
    render(&AuditPage { page, rows, pager })
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: PageCtx,
    rows: Vec<mail::store::OutboxRow>,
    pager: Pagination,
}

async fn outbox(
    State(state): State<AppState>,
    page: PageCtx,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let pager = Pagination::new(q.page, 25, mail::store::count(&mut c).await?);
    let rows = mail::store::list(&mut c, pager.per_page, pager.offset()).await?;
    render(&OutboxPage { page, rows, pager })
}
