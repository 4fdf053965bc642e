//! Daily micro-learning for learners: the Today page composed for their
//! local date and time budget, the habit (weekly target, forgiving streak,
//! pauses), review questions on a spaced-repetition schedule, and the
//! 12-week history. L&D writes the questions in the library form.

pub mod forms;
mod habit;
pub mod model;
pub mod plan;
pub mod store;
mod today;
pub mod views;

pub use today::{PATH, Prefetch, Stash, today_of};

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// For everyone signed in.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(today::today))
        .route("/today/history", get(today::history))
        .route("/today/dismiss/{item}", post(today::dismiss))
        .route("/today/review/{question}", post(today::answer))
        .route("/library/{slug}/questions", get(today::questions))
        .route("/me/habit", get(habit::form).post(habit::save))
        .route("/me/habit/skip", post(habit::skip))
        .route("/me/pauses", post(habit::add_pause))
        .route("/me/pauses/{id}/cancel", post(habit::cancel_pause))
}
