//! argon2id hashing, always off the async runtime.

use std::sync::OnceLock;

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// Check `password` against `hash`; with no hash (unknown account, or no
/// password set yet) the same work is done against a dummy, so timing does
/// not tell whether an account exists.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => password_auth::verify_password(password, &h).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash("no account has this password"))
}
