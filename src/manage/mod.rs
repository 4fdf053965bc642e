//! The manager's area (`/manage/...`, managers and admins): their direct
//! reports. Goals, check-ins and stretch assignments join it in later features.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::people::store::{self, PersonRow};
use crate::web::{PageCtx, render};

pub fn manage_router() -> Router<AppState> {
    Router::new().route("/manage/team", get(team))
}

#[derive(Template)]
#[template(path = "manage/team.html")]
struct TeamPage {
    page: PageCtx,
    reports: Vec<PersonRow>,
}

async fn team(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let reports = store::direct_reports(&mut *state.db.acquire().await?, me.id).await?;
    render(&TeamPage { page, reports })
}
