//! SQL of authoring: content items, their topics, slugs and statuses.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// The whole item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub body_md: String,
    pub body_html: String,
    pub url: Option<String>,
    pub source: Option<String>,
    pub minutes: i32,
    pub image_url: Option<String>,
    pub reference: bool,
    pub open_access: bool,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// What an author sets.
pub struct ItemFields<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub url: Option<&'a str>,
    pub source: Option<&'a str>,
    pub minutes: i32,
    pub image_url: Option<&'a str>,
    pub reference: bool,
    pub open_access: bool,
}

pub async fn by_id(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Item> {
    sqlx::query_as!(
        Item,
        "SELECT id, slug, title, summary, kind, body_md, body_html, url, source, minutes, image_url,
                reference, open_access, status, published_at, updated_at
         FROM content_items WHERE id = $1",
        id
    )
    .fetch_one(c)
    .await
}

pub async fn by_slug(c: &mut PgConnection, slug: &str) -> sqlx::Result<Option<Item>> {
    sqlx::query_as!(
        Item,
        "SELECT id, slug, title, summary, kind, body_md, body_html, url, source, minutes, image_url,
                reference, open_access, status, published_at, updated_at
         FROM content_items WHERE slug = $1",
        slug
    )
    .fetch_optional(c)
    .await
}

/// The current slug of an item that once had `old`.
pub async fn renamed_to(c: &mut PgConnection, old: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT i.slug FROM item_old_slugs o JOIN content_items i ON i.id = o.item_id WHERE o.slug = $1",
        old
    )
    .fetch_optional(c)
    .await
}

/// Slugs that other items use (now or before a rename) and that start with `base`.
pub async fn slugs_like(
    c: &mut PgConnection,
    base: &str,
    except: Option<Uuid>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT slug AS "slug!" FROM content_items
           WHERE (slug = $1 OR slug LIKE $1 || '-%') AND id IS DISTINCT FROM $2
           UNION SELECT slug FROM item_old_slugs
           WHERE (slug = $1 OR slug LIKE $1 || '-%') AND item_id IS DISTINCT FROM $2"#,
        base,
        except
    )
    .fetch_all(c)
    .await
}

pub async fn insert(
    c: &mut PgConnection,
    slug: &str,
    f: &ItemFields<'_>,
    author: Option<Uuid>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO content_items (id, slug, title, summary, kind, body_md, body_html, url, source, minutes,
                                    image_url, reference, open_access, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        id,
        slug,
        f.title,
        f.summary,
        f.kind,
        f.body_md,
        f.body_html,
        f.url,
        f.source,
        f.minutes,
        f.image_url,
        f.reference,
        f.open_access,
        author
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn update(
    c: &mut PgConnection,
    id: Uuid,
    slug: &str,
    f: &ItemFields<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE content_items SET slug = $2, title = $3, summary = $4, kind = $5, body_md = $6, body_html = $7,
                url = $8, source = $9, minutes = $10, image_url = $11, reference = $12, open_access = $13,
                updated_at = now()
         WHERE id = $1",
        id,
        slug,
        f.title,
        f.summary,
        f.kind,
        f.body_md,
        f.body_html,
        f.url,
        f.source,
        f.minutes,
        f.image_url,
        f.reference,
        f.open_access
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Remember `old` so it redirects to the item's new slug `new`.
pub async fn record_rename(
    c: &mut PgConnection,
    item_id: Uuid,
    old: &str,
    new: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO item_old_slugs (slug, item_id) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET item_id = $2",
        old,
        item_id
    )
    .execute(&mut *c)
    .await?;
    // Renamed back to an earlier title: that slug is current again.
    sqlx::query!("DELETE FROM item_old_slugs WHERE slug = $1", new)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_topics(
    c: &mut PgConnection,
    item_id: Uuid,
    topic_ids: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM item_topics WHERE item_id = $1", item_id)
        .execute(&mut *c)
        .await?;
    sqlx::query!(
        "INSERT INTO item_topics (item_id, topic_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
        item_id,
        topic_ids
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct TopicRef {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
}

pub async fn topics_of(c: &mut PgConnection, item_id: Uuid) -> sqlx::Result<Vec<TopicRef>> {
    sqlx::query_as!(
        TopicRef,
        "SELECT t.id, t.name, t.slug FROM item_topics it JOIN topics t ON t.id = it.topic_id
         WHERE it.item_id = $1 ORDER BY lower(t.name)",
        item_id
    )
    .fetch_all(c)
    .await
}

/// Move an item to `status`; the first publication stamps `published_at`.
pub async fn set_status(c: &mut PgConnection, id: Uuid, status: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE content_items SET status = $2, updated_at = now(),
                published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, now()) ELSE published_at END
         WHERE id = $1",
        id,
        status
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct AdminRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub minutes: i32,
    pub status: String,
    pub reference: bool,
    pub open_access: bool,
    pub updated_at: DateTime<Utc>,
    pub topics: Vec<String>,
}

pub async fn count_for_admin(
    c: &mut PgConnection,
    status: Option<&str>,
    q: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM content_items
           WHERE ($1::text IS NULL OR status = $1) AND ($2 = '' OR title ILIKE '%' || $2 || '%')"#,
        status,
        q
    )
    .fetch_one(c)
    .await
}

pub async fn list_for_admin(
    c: &mut PgConnection,
    status: Option<&str>,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<AdminRow>> {
    sqlx::query_as!(
        AdminRow,
        r#"SELECT i.id, i.slug, i.title, i.kind, i.minutes, i.status, i.reference, i.open_access, i.updated_at,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!"
           FROM content_items i
           WHERE ($1::text IS NULL OR i.status = $1) AND ($2 = '' OR i.title ILIKE '%' || $2 || '%')
           ORDER BY i.updated_at DESC LIMIT $3 OFFSET $4"#,
        status,
        q,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// Which of `urls` are already in the library, with the slug that has each.
pub async fn existing_urls(
    c: &mut PgConnection,
    urls: &[String],
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT url AS "url!", slug FROM content_items WHERE url = ANY($1)"#,
        urls
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.url, r.slug)).collect())
}

/// Set when an item was first published (demo data spreads items over past weeks).
pub async fn backdate(c: &mut PgConnection, id: Uuid, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!("UPDATE content_items SET published_at = $2, created_at = $2, updated_at = $2 WHERE id = $1", id, at)
        .execute(c)
        .await?;
    Ok(())
}
