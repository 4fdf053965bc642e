//! L&D curation: topics (create, rename, merge) and the CSV import of
//! curated links (dry-run preview, then all-or-nothing).

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::markdown;
use super::model::import::{self, LinkPlan};
use super::model::{slugify, unique_slug};
use super::store::items::{self, ItemFields};
use super::store::topics;
use super::views::TopicsPage;
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

pub async fn topics_page(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    let topics = topics::all(&mut *state.db.acquire().await?).await?;
    render(&TopicsPage {
        page,
        topics,
        name: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    name: String,
}

async fn name_errors(
    c: &mut sqlx::PgConnection,
    name: &str,
    me: Option<Uuid>,
) -> AppResult<FormErrors> {
    let mut e = FormErrors::new();
    match name.trim().chars().count() {
        0 => e.add("name", "Enter a topic name."),
        n if n > 80 => e.add("name", "Keep the topic name under 80 characters."),
        _ => {
            if let Some(other) = topics::id_by_name(c, name).await?
                && Some(other) != me
            {
                e.add(
                    "name",
                    "There is already a topic with this name. To combine two topics, merge them.",
                );
            }
        }
    }
    Ok(e)
}

pub async fn create_topic(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Form(f): Form<TopicForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let errors = name_errors(&mut tx, &f.name, None).await?;
    if !errors.is_empty() {
        let topics = topics::all(&mut tx).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TopicsPage {
                page,
                topics,
                name: f.name,
                errors,
            },
        );
    }
    let base = slugify(&f.name);
    let slug = unique_slug(&base, &topics::slugs_like(&mut tx, &base).await?);
    topics::insert(&mut tx, &f.name, &slug).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "topic.create",
        f.name.trim(),
        json!({ "slug": slug }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/topics",
        &format!("Topic “{}” created.", f.name.trim()),
    ))
}

pub async fn rename_topic(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<TopicForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let topic = topics::by_id(&mut tx, id).await?;
    let errors = name_errors(&mut tx, &f.name, Some(id)).await?;
    if !errors.is_empty() {
        let topics = topics::all(&mut tx).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TopicsPage {
                page,
                topics,
                name: String::new(),
                errors,
            },
        );
    }
    topics::rename(&mut tx, id, &f.name).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "topic.rename",
        f.name.trim(),
        json!({ "previous": topic.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/topics",
        &format!(
            "“{}” is now “{}”. Its feed address stays the same.",
            topic.name,
            f.name.trim()
        ),
    ))
}

#[derive(Deserialize)]
pub struct MergeForm {
    from: Uuid,
    into: Uuid,
}

pub async fn merge_topics(
    State(state): State<AppState>,
    admin: CurrentUser,
    Form(f): Form<MergeForm>,
) -> AppResult<Response> {
    if f.from == f.into {
        return Ok(redirect_with_flash(
            "/admin/topics",
            "Choose two different topics to merge.",
        ));
    }
    let mut tx = state.db.begin().await?;
    let from = topics::by_id(&mut tx, f.from).await?;
    let into = topics::by_id(&mut tx, f.into).await?;
    let moved = topics::merge(&mut tx, f.from, f.into).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "topic.merge",
        &into.name,
        json!({ "merged": from.name, "items": moved }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/topics",
        &format!(
            "Merged “{}” into “{}”: {moved} items moved over.",
            from.name, into.name
        ),
    ))
}

#[derive(Template)]
#[template(path = "library/admin_import.html")]
pub struct ImportPage {
    pub page: PageCtx,
    pub csv: String,
    pub publish: bool,
    pub plan: Option<LinkPlan>,
    pub errors: FormErrors,
}

pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

pub async fn import_form(page: PageCtx) -> AppResult<Html<String>> {
    render(&ImportPage {
        page,
        csv: String::new(),
        publish: true,
        plan: None,
        errors: FormErrors::new(),
    })
}

struct ImportForm {
    csv: String,
    run: bool,
    publish: bool,
}

pub async fn import_submit(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    mp: Multipart,
) -> AppResult<Response> {
    let form = match crate::web::forms::read_csv_upload(mp, MAX_IMPORT_BYTES).await {
        Ok(u) => ImportForm {
            publish: u.checked.iter().any(|c| c == "publish"),
            csv: u.csv,
            run: u.run,
        },
        Err(m) => {
            let mut errors = FormErrors::new();
            errors.add("csv", m);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage {
                    page,
                    csv: String::new(),
                    publish: true,
                    plan: None,
                    errors,
                },
            );
        }
    };
    if form.csv.trim().is_empty() {
        let mut errors = FormErrors::new();
        errors.add("csv", "Choose a CSV file or paste its contents.");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                page,
                csv: form.csv,
                publish: form.publish,
                plan: None,
                errors,
            },
        );
    }
    let mut tx = state.db.begin().await?;
    let known_topics: HashSet<String> = topics::all(&mut tx)
        .await?
        .into_iter()
        .map(|t| t.name.to_lowercase())
        .collect();
    let existing: HashMap<String, String> =
        items::existing_urls(&mut tx, &import::urls_in(&form.csv))
            .await?
            .into_iter()
            .collect();
    let plan = import::plan(&form.csv, &known_topics, &existing);
    if !form.run || !plan.is_ok() {
        drop(tx);
        let status = if plan.problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_status(
            status,
            &ImportPage {
                page,
                csv: form.csv,
                publish: form.publish,
                plan: Some(plan),
                errors: FormErrors::new(),
            },
        );
    }
    for name in &plan.new_topics {
        let base = slugify(name);
        let slug = unique_slug(&base, &topics::slugs_like(&mut tx, &base).await?);
        topics::insert(&mut tx, name, &slug).await?;
    }
    for row in &plan.rows {
        let mut topic_ids = Vec::new();
        for t in &row.topics {
            topic_ids.push(
                topics::id_by_name(&mut tx, t)
                    .await?
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("topic {t} vanished")))?,
            );
        }
        let base = slugify(&row.title);
        let slug = unique_slug(&base, &items::slugs_like(&mut tx, &base, None).await?);
        let fields = ItemFields {
            title: &row.title,
            summary: &row.summary,
            kind: row.kind.as_str(),
            body_md: "",
            body_html: &markdown::render(""),
            url: Some(&row.url),
            source: row.source.as_deref(),
            minutes: row.minutes,
            image_url: None,
            reference: false,
            open_access: false,
        };
        let id = items::insert(&mut tx, &slug, &fields, Some(admin.id)).await?;
        items::set_topics(&mut tx, id, &topic_ids).await?;
        if form.publish {
            items::set_status(&mut tx, id, "published").await?;
        }
    }
    let n = plan.rows.len();
    audit(
        &mut tx,
        Some(admin.id),
        "library.import",
        &format!("{n} links"),
        json!({ "published": form.publish, "new_topics": plan.new_topics }),
    )
    .await?;
    tx.commit().await?;
    let state_word = if form.publish {
        "published"
    } else {
        "saved as drafts"
    };
    Ok(redirect_with_flash(
        "/admin/library",
        &format!(
            "Imported {n} links, {state_word}; {} new topics.",
            plan.new_topics.len()
        ),
    ))
}
