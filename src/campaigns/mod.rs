//! Learning campaigns: L&D schedules steps released over days or weeks to
//! an audience (`/admin/campaigns`); learners follow them (`/campaigns`,
//! and Today); managers see their reports' progress (`/manage/campaigns`);
//! each learner gets at most one digest a day by email, Slack or Teams.

mod admin;
mod channels;
pub mod digest;
mod discussion;
pub mod forms;
pub mod learner;
pub mod model;
pub mod plan;
mod reports;
mod steps;
pub mod store;
pub mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
pub use learner::{complete_prompt_steps, record_done};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(learner::mine))
        .route("/campaigns/{id}", get(learner::show))
        .route("/campaigns/{id}/join", post(learner::join))
        .route("/campaigns/{id}/leave", post(learner::leave))
        .route("/campaigns/{id}/steps/{step}/done", post(learner::done))
        .route(
            "/campaigns/{id}/steps/{step}/discussion",
            get(discussion::show),
        )
        .route("/campaigns/{id}/steps/{step}/posts", post(discussion::post))
        .route(
            "/campaigns/{id}/steps/{step}/posts/{post}",
            post(discussion::change),
        )
        .route(
            "/me/notifications",
            get(channels::prefs).post(channels::save_prefs),
        )
}

pub fn manage_router() -> Router<AppState> {
    Router::new().route("/manage/campaigns", get(reports::manage))
}

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/admin/campaigns", get(admin::list).post(admin::create))
        .route("/admin/campaigns/new", get(admin::new_form))
        .route(
            "/admin/campaigns/{id}",
            get(admin::edit).post(admin::update),
        )
        .route("/admin/campaigns/{id}/status", post(admin::set_status))
        .route("/admin/campaigns/{id}/steps", post(steps::add_step))
        .route(
            "/admin/campaigns/{id}/steps/{step}",
            get(steps::step_form).post(steps::update_step),
        )
        .route(
            "/admin/campaigns/{id}/steps/{step}/move",
            post(steps::move_step),
        )
        .route("/admin/campaigns/{id}/timeline", get(reports::timeline))
        .route("/admin/campaigns/{id}/people", get(reports::people))
        .route("/admin/campaigns/{id}/people.csv", get(reports::people_csv))
        .route(
            "/admin/campaigns/{id}/people/{user}",
            post(reports::override_learner),
        )
        .route("/admin/campaigns/{id}/results", get(reports::results))
        .route(
            "/admin/integrations",
            get(channels::integrations).post(channels::save_integrations),
        )
}
