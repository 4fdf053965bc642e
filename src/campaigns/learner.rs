//! What learners do with campaigns: see theirs with progress, join or
//! leave open ones, follow one step by step and mark steps done.

use axum::extract::{Form, Path, State};
use axum::response::{Html, Response};
use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::model;
use super::plan::{self, Followed};
use super::store::{self, learner};
use super::views::{CampaignPage, MyCampaignsPage};
use crate::activity::{self, Verb};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::daily;
use crate::error::{AppError, AppResult};
use crate::web::{PageCtx, redirect_with_flash, render};

/// The learner's local date and time now.
pub fn now_of(user: &CurrentUser) -> NaiveDateTime {
    model::local_now(&user.timezone, Utc::now())
}

/// The learner's campaigns laid out at local time `now`.
pub async fn followed(
    c: &mut sqlx::PgConnection,
    user: Uuid,
    only: Option<Uuid>,
    now: NaiveDateTime,
) -> AppResult<Vec<Followed>> {
    let rows = learner::steps_of(c, user, only, None).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let since = now.date() - chrono::Duration::days(daily::model::HISTORY_DAYS);
    let pauses: Vec<model::Pause> = daily::store::pauses(c, user, since)
        .await?
        .iter()
        .map(daily::store::PauseRow::pause)
        .collect();
    Ok(plan::plan(rows, &pauses, now))
}

pub async fn mine(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
) -> AppResult<Html<String>> {
    let now = now_of(&user);
    let mut c = state.db.acquire().await?;
    let campaigns = followed(&mut c, user.id, None, now).await?;
    let open = learner::open_to_join(&mut c, user.id, now.date()).await?;
    render(&MyCampaignsPage {
        page,
        campaigns,
        open,
        today: now.date(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let now = now_of(&user);
    let mut c = state.db.acquire().await?;
    let campaign = store::get(&mut c, id)
        .await?
        .filter(|c| c.status == "published")
        .ok_or(AppError::NotFound)?;
    let enrolled = learner::is_enrolled(&mut c, id, user.id).await?;
    let joinable = !enrolled && campaign.audience == "open" && campaign.phase(now.date()).enrols();
    if !enrolled && !joinable {
        return Err(AppError::NotFound);
    }
    let followed = followed(&mut c, user.id, Some(id), now).await?.pop();
    let outline = if followed.is_none() {
        store::steps(&mut c, id).await?
    } else {
        Vec::new()
    };
    render(&CampaignPage {
        page,
        campaign,
        followed,
        outline,
        today: now.date(),
    })
}

pub async fn join(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let today = now_of(&user).date();
    let mut c = state.db.acquire().await?;
    if !learner::join(&mut c, id, user.id, today).await? {
        return Ok(redirect_with_flash(
            "/campaigns",
            "That campaign is not taking new people.",
        ));
    }
    Ok(redirect_with_flash(
        &format!("/campaigns/{id}"),
        "You joined the campaign. Steps arrive on your release days; they also show on Today.",
    ))
}

pub async fn leave(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    if !learner::leave(&mut c, id, user.id).await? {
        return Ok(redirect_with_flash(
            &format!("/campaigns/{id}"),
            "Only open campaigns can be left; ask L&D about this one.",
        ));
    }
    Ok(redirect_with_flash(
        "/campaigns",
        "You left the campaign. What you did stays in your learning record.",
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneForm {
    note: String,
    back: String,
}

/// Mark a released step done, with an optional note (practice steps).
pub async fn done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, step)): Path<(Uuid, Uuid)>,
    Form(f): Form<DoneForm>,
) -> AppResult<Response> {
    let back = if f.back == "today" {
        "/today".to_owned()
    } else {
        format!("/campaigns/{id}")
    };
    let note = f.note.trim();
    if note.chars().count() > 2000 {
        return Ok(redirect_with_flash(
            &back,
            "Keep the note under 2,000 characters.",
        ));
    }
    let mut tx = state.db.begin().await?;
    if !has_step(&mut tx, &user, id, step).await? {
        return Err(AppError::NotFound);
    }
    record_done(&mut tx, &user, id, step, note).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&back, "Step done. Nice work."))
}

/// Whether `step` of campaign `id` is out to `user` now.
pub async fn has_step(
    c: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
    step: Uuid,
) -> AppResult<bool> {
    Ok(followed(c, user.id, Some(id), now_of(user))
        .await?
        .iter()
        .flat_map(|f| f.steps.iter())
        .any(|s| s.step.step_id == step && s.out))
}

/// Mark a step done (once) and, the first time, record it in the learning
/// record, so it counts as a learning day.
pub async fn record_done(
    c: &mut sqlx::PgConnection,
    user: &CurrentUser,
    campaign: Uuid,
    step: Uuid,
    note: &str,
) -> AppResult<()> {
    let now = Utc::now();
    let local = activity::local_date(&user.timezone, now);
    if learner::mark_done(c, user.id, campaign, step, note, local, now).await? {
        let a = activity::store::Action::now(
            user.id,
            &user.timezone,
            Verb::Completed,
            "campaign_step",
            step,
        );
        activity::store::record(c, &a).await?;
    }
    Ok(())
}

/// The open steps that a reflection on `prompt` completes.
pub async fn complete_prompt_steps(
    c: &mut sqlx::PgConnection,
    user: &CurrentUser,
    prompt: Uuid,
) -> AppResult<()> {
    for (step, campaign) in learner::open_prompt_steps(c, user.id, prompt).await? {
        record_done(c, user, campaign, step, "").await?;
    }
    Ok(())
}
