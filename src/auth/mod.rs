//! Accounts for everyone (learners, managers, L&D admins): sign-in and
//! sign-out, sessions in Postgres, role gates for route groups, invitations,
//! password reset and each person's own settings.

mod handlers;
pub mod model;
pub mod passwords;
pub mod session;
mod settings;
pub mod store;
mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
pub use model::Role;
pub use session::{CurrentUser, Require};

/// Public routes: sign-in, sign-out, forgotten password, invitation and reset links.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(handlers::login_form).post(handlers::login))
        .route("/logout", post(handlers::logout))
        .route("/forgot", get(handlers::forgot_form).post(handlers::forgot))
        .route(
            "/reset/{token}",
            get(handlers::reset_form).post(handlers::reset),
        )
        .route(
            "/invite/{token}",
            get(handlers::invite_form).post(handlers::accept_invite),
        )
}

/// Routes every signed-in person has.
pub fn me_router() -> Router<AppState> {
    Router::new()
        .route("/me/settings", get(settings::form).post(settings::save))
        .route("/me/password", post(settings::change_password))
}

/// Create an invitation or reset token for `user_id` and return the link.
pub async fn issue_link(
    c: &mut sqlx::PgConnection,
    public_url: &str,
    user_id: uuid::Uuid,
    purpose: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<String> {
    let (token, hash) = model::new_token();
    let expires = match purpose {
        "invite" => now + chrono::Duration::days(model::INVITE_DAYS),
        _ => now + chrono::Duration::hours(model::RESET_HOURS),
    };
    store::create_token(c, &hash, user_id, purpose, expires).await?;
    Ok(format!(
        "{public_url}/{}/{token}",
        if purpose == "invite" {
            "invite"
        } else {
            "reset"
        }
    ))
}
