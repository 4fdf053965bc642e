//! The learner's journal at `/reflections`: write (free or guided), list,
//! search, tag, edit, share with or take back from their manager, delete,
//! export. Every handler reads and writes only the signed-in author's entries.

use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::model::{self, EntryInput};
use super::store;
use super::views::{DeletePage, FormPage, ListPage, ShowPage};
use crate::activity::{self, Verb};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, Pagination, redirect_with_flash, render, render_status};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Query(lq): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let q = crate::library::model::clean_query(&lq.q);
    let tag = lq.tag.trim().to_lowercase();
    let mut c = state.db.acquire().await?;
    let pager = Pagination::new(
        lq.page,
        20,
        store::count_own(&mut c, me.id, &q, &tag).await?,
    );
    let entries = store::list_own(&mut c, me.id, &q, &tag, pager.per_page, pager.offset()).await?;
    render(&ListPage {
        page,
        q,
        tag,
        entries,
        pager,
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    guided: String,
}

async fn has_manager(state: &AppState, me: &CurrentUser) -> AppResult<bool> {
    Ok(crate::people::store::has_manager(&mut *state.db.acquire().await?, me.id).await?)
}

async fn context(
    state: &AppState,
    input: &EntryInput,
) -> AppResult<(Option<String>, Option<String>)> {
    let mut c = state.db.acquire().await?;
    let prompt = match input.prompt_id.parse::<Uuid>() {
        Ok(id) => store::prompt_text(&mut c, id).await?,
        Err(_) => None,
    };
    let item = match input.item_id.parse::<Uuid>() {
        Ok(id) => crate::library::store::items::by_id(&mut c, id)
            .await
            .ok()
            .map(|i| i.title),
        Err(_) => None,
    };
    Ok((prompt, item))
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Query(nq): Query<NewQuery>,
) -> AppResult<Html<String>> {
    let input = EntryInput {
        guided: nq.guided,
        prompt_id: nq.prompt,
        item_id: nq.item,
        ..Default::default()
    };
    let (prompt, item_title) = context(&state, &input).await?;
    render(&FormPage {
        page,
        heading: "New reflection".into(),
        action: "/reflections".into(),
        input,
        errors: FormErrors::new(),
        prompt,
        item_title,
        has_manager: has_manager(&state, &me).await?,
    })
}

async fn form_again(
    state: &AppState,
    page: PageCtx,
    me: &CurrentUser,
    heading: &str,
    action: String,
    input: EntryInput,
    errors: FormErrors,
) -> AppResult<Response> {
    let (prompt, item_title) = context(state, &input).await?;
    let has_manager = has_manager(state, me).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            page,
            heading: heading.into(),
            action,
            input,
            errors,
            prompt,
            item_title,
            has_manager,
        },
    )
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(input): Form<EntryInput>,
) -> AppResult<Response> {
    let v = match model::validate(&input) {
        Ok(v) => v,
        Err(errors) => {
            return form_again(
                &state,
                page,
                &me,
                "New reflection",
                "/reflections".into(),
                input,
                errors,
            )
            .await;
        }
    };
    let now = Utc::now();
    let local_date = activity::local_date(&me.timezone, now);
    let mut tx = state.db.begin().await?;
    let id = store::create(&mut tx, me.id, &v, local_date).await?;
    let mut a =
        activity::store::Action::now(me.id, &me.timezone, Verb::Reflected, "reflection", id);
    a.at = now;
    a.local_date = local_date;
    activity::store::record(&mut tx, &a).await?;
    if let Some(prompt) = v.prompt_id {
        crate::campaigns::complete_prompt_steps(&mut tx, &me, prompt).await?;
    }
    tx.commit().await?;
    let msg = if v.shared {
        "Saved and shared with your manager."
    } else {
        "Saved. Only you can see it."
    };
    Ok(redirect_with_flash(&format!("/reflections/{id}"), msg))
}

async fn own(state: &AppState, me: &CurrentUser, id: Uuid) -> AppResult<store::Entry> {
    store::own(&mut *state.db.acquire().await?, me.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let entry = own(&state, &me, id).await?;
    render(&ShowPage {
        page,
        entry,
        has_manager: has_manager(&state, &me).await?,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let e = own(&state, &me, id).await?;
    let input = EntryInput {
        guided: if e.guided { "1".into() } else { String::new() },
        body: e.body,
        happened: e.happened,
        so_what: e.so_what,
        now_what: e.now_what,
        prompt_id: e.prompt_id.map(|p| p.to_string()).unwrap_or_default(),
        item_id: e.item_id.map(|p| p.to_string()).unwrap_or_default(),
        tags: e.tags.join(", "),
        shared: e.shared.then(|| "on".to_owned()),
    };
    let (prompt, item_title) = (e.prompt, e.item_title);
    render(&FormPage {
        page,
        heading: "Edit reflection".into(),
        action: format!("/reflections/{id}"),
        input,
        errors: FormErrors::new(),
        prompt,
        item_title,
        has_manager: has_manager(&state, &me).await?,
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(input): Form<EntryInput>,
) -> AppResult<Response> {
    own(&state, &me, id).await?;
    let v = match model::validate(&input) {
        Ok(v) => v,
        Err(errors) => {
            return form_again(
                &state,
                page,
                &me,
                "Edit reflection",
                format!("/reflections/{id}"),
                input,
                errors,
            )
            .await;
        }
    };
    if !store::update(&mut *state.db.acquire().await?, me.id, id, &v).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash(&format!("/reflections/{id}"), "Saved."))
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    shared: String,
}

pub async fn share(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ShareForm>,
) -> AppResult<Response> {
    let shared = f.shared == "1";
    if !store::set_shared(&mut *state.db.acquire().await?, me.id, id, shared).await? {
        return Err(AppError::NotFound);
    }
    let msg = if shared {
        "Shared with your manager."
    } else {
        "Private again: your manager no longer sees it."
    };
    Ok(redirect_with_flash(&format!("/reflections/{id}"), msg))
}

pub async fn delete_form(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    render(&DeletePage {
        page,
        entry: own(&state, &me, id).await?,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    if !store::delete(&mut *state.db.acquire().await?, me.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash("/reflections", "Deleted."))
}

/// All of one's own entries as one Markdown file.
pub async fn export(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    let entries =
        store::list_own(&mut *state.db.acquire().await?, me.id, "", "", i64::MAX, 0).await?;
    let mut md = format!("# Reflections of {}\n\n", me.name);
    for e in entries.iter().rev() {
        md.push_str(&format!("## {}\n\n", e.local_date.format("%A %-d %B %Y")));
        if let Some(p) = &e.prompt {
            md.push_str(&format!("*Prompt: {p}*\n\n"));
        }
        if let Some(t) = &e.item_title {
            md.push_str(&format!("*About: {t}*\n\n"));
        }
        md.push_str(&model::entry_markdown(
            e.guided,
            &e.body,
            &e.happened,
            &e.so_what,
            &e.now_what,
        ));
        md.push_str("\n\n");
        if !e.tags.is_empty() {
            md.push_str(&format!("Tags: {}\n\n", e.tags.join(", ")));
        }
        md.push_str(if e.shared {
            "Shared with my manager.\n\n"
        } else {
            "Private.\n\n"
        });
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reflections.md\"",
            ),
        ],
        md,
    )
        .into_response())
}
