//! SQL of discussion threads: posts and one level of replies on a
//! discussion step, readable by the campaign's participants and L&D.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Post {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edited: bool,
    pub deleted: bool,
}

/// The thread of one step, oldest first (replies follow their post in the view).
pub async fn thread(c: &mut PgConnection, step: Uuid) -> sqlx::Result<Vec<Post>> {
    sqlx::query_as!(
        Post,
        r#"SELECT p.id, p.parent_id, p.author_id, u.name AS "author?",
                  CASE WHEN p.deleted_at IS NULL THEN p.body ELSE '' END AS "body!",
                  p.created_at, p.edited_at IS NOT NULL AS "edited!", p.deleted_at IS NOT NULL AS "deleted!"
           FROM campaign_posts p LEFT JOIN users u ON u.id = p.author_id
           WHERE p.step_id = $1 ORDER BY p.created_at, p.id"#,
        step
    )
    .fetch_all(c)
    .await
}

/// Add a post or a reply (to a top-level post of the same step).
pub async fn add(
    c: &mut PgConnection,
    step: Uuid,
    author: Uuid,
    parent: Option<Uuid>,
    body: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO campaign_posts (id, step_id, author_id, parent_id, body)
         SELECT $1, $2, $3, $4, $5
         WHERE $4::uuid IS NULL OR EXISTS (SELECT 1 FROM campaign_posts
                                            WHERE id = $4 AND step_id = $2 AND parent_id IS NULL AND deleted_at IS NULL)",
        Uuid::now_v7(),
        step,
        author,
        parent,
        body
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Edit one's own post; false when it is not theirs (or is deleted).
pub async fn edit(
    c: &mut PgConnection,
    post: Uuid,
    author: Uuid,
    body: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE campaign_posts SET body = $3, edited_at = now()
         WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL",
        post,
        author,
        body
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Delete one's own post: its text goes; replies to it stay.
pub async fn delete(c: &mut PgConnection, post: Uuid, author: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE campaign_posts SET deleted_at = now(), body = '(deleted)'
         WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL",
        post,
        author
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}
