//! `/me/habit`: interests, daily time budget, weekly target, time zone and
//! "what's in it for me" (also the first-sign-in onboarding), and pauses.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use chrono::Duration;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{HabitInput, validate_pause};
use super::model::{HISTORY_DAYS, Pause};
use super::store;
use super::today::today_of;
use super::views::HabitPage;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::library::store::topics;
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

#[derive(Deserialize, Default)]
pub struct WelcomeQuery {
    #[serde(default)]
    welcome: Option<String>,
}

async fn page_for(
    state: &AppState,
    page: PageCtx,
    user: &CurrentUser,
    welcome: bool,
    input: Option<HabitInput>,
) -> AppResult<HabitPage> {
    let mut c = state.db.acquire().await?;
    let today = today_of(user);
    let input = match input {
        Some(i) => i,
        None => {
            let s = store::settings(&mut c, user.id).await?;
            HabitInput {
                daily_minutes: s.as_ref().map_or(10, |s| s.daily_minutes).to_string(),
                weekly_target: s.as_ref().map_or(3, |s| s.weekly_target).to_string(),
                why: s.map(|s| s.why).unwrap_or_default(),
                timezone: user.timezone.to_string(),
                topics: store::interests(&mut c, user.id)
                    .await?
                    .into_iter()
                    .map(|t| t.to_string())
                    .collect(),
            }
        }
    };
    Ok(HabitPage {
        page,
        welcome,
        input,
        errors: FormErrors::new(),
        topics: topics::all(&mut c).await?,
        pauses: store::pauses(&mut c, user.id, today).await?,
        today,
        pause_from: String::new(),
        pause_to: String::new(),
        pause_errors: FormErrors::new(),
    })
}

pub async fn form(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Query(q): Query<WelcomeQuery>,
) -> AppResult<Html<String>> {
    render(&page_for(&state, page, &user, q.welcome.is_some(), None).await?)
}

pub async fn save(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let welcome = pairs.iter().any(|(k, _)| k == "welcome");
    let input = HabitInput::from_pairs(pairs);
    let v = match input.validate() {
        Ok(v) => v,
        Err(errors) => {
            let mut view = page_for(&state, page, &user, welcome, Some(input)).await?;
            view.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let mut tx = state.db.begin().await?;
    store::save_settings(&mut tx, user.id, v.daily_minutes, v.weekly_target, &v.why).await?;
    store::set_interests(&mut tx, user.id, &v.topics).await?;
    crate::people::store::update_profile(&mut tx, user.id, &user.name, &v.timezone).await?;
    tx.commit().await?;
    let msg = if welcome {
        "You're set. Here is today's learning."
    } else {
        "Your learning habit is saved."
    };
    Ok(redirect_with_flash(
        if welcome { "/today" } else { "/me/habit" },
        msg,
    ))
}

pub async fn skip(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    store::skip_onboarding(&mut *state.db.acquire().await?, user.id).await?;
    Ok(redirect_with_flash(
        "/today",
        "Skipped for now. You can pick interests and a weekly target any time under My habit.",
    ))
}

#[derive(Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

pub async fn add_pause(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Form(f): Form<PauseForm>,
) -> AppResult<Response> {
    let today = today_of(&user);
    let (starts_on, ends_on) = match validate_pause(&f.starts_on, &f.ends_on, today) {
        Ok(p) => p,
        Err(errors) => {
            let mut view = page_for(&state, page, &user, false, None).await?;
            view.pause_errors = errors;
            view.pause_from = f.starts_on;
            view.pause_to = f.ends_on;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let mut tx = state.db.begin().await?;
    let overlapping = store::pauses(&mut tx, user.id, today - Duration::days(HISTORY_DAYS))
        .await?
        .iter()
        .any(|p| p.starts_on <= ends_on && starts_on <= p.ends_on);
    if overlapping {
        drop(tx);
        let mut view = page_for(&state, page, &user, false, None).await?;
        view.pause_errors
            .add("starts_on", "You already have a pause in those dates.");
        view.pause_from = f.starts_on;
        view.pause_to = f.ends_on;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    store::add_pause(&mut tx, user.id, Pause { starts_on, ends_on }).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/me/habit",
        &format!(
            "Enjoy the break. Your streak and weekly target are frozen from {} to {}, and reviews wait for you.",
            starts_on.format("%-d %b"),
            ends_on.format("%-d %b")
        ),
    ))
}

pub async fn cancel_pause(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let today = today_of(&user);
    let mut tx = state.db.begin().await?;
    let msg = if store::cancel_pause(&mut tx, user.id, id, today).await? {
        "Pause cancelled."
    } else if store::end_pause(&mut tx, user.id, id, today).await? {
        "Welcome back! Your pause ended yesterday."
    } else {
        "That pause cannot be changed any more."
    };
    tx.commit().await?;
    Ok(redirect_with_flash("/me/habit", msg))
}
