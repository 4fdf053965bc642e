//! The content library and performance support. Learners browse, search,
//! save and collect items at `/library` and find on-demand reference
//! material at `/support`; open-access items are readable without signing in
//! (permalink, `/embed/{slug}`, Atom feeds). L&D authors and curates at
//! `/admin/library` and `/admin/topics`.

mod admin;
mod collections;
mod curation;
pub mod forms;
pub mod learner;
pub mod markdown;
pub mod model;
pub mod store;
mod support;
pub mod topic_cache;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::AppState;

/// Readable without signing in: item permalinks (open-access items only;
/// others send the visitor to sign in), the embed page and the feeds.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/library/feed.atom", get(support::feed))
        .route("/library/topics/{slug}/feed.atom", get(support::topic_feed))
        .route("/library/{slug}", get(learner::item_page))
        .route("/embed/{slug}", get(support::embed))
}

/// For everyone signed in.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library", get(learner::index))
        .route("/library/saved", get(collections::saved))
        .route("/library/{slug}/done", post(learner::mark_done))
        .route("/library/{slug}/save", post(learner::save))
        .route("/library/{slug}/rate", post(learner::rate))
        .route("/library/{slug}/collect", post(learner::collect))
        .route("/collections", post(collections::create))
        .route(
            "/collections/{id}",
            get(collections::show).post(collections::update),
        )
        .route("/collections/{id}/remove", post(collections::remove_item))
        .route("/collections/{id}/delete", post(collections::delete))
        .route("/support", get(support::hub))
}

/// For L&D admins.
pub fn admin_router() -> Router<AppState> {
    // Item bodies may be 100 KB of Markdown; allow that plus the other fields.
    let form_limit = DefaultBodyLimit::max(512 * 1024);
    Router::new()
        .route(
            "/admin/library",
            get(admin::list).post(admin::create).layer(form_limit),
        )
        .route("/admin/library/new", get(admin::new_form))
        .route(
            "/admin/library/import",
            get(curation::import_form)
                .post(curation::import_submit)
                .layer(DefaultBodyLimit::max(
                    curation::MAX_IMPORT_BYTES * 2 + 64 * 1024,
                )),
        )
        .route(
            "/admin/library/{id}",
            get(admin::edit_form).post(admin::update).layer(form_limit),
        )
        .route("/admin/library/{id}/preview", get(admin::preview))
        .route("/admin/library/{id}/status", post(admin::set_status))
        .route(
            "/admin/topics",
            get(curation::topics_page).post(curation::create_topic),
        )
        .route("/admin/topics/merge", post(curation::merge_topics))
        .route("/admin/topics/{id}", post(curation::rename_topic))
}
