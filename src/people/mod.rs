//! People, teams and manager links. L&D admins manage them at
//! `/admin/people` and `/admin/teams` (create, edit, deactivate, CSV import
//! and export); every other feature reads people through [`store`].

pub mod forms;
mod handlers;
mod import;
pub mod model;
pub mod picker;
pub mod store;
mod teams;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/admin/people", get(handlers::list).post(handlers::create))
        .route("/admin/people/new", get(handlers::new_form))
        .route("/admin/people/export.csv", get(import::export))
        .route(
            "/admin/people/import",
            get(import::form)
                .post(import::submit)
                .layer(DefaultBodyLimit::max(
                    import::MAX_IMPORT_BYTES * 2 + 64 * 1024,
                )),
        )
        .route(
            "/admin/people/{id}",
            get(handlers::edit_form).post(handlers::update),
        )
        .route("/admin/people/{id}/deactivate", post(handlers::deactivate))
        .route("/admin/people/{id}/reactivate", post(handlers::reactivate))
        .route("/admin/people/{id}/invite", post(handlers::reinvite))
        .route("/admin/teams", get(teams::list).post(teams::create))
        .route("/admin/teams/{id}", get(teams::show).post(teams::rename))
}
