//! `/me/settings`: a person's own name, time zone and password.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{Html, Response};
use serde::Deserialize;

use super::model::{check_password, is_valid_timezone};
use super::session::{self, CurrentUser};
use super::store;
use super::views::SettingsPage;
use crate::app::AppState;
use crate::error::AppResult;
use crate::people;
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

fn page_for(page: PageCtx, me: &CurrentUser) -> SettingsPage {
    SettingsPage {
        page,
        name: me.name.to_string(),
        email: me.email.to_string(),
        timezone: me.timezone.to_string(),
        errors: FormErrors::new(),
        password_errors: FormErrors::new(),
    }
}

pub async fn form(page: PageCtx, me: CurrentUser) -> AppResult<Html<String>> {
    render(&page_for(page, &me))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    timezone: String,
}

pub async fn save(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(f): Form<ProfileForm>,
) -> AppResult<Response> {
    let mut view = page_for(page, &me);
    let name = f.name.trim();
    let tz = f.timezone.trim();
    if name.is_empty() {
        view.errors.add("name", "Enter your name.");
    } else if name.chars().count() > 200 {
        view.errors
            .add("name", "Keep your name under 200 characters.");
    }
    if !is_valid_timezone(tz) {
        view.errors.add(
            "timezone",
            "Enter a time zone such as Europe/London or America/New_York.",
        );
    }
    if !view.errors.is_empty() {
        view.name = f.name;
        view.timezone = f.timezone;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    people::store::update_profile(&mut *state.db.acquire().await?, me.id, name, tz).await?;
    Ok(redirect_with_flash(
        "/me/settings",
        "Your settings are saved.",
    ))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(f): Form<PasswordChange>,
) -> AppResult<Response> {
    let mut view = page_for(page, &me);
    let mut c = state.db.acquire().await?;
    let hash = store::password_hash(&mut c, me.id).await?;
    if !super::passwords::verify(f.current, hash).await? {
        view.password_errors
            .add("current", "That is not your current password.");
    }
    if let Err(m) = check_password(&f.password) {
        view.password_errors.add("password", m);
    } else if f.password != f.confirm {
        view.password_errors
            .add("confirm", "The two new passwords are different.");
    }
    if !view.password_errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let new_hash = super::passwords::hash(f.password).await?;
    let mut tx = state.db.begin().await?;
    store::set_password(&mut tx, me.id, &new_hash).await?;
    store::delete_user_sessions(&mut tx, me.id).await?;
    let cookie = session::start(&mut tx, me.id, state.settings.secure_cookies).await?;
    tx.commit().await?;
    let mut res = redirect_with_flash(
        "/me/settings",
        "Your password is changed. Other devices have been signed out.",
    );
    res.headers_mut().append(SET_COOKIE, cookie);
    Ok(res)
}
