//! L&D authoring of a campaign's steps: append one, and edit, reorder or
//! remove the ones nobody has yet (a released step is fixed).

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::admin::{campaign, edit_page, input_of, locked, org_today};
use super::forms::StepInput;
use super::store::{self, Campaign, Step};
use super::views::StepFormPage;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

async fn resolve_item(state: &AppState, input: &StepInput) -> AppResult<Option<Uuid>> {
    if input.kind != "item" || input.item_slug().is_empty() {
        return Ok(None);
    }
    let mut c = state.db.acquire().await?;
    Ok(
        crate::library::store::items::by_slug(&mut c, input.item_slug())
            .await?
            .filter(|i| i.status == "published")
            .map(|i| i.id),
    )
}

pub async fn add_step(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
    Form(input): Form<StepInput>,
) -> AppResult<Response> {
    let camp = campaign(&state, id).await?;
    let item = resolve_item(&state, &input).await?;
    let v = match input.validate(item) {
        Ok(v) => v,
        Err(errors) => {
            let people = store::reports::chosen_emails(&mut *state.db.acquire().await?, id).await?;
            let base = input_of(&camp, people);
            let mut p = edit_page(&state, page, Some(camp), base, FormErrors::new()).await?;
            p.step = input;
            p.step_errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let added_on = (camp.status != "draft").then(org_today);
    store::add_step(&mut *state.db.acquire().await?, id, &v, added_on).await?;
    Ok(redirect_with_flash(
        &format!("/admin/campaigns/{id}#steps"),
        "Step added.",
    ))
}

/// A step that can still change, with its campaign's steps and how many of
/// them are locked.
struct OpenStep {
    camp: Campaign,
    steps: Vec<Step>,
    index: usize,
    locked: usize,
}

/// The step, or (as `Err`) the page that says it was released and can no
/// longer be edited, moved or removed.
async fn open_step(
    state: &AppState,
    id: Uuid,
    step: Uuid,
) -> AppResult<Result<OpenStep, Response>> {
    let camp = campaign(state, id).await?;
    let mut c = state.db.acquire().await?;
    let steps = store::steps(&mut c, id).await?;
    let index = steps
        .iter()
        .position(|s| s.id == step)
        .ok_or(AppError::NotFound)?;
    let locked = locked(&mut c, &camp, &steps).await?;
    if index < locked {
        return Ok(Err(redirect_with_flash(
            &format!("/admin/campaigns/{id}#steps"),
            LOCKED,
        )));
    }
    Ok(Ok(OpenStep {
        camp,
        steps,
        index,
        locked,
    }))
}

const LOCKED: &str = "This step has already been released to someone, so it can no longer be edited, moved or removed.";

pub async fn step_form(
    State(state): State<AppState>,
    page: PageCtx,
    Path((id, step)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    let OpenStep {
        camp, steps, index, ..
    } = match open_step(&state, id, step).await? {
        Ok(open) => open,
        Err(released) => return Ok(released),
    };
    let s = &steps[index];
    let input = StepInput {
        kind: s.kind.clone(),
        title: s.title.clone(),
        body: s.body.clone(),
        item: s.item_slug.clone().unwrap_or_default(),
        prompt: s.prompt_id.map(|p| p.to_string()).unwrap_or_default(),
        url: s.url.clone().unwrap_or_default(),
        minutes: s.minutes.to_string(),
        same_day: if s.same_day {
            "on".into()
        } else {
            String::new()
        },
    };
    let prompts = crate::reflections::store::prompts(&mut *state.db.acquire().await?).await?;
    Ok(render(&StepFormPage {
        page,
        campaign: camp,
        step_id: step,
        position: s.position,
        input,
        errors: FormErrors::new(),
        prompts,
    })?
    .into_response())
}

pub async fn update_step(
    State(state): State<AppState>,
    page: PageCtx,
    Path((id, step)): Path<(Uuid, Uuid)>,
    Form(input): Form<StepInput>,
) -> AppResult<Response> {
    let OpenStep {
        camp, steps, index, ..
    } = match open_step(&state, id, step).await? {
        Ok(open) => open,
        Err(released) => return Ok(released),
    };
    let item = resolve_item(&state, &input).await?;
    match input.validate(item) {
        Ok(v) => {
            store::update_step(&mut *state.db.acquire().await?, step, &v).await?;
            Ok(redirect_with_flash(
                &format!("/admin/campaigns/{id}#steps"),
                "Step saved.",
            ))
        }
        Err(errors) => {
            let prompts =
                crate::reflections::store::prompts(&mut *state.db.acquire().await?).await?;
            let position = steps[index].position;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &StepFormPage {
                    page,
                    campaign: camp,
                    step_id: step,
                    position,
                    input,
                    errors,
                    prompts,
                },
            )
        }
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    action: String,
}

/// Move a step up or down among the unreleased ones, or remove it.
pub async fn move_step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, Uuid)>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let OpenStep {
        steps,
        index,
        locked,
        ..
    } = match open_step(&state, id, step).await? {
        Ok(open) => open,
        Err(released) => return Ok(released),
    };
    let back = format!("/admin/campaigns/{id}#steps");
    let mut tx = state.db.begin().await?;
    let msg = match f.action.as_str() {
        "up" if index > locked => {
            store::swap_steps(&mut tx, step, steps[index - 1].id).await?;
            "Step moved up."
        }
        "down" if index + 1 < steps.len() => {
            store::swap_steps(&mut tx, step, steps[index + 1].id).await?;
            "Step moved down."
        }
        "delete" => {
            store::delete_step(&mut tx, id, step).await?;
            "Step removed."
        }
        _ => "That step cannot move further: the steps above it are already released.",
    };
    tx.commit().await?;
    Ok(redirect_with_flash(&back, msg))
}
