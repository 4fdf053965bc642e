//! What managers and L&D see of the journal: a manager reads only what
//! their direct reports shared with them; admins manage prompts and see
//! counts, never text.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::store;
use super::views::{PromptsPage, SharedPage};
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

pub async fn shared(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let entries = store::shared_with_manager(&mut *state.db.acquire().await?, me.id, 100).await?;
    render(&SharedPage { page, entries })
}

async fn prompts_page(
    state: &AppState,
    page: PageCtx,
    text: String,
    errors: FormErrors,
) -> AppResult<PromptsPage> {
    let mut c = state.db.acquire().await?;
    let today = chrono::Utc::now().date_naive();
    let (reflecting, people) = store::reflecting_share(&mut c, today - Duration::days(30)).await?;
    Ok(PromptsPage {
        page,
        prompts: store::prompts(&mut c).await?,
        topics: crate::library::store::topics::all(&mut c).await?,
        text,
        errors,
        weeks: store::weekly_counts(&mut c, today - Duration::weeks(8)).await?,
        reflecting,
        people,
    })
}

pub async fn prompts(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    render(&prompts_page(&state, page, String::new(), FormErrors::new()).await?)
}

#[derive(Deserialize)]
pub struct PromptForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    topic_id: String,
    #[serde(default)]
    active: Option<String>,
}

fn check_text(text: &str) -> FormErrors {
    let mut e = FormErrors::new();
    match text.trim().chars().count() {
        0 => e.add("text", "Write the prompt, as a question to the learner."),
        n if n > 300 => e.add("text", "Keep the prompt under 300 characters."),
        _ => {}
    }
    e
}

pub async fn create_prompt(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Form(f): Form<PromptForm>,
) -> AppResult<Response> {
    let errors = check_text(&f.text);
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &prompts_page(&state, page, f.text, errors).await?,
        );
    }
    let mut tx = state.db.begin().await?;
    store::insert_prompt(&mut tx, &f.text, f.topic_id.parse().ok()).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "prompt.create",
        f.text.trim(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/prompts",
        "Prompt added. Learners see one active prompt a day on Today.",
    ))
}

pub async fn update_prompt(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<PromptForm>,
) -> AppResult<Response> {
    let errors = check_text(&f.text);
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &prompts_page(&state, page, String::new(), errors).await?,
        );
    }
    let mut tx = state.db.begin().await?;
    if !store::update_prompt(
        &mut tx,
        id,
        &f.text,
        f.topic_id.parse().ok(),
        f.active.is_some(),
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    audit(
        &mut tx,
        Some(admin.id),
        "prompt.update",
        f.text.trim(),
        json!({ "active": f.active.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash("/admin/prompts", "Prompt saved."))
}
