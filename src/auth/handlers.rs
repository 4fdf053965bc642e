//! Sign-in, sign-out, forgotten passwords, reset and invitation links.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::model::{self, CLIENT_MAX_FAILURES};
use super::session::{self, SessionId};
use super::store;
use super::views::{ForgotPage, LoginPage, SetPasswordPage};
use crate::app::AppState;
use crate::error::AppResult;
use crate::web::{ClientIp, FormErrors, PageCtx, redirect_with_flash, render, render_status};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(page: PageCtx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let next = model::safe_next(q.next.as_deref());
    if page.user.is_some() {
        return Ok(crate::web::see_other(&next));
    }
    Ok(render(&LoginPage {
        page,
        email: String::new(),
        next,
        errors: FormErrors::new(),
        problem: None,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    page: PageCtx,
    ClientIp(ip): ClientIp,
    old: Option<axum::Extension<SessionId>>,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let email = model::normalize_email(&f.email);
    let next = model::safe_next(f.next.as_deref());
    let mut view = LoginPage {
        page,
        email: f.email.trim().to_owned(),
        next,
        errors: FormErrors::new(),
        problem: None,
    };
    if email.is_empty() {
        view.errors.add("email", "Enter your email address.");
    }
    if f.password.is_empty() {
        view.errors.add("password", "Enter your password.");
    }
    if !view.errors.is_empty() {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let mut c = state.db.acquire().await?;
    if let Some(ip) = ip.as_deref()
        && store::client_failures(&mut c, ip).await? >= CLIENT_MAX_FAILURES
    {
        view.problem = Some(
            "Too many failed sign-ins from your network. Please wait 15 minutes and try again."
                .into(),
        );
        return render_status(StatusCode::TOO_MANY_REQUESTS, &view);
    }
    let now = Utc::now();
    let stats = store::account_failures(&mut c, &email).await?;
    if let Some(until) = model::locked_until(stats.count, stats.last, now) {
        let mins = model::minutes_left(until, now);
        view.problem = Some(format!(
            "This account is locked for {mins} more minute{} after too many failed sign-ins. You can also reset your password.",
            if mins == 1 { "" } else { "s" }
        ));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &view);
    }
    let user = store::login_user(&mut c, &email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = super::passwords::verify(f.password, hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        store::record_failure(&mut c, &email, ip.as_deref()).await?;
        metrics::counter!("inflow_login_failures_total").increment(1);
        tracing::info!(reason = "bad credentials", "sign-in failed");
        view.problem = Some(
            "That email address and password do not match an account. Check them and try again."
                .into(),
        );
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    if !user.active {
        view.problem = Some(
            "This account has been deactivated. Ask your L&D team if you need it back.".into(),
        );
        return render_status(StatusCode::FORBIDDEN, &view);
    }
    store::clear_failures(&mut c, &email).await?;
    if let Some(axum::Extension(SessionId(old))) = old {
        store::delete_session(&mut c, &old).await?;
    }
    let cookie = session::start(&mut c, user.id, state.settings.secure_cookies).await?;
    let mut res = crate::web::see_other(&view.next);
    res.headers_mut().append(SET_COOKIE, cookie);
    Ok(res)
}

pub async fn logout(
    State(state): State<AppState>,
    sid: Option<axum::Extension<SessionId>>,
) -> AppResult<Response> {
    if let Some(axum::Extension(SessionId(hash))) = sid {
        store::delete_session(&mut *state.db.acquire().await?, &hash).await?;
    }
    let mut res = redirect_with_flash("/login", "You have signed out.");
    res.headers_mut()
        .append(SET_COOKIE, session::clear_cookie());
    Ok(res)
}

pub async fn forgot_form(page: PageCtx) -> AppResult<impl IntoResponse> {
    render(&ForgotPage {
        page,
        email: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    page: PageCtx,
    Form(f): Form<ForgotForm>,
) -> AppResult<Response> {
    let email = model::normalize_email(&f.email);
    if !model::is_valid_email(&email) {
        let mut errors = FormErrors::new();
        errors.add(
            "email",
            "Enter the email address you sign in with, like name@example.com.",
        );
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ForgotPage {
                page,
                email: f.email,
                errors,
            },
        );
    }
    let mut c = state.db.acquire().await?;
    if let Some((user_id, name)) = store::active_user_id_by_email(&mut c, &email).await? {
        let link = super::issue_link(
            &mut c,
            &state.settings.public_url,
            user_id,
            "reset",
            Utc::now(),
        )
        .await?;
        let body = format!(
            "Hello {name},\n\nSomeone (hopefully you) asked to reset your Inflow password.\n\
             Choose a new one here — the link works once, within an hour:\n\n{link}\n\n\
             If it was not you, ignore this message; your password stays as it is.\n"
        );
        state
            .mailer
            .send(&mut c, &email, "Reset your Inflow password", &body)
            .await?;
    }
    Ok(redirect_with_flash(
        "/login",
        "If that address has an Inflow account, we have sent it a link to reset the password. The link works once, within an hour.",
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn set_password_page(
    page: PageCtx,
    purpose: &str,
    token: &str,
    who: Option<&store::TokenUser>,
) -> SetPasswordPage {
    let (heading, intro) = match (purpose, who) {
        ("invite", Some(u)) => (
            format!("Welcome to Inflow, {}", u.name),
            format!(
                "Choose a password for {} to finish setting up your account.",
                u.email
            ),
        ),
        ("invite", None) => (
            "This invitation has expired".into(),
            "Invitation links work once, within 7 days. Ask your L&D team for a new one.".into(),
        ),
        (_, Some(u)) => (
            "Choose a new password".into(),
            format!("Set a new password for {}.", u.email),
        ),
        (_, None) => (
            "This reset link has expired".into(),
            "Reset links work once, within an hour. You can ask for a new one.".into(),
        ),
    };
    SetPasswordPage {
        page,
        heading,
        intro,
        action: format!("/{purpose}/{token}"),
        valid: who.is_some(),
        errors: FormErrors::new(),
    }
}

async fn token_form(
    state: AppState,
    page: PageCtx,
    purpose: &str,
    token: String,
) -> AppResult<Response> {
    let who = store::peek_token(
        &mut *state.db.acquire().await?,
        &model::hash_token(&token),
        purpose,
    )
    .await?;
    let view = set_password_page(page, purpose, &token, who.as_ref());
    let status = if who.is_some() {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    render_status(status, &view)
}

async fn token_submit(
    state: AppState,
    page: PageCtx,
    purpose: &str,
    token: String,
    f: PasswordForm,
) -> AppResult<Response> {
    let hash = model::hash_token(&token);
    let mut errors = FormErrors::new();
    if let Err(m) = model::check_password(&f.password) {
        errors.add("password", m);
    } else if f.password != f.confirm {
        errors.add(
            "confirm",
            "The two passwords are different. Type the same password twice.",
        );
    }
    if !errors.is_empty() {
        let who = store::peek_token(&mut *state.db.acquire().await?, &hash, purpose).await?;
        let mut view = set_password_page(page, purpose, &token, who.as_ref());
        view.errors = errors;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let password_hash = super::passwords::hash(f.password).await?;
    let mut tx = state.db.begin().await?;
    let Some(user_id) = store::consume_token(&mut tx, &hash, purpose).await? else {
        drop(tx);
        return render_status(
            StatusCode::GONE,
            &set_password_page(page, purpose, &token, None),
        );
    };
    store::set_password(&mut tx, user_id, &password_hash).await?;
    store::delete_user_sessions(&mut tx, user_id).await?;
    let cookie = session::start(&mut tx, user_id, state.settings.secure_cookies).await?;
    tx.commit().await?;
    let message = if purpose == "invite" {
        "Welcome to Inflow! Your account is ready."
    } else {
        "Your new password is set, and you are signed in."
    };
    let mut res = redirect_with_flash("/", message);
    res.headers_mut().append(SET_COOKIE, cookie);
    Ok(res)
}

pub async fn reset_form(
    State(state): State<AppState>,
    page: PageCtx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    token_form(state, page, "reset", token).await
}

pub async fn reset(
    State(state): State<AppState>,
    page: PageCtx,
    Path(token): Path<String>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    token_submit(state, page, "reset", token, f).await
}

pub async fn invite_form(
    State(state): State<AppState>,
    page: PageCtx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    token_form(state, page, "invite", token).await
}

pub async fn accept_invite(
    State(state): State<AppState>,
    page: PageCtx,
    Path(token): Path<String>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    token_submit(state, page, "invite", token, f).await
}
