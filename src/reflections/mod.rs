//! The reflection journal. Learners write private entries (free or "What
//! happened? / So what? / Now what?"), optionally answering a prompt or
//! about a library item, and may share each with their manager. Managers
//! read what their direct reports shared; L&D manages prompts and sees
//! counts only. Private means private: no other page shows the text.

mod handlers;
pub mod model;
mod staff;
pub mod store;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reflections", get(handlers::list).post(handlers::create))
        .route("/reflections/new", get(handlers::new_form))
        .route("/reflections/export.md", get(handlers::export))
        .route(
            "/reflections/{id}",
            get(handlers::show).post(handlers::update),
        )
        .route("/reflections/{id}/edit", get(handlers::edit_form))
        .route("/reflections/{id}/share", post(handlers::share))
        .route(
            "/reflections/{id}/delete",
            get(handlers::delete_form).post(handlers::delete),
        )
}

pub fn manage_router() -> Router<AppState> {
    Router::new().route("/manage/reflections", get(staff::shared))
}

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/prompts",
            get(staff::prompts).post(staff::create_prompt),
        )
        .route("/admin/prompts/{id}", post(staff::update_prompt))
}
