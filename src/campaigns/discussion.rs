//! Discussion threads on discussion steps: participants who have the step
//! (and L&D) read and post; people edit and delete their own posts.
//! Anyone else gets a 404.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::learner::{has_step, record_done};
use super::store::{self, posts};
use super::views::DiscussionPage;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

/// The campaign's title and the step, when `user` may take part.
async fn access(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    step: Uuid,
) -> AppResult<(String, store::Step)> {
    let mut c = state.db.acquire().await?;
    let camp = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
    let s = store::steps(&mut c, id)
        .await?
        .into_iter()
        .find(|s| s.id == step && s.kind == "discussion")
        .ok_or(AppError::NotFound)?;
    if user.role.is_admin() {
        return Ok((camp.title, s));
    }
    let has_it = has_step(&mut c, user, id, step).await?;
    if !has_it {
        return Err(AppError::NotFound);
    }
    Ok((camp.title, s))
}

async fn page_of(
    state: &AppState,
    page: PageCtx,
    user: &CurrentUser,
    id: Uuid,
    step: Uuid,
    body: String,
    errors: FormErrors,
) -> AppResult<DiscussionPage> {
    let (title, s) = access(state, user, id, step).await?;
    let thread = posts::thread(&mut *state.db.acquire().await?, step).await?;
    Ok(DiscussionPage {
        page,
        campaign_id: id,
        campaign_title: title,
        step: s,
        thread,
        me: user.id,
        body,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path((id, step)): Path<(Uuid, Uuid)>,
) -> AppResult<Html<String>> {
    render(
        &page_of(
            &state,
            page,
            &user,
            id,
            step,
            String::new(),
            FormErrors::new(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PostForm {
    body: String,
    parent: String,
}

fn check_body(body: &str) -> Option<&'static str> {
    match body.trim().chars().count() {
        0 => Some("Write something first."),
        n if n > 5000 => Some("Keep a post under 5,000 characters."),
        _ => None,
    }
}

pub async fn post(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path((id, step)): Path<(Uuid, Uuid)>,
    Form(f): Form<PostForm>,
) -> AppResult<Response> {
    access(&state, &user, id, step).await?;
    if let Some(msg) = check_body(&f.body) {
        let mut errors = FormErrors::new();
        errors.add("body", msg);
        let p = page_of(&state, page, &user, id, step, f.body, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let back = format!("/campaigns/{id}/steps/{step}/discussion");
    let mut tx = state.db.begin().await?;
    let parent = f.parent.parse::<Uuid>().ok();
    if !posts::add(&mut tx, step, user.id, parent, f.body.trim()).await? {
        return Ok(redirect_with_flash(
            &back,
            "That post is no longer there to reply to.",
        ));
    }
    // Taking part in the discussion completes the step.
    if super::store::learner::is_enrolled(&mut tx, id, user.id).await? {
        record_done(&mut tx, &user, id, step, "").await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&back, "Posted."))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    body: String,
    action: String,
}

pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, step, post)): Path<(Uuid, Uuid, Uuid)>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    access(&state, &user, id, step).await?;
    let back = format!("/campaigns/{id}/steps/{step}/discussion");
    let mut c = state.db.acquire().await?;
    let changed = if f.action == "delete" {
        posts::delete(&mut c, post, user.id).await?
    } else {
        if let Some(msg) = check_body(&f.body) {
            return Ok(redirect_with_flash(&back, msg));
        }
        posts::edit(&mut c, post, user.id, f.body.trim()).await?
    };
    if !changed {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash(
        &back,
        if f.action == "delete" {
            "Post deleted."
        } else {
            "Post updated."
        },
    )
    .into_response())
}
