//! SQL of topics.

use sqlx::PgConnection;
use uuid::Uuid;

pub struct Topic {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub items: i64,
}

/// Every topic with its number of published items (kept current by the
/// catalogue's triggers, so this reads one small table).
pub async fn all(c: &mut PgConnection) -> sqlx::Result<Vec<Topic>> {
    sqlx::query_as!(
        Topic,
        r#"SELECT t.id, t.name, t.slug, t.published_items::bigint AS "items!"
           FROM topics t ORDER BY lower(t.name)"#
    )
    .fetch_all(c)
    .await
}

pub async fn by_slug(c: &mut PgConnection, slug: &str) -> sqlx::Result<Option<Topic>> {
    sqlx::query_as!(
        Topic,
        r#"SELECT id, name, slug, 0::bigint AS "items!" FROM topics WHERE slug = $1"#,
        slug
    )
    .fetch_optional(c)
    .await
}

pub async fn by_id(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Topic> {
    sqlx::query_as!(
        Topic,
        r#"SELECT id, name, slug, 0::bigint AS "items!" FROM topics WHERE id = $1"#,
        id
    )
    .fetch_one(c)
    .await
}

pub async fn id_by_name(c: &mut PgConnection, name: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT id FROM topics WHERE lower(name) = lower($1)",
        name.trim()
    )
    .fetch_optional(c)
    .await
}

/// Topic slugs starting with `base` (to pick a free one).
pub async fn slugs_like(c: &mut PgConnection, base: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT slug FROM topics WHERE slug = $1 OR slug LIKE $1 || '-%'",
        base
    )
    .fetch_all(c)
    .await
}

pub async fn insert(c: &mut PgConnection, name: &str, slug: &str) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO topics (id, name, slug) VALUES ($1, $2, $3)",
        id,
        name.trim(),
        slug
    )
    .execute(c)
    .await?;
    Ok(id)
}

/// Rename a topic; its slug (and so its feed URL) stays.
pub async fn rename(c: &mut PgConnection, id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query!("UPDATE topics SET name = $2 WHERE id = $1", id, name.trim())
        .execute(c)
        .await?;
    Ok(())
}

/// Move every item of `from` to `into`, then remove `from`. Returns items moved.
pub async fn merge(c: &mut PgConnection, from: Uuid, into: Uuid) -> sqlx::Result<u64> {
    let moved = sqlx::query!(
        "INSERT INTO item_topics (item_id, topic_id) SELECT item_id, $2 FROM item_topics WHERE topic_id = $1
         ON CONFLICT DO NOTHING",
        from,
        into
    )
    .execute(&mut *c)
    .await?
    .rows_affected();
    sqlx::query!("DELETE FROM topics WHERE id = $1", from)
        .execute(&mut *c)
        .await?;
    Ok(moved)
}
