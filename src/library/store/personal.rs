//! SQL of a learner's own things: done, saved, ratings and collections.
//! Every query is scoped to the person asking.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::Card;
use super::items::TopicRef;

/// Where one learner stands with one item.
pub struct ItemState {
    pub done: bool,
    pub saved: bool,
    pub useful: Option<bool>,
}

/// One of the viewer's collections, as the item page's picker lists it.
pub struct CollectionRef {
    pub id: Uuid,
    pub name: String,
}

/// What the item page shows beside the item (read with it by
/// [`super::viewing::open`]): its topics and, for a signed-in viewer, where
/// they stand with it and their collections (oldest first).
pub struct ItemExtras {
    pub topics: Vec<TopicRef>,
    pub state: Option<ItemState>,
    pub collections: Vec<CollectionRef>,
    /// The related cards as `find::keep_related` stored them (a JSON
    /// array), when they were worked out at the viewer's epoch today.
    pub related: Option<String>,
}

/// What marking an item done did, from [`complete`].
pub struct Completed {
    pub item_id: Uuid,
    pub slug: String,
    /// False when the learner had already done it (it counts once).
    pub first: bool,
    /// Open steps of the learner's published campaigns that this item is:
    /// (step, campaign).
    pub steps: Vec<(Uuid, Uuid)>,
    /// The item has review questions the learner has not been asked yet.
    pub new_questions: bool,
}

/// Mark a published item done by its current slug, in one statement: the
/// completion is recorded (once: a second Done changes nothing), and the
/// answer says which open campaign steps the item is and whether it has
/// questions the learner has not met. `None` when no published item has
/// that slug. `at` is when, `local_date` the learner's date then.
pub async fn complete(
    c: &mut PgConnection,
    slug: &str,
    user_id: Uuid,
    at: DateTime<Utc>,
    local_date: NaiveDate,
) -> sqlx::Result<Option<Completed>> {
    let row = sqlx::query!(
        r#"WITH i AS (SELECT id, slug FROM content_items WHERE slug = $1 AND status = 'published'),
           ins AS (
               INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date)
               SELECT $2, 'completed', 'item', i.id, $3, $4 FROM i
               ON CONFLICT DO NOTHING
               RETURNING 1)
           SELECT i.id, i.slug, EXISTS (SELECT 1 FROM ins) AS "first!",
                  coalesce(st.steps, '{}') AS "steps!", coalesce(st.campaigns, '{}') AS "campaigns!",
                  EXISTS (SELECT 1 FROM review_questions q WHERE q.item_id = i.id
                          AND NOT EXISTS (SELECT 1 FROM review_schedule s
                                          WHERE s.user_id = $2 AND s.question_id = q.id)) AS "new_questions!"
           FROM i CROSS JOIN LATERAL (
               SELECT array_agg(s.id ORDER BY s.id) AS steps, array_agg(s.campaign_id ORDER BY s.id) AS campaigns
               FROM campaign_enrolments e
               JOIN campaigns c ON c.id = e.campaign_id AND c.status = 'published'
               JOIN campaign_steps s ON s.campaign_id = c.id
               WHERE e.user_id = $2 AND s.item_id = i.id AND s.kind = 'item'
                 AND NOT EXISTS (SELECT 1 FROM campaign_progress p WHERE p.user_id = $2 AND p.step_id = s.id)) st"#,
        slug,
        user_id,
        at,
        local_date
    )
    .fetch_optional(c)
    .await?;
    Ok(row.map(|r| Completed {
        item_id: r.id,
        slug: r.slug,
        first: r.first,
        steps: r.steps.into_iter().zip(r.campaigns).collect(),
        new_questions: r.new_questions,
    }))
}

pub async fn save(c: &mut PgConnection, user_id: Uuid, item_id: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "INSERT INTO saved_items (user_id, item_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        item_id
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn unsave(c: &mut PgConnection, user_id: Uuid, item_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM saved_items WHERE user_id = $1 AND item_id = $2",
        user_id,
        item_id
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn saved(c: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Vec<Card>> {
    sqlx::query_as!(
        Card,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!",
                  NULL::text AS snippet
           FROM saved_items s JOIN content_items i ON i.id = s.item_id
           WHERE s.user_id = $1 AND i.status = 'published' ORDER BY s.saved_at DESC"#,
        user_id
    )
    .fetch_all(c)
    .await
}

/// Rate an item useful or not (changing one's mind moves the counts).
pub async fn rate(
    c: &mut PgConnection,
    user_id: Uuid,
    item_id: Uuid,
    useful: bool,
) -> sqlx::Result<()> {
    let before = sqlx::query_scalar!(
        "SELECT useful FROM item_ratings WHERE user_id = $1 AND item_id = $2 FOR UPDATE",
        user_id,
        item_id
    )
    .fetch_optional(&mut *c)
    .await?;
    if before == Some(useful) {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO item_ratings (user_id, item_id, useful) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, item_id) DO UPDATE SET useful = $3, rated_at = now()",
        user_id,
        item_id,
        useful
    )
    .execute(&mut *c)
    .await?;
    let (yes, no) = match (before, useful) {
        (None, true) => (1, 0),
        (None, false) => (0, 1),
        (Some(false), true) => (1, -1),
        (Some(_), _) => (-1, 1),
    };
    sqlx::query!(
        "UPDATE content_items SET useful_yes = useful_yes + $2, useful_no = useful_no + $3 WHERE id = $1",
        item_id,
        yes,
        no
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct Collection {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub name: String,
    pub shared: bool,
    pub items: i64,
}

pub async fn my_collections(c: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Vec<Collection>> {
    sqlx::query_as!(
        Collection,
        r#"SELECT k.id, k.owner_id, u.name AS owner_name, k.name, k.shared,
                  (SELECT count(*) FROM collection_items ci WHERE ci.collection_id = k.id) AS "items!"
           FROM collections k JOIN users u ON u.id = k.owner_id
           WHERE k.owner_id = $1 ORDER BY k.created_at"#,
        user_id
    )
    .fetch_all(c)
    .await
}

/// A collection the viewer may see: their own, or one shared with everyone signed in.
pub async fn visible_collection(
    c: &mut PgConnection,
    id: Uuid,
    viewer: Uuid,
) -> sqlx::Result<Option<Collection>> {
    sqlx::query_as!(
        Collection,
        r#"SELECT k.id, k.owner_id, u.name AS owner_name, k.name, k.shared,
                  (SELECT count(*) FROM collection_items ci WHERE ci.collection_id = k.id) AS "items!"
           FROM collections k JOIN users u ON u.id = k.owner_id
           WHERE k.id = $1 AND (k.owner_id = $2 OR k.shared)"#,
        id,
        viewer
    )
    .fetch_optional(c)
    .await
}

pub async fn collection_cards(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Vec<Card>> {
    sqlx::query_as!(
        Card,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, i.reference, i.open_access, i.source,
                  ARRAY(SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                        WHERE it.item_id = i.id ORDER BY lower(t.name)) AS "topics!",
                  NULL::text AS snippet
           FROM collection_items ci JOIN content_items i ON i.id = ci.item_id
           WHERE ci.collection_id = $1 AND i.status = 'published' ORDER BY ci.added_at"#,
        id
    )
    .fetch_all(c)
    .await
}

pub async fn create_collection(
    c: &mut PgConnection,
    owner: Uuid,
    name: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO collections (id, owner_id, name) VALUES ($1, $2, $3)",
        id,
        owner,
        name.trim()
    )
    .execute(c)
    .await?;
    Ok(id)
}

/// Add an item to one of the owner's collections; false if it is not theirs.
pub async fn add_to_collection(
    c: &mut PgConnection,
    owner: Uuid,
    collection_id: Uuid,
    item_id: Uuid,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "INSERT INTO collection_items (collection_id, item_id)
         SELECT id, $3 FROM collections WHERE id = $1 AND owner_id = $2 ON CONFLICT DO NOTHING",
        collection_id,
        owner,
        item_id
    )
    .execute(&mut *c)
    .await?;
    if r.rows_affected() == 1 {
        return Ok(true);
    }
    owns(c, owner, collection_id).await
}

async fn owns(c: &mut PgConnection, owner: Uuid, collection_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM collections WHERE id = $1 AND owner_id = $2) AS "own!""#,
        collection_id,
        owner
    )
    .fetch_one(c)
    .await
}

pub async fn remove_from_collection(
    c: &mut PgConnection,
    owner: Uuid,
    collection_id: Uuid,
    item_id: Uuid,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "DELETE FROM collection_items ci USING collections k
         WHERE ci.collection_id = k.id AND k.id = $1 AND k.owner_id = $2 AND ci.item_id = $3",
        collection_id,
        owner,
        item_id
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Rename and share or unshare; false if the collection is not the owner's.
pub async fn update_collection(
    c: &mut PgConnection,
    owner: Uuid,
    id: Uuid,
    name: &str,
    shared: bool,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE collections SET name = $3, shared = $4 WHERE id = $1 AND owner_id = $2",
        id,
        owner,
        name.trim(),
        shared
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete_collection(c: &mut PgConnection, owner: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "DELETE FROM collections WHERE id = $1 AND owner_id = $2",
        id,
        owner
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}
