//! Development goals with evidence, check-ins and the manager's review.
//! Learners set goals at `/goals` and evidence them from daily practice;
//! managers agree goals and confirm achievements from `/manage/team`; L&D
//! sees counts at `/admin/goals`. A goal is its owner's, their manager's
//! and (read-only) admins'; anyone else gets a 404.

mod evidence;
pub mod forms;
mod handlers;
pub mod model;
mod staff;
pub mod store;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
pub use evidence::send_reminders;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/goals", get(handlers::list).post(handlers::create))
        .route("/goals/new", get(handlers::new_form))
        .route("/goals/export/{format}", get(staff::export))
        .route("/goals/{id}", get(handlers::show))
        .route(
            "/goals/{id}/edit",
            get(handlers::edit_form).post(handlers::update),
        )
        .route("/goals/{id}/step", post(handlers::step))
        .route("/goals/{id}/comment", post(handlers::comment))
        .route("/goals/{id}/evidence", post(evidence::evidence))
        .route("/goals/{id}/checkins", post(evidence::checkin))
}

pub fn manage_router() -> Router<AppState> {
    Router::new()
        .route("/manage/team", get(staff::team_page))
        .route("/manage/people/{id}", get(staff::report))
}

pub fn admin_router() -> Router<AppState> {
    Router::new().route("/admin/goals", get(staff::admin))
}
