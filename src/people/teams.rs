//! Admin screens for teams: list, create, rename, members.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::store;
use super::views::{TeamPage, TeamsPage};
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::web::pagination::ListQuery;
use crate::web::{FormErrors, PageCtx, Pagination, redirect_with_flash, render, render_status};

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
}

async fn check_name(c: &mut PgConnection, name: &str, me: Option<Uuid>) -> AppResult<FormErrors> {
    let mut e = FormErrors::new();
    let n = name.trim();
    if n.is_empty() {
        e.add("name", "Enter a team name.");
    } else if n.chars().count() > 120 {
        e.add("name", "Keep the team name under 120 characters.");
    } else if let Some(other) = store::team_id_by_name(c, n).await?
        && Some(other) != me
    {
        e.add("name", "There is already a team with this name.");
    }
    Ok(e)
}

/// The teams list shows this many a page.
pub const TEAMS_PER_PAGE: i64 = 50;

/// The page of teams for a search, with a new team's form (`name`, errors).
async fn teams_page(
    c: &mut PgConnection,
    page: PageCtx,
    q: ListQuery,
    name: String,
    errors: FormErrors,
) -> AppResult<TeamsPage> {
    let search = q.search();
    let pager = Pagination::new(
        q.page,
        TEAMS_PER_PAGE,
        store::count_teams(c, &search).await?,
    );
    let teams = store::team_page(c, &search, pager.per_page, pager.offset()).await?;
    Ok(TeamsPage {
        page,
        teams,
        q: search,
        pager,
        name,
        errors,
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    render(&teams_page(&mut c, page, q, String::new(), FormErrors::new()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Form(f): Form<TeamForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let errors = check_name(&mut tx, &f.name, None).await?;
    if !errors.is_empty() {
        let again = teams_page(&mut tx, page, ListQuery::default(), f.name, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &again);
    }
    let id = store::insert_team(&mut tx, &f.name).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "team.create",
        f.name.trim(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/teams/{id}"),
        &format!("Team {} created.", f.name.trim()),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let team = store::team(&mut c, id).await?;
    let members = store::team_members(&mut c, id).await?;
    render(&TeamPage {
        page,
        name: team.name.clone(),
        team,
        members,
        errors: FormErrors::new(),
    })
}

pub async fn rename(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<TeamForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let team = store::team(&mut tx, id).await?;
    let errors = check_name(&mut tx, &f.name, Some(id)).await?;
    if !errors.is_empty() {
        let members = store::team_members(&mut tx, id).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TeamPage {
                page,
                team,
                name: f.name,
                members,
                errors,
            },
        );
    }
    store::rename_team(&mut tx, id, &f.name).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "team.rename",
        f.name.trim(),
        json!({ "previous": team.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/teams/{id}"),
        &format!("Renamed to {}.", f.name.trim()),
    ))
}
