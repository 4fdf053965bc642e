//! Pages of sign-in, password reset, invitations and settings.

use askama::Template;

use crate::web::{FormErrors, PageCtx};

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub page: PageCtx,
    pub email: String,
    pub next: String,
    pub errors: FormErrors,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    pub page: PageCtx,
    pub email: String,
    pub errors: FormErrors,
}

/// Choosing a password from an invitation or a reset link.
#[derive(Template)]
#[template(path = "auth/set_password.html")]
pub struct SetPasswordPage {
    pub page: PageCtx,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub valid: bool,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "me/settings.html")]
pub struct SettingsPage {
    pub page: PageCtx,
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub errors: FormErrors,
    pub password_errors: FormErrors,
}
