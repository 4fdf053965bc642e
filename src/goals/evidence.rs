//! Evidence and check-ins on a goal, and the target-date reminders.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::validate_checkin;
use super::handlers::{goal_page, load};
use super::model::Status;
use super::store::{self, NewEvidence};
use super::views::Viewer;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::notifications::store::notify;
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render_status};

#[derive(Deserialize)]
pub struct EvidenceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    reflection_id: String,
}

pub async fn evidence(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<EvidenceForm>,
) -> AppResult<Response> {
    let (goal, viewer) = load(&state, &me, id).await?;
    let back = format!("/goals/{id}");
    if !Status::parse(&goal.status).is_some_and(Status::is_open) {
        return Ok(redirect_with_flash(&back, "This goal is closed."));
    }
    let note = f.note.trim();
    let mut errors = FormErrors::new();
    let mut c = state.db.acquire().await?;
    let e = match (viewer, f.kind.as_str()) {
        (Viewer::Manager, "observation") if !note.is_empty() => NewEvidence {
            kind: "observation",
            note,
            url: None,
            item_id: None,
            reflection_id: None,
        },
        (Viewer::Owner { .. }, "note") if !note.is_empty() => NewEvidence {
            kind: "note",
            note,
            url: None,
            item_id: None,
            reflection_id: None,
        },
        (Viewer::Owner { .. }, "link") if crate::library::model::is_web_url(&f.url) => {
            NewEvidence {
                kind: "link",
                note,
                url: Some(f.url.trim()),
                item_id: None,
                reflection_id: None,
            }
        }
        (Viewer::Owner { .. }, "item") => match f.item_id.parse::<Uuid>() {
            Ok(item) if store::completed_by(&mut c, goal.owner_id, item).await? => NewEvidence {
                kind: "item",
                note: "",
                url: None,
                item_id: Some(item),
                reflection_id: None,
            },
            _ => {
                return Ok(redirect_with_flash(
                    &back,
                    "Only learning you have completed can be evidence.",
                ));
            }
        },
        (Viewer::Owner { .. }, "reflection") => match f.reflection_id.parse::<Uuid>() {
            Ok(r) if store::is_shared_reflection_of(&mut c, goal.owner_id, r).await? => {
                NewEvidence {
                    kind: "reflection",
                    note: "",
                    url: None,
                    item_id: None,
                    reflection_id: Some(r),
                }
            }
            _ => {
                return Ok(redirect_with_flash(
                    &back,
                    "Only reflections you have shared with your manager can be evidence.",
                ));
            }
        },
        (Viewer::Owner { .. }, "link") => {
            errors.add("url", "Enter a web address starting with https://.");
            NewEvidence {
                kind: "",
                note,
                url: None,
                item_id: None,
                reflection_id: None,
            }
        }
        (Viewer::Admin, _) => return Err(AppError::Forbidden),
        _ => {
            errors.add("note", "Write what happened or what you did.");
            NewEvidence {
                kind: "",
                note,
                url: None,
                item_id: None,
                reflection_id: None,
            }
        }
    };
    if !errors.is_empty() {
        drop(c);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &goal_page(&state, page, &me, id, errors).await?,
        );
    }
    if note.chars().count() > 5000 {
        return Ok(redirect_with_flash(
            &back,
            "Keep evidence notes under 5,000 characters.",
        ));
    }
    let added = store::add_evidence(&mut c, id, me.id, &e).await?;
    Ok(redirect_with_flash(
        &back,
        if added {
            "Evidence added."
        } else {
            "That is already attached."
        },
    ))
}

#[derive(Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    progress: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    note: String,
}

pub async fn checkin(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CheckinForm>,
) -> AppResult<Response> {
    let (goal, viewer) = load(&state, &me, id).await?;
    if !matches!(viewer, Viewer::Owner { .. })
        || !Status::parse(&goal.status).is_some_and(Status::is_open)
    {
        return Ok(redirect_with_flash(
            &format!("/goals/{id}"),
            "Only the learner checks in on an open goal.",
        ));
    }
    let (progress, confidence, note) = match validate_checkin(&f.progress, &f.confidence, &f.note) {
        Ok(x) => x,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &goal_page(&state, page, &me, id, errors).await?,
            );
        }
    };
    store::add_checkin(
        &mut *state.db.acquire().await?,
        id,
        progress,
        confidence,
        &note,
    )
    .await?;
    Ok(redirect_with_flash(
        &format!("/goals/{id}"),
        "Check-in saved.",
    ))
}

/// Goal reminders: a week before the target date with no check-in for two weeks.
pub async fn send_reminders(
    c: &mut sqlx::PgConnection,
    today: chrono::NaiveDate,
) -> sqlx::Result<usize> {
    let due = super::store::team::due_for_reminder(c, today).await?;
    for (goal, owner, title, target) in &due {
        let msg = format!(
            "“{title}” is due on {}: how is it going? Add a check-in.",
            target.format("%-d %b")
        );
        notify(
            c,
            *owner,
            &msg,
            &format!("/goals/{goal}"),
            Some(&format!("goal-reminder:{goal}:{target}")),
        )
        .await?;
    }
    Ok(due.len())
}
