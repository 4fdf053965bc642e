//! Every SQL query of the journal. Each read of entries is scoped in its
//! `WHERE`: to the author, or to the author's manager for shared entries.
//! Admins get counts only; no query here returns text to anyone else.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::ValidEntry;

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub author_name: String,
    pub guided: bool,
    pub body: String,
    pub happened: String,
    pub so_what: String,
    pub now_what: String,
    pub prompt_id: Option<Uuid>,
    pub prompt: Option<String>,
    pub item_id: Option<Uuid>,
    pub item_slug: Option<String>,
    pub item_title: Option<String>,
    pub shared: bool,
    pub tags: Vec<String>,
    pub local_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

pub async fn create(
    c: &mut PgConnection,
    author: Uuid,
    v: &ValidEntry,
    local_date: NaiveDate,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO reflections (id, author_id, guided, body, happened, so_what, now_what, prompt_id, item_id,
                                  shared_with_manager, tags, local_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
                 (SELECT id FROM reflection_prompts WHERE id = $8), (SELECT id FROM content_items WHERE id = $9),
                 $10, $11, $12)",
        id,
        author,
        v.guided,
        v.body,
        v.happened,
        v.so_what,
        v.now_what,
        v.prompt_id,
        v.item_id,
        v.shared,
        &v.tags,
        local_date
    )
    .execute(c)
    .await?;
    Ok(id)
}

/// Update one's own entry; false when it is not theirs.
pub async fn update(
    c: &mut PgConnection,
    author: Uuid,
    id: Uuid,
    v: &ValidEntry,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE reflections SET guided = $3, body = $4, happened = $5, so_what = $6, now_what = $7,
                shared_with_manager = $8, tags = $9, updated_at = now()
         WHERE id = $1 AND author_id = $2",
        id,
        author,
        v.guided,
        v.body,
        v.happened,
        v.so_what,
        v.now_what,
        v.shared,
        &v.tags
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_shared(
    c: &mut PgConnection,
    author: Uuid,
    id: Uuid,
    shared: bool,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE reflections SET shared_with_manager = $3 WHERE id = $1 AND author_id = $2",
        id,
        author,
        shared
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(c: &mut PgConnection, author: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "DELETE FROM reflections WHERE id = $1 AND author_id = $2",
        id,
        author
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// One of the author's own entries.
pub async fn own(c: &mut PgConnection, author: Uuid, id: Uuid) -> sqlx::Result<Option<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"SELECT r.id, u.name AS author_name, r.guided, r.body, r.happened, r.so_what, r.now_what,
                  r.prompt_id, p.text AS "prompt?", r.item_id, i.slug AS "item_slug?", i.title AS "item_title?",
                  r.shared_with_manager AS shared, r.tags, r.local_date, r.created_at
           FROM reflections r JOIN users u ON u.id = r.author_id
           LEFT JOIN reflection_prompts p ON p.id = r.prompt_id LEFT JOIN content_items i ON i.id = r.item_id
           WHERE r.id = $1 AND r.author_id = $2"#,
        id,
        author
    )
    .fetch_optional(c)
    .await
}

pub async fn count_own(
    c: &mut PgConnection,
    author: Uuid,
    q: &str,
    tag: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM reflections r
           WHERE r.author_id = $1 AND ($2 = '' OR r.search @@ websearch_to_tsquery('english', $2))
             AND ($3 = '' OR $3 = ANY (r.tags))"#,
        author,
        q,
        tag
    )
    .fetch_one(c)
    .await
}

/// The author's entries, newest first, optionally searched and filtered by tag.
pub async fn list_own(
    c: &mut PgConnection,
    author: Uuid,
    q: &str,
    tag: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"SELECT r.id, u.name AS author_name, r.guided, r.body, r.happened, r.so_what, r.now_what,
                  r.prompt_id, p.text AS "prompt?", r.item_id, i.slug AS "item_slug?", i.title AS "item_title?",
                  r.shared_with_manager AS shared, r.tags, r.local_date, r.created_at
           FROM reflections r JOIN users u ON u.id = r.author_id
           LEFT JOIN reflection_prompts p ON p.id = r.prompt_id LEFT JOIN content_items i ON i.id = r.item_id
           WHERE r.author_id = $1 AND ($2 = '' OR r.search @@ websearch_to_tsquery('english', $2))
             AND ($3 = '' OR $3 = ANY (r.tags))
           ORDER BY r.created_at DESC LIMIT $4 OFFSET $5"#,
        author,
        q,
        tag,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// What a manager's direct reports shared with them (never anyone else's, never private ones).
pub async fn shared_with_manager(
    c: &mut PgConnection,
    manager: Uuid,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        r#"SELECT r.id, u.name AS author_name, r.guided, r.body, r.happened, r.so_what, r.now_what,
                  r.prompt_id, p.text AS "prompt?", r.item_id, i.slug AS "item_slug?", i.title AS "item_title?",
                  r.shared_with_manager AS shared, r.tags, r.local_date, r.created_at
           FROM reflections r JOIN users u ON u.id = r.author_id
           LEFT JOIN reflection_prompts p ON p.id = r.prompt_id LEFT JOIN content_items i ON i.id = r.item_id
           WHERE r.shared_with_manager AND u.manager_id = $1 AND u.active
           ORDER BY r.created_at DESC LIMIT $2"#,
        manager,
        limit
    )
    .fetch_all(c)
    .await
}

pub struct Prompt {
    pub id: Uuid,
    pub text: String,
    pub topic_id: Option<Uuid>,
    pub topic: Option<String>,
    pub active: bool,
}

pub async fn prompts(c: &mut PgConnection) -> sqlx::Result<Vec<Prompt>> {
    sqlx::query_as!(
        Prompt,
        r#"SELECT p.id, p.text, p.topic_id, t.name AS "topic?", p.active
           FROM reflection_prompts p LEFT JOIN topics t ON t.id = p.topic_id ORDER BY p.active DESC, p.created_at"#
    )
    .fetch_all(c)
    .await
}

pub async fn prompt_text(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT text FROM reflection_prompts WHERE id = $1", id)
        .fetch_optional(c)
        .await
}

pub async fn insert_prompt(
    c: &mut PgConnection,
    text: &str,
    topic: Option<Uuid>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO reflection_prompts (id, text, topic_id) VALUES ($1, $2, $3)",
        id,
        text.trim(),
        topic
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn update_prompt(
    c: &mut PgConnection,
    id: Uuid,
    text: &str,
    topic: Option<Uuid>,
    active: bool,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE reflection_prompts SET text = $2, topic_id = $3, active = $4 WHERE id = $1",
        id,
        text.trim(),
        topic,
        active
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Entries per week (counts only) for the last `weeks` weeks.
pub async fn weekly_counts(
    c: &mut PgConnection,
    since: NaiveDate,
) -> sqlx::Result<Vec<(NaiveDate, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT date_trunc('week', local_date)::date AS "week!", count(*) AS "n!"
           FROM reflections WHERE local_date >= $1 GROUP BY 1 ORDER BY 1"#,
        since
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.week, r.n)).collect())
}

/// (people who reflected since `since`, active people).
pub async fn reflecting_share(c: &mut PgConnection, since: NaiveDate) -> sqlx::Result<(i64, i64)> {
    let r = sqlx::query!(
        r#"SELECT (SELECT count(DISTINCT author_id) FROM reflections WHERE local_date >= $1) AS "reflecting!",
                  (SELECT count(*) FROM users WHERE active) AS "people!""#,
        since
    )
    .fetch_one(c)
    .await?;
    Ok((r.reflecting, r.people))
}
