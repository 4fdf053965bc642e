//! SQL of the audit log.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Record an admin action. Call it in the same transaction as the action.
pub async fn record(
    c: &mut PgConnection,
    actor: Option<Uuid>,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_log (id, actor_id, action, subject, details) VALUES ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        actor,
        action,
        subject,
        details
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: serde_json::Value,
}

pub async fn count(c: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM audit_log"#)
        .fetch_one(c)
        .await
}

pub async fn list(c: &mut PgConnection, limit: i64, offset: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as!(
        AuditRow,
        r#"SELECT a.at, u.name AS "actor?", a.action, a.subject, a.details
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           ORDER BY a.at DESC, a.id DESC LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}
