//! SQL of notifications (always scoped to their recipient).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Notify `user`; with a `dedupe` key the same notice is sent only once.
pub async fn notify(
    c: &mut PgConnection,
    user: Uuid,
    message: &str,
    link: &str,
    dedupe: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO notifications (id, user_id, message, link, dedupe_key) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (dedupe_key) DO NOTHING",
        Uuid::now_v7(),
        user,
        message,
        link,
        dedupe
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct Notification {
    pub message: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub unread: bool,
}

pub async fn list(c: &mut PgConnection, user: Uuid, limit: i64) -> sqlx::Result<Vec<Notification>> {
    sqlx::query_as!(
        Notification,
        r#"SELECT message, link, created_at, read_at IS NULL AS "unread!" FROM notifications
           WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2"#,
        user,
        limit
    )
    .fetch_all(c)
    .await
}

pub async fn mark_all_read(c: &mut PgConnection, user: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
        user
    )
    .execute(c)
    .await?;
    Ok(())
}
