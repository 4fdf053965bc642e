//! The one error type. Handlers return [`AppResult`]; every error becomes a
//! status and an [`ErrorInfo`] that `web::errors` renders as a friendly page
//! with the request id. Internal errors are logged once, here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::PoolTimedOut => AppError::Unavailable,
            other => {
                crate::db::health::note(&other);
                AppError::Internal(other.into())
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

/// What the error page says; attached to the response for `web::errors` to render.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub title: &'static str,
    pub message: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(&self) -> ErrorInfo {
        let (title, message) = match self {
            AppError::NotFound => ("Page not found", "We could not find that page. It may have moved, or the link may be mistyped.".to_owned()),
            AppError::Unauthorized => ("Please sign in", "You need to sign in to see this page.".to_owned()),
            AppError::Forbidden => ("Not allowed", "Your account does not have access to this page. If you think it should, ask your L&D team.".to_owned()),
            AppError::Validation(m) => ("Please check your input", m.clone()),
            AppError::Conflict(m) => ("That did not work", m.clone()),
            AppError::TooManyRequests => ("Too many attempts", "Too many attempts from here. Please wait a few minutes and try again.".to_owned()),
            AppError::Unavailable => ("Inflow is busy", "Inflow is busy right now. Please try again in a moment.".to_owned()),
            AppError::Internal(_) => ("Something went wrong", "Something went wrong on our side. It has been logged; please try again.".to_owned()),
        };
        ErrorInfo { title, message }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable => tracing::warn!("database pool exhausted"),
            _ => {}
        }
        let info = self.info();
        let mut res = (self.status(), info.message.clone()).into_response();
        res.extensions_mut().insert(info);
        res
    }
}
