//! SQL of opening an item page: the item, what the page shows beside it (its
//! related items too, when they were worked out for this catalogue and day)
//! and, for a signed-in learner, the view recorded, in one statement (it was
//! four round trips, which were most of the page's time in the kernel).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::items::{Item, TopicRef};
use super::personal::{CollectionRef, ItemExtras, ItemState};

/// Who opens the page, when, their local date then, and the catalogue's
/// epoch as their request began (related lists built at it are current).
pub struct Viewer {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub epoch: i64,
}

impl Viewer {
    /// The day a related list built now is current for: `at`'s date in UTC.
    pub fn built_on(&self) -> NaiveDate {
        self.at.date_naive()
    }
}

/// The item with `slug` (published or not: the caller decides) and its
/// extras for `viewer`; `None` when no item has that slug now. When there
/// is a viewer and the item is published, a `viewed` activity is recorded.
///
/// A view is a hint for "what works", not something a learner was promised,
/// so the statement's commit does not wait for the disk
/// (`synchronous_commit` off for its own transaction: a crash can lose the
/// last moments of views and nothing else). Call it outside a transaction,
/// where the setting would cover everything else in it.
pub async fn open(
    c: &mut PgConnection,
    slug: &str,
    viewer: Option<&Viewer>,
) -> sqlx::Result<Option<(Item, ItemExtras)>> {
    let user_id = viewer.map(|v| v.user_id);
    let r = sqlx::query!(
        r#"WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)),
           i AS (SELECT id, slug, title, summary, kind, body_md, body_html, url, source, minutes, image_url,
                        reference, open_access, status, published_at, updated_at
                 FROM content_items WHERE slug = $1),
           viewed AS (
               INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date)
               SELECT $2, 'viewed', 'item', i.id, $3, $4 FROM i, quick
               WHERE $2::uuid IS NOT NULL AND i.status = 'published')
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.body_md, i.body_html, i.url, i.source,
                  i.minutes, i.image_url, i.reference, i.open_access, i.status, i.published_at,
                  i.updated_at,
                  coalesce(tp.ids, '{}') AS "topic_ids!", coalesce(tp.names, '{}') AS "topic_names!",
                  coalesce(tp.slugs, '{}') AS "topic_slugs!",
                  EXISTS (SELECT 1 FROM activities a WHERE a.user_id = $2 AND a.object_type = 'item'
                          AND a.object_id = i.id AND a.verb = 'completed') AS "done!",
                  EXISTS (SELECT 1 FROM saved_items s WHERE s.user_id = $2 AND s.item_id = i.id) AS "saved!",
                  (SELECT r.useful FROM item_ratings r WHERE r.user_id = $2 AND r.item_id = i.id) AS useful,
                  coalesce(k.ids, '{}') AS "collection_ids!", coalesce(k.names, '{}') AS "collection_names!",
                  rel.cards AS "related?"
           FROM i LEFT JOIN related_items rel ON rel.item_id = i.id AND rel.epoch = $5 AND rel.built_on = $6
                  CROSS JOIN LATERAL (
                    SELECT array_agg(t.id ORDER BY lower(t.name), t.id) AS ids,
                           array_agg(t.name ORDER BY lower(t.name), t.id) AS names,
                           array_agg(t.slug ORDER BY lower(t.name), t.id) AS slugs
                    FROM item_topics it JOIN topics t ON t.id = it.topic_id WHERE it.item_id = i.id) tp
                  CROSS JOIN LATERAL (
                    SELECT array_agg(k.id ORDER BY k.created_at, k.id) AS ids,
                           array_agg(k.name ORDER BY k.created_at, k.id) AS names
                    FROM collections k WHERE k.owner_id = $2) k"#,
        slug,
        user_id,
        viewer.map(|v| v.at),
        viewer.map(|v| v.local_date),
        viewer.map(|v| v.epoch),
        viewer.map(Viewer::built_on)
    )
    .fetch_optional(c)
    .await?;
    Ok(r.map(|r| {
        let extras = extras(
            (r.topic_ids, r.topic_names, r.topic_slugs),
            user_id.map(|_| (r.done, r.saved, r.useful)),
            (r.collection_ids, r.collection_names),
            r.related,
        );
        let item = Item {
            id: r.id,
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            kind: r.kind,
            body_md: r.body_md,
            body_html: r.body_html,
            url: r.url,
            source: r.source,
            minutes: r.minutes,
            image_url: r.image_url,
            reference: r.reference,
            open_access: r.open_access,
            status: r.status,
            published_at: r.published_at,
            updated_at: r.updated_at,
        };
        (item, extras)
    }))
}

/// [`ItemExtras`] from a statement's arrays: the topics' (ids, names,
/// slugs), the viewer's (done, saved, useful) when there is one, and their
/// collections' (ids, names), and the related items as stored.
fn extras(
    (topic_ids, topic_names, topic_slugs): (Vec<Uuid>, Vec<String>, Vec<String>),
    state: Option<(bool, bool, Option<bool>)>,
    (collection_ids, collection_names): (Vec<Uuid>, Vec<String>),
    related: Option<String>,
) -> ItemExtras {
    let topics = topic_ids
        .into_iter()
        .zip(topic_names)
        .zip(topic_slugs)
        .map(|((id, name), slug)| TopicRef { id, name, slug })
        .collect();
    let collections = collection_ids
        .into_iter()
        .zip(collection_names)
        .map(|(id, name)| CollectionRef { id, name })
        .collect();
    ItemExtras {
        topics,
        state: state.map(|(done, saved, useful)| ItemState {
            done,
            saved,
            useful,
        }),
        collections,
        related,
    }
}
