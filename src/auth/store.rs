//! Every SQL query of sign-in, sessions, throttling and one-time tokens.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{FAILURE_WINDOW_MINUTES, SESSION_ABSOLUTE_DAYS, SESSION_IDLE_HOURS};

pub struct LoginUser {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub active: bool,
}

pub async fn login_user(c: &mut PgConnection, email: &str) -> sqlx::Result<Option<LoginUser>> {
    sqlx::query_as!(
        LoginUser,
        "SELECT id, password_hash, active FROM users WHERE email = $1",
        email
    )
    .fetch_optional(c)
    .await
}

pub struct FailureStats {
    pub count: i64,
    pub last: Option<DateTime<Utc>>,
}

pub async fn account_failures(c: &mut PgConnection, email: &str) -> sqlx::Result<FailureStats> {
    sqlx::query_as!(
        FailureStats,
        r#"SELECT count(*) AS "count!", max(at) AS last FROM login_failures
           WHERE email = $1 AND at > now() - make_interval(mins => $2)"#,
        email,
        FAILURE_WINDOW_MINUTES as i32
    )
    .fetch_one(c)
    .await
}

pub async fn client_failures(c: &mut PgConnection, ip: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM login_failures
           WHERE client_ip = $1 AND at > now() - make_interval(mins => $2)"#,
        ip,
        FAILURE_WINDOW_MINUTES as i32
    )
    .fetch_one(c)
    .await
}

pub async fn record_failure(
    c: &mut PgConnection,
    email: &str,
    ip: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO login_failures (email, client_ip) VALUES ($1, $2)",
        email,
        ip
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn clear_failures(c: &mut PgConnection, email: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM login_failures WHERE email = $1", email)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn create_session(
    c: &mut PgConnection,
    id_hash: &[u8],
    user_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sessions (id_hash, user_id) VALUES ($1, $2)",
        id_hash,
        user_id
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_session(c: &mut PgConnection, id_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE id_hash = $1", id_hash)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete_user_sessions(c: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(c)
        .await?;
    Ok(())
}

pub struct SessionRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub timezone: String,
    pub stale: bool,
    pub unread: i64,
    pub catalogue_epoch: i64,
}

/// The active user behind a live session (idle and absolute limits applied
/// in SQL), with their unread notifications and the catalogue's epoch (see
/// `library::topic_cache`).
pub async fn session_user(
    c: &mut PgConnection,
    id_hash: &[u8],
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone,
                  s.last_seen_at < now() - interval '1 minute' AS "stale!",
                  (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS "unread!",
                  (SELECT e.n FROM plan_epoch e) AS "catalogue_epoch!"
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id_hash = $1 AND u.active
             AND s.last_seen_at > now() - make_interval(hours => $2)
             AND s.created_at > now() - make_interval(days => $3)"#,
        id_hash,
        SESSION_IDLE_HOURS as i32,
        SESSION_ABSOLUTE_DAYS as i32
    )
    .fetch_optional(c)
    .await
}

/// Mark the session seen now. Like a view, this is a hint (it keeps an idle
/// session alive), so its commit does not wait for the disk: the statement
/// runs as its own transaction with `synchronous_commit` off. Call it outside
/// a transaction.
pub async fn touch_session(c: &mut PgConnection, id_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true))
         UPDATE sessions SET last_seen_at = now() FROM quick WHERE id_hash = $1",
        id_hash
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn create_token(
    c: &mut PgConnection,
    hash: &[u8],
    user_id: Uuid,
    purpose: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        hash,
        user_id,
        purpose,
        expires_at
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct TokenUser {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
}

/// The person a still-valid, unused token belongs to (without using it up).
pub async fn peek_token(
    c: &mut PgConnection,
    hash: &[u8],
    purpose: &str,
) -> sqlx::Result<Option<TokenUser>> {
    sqlx::query_as!(
        TokenUser,
        r#"SELECT t.user_id, u.name, u.email FROM account_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
             AND t.expires_at > now() AND u.active"#,
        hash,
        purpose
    )
    .fetch_optional(c)
    .await
}

/// Use a token up; returns its user only the first time, and only while valid.
pub async fn consume_token(
    c: &mut PgConnection,
    hash: &[u8],
    purpose: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        r#"UPDATE account_tokens t SET used_at = now()
           FROM users u
           WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
             AND t.expires_at > now() AND u.id = t.user_id AND u.active
           RETURNING t.user_id"#,
        hash,
        purpose
    )
    .fetch_optional(c)
    .await
}

pub async fn set_password(c: &mut PgConnection, user_id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1",
        user_id,
        hash
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn password_hash(c: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user_id)
        .fetch_one(c)
        .await
}

pub async fn active_user_id_by_email(
    c: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        "SELECT id, name FROM users WHERE email = $1 AND active",
        email
    )
    .fetch_optional(c)
    .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

pub struct Purged {
    pub sessions: u64,
    pub tokens: u64,
    pub failures: u64,
}

/// Remove expired sessions, spent or expired tokens, and old login failures.
pub async fn purge_expired(c: &mut PgConnection) -> sqlx::Result<Purged> {
    let sessions = sqlx::query!(
        "DELETE FROM sessions WHERE last_seen_at < now() - make_interval(hours => $1)
            OR created_at < now() - make_interval(days => $2)",
        SESSION_IDLE_HOURS as i32,
        SESSION_ABSOLUTE_DAYS as i32
    )
    .execute(&mut *c)
    .await?
    .rows_affected();
    let tokens = sqlx::query!(
        "DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day'
            OR used_at < now() - interval '1 day'"
    )
    .execute(&mut *c)
    .await?
    .rows_affected();
    let failures = sqlx::query!("DELETE FROM login_failures WHERE at < now() - interval '1 day'")
        .execute(&mut *c)
        .await?
        .rows_affected();
    Ok(Purged {
        sessions,
        tokens,
        failures,
    })
}
