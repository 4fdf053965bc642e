//! A learner's saved items and named collections. Collections are private
//! unless their owner shares them with everyone signed in.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::store::personal;
use super::views::{CollectionPage, SavedPage};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

pub async fn saved(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let cards = personal::saved(&mut c, user.id).await?;
    let collections = personal::my_collections(&mut c, user.id).await?;
    render(&SavedPage {
        page,
        cards,
        collections,
        name: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    shared: Option<String>,
}

fn check_name(name: &str) -> FormErrors {
    let mut e = FormErrors::new();
    match name.trim().chars().count() {
        0 => e.add("name", "Give the collection a name."),
        n if n > 120 => e.add("name", "Keep the name under 120 characters."),
        _ => {}
    }
    e
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Form(f): Form<NameForm>,
) -> AppResult<Response> {
    let errors = check_name(&f.name);
    let mut c = state.db.acquire().await?;
    if !errors.is_empty() {
        let cards = personal::saved(&mut c, user.id).await?;
        let collections = personal::my_collections(&mut c, user.id).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SavedPage {
                page,
                cards,
                collections,
                name: f.name,
                errors,
            },
        );
    }
    let id = personal::create_collection(&mut c, user.id, &f.name).await?;
    Ok(redirect_with_flash(
        &format!("/collections/{id}"),
        "Collection created. Add items to it from their pages.",
    ))
}

async fn collection_page(
    state: &AppState,
    page: PageCtx,
    user: &CurrentUser,
    id: Uuid,
    name: Option<String>,
    errors: FormErrors,
) -> AppResult<CollectionPage> {
    let mut c = state.db.acquire().await?;
    let collection = personal::visible_collection(&mut c, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cards = personal::collection_cards(&mut c, id).await?;
    Ok(CollectionPage {
        is_owner: collection.owner_id == user.id,
        name: name.unwrap_or_else(|| collection.name.clone()),
        link: format!("{}/collections/{id}", state.settings.public_url),
        collection,
        cards,
        errors,
        page,
    })
}

pub async fn show(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    render(&collection_page(&state, page, &user, id, None, FormErrors::new()).await?)
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<NameForm>,
) -> AppResult<Response> {
    let errors = check_name(&f.name);
    if !errors.is_empty() {
        let view = collection_page(&state, page, &user, id, Some(f.name), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let shared = f.shared.is_some();
    if !personal::update_collection(
        &mut *state.db.acquire().await?,
        user.id,
        id,
        &f.name,
        shared,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    let msg = if shared {
        "Saved. Everyone signed in to Inflow can open this collection from its link."
    } else {
        "Saved. Only you can see this collection."
    };
    Ok(redirect_with_flash(&format!("/collections/{id}"), msg))
}

#[derive(Deserialize)]
pub struct ItemForm {
    item_id: Uuid,
}

pub async fn remove_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ItemForm>,
) -> AppResult<Response> {
    if !personal::remove_from_collection(&mut *state.db.acquire().await?, user.id, id, f.item_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash(
        &format!("/collections/{id}"),
        "Removed from the collection.",
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    if !personal::delete_collection(&mut *state.db.acquire().await?, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash(
        "/library/saved",
        "Collection deleted. The items stay in the library.",
    ))
}
