//! SQL of the mail outbox.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn insert(
    c: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
    status: &str,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO outbox (id, to_email, subject, body, status, error) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        to,
        subject,
        body,
        status,
        error
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct OutboxRow {
    pub created_at: DateTime<Utc>,
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub error: Option<String>,
}

pub async fn count(c: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM outbox"#)
        .fetch_one(c)
        .await
}

pub async fn list(c: &mut PgConnection, limit: i64, offset: i64) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as!(
        OutboxRow,
        "SELECT created_at, to_email, subject, body, status, error FROM outbox
         ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
        limit,
        offset
    )
    .fetch_all(c)
    .await
}
