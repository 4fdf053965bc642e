//! Learners' library: browse and search, the item page and what they do
//! on it (done, save, rate, collect). Every action is written to the
//! learning record.

use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{Kind, Length, clean_query};
use super::store::items::Item;
use super::store::personal::ItemExtras;
use super::store::viewing::{self, Viewer};
use super::store::{Card, Filter, find, items, personal};
use super::views::{ItemPage, LibraryPage};
use crate::activity::{self, Verb};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::model::safe_next;
use crate::error::{AppError, AppResult};
use crate::web::{PageCtx, Pagination, redirect_with_flash, render};

pub const PER_PAGE: i64 = 20;

#[derive(Deserialize, Default)]
pub struct LibraryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    length: String,
    #[serde(default)]
    sort: String,
    page: Option<i64>,
}

pub async fn index(
    State(state): State<AppState>,
    page: PageCtx,
    Query(lq): Query<LibraryQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let epoch = page.user.as_ref().map(|u| u.catalogue_epoch);
    let topics = state.topics.topics(&mut c, epoch).await?;
    let topic = topics.iter().find(|t| t.slug == lq.topic);
    let kind = Kind::parse(&lq.kind);
    let length = Length::parse(&lq.length);
    let mut filter = Filter {
        topic_id: topic.map(|t| t.id),
        kind: kind.map(|k| k.as_str().to_owned()),
        ..Filter::all()
    };
    if let Some(length) = length {
        (filter.min_minutes, filter.max_minutes) = length.range();
    }
    let q = clean_query(&lq.q);
    let mut fuzzy = false;
    let (cards, pager) = if q.is_empty() {
        let pager = Pagination::new(lq.page, PER_PAGE, find::count(&mut c, &filter).await?);
        (
            find::browse(
                &mut c,
                &filter,
                lq.sort == "useful",
                PER_PAGE,
                pager.offset(),
            )
            .await?,
            pager,
        )
    } else {
        // The asked-for page and the total in one query; a page past the end
        // (rare) asks for the first page, which brings the total, then the last.
        let asked = Pagination::new(lq.page, PER_PAGE, i64::MAX / 2).offset();
        let (mut cards, mut total) = find::search(&mut c, &q, &filter, PER_PAGE, asked).await?;
        if cards.is_empty() && asked > 0 {
            (cards, total) = find::search(&mut c, &q, &filter, PER_PAGE, 0).await?;
            let last = Pagination::new(lq.page, PER_PAGE, total).offset();
            if last > 0 {
                cards = find::search(&mut c, &q, &filter, PER_PAGE, last).await?.0;
            }
        }
        if total > 0 {
            (cards, Pagination::new(lq.page, PER_PAGE, total))
        } else {
            fuzzy = true;
            let cards = find::search_fuzzy(&mut c, &q, &filter, PER_PAGE).await?;
            let pager = Pagination::new(Some(1), PER_PAGE, cards.len() as i64);
            (cards, pager)
        }
    };
    render(&LibraryPage {
        page,
        q,
        topic: topic.map(|t| t.slug.clone()).unwrap_or_default(),
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        length: if length.is_some() {
            lq.length
        } else {
            String::new()
        },
        sort: if lq.sort == "useful" {
            lq.sort
        } else {
            String::new()
        },
        topics,
        cards,
        pager,
        fuzzy,
    })
}

pub enum Lookup {
    Found(Box<Item>),
    Moved(String),
    Missing,
}

/// A published item by slug, following renames.
pub async fn lookup_published(c: &mut PgConnection, slug: &str) -> AppResult<Lookup> {
    if let Some(item) = items::by_slug(c, slug).await? {
        return Ok(if item.status == "published" {
            Lookup::Found(Box::new(item))
        } else {
            Lookup::Missing
        });
    }
    Ok(match items::renamed_to(c, slug).await? {
        Some(new) => Lookup::Moved(new),
        None => Lookup::Missing,
    })
}

pub async fn item_page(
    State(state): State<AppState>,
    page: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let viewer = page.user.as_ref().map(|u| {
        let at = Utc::now();
        Viewer {
            user_id: u.id,
            at,
            local_date: activity::local_date(&u.timezone, at),
            epoch: u.catalogue_epoch,
        }
    });
    // The item, its extras and the view, in one statement.
    let Some((item, extras)) = viewing::open(&mut c, &slug, viewer.as_ref()).await? else {
        return match items::renamed_to(&mut c, &slug).await? {
            Some(new) => Ok(Redirect::permanent(&format!("/library/{new}")).into_response()),
            None => Err(AppError::NotFound),
        };
    };
    if item.status != "published" {
        return Err(AppError::NotFound);
    }
    if page.user.is_none() && !item.open_access {
        return Ok(
            Redirect::to(&crate::web::login_url(&format!("/library/{}", item.slug)))
                .into_response(),
        );
    }
    let related = related(&mut c, &item, extras.related.as_deref(), viewer.as_ref()).await?;
    Ok(render(&item_view(&state, page, item, extras, related, false))?.into_response())
}

/// How many related items the page shows.
const RELATED_SHOWN: i64 = 4;

/// The item's related cards: as `kept` for the viewer's epoch today, or
/// worked out now (and kept for the next readers, when there is a viewer).
/// Kept cards that no longer read back (a card changed shape with a
/// release) are worked out again.
pub async fn related(
    c: &mut PgConnection,
    item: &Item,
    kept: Option<&str>,
    viewer: Option<&Viewer>,
) -> AppResult<Vec<Card>> {
    if let Some(cards) = kept.and_then(|json| serde_json::from_str(json).ok()) {
        return Ok(cards);
    }
    let cards = find::related(c, item.id, RELATED_SHOWN).await?;
    if let Some(v) = viewer {
        let json = serde_json::to_string(&cards).map_err(|e| AppError::Internal(e.into()))?;
        find::keep_related(c, item.id, v.epoch, v.built_on(), &json).await?;
    }
    Ok(cards)
}

/// Everything the item page shows: `item`, its `extras` and `related` items.
pub fn item_view(
    state: &AppState,
    page: PageCtx,
    item: Item,
    extras: ItemExtras,
    related: Vec<Card>,
    preview: bool,
) -> ItemPage {
    let permalink = format!("{}/library/{}", state.settings.public_url, item.slug);
    ItemPage {
        page,
        item,
        topics: extras.topics,
        related,
        state: extras.state,
        collections: extras.collections,
        preview,
        permalink,
    }
}

async fn published_for_action(c: &mut PgConnection, slug: &str) -> AppResult<Item> {
    match lookup_published(c, slug).await? {
        Lookup::Found(item) => Ok(*item),
        _ => Err(AppError::NotFound),
    }
}

fn action(
    user: &CurrentUser,
    verb: Verb,
    item_id: Uuid,
    score: Option<f32>,
) -> activity::store::Action<'static> {
    let a = activity::store::Action::now(user.id, &user.timezone, verb, "item", item_id);
    match score {
        Some(s) => a.with_score(s),
        None => a,
    }
}

#[derive(Deserialize, Default)]
pub struct DoneForm {
    #[serde(default)]
    back: String,
}

/// Where to go after an action: a local `back` path, else the item.
fn back_or_item(back: &str, slug: &str) -> String {
    if back.is_empty() {
        format!("/library/{slug}")
    } else {
        safe_next(Some(back))
    }
}

pub async fn mark_done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<DoneForm>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    // Recorded, with the item's open campaign steps and new questions, in one statement.
    let at = Utc::now();
    let local = activity::local_date(&user.timezone, at);
    let item = personal::complete(&mut c, &slug, user.id, at, local)
        .await?
        .ok_or(AppError::NotFound)?;
    for (step, campaign) in &item.steps {
        crate::campaigns::record_done(&mut c, &user, *campaign, *step, "").await?;
    }
    let msg = if item.first {
        "Marked as done. Nice work."
    } else {
        "You had already done this one."
    };
    if item.new_questions {
        let back = if f.back.is_empty() {
            "/today".to_owned()
        } else {
            safe_next(Some(&f.back))
        };
        let next = format!(
            "/library/{}/questions?back={}",
            item.slug,
            percent_encoding::utf8_percent_encode(&back, percent_encoding::NON_ALPHANUMERIC)
        );
        return Ok(redirect_with_flash(
            &next,
            &format!("{msg} Now check what stuck."),
        ));
    }
    Ok(redirect_with_flash(&back_or_item(&f.back, &item.slug), msg))
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    back: String,
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<SaveForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let item = published_for_action(&mut tx, &slug).await?;
    let msg = if f.saved == "0" {
        personal::unsave(&mut tx, user.id, item.id).await?;
        "Removed from your saved items."
    } else {
        if personal::save(&mut tx, user.id, item.id).await? {
            activity::store::record(&mut tx, &action(&user, Verb::Saved, item.id, None)).await?;
        }
        "Saved for later. Find it under Saved."
    };
    tx.commit().await?;
    Ok(redirect_with_flash(&back_or_item(&f.back, &item.slug), msg))
}

#[derive(Deserialize)]
pub struct RateForm {
    #[serde(default)]
    useful: String,
}

pub async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let useful = match f.useful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::Validation("Choose yes or no.".into())),
    };
    let mut tx = state.db.begin().await?;
    let item = published_for_action(&mut tx, &slug).await?;
    personal::rate(&mut tx, user.id, item.id, useful).await?;
    let score = if useful { 1.0 } else { 0.0 };
    activity::store::record(&mut tx, &action(&user, Verb::Rated, item.id, Some(score))).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/library/{}", item.slug),
        "Thanks: your answer helps us choose what to offer.",
    ))
}

#[derive(Deserialize)]
pub struct CollectForm {
    #[serde(default)]
    collection_id: String,
    #[serde(default)]
    new_collection: String,
}

pub async fn collect(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(slug): Path<String>,
    Form(f): Form<CollectForm>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let item = published_for_action(&mut tx, &slug).await?;
    let name = f.new_collection.trim();
    let collection_id = if !name.is_empty() {
        if name.chars().count() > 120 {
            return Ok(redirect_with_flash(
                &format!("/library/{}", item.slug),
                "Keep collection names under 120 characters.",
            ));
        }
        personal::create_collection(&mut tx, user.id, name).await?
    } else {
        match f.collection_id.parse::<Uuid>() {
            Ok(id) => id,
            Err(_) => {
                return Ok(redirect_with_flash(
                    &format!("/library/{}", item.slug),
                    "Choose a collection, or name a new one.",
                ));
            }
        }
    };
    if !personal::add_to_collection(&mut tx, user.id, collection_id, item.id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/library/{}", item.slug),
        "Added to your collection.",
    ))
}
