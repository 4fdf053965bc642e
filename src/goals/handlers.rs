//! Learners' goals and the goal page shared by the owner, their manager and
//! admins (read-only): create, edit, move through the workflow, comment,
//! attach evidence, check in. Anyone else gets a 404.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{GoalInput, ValidGoal};
use super::model::{self, Action, Status};
use super::store::{self, GoalFields};
use super::views::{FormPage, GoalPage, ListPage, Viewer};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::daily::today_of;
use crate::error::{AppError, AppResult};
use crate::notifications::store::notify;
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

async fn has_manager(state: &AppState, me: &CurrentUser) -> AppResult<bool> {
    Ok(crate::people::store::has_manager(&mut *state.db.acquire().await?, me.id).await?)
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let goals = store::goals_of(&mut *state.db.acquire().await?, me.id, me.id).await?;
    render(&ListPage {
        page,
        goals,
        has_manager: has_manager(&state, &me).await?,
    })
}

pub async fn new_form(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    let topics = crate::library::store::topics::all(&mut *state.db.acquire().await?).await?;
    render(&FormPage {
        page,
        heading: "New goal".into(),
        action: "/goals".into(),
        input: GoalInput::default(),
        errors: FormErrors::new(),
        topics,
    })
}

async fn form_again(
    state: &AppState,
    page: PageCtx,
    heading: &str,
    action: String,
    input: GoalInput,
    errors: FormErrors,
) -> AppResult<Response> {
    let topics = crate::library::store::topics::all(&mut *state.db.acquire().await?).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            page,
            heading: heading.into(),
            action,
            input,
            errors,
            topics,
        },
    )
}

fn fields(v: &ValidGoal) -> GoalFields<'_> {
    GoalFields {
        title: &v.title,
        why: &v.why,
        measure: &v.measure,
        target_date: v.target_date,
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = GoalInput::from_pairs(pairs);
    let v = match input.validate(today_of(&me)) {
        Ok(v) => v,
        Err(errors) => {
            return form_again(&state, page, "New goal", "/goals".into(), input, errors).await;
        }
    };
    let mut tx = state.db.begin().await?;
    let id = store::create(&mut tx, me.id, &fields(&v)).await?;
    store::set_topics(&mut tx, id, &v.topics).await?;
    store::add_event(&mut tx, id, me.id, None, Some("draft"), "").await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/goals/{id}"),
        "Draft saved. When it reads right, send it to your manager (or start it).",
    ))
}

/// The goal and how the viewer relates to it, or 404.
pub(super) async fn load(
    state: &AppState,
    me: &CurrentUser,
    id: Uuid,
) -> AppResult<(store::Goal, Viewer)> {
    let goal = store::visible(
        &mut *state.db.acquire().await?,
        id,
        me.id,
        me.role.is_admin(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let viewer = viewer_of(&goal, me);
    Ok((goal, viewer))
}

/// How `me` sees a goal [`store::visible`] let them read.
fn viewer_of(goal: &store::Goal, me: &CurrentUser) -> Viewer {
    if goal.owner_id == me.id {
        Viewer::Owner {
            has_manager: goal.owner_manager_id.is_some(),
        }
    } else if goal.owner_manager_id == Some(me.id) {
        Viewer::Manager
    } else {
        Viewer::Admin
    }
}

pub(super) async fn goal_page(
    state: &AppState,
    page: PageCtx,
    me: &CurrentUser,
    id: Uuid,
    errors: FormErrors,
) -> AppResult<GoalPage> {
    let mut c = state.db.acquire().await?;
    let open: Vec<&str> = Status::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(Status::as_str)
        .collect();
    let rows = store::page(&mut c, id, me.id, me.role.is_admin(), &open)
        .await?
        .ok_or(AppError::NotFound)?;
    let viewer = viewer_of(&rows.goal, me);
    let timeline = store::timeline(&mut c, id, me.id).await?;
    Ok(GoalPage {
        page,
        goal: rows.goal,
        viewer,
        timeline,
        suggestions: rows.suggestions,
        reflections: rows.reflections,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    render(&goal_page(&state, page, &me, id, FormErrors::new()).await?)
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let (goal, viewer) = load(&state, &me, id).await?;
    if !matches!(viewer, Viewer::Owner { .. }) {
        return Err(AppError::NotFound);
    }
    let input = GoalInput {
        title: goal.title,
        why: goal.why,
        measure: goal.measure,
        target_date: goal.target_date.map(|d| d.to_string()).unwrap_or_default(),
        topics: goal.topic_ids.iter().map(Uuid::to_string).collect(),
    };
    let topics = crate::library::store::topics::all(&mut *state.db.acquire().await?).await?;
    render(&FormPage {
        page,
        heading: "Edit goal".into(),
        action: format!("/goals/{id}/edit"),
        input,
        errors: FormErrors::new(),
        topics,
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (goal, viewer) = load(&state, &me, id).await?;
    if !matches!(viewer, Viewer::Owner { .. }) {
        return Err(AppError::NotFound);
    }
    if !matches!(
        Status::parse(&goal.status),
        Some(Status::Draft | Status::Active)
    ) {
        return Ok(redirect_with_flash(
            &format!("/goals/{id}"),
            "Goals can be edited while they are a draft or active.",
        ));
    }
    let input = GoalInput::from_pairs(pairs);
    let v = match input.validate(today_of(&me)) {
        Ok(v) => v,
        Err(errors) => {
            return form_again(
                &state,
                page,
                "Edit goal",
                format!("/goals/{id}/edit"),
                input,
                errors,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    store::update(&mut tx, id, me.id, &fields(&v)).await?;
    store::set_topics(&mut tx, id, &v.topics).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&format!("/goals/{id}"), "Saved."))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

pub async fn step(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let (goal, viewer) = load(&state, &me, id).await?;
    let back = format!("/goals/{id}");
    let (Some(actor), Some(action)) = (viewer.actor(), Action::parse(&f.action)) else {
        return Ok(redirect_with_flash(
            &back,
            "That step is not possible for this goal right now.",
        ));
    };
    let from = Status::parse(&goal.status).unwrap_or(Status::Draft);
    let to = match model::transition(from, action, actor, &f.comment) {
        Ok(to) => to,
        Err(message) => return Ok(redirect_with_flash(&back, message)),
    };
    let comment: String = f.comment.trim().chars().take(2000).collect();
    let mut tx = state.db.begin().await?;
    store::set_status(&mut tx, id, to.as_str(), today_of(&me)).await?;
    store::add_event(
        &mut tx,
        id,
        me.id,
        Some(from.as_str()),
        Some(to.as_str()),
        &comment,
    )
    .await?;
    let owner_first = goal
        .owner_name
        .split_whitespace()
        .next()
        .unwrap_or(&goal.owner_name)
        .to_owned();
    match (action, goal.owner_manager_id) {
        (Action::Propose, Some(m)) => {
            notify(
                &mut tx,
                m,
                &format!("{owner_first} proposed a goal: {}", goal.title),
                &back,
                None,
            )
            .await?
        }
        (Action::SubmitAchievement, Some(m)) => {
            notify(
                &mut tx,
                m,
                &format!("{owner_first} submitted an achievement: {}", goal.title),
                &back,
                None,
            )
            .await?
        }
        (Action::Agree, _) => {
            notify(
                &mut tx,
                goal.owner_id,
                &format!("Your manager agreed your goal: {}", goal.title),
                &back,
                None,
            )
            .await?
        }
        (Action::RequestChanges, _) => {
            notify(
                &mut tx,
                goal.owner_id,
                &format!("Your manager asked for changes to: {}", goal.title),
                &back,
                None,
            )
            .await?
        }
        (Action::ConfirmAchievement, _) => {
            notify(
                &mut tx,
                goal.owner_id,
                &format!("Achieved: {}. Well done!", goal.title),
                &back,
                None,
            )
            .await?
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &back,
        &format!("Done: {}.", to.label().to_lowercase()),
    ))
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

pub async fn comment(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    let (goal, viewer) = load(&state, &me, id).await?;
    let back = format!("/goals/{id}");
    let text: String = f.comment.trim().chars().take(2000).collect();
    if viewer == Viewer::Admin || text.is_empty() {
        return Ok(redirect_with_flash(
            &back,
            if text.is_empty() {
                "Write a comment first."
            } else {
                "Only the learner and their manager comment here."
            },
        ));
    }
    let mut tx = state.db.begin().await?;
    store::add_event(&mut tx, id, me.id, None, None, &text).await?;
    let to = if viewer == Viewer::Manager {
        Some(goal.owner_id)
    } else {
        goal.owner_manager_id
    };
    if let Some(to) = to {
        notify(
            &mut tx,
            to,
            &format!("{} commented on: {}", me.name, goal.title),
            &back,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&back, "Comment added."))
}
