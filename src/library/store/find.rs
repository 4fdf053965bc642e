//! SQL of finding things: browse with filters, full-text search with
//! weights and highlighted snippets, the typo-tolerant fallback, related
//! items and feeds. Only published items are ever returned.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Card, Filter};
use crate::library::model::snippet;

pub async fn count(c: &mut PgConnection, f: &Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM content_items i
           WHERE i.status = 'published'
             AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id = $1))
             AND ($2::text IS NULL OR i.kind = $2) AND i.minutes BETWEEN $3 AND $4 AND (NOT $5 OR i.reference)"#,
        f.topic_id,
        f.kind,
        f.min_minutes,
        f.max_minutes,
        f.reference_only
    )
    .fetch_one(c)
    .await
}

/// Published items, newest first or most useful first.
pub async fn browse(
    c: &mut PgConnection,
    f: &Filter,
    most_useful: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Card>> {
    sqlx::query_as!(
        Card,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!",
                  NULL::text AS snippet
           FROM content_items i
           WHERE i.status = 'published'
             AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id = $1))
             AND ($2::text IS NULL OR i.kind = $2) AND i.minutes BETWEEN $3 AND $4 AND (NOT $5 OR i.reference)
           ORDER BY CASE WHEN $6 THEN i.useful_yes - i.useful_no END DESC NULLS LAST, i.published_at DESC, i.id
           LIMIT $7 OFFSET $8"#,
        f.topic_id,
        f.kind,
        f.min_minutes,
        f.max_minutes,
        f.reference_only,
        most_useful,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// One search result row: the card's columns, the search's lexemes (for
/// the snippet) and the number of all results.
struct Hit {
    id: Uuid,
    slug: String,
    title: String,
    summary: String,
    kind: String,
    minutes: i32,
    reference: bool,
    open_access: bool,
    source: Option<String>,
    topics: Vec<String>,
    lexemes: Vec<String>,
    total: i64,
}

fn cards(mut rows: Vec<Hit>) -> (Vec<Card>, i64) {
    let total = rows.first().map_or(0, |r| r.total);
    // Every row carries the search's lexemes (a card has no use for them);
    // the first row's serve one marker for the page.
    let lexemes = rows
        .first_mut()
        .map(|r| std::mem::take(&mut r.lexemes))
        .unwrap_or_default();
    let mut marker = snippet::Marker::new(&lexemes);
    let cards = rows
        .into_iter()
        .map(|r| Card {
            snippet: Some(marker.mark(&r.summary)),
            id: r.id,
            slug: r.slug,
            title: r.title,
            kind: r.kind,
            minutes: r.minutes,
            reference: r.reference,
            open_access: r.open_access,
            source: r.source,
            topics: r.topics,
            summary: r.summary,
        })
        .collect();
    (cards, total)
}

/// Full-text search: title weighs most, then summary, then body. One page of
/// results and the number of all results. The snippet is the summary with
/// the matches marked ([`snippet::Marker`], from the search's lexemes, which
/// the statement computes once).
///
/// A search of one word with no filter (most searches) reads the word's
/// ranked index range in `search_terms` ([`one_word`]); anything else ranks
/// every match ([`ranked`]). Both give the same order: `ts_rank`, then the
/// newest, then the id.
pub async fn search(
    c: &mut PgConnection,
    q: &str,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Card>, i64)> {
    if f.is_all() && q.split_whitespace().count() == 1 {
        let rows = one_word(c, q, limit, offset).await?;
        if !rows.is_empty() {
            return Ok(cards(rows));
        }
    }
    Ok(cards(ranked(c, q, f, limit, offset).await?))
}

/// The page of a one-word search from the word's range of `search_terms`,
/// whose rows carry each item's `ts_rank` for that word. No rows when the
/// query is not a single lexeme (a stop word, a hyphenated word, search
/// syntax), when nothing matches, or past the last page: [`ranked`] answers
/// those.
async fn one_word(
    c: &mut PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Hit>> {
    sqlx::query_as!(
        Hit,
        r#"WITH term AS (
               SELECT l.lexeme FROM websearch_to_tsquery('english', $1) q,
                      unnest(tsvector_to_array(to_tsvector('english', $1))) l(lexeme)
               WHERE numnode(q) = 1 AND search_term_query(l.lexeme) = q
               LIMIT 1),
           hits AS (
               SELECT st.item_id AS id, st.rank, st.published_at
               FROM search_terms st WHERE st.lexeme = (SELECT lexeme FROM term)
               ORDER BY st.rank DESC, st.published_at DESC, st.item_id
               LIMIT $2 OFFSET $3),
           tp AS (
               SELECT it.item_id, array_agg(t.name ORDER BY lower(t.name)) AS names
               FROM hits h JOIN item_topics it ON it.item_id = h.id JOIN topics t ON t.id = it.topic_id
               GROUP BY it.item_id)
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  coalesce(tp.names, '{}') AS "topics!",
                  ARRAY(SELECT lexeme FROM term) AS "lexemes!",
                  (SELECT count(*) FROM search_terms st WHERE st.lexeme = (SELECT lexeme FROM term)) AS "total!"
           FROM hits h JOIN content_items i ON i.id = h.id LEFT JOIN tp ON tp.item_id = h.id
           ORDER BY h.rank DESC, h.published_at DESC, h.id"#,
        q,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// Any search: every published match is ranked with `ts_rank`, then the page
/// is taken; the number of all results comes from the same pass.
async fn ranked(
    c: &mut PgConnection,
    q: &str,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Hit>> {
    sqlx::query_as!(
        Hit,
        r#"WITH hits AS (
               SELECT i.id, ts_rank(i.search, q) AS rank, i.published_at, count(*) OVER () AS total
               FROM content_items i, websearch_to_tsquery('english', $1) q
               WHERE i.status = 'published' AND i.search @@ q
                 AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id = $2))
                 AND ($3::text IS NULL OR i.kind = $3) AND i.minutes BETWEEN $4 AND $5 AND (NOT $6 OR i.reference)
               ORDER BY 2 DESC, 3 DESC, 1
               LIMIT $7 OFFSET $8),
           tp AS (
               SELECT it.item_id, array_agg(t.name ORDER BY lower(t.name)) AS names
               FROM hits h JOIN item_topics it ON it.item_id = h.id JOIN topics t ON t.id = it.topic_id
               GROUP BY it.item_id)
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  coalesce(tp.names, '{}') AS "topics!",
                  (SELECT tsvector_to_array(to_tsvector('english', $1))) AS "lexemes!",
                  h.total AS "total!"
           FROM hits h JOIN content_items i ON i.id = h.id LEFT JOIN tp ON tp.item_id = h.id
           ORDER BY h.rank DESC, h.published_at DESC, h.id"#,
        q,
        f.topic_id,
        f.kind,
        f.min_minutes,
        f.max_minutes,
        f.reference_only,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// Typo-tolerant fallback on titles (pg_trgm word similarity), so "feedbak" finds "feedback".
pub async fn search_fuzzy(
    c: &mut PgConnection,
    q: &str,
    f: &Filter,
    limit: i64,
) -> sqlx::Result<Vec<Card>> {
    sqlx::query_as!(
        Card,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!",
                  NULL::text AS snippet
           FROM content_items i
           WHERE i.status = 'published' AND $1 <% i.title
             AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id = $2))
             AND ($3::text IS NULL OR i.kind = $3) AND i.minutes BETWEEN $4 AND $5 AND (NOT $6 OR i.reference)
           ORDER BY word_similarity($1, i.title) DESC, i.published_at DESC
           LIMIT $7"#,
        q,
        f.topic_id,
        f.kind,
        f.min_minutes,
        f.max_minutes,
        f.reference_only,
        limit
    )
    .fetch_all(c)
    .await
}

/// How many of each topic's most useful items are considered for "related".
pub const RELATED_POOL: i64 = 20;

/// Published items related to `item_id`: the [`RELATED_POOL`] most useful of
/// each of its topics (from the topic links' ranking index), those found
/// under more of its topics first, then the most useful, then the newest.
/// Bounded by the item's topics, not by the size of the catalogue.
pub async fn related(c: &mut PgConnection, item_id: Uuid, limit: i64) -> sqlx::Result<Vec<Card>> {
    sqlx::query_as!(
        Card,
        r#"WITH cand AS (
               SELECT o.item_id, o.score, o.published_at
               FROM item_topics mine CROSS JOIN LATERAL (
                   SELECT it.item_id, it.score, it.published_at FROM item_topics it
                   WHERE it.topic_id = mine.topic_id AND it.published AND it.item_id <> mine.item_id
                   ORDER BY it.score DESC, it.published_at DESC, it.item_id
                   LIMIT $3) o
               WHERE mine.item_id = $1),
           r AS (
               SELECT item_id, count(*) AS shared, max(score) AS score, max(published_at) AS published_at
               FROM cand GROUP BY item_id
               ORDER BY 2 DESC, 3 DESC, 4 DESC, 1
               LIMIT $2)
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!",
                  NULL::text AS snippet
           FROM r JOIN content_items i ON i.id = r.item_id
           ORDER BY r.shared DESC, r.score DESC, r.published_at DESC, r.item_id"#,
        item_id,
        limit,
        RELATED_POOL
    )
    .fetch_all(c)
    .await
}

/// Keep `cards` (a JSON array of [`Card`]s) as `item_id`'s related items
/// for `epoch` and the day `built_on`; the item page reads them back with
/// the item (`viewing::open`). A list kept for a later epoch or day stays.
pub async fn keep_related(
    c: &mut PgConnection,
    item_id: Uuid,
    epoch: i64,
    built_on: NaiveDate,
    cards: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO related_items (item_id, epoch, built_on, cards) VALUES ($1, $2, $3, $4)
         ON CONFLICT (item_id) DO UPDATE
             SET epoch = EXCLUDED.epoch, built_on = EXCLUDED.built_on, cards = EXCLUDED.cards
             WHERE (related_items.epoch, related_items.built_on) <= (EXCLUDED.epoch, EXCLUDED.built_on)",
        item_id,
        epoch,
        built_on,
        cards
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct FeedEntry {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Newly published open-access items (optionally of one topic), newest first.
pub async fn open_feed(
    c: &mut PgConnection,
    topic_id: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<FeedEntry>> {
    sqlx::query_as!(
        FeedEntry,
        r#"SELECT i.slug, i.title, i.summary, i.published_at, i.updated_at FROM content_items i
           WHERE i.status = 'published' AND i.open_access
             AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id = $1))
           ORDER BY i.published_at DESC LIMIT $2"#,
        topic_id,
        limit
    )
    .fetch_all(c)
    .await
}
