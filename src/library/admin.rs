//! L&D authoring at `/admin/library`: list, create, edit, preview, and move
//! items between draft, published and archived.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::{ItemInput, ValidItem};
use super::learner::{item_view, related};
use super::markdown;
use super::model::{Status, slugify, unique_slug};
use super::store::items::{self, ItemFields};
use super::store::{topics, viewing};
use super::views::{AdminListPage, ItemFormPage};
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, Pagination, redirect_with_flash, render, render_status};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    Query(lq): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let status = Status::parse(&lq.status).map(Status::as_str);
    let q: String = lq.q.trim().chars().take(200).collect();
    let pager = Pagination::new(
        lq.page,
        30,
        items::count_for_admin(&mut c, status, &q).await?,
    );
    let rows = items::list_for_admin(&mut c, status, &q, pager.per_page, pager.offset()).await?;
    render(&AdminListPage {
        page,
        status: status.unwrap_or("").to_owned(),
        q,
        rows,
        pager,
    })
}

pub async fn new_form(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    let topics = topics::all(&mut *state.db.acquire().await?).await?;
    let input = ItemInput {
        kind: "article".into(),
        minutes: "5".into(),
        ..Default::default()
    };
    render(&ItemFormPage {
        page,
        heading: "New item".into(),
        action: "/admin/library".into(),
        input,
        errors: FormErrors::new(),
        topics,
        item: None,
    })
}

async fn form_again(
    state: &AppState,
    page: PageCtx,
    heading: String,
    action: String,
    input: ItemInput,
    errors: FormErrors,
    item: Option<items::Item>,
) -> AppResult<Response> {
    let topics = topics::all(&mut *state.db.acquire().await?).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ItemFormPage {
            page,
            heading,
            action,
            input,
            errors,
            topics,
            item,
        },
    )
}

/// The item's topic ids: the chosen ones plus new ones (created when missing).
async fn resolve_topics(c: &mut PgConnection, v: &ValidItem) -> AppResult<Vec<Uuid>> {
    let mut ids = v.topic_ids.clone();
    for name in &v.new_topics {
        let id = match topics::id_by_name(c, name).await? {
            Some(id) => id,
            None => {
                let base = slugify(name);
                let slug = unique_slug(&base, &topics::slugs_like(c, &base).await?);
                topics::insert(c, name, &slug).await?
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn fields<'a>(v: &'a ValidItem, html: &'a str) -> ItemFields<'a> {
    ItemFields {
        title: &v.title,
        summary: &v.summary,
        kind: v.kind.as_str(),
        body_md: &v.body,
        body_html: html,
        url: v.url.as_deref(),
        source: v.source.as_deref(),
        minutes: v.minutes,
        image_url: v.image_url.as_deref(),
        reference: v.reference,
        open_access: v.open_access,
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = ItemInput::from_pairs(pairs);
    let v = match input.validate() {
        Ok(v) => v,
        Err(errors) => {
            return form_again(
                &state,
                page,
                "New item".into(),
                "/admin/library".into(),
                input,
                errors,
                None,
            )
            .await;
        }
    };
    let html = markdown::render(&v.body);
    let mut tx = state.db.begin().await?;
    let topic_ids = resolve_topics(&mut tx, &v).await?;
    let base = slugify(&v.title);
    let slug = unique_slug(&base, &items::slugs_like(&mut tx, &base, None).await?);
    let id = items::insert(&mut tx, &slug, &fields(&v, &html), Some(admin.id)).await?;
    items::set_topics(&mut tx, id, &topic_ids).await?;
    crate::daily::store::set_questions(&mut tx, id, &v.questions).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "item.create",
        &v.title,
        json!({ "slug": slug, "kind": v.kind.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/library/{id}"),
        "Draft saved. Preview it, then publish it when it is ready.",
    ))
}

fn input_of(
    item: &items::Item,
    topic_ids: Vec<String>,
    questions: Vec<crate::daily::store::Question>,
) -> ItemInput {
    let questions = questions
        .into_iter()
        .map(|q| {
            let mut options: [String; 5] = Default::default();
            for (slot, o) in options.iter_mut().zip(q.options) {
                *slot = o;
            }
            crate::daily::forms::QuestionSlot {
                prompt: q.prompt,
                options,
                correct: (q.correct + 1).to_string(),
                explanation: q.explanation,
            }
        })
        .collect();
    ItemInput {
        title: item.title.clone(),
        summary: item.summary.clone(),
        kind: item.kind.clone(),
        body: item.body_md.clone(),
        url: item.url.clone().unwrap_or_default(),
        source: item.source.clone().unwrap_or_default(),
        minutes: item.minutes.to_string(),
        image_url: item.image_url.clone().unwrap_or_default(),
        reference: item.reference,
        open_access: item.open_access,
        topic_ids,
        new_topics: String::new(),
        questions,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let item = items::by_id(&mut c, id).await?;
    let topic_ids = items::topics_of(&mut c, id)
        .await?
        .into_iter()
        .map(|t| t.id.to_string())
        .collect();
    let topics = topics::all(&mut c).await?;
    let questions = crate::daily::store::item_questions(&mut c, id).await?;
    let input = input_of(&item, topic_ids, questions);
    render(&ItemFormPage {
        page,
        heading: format!("Edit “{}”", item.title),
        action: format!("/admin/library/{id}"),
        input,
        errors: FormErrors::new(),
        topics,
        item: Some(item),
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = ItemInput::from_pairs(pairs);
    let mut tx = state.db.begin().await?;
    let before = items::by_id(&mut tx, id).await?;
    let (heading, action) = (
        format!("Edit “{}”", before.title),
        format!("/admin/library/{id}"),
    );
    let v = match input.validate() {
        Ok(v) => v,
        Err(errors) => {
            drop(tx);
            return form_again(&state, page, heading, action, input, errors, Some(before)).await;
        }
    };
    let html = markdown::render(&v.body);
    let topic_ids = resolve_topics(&mut tx, &v).await?;
    let base = slugify(&v.title);
    let slug = if base == before.slug {
        base
    } else {
        unique_slug(&base, &items::slugs_like(&mut tx, &base, Some(id)).await?)
    };
    items::update(&mut tx, id, &slug, &fields(&v, &html)).await?;
    if slug != before.slug {
        items::record_rename(&mut tx, id, &before.slug, &slug).await?;
    }
    items::set_topics(&mut tx, id, &topic_ids).await?;
    crate::daily::store::set_questions(&mut tx, id, &v.questions).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "item.update",
        &v.title,
        json!({ "slug": slug, "previous_slug": before.slug }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&action, "Saved."))
}

pub async fn preview(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let slug = items::by_id(&mut c, id).await?.slug;
    // A preview is the page as a reader sees it, without anyone's standing
    // (and without a view recorded or a related list kept), whatever the
    // item's status.
    let (item, extras) = viewing::open(&mut c, &slug, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let related = related(&mut c, &item, None, None).await?;
    render(&item_view(&state, page, item, extras, related, true))
}

#[derive(Deserialize)]
pub struct StatusForm {
    to: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let to = Status::parse(&f.to).ok_or_else(|| AppError::Validation("Unknown status.".into()))?;
    let mut tx = state.db.begin().await?;
    let item = items::by_id(&mut tx, id).await?;
    let from = Status::parse(&item.status).unwrap_or(Status::Draft);
    if !from.can_move_to(to) {
        return Ok(redirect_with_flash(
            &format!("/admin/library/{id}"),
            &format!("This item is already {}.", to.as_str()),
        ));
    }
    items::set_status(&mut tx, id, to.as_str()).await?;
    audit(
        &mut tx,
        Some(admin.id),
        &format!("item.{}", to.as_str()),
        &item.title,
        json!({ "slug": item.slug, "from": from.as_str() }),
    )
    .await?;
    tx.commit().await?;
    let msg = match to {
        Status::Published => format!("Published. Learners can find it at /library/{}.", item.slug),
        Status::Archived => "Archived: learners no longer see it.".to_owned(),
        Status::Draft => "Back to draft: learners no longer see it.".to_owned(),
    };
    Ok(redirect_with_flash(&format!("/admin/library/{id}"), &msg))
}
