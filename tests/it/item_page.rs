//! The item page's own rules. "Related", on a benchmark catalogue big enough
//! for the per-topic bound to matter (about 50 items a topic, 2 topics an
//! item, so some items share both topics): the page lists what an
//! independent statement of the rule gives, through HTTP, after a rating and
//! an archive. A view's quick commit stays with the view. A search page past
//! the end of a many-page search shows the last page.

use axum::http::StatusCode;
use inflow::bench::Sizes;
use inflow::library::store::find::{self, RELATED_POOL};
use sqlx::PgPool;

use crate::harness::fresh_db;
use crate::hot_pages::{client_for, seeded};

/// The rule over the catalogue itself (not the ranking columns the page
/// reads): each of the item's topics contributes its `RELATED_POOL` most
/// useful published items; items contributed by more topics come first,
/// then the most useful, then the newest.
async fn reference(pool: &PgPool, slug: &str) -> Vec<String> {
    sqlx::query_scalar(
        "WITH me AS (SELECT id FROM content_items WHERE slug = $1),
         ranked AS (
             SELECT it.item_id, i.slug, i.useful_yes - i.useful_no AS score, i.published_at,
                    row_number() OVER (PARTITION BY it.topic_id
                                       ORDER BY i.useful_yes - i.useful_no DESC, i.published_at DESC, it.item_id) AS n
             FROM item_topics it JOIN content_items i ON i.id = it.item_id, me
             WHERE it.topic_id IN (SELECT topic_id FROM item_topics WHERE item_id = me.id)
               AND i.status = 'published' AND it.item_id <> me.id)
         SELECT slug FROM ranked WHERE n <= $2
         GROUP BY item_id, slug
         ORDER BY count(*) DESC, max(score) DESC, max(published_at) DESC, item_id
         LIMIT 4",
    )
    .bind(slug)
    .bind(RELATED_POOL)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A benchmark organisation whose catalogue is the point: 1,000 items.
pub(crate) fn catalogue() -> Sizes {
    Sizes {
        learners: 4,
        teams: 0,
        items: 1000,
        campaigns: 1,
        activities_per_learner: 1,
        goals_per_learner: 0,
        reflections_per_learner: 0,
        sessions: 1,
    }
    .checked(Some(1))
    .unwrap()
}

#[tokio::test]
async fn related_items_are_the_strongest_from_the_items_topics() {
    let (app, sessions) = seeded(&catalogue()).await;
    let pool = &app.pool;
    let mut c = client_for(&app, &sessions[0].token);
    let slugs = [
        "bench-item-7",
        "bench-item-150",
        "bench-item-333",
        "bench-item-999",
    ];
    let first = check(&mut c, pool, &slugs, "as seeded").await;
    // The least useful item sharing both of 333's topics is rated up past everything.
    let lifted: String = sqlx::query_scalar(
        "SELECT i.slug FROM content_items i
         WHERE i.slug <> 'bench-item-333' AND 2 = (
             SELECT count(*) FROM item_topics a JOIN item_topics b ON b.topic_id = a.topic_id
             WHERE a.item_id = (SELECT id FROM content_items WHERE slug = 'bench-item-333')
               AND b.item_id = i.id)
         ORDER BY i.useful_yes - i.useful_no, i.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(!first[2].contains(&lifted));
    sqlx::query("UPDATE content_items SET useful_yes = useful_yes + 1000 WHERE slug = $1")
        .bind(&lifted)
        .execute(pool)
        .await
        .unwrap();
    // What 7 lists first is archived.
    sqlx::query("UPDATE content_items SET status = 'archived' WHERE slug = $1")
        .bind(&first[0][0])
        .execute(pool)
        .await
        .unwrap();
    let after = check(&mut c, pool, &slugs, "after a rating and an archive").await;
    assert_eq!(after[2][0], lifted, "the lifted item comes first now");
    assert!(
        !after[0].contains(&first[0][0]),
        "archived items are not related"
    );
}

/// The related slugs the page shows.
fn related_slugs(page: &crate::harness::Res) -> Vec<String> {
    page.doc()
        .select(&scraper::Selector::parse("section[aria-labelledby=rel-h] h3 a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .map(|h| h.trim_start_matches("/library/").to_owned())
        .collect()
}

/// The kept related list of `slug`: (epoch, built on, cards as JSON).
async fn kept(pool: &PgPool, slug: &str) -> Option<(i64, chrono::NaiveDate, String)> {
    sqlx::query_as(
        "SELECT r.epoch, r.built_on, r.cards FROM related_items r
         JOIN content_items i ON i.id = r.item_id WHERE i.slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn related_lists_are_kept_for_the_catalogues_epoch_and_the_day() {
    let (app, sessions) = seeded(&catalogue()).await;
    let pool = &app.pool;
    let mut c = client_for(&app, &sessions[0].token);
    let slug = "bench-item-333";
    let path = format!("/library/{slug}");
    let epoch = || async {
        sqlx::query_scalar::<_, i64>("SELECT n FROM plan_epoch")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert!(
        kept(pool, slug).await.is_none(),
        "nothing kept before a visit"
    );
    let first = related_slugs(&c.get(&path).await);
    assert_eq!(first, reference(pool, slug).await);
    let today = chrono::Utc::now().date_naive();
    let (at, on, cards) = kept(pool, slug).await.expect("kept by the first visit");
    assert_eq!((at, on), (epoch().await, today));
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&cards)
            .unwrap()
            .len(),
        4
    );

    // A rating reorders the catalogue without raising the epoch: the list
    // read back is the one kept today...
    let last = first.last().unwrap().clone();
    let lifted: String = sqlx::query_scalar(
        "SELECT i.slug FROM content_items i
         WHERE i.slug <> $1 AND i.status = 'published' AND NOT (i.slug = ANY($2)) AND 2 = (
             SELECT count(*) FROM item_topics a JOIN item_topics b ON b.topic_id = a.topic_id
             WHERE a.item_id = (SELECT id FROM content_items WHERE slug = $1) AND b.item_id = i.id)
         ORDER BY i.useful_yes - i.useful_no, i.id LIMIT 1",
    )
    .bind(slug)
    .bind(&first)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE content_items SET useful_yes = useful_yes + 1000 WHERE slug = $1")
        .bind(&lifted)
        .execute(pool)
        .await
        .unwrap();
    assert!(
        reference(pool, slug).await.contains(&lifted),
        "the rule lists it now"
    );
    assert_eq!(
        related_slugs(&c.get(&path).await),
        first,
        "read back the same day"
    );
    assert_eq!(kept(pool, slug).await.unwrap().2, cards, "not rebuilt");

    // ... and the next day's visit works it out again.
    sqlx::query("UPDATE related_items SET built_on = built_on - 1")
        .execute(pool)
        .await
        .unwrap();
    let next_day = related_slugs(&c.get(&path).await);
    assert_eq!(next_day, reference(pool, slug).await);
    assert!(next_day.contains(&lifted) && next_day != first);
    assert_eq!(kept(pool, slug).await.unwrap().1, today);

    // A related item's new title, or its source, raises the epoch: shown
    // on its card at once.
    let changed = next_day.iter().find(|s| **s != last).unwrap().clone();
    for (update, shown) in [
        (
            "UPDATE content_items SET title = 'A title just changed' WHERE slug = $1",
            "A title just changed",
        ),
        (
            "UPDATE content_items SET source = 'Harvard Business Review' WHERE slug = $1",
            "Harvard Business Review",
        ),
    ] {
        sqlx::query(update)
            .bind(&changed)
            .execute(pool)
            .await
            .unwrap();
        let related = c.get(&path).await.text("section[aria-labelledby=rel-h]");
        assert!(related.contains(shown), "{shown}: {related}");
        assert_eq!(kept(pool, slug).await.unwrap().0, epoch().await, "{shown}");
    }

    // A reader whose request began at an older epoch, or who worked the list
    // out on the day before, does not overwrite the list kept now.
    let now = kept(pool, slug).await.unwrap();
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM content_items WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    for (at, on) in [
        (now.0 - 1, now.1),
        (now.0, now.1 - chrono::Duration::days(1)),
    ] {
        find::keep_related(&mut conn, id, at, on, "[]")
            .await
            .unwrap();
        assert_eq!(kept(pool, slug).await.unwrap(), now, "kept at {at} on {on}");
    }
    find::keep_related(&mut conn, id, now.0 + 1, now.1, "[]")
        .await
        .unwrap();
    assert_eq!(
        kept(pool, slug).await.unwrap().2,
        "[]",
        "a newer epoch replaces it"
    );
}

/// Each item page's related slugs, checked against the rule.
async fn check(
    c: &mut crate::harness::Client,
    pool: &PgPool,
    slugs: &[&str],
    when: &str,
) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    let mut shared_both = 0;
    for slug in slugs {
        let page = c.get(&format!("/library/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let got: Vec<String> = page
            .doc()
            .select(&scraper::Selector::parse("section[aria-labelledby=rel-h] h3 a").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .map(|h| h.trim_start_matches("/library/").to_owned())
            .collect();
        assert_eq!(got.len(), 4, "{slug} {when}: four related items");
        assert!(
            !got.iter().any(|g| g == slug),
            "{slug} is not related to itself"
        );
        assert_eq!(got, reference(pool, slug).await, "{slug} {when}");
        shared_both += sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM content_items o WHERE o.slug = ANY($2) AND 2 = (
                 SELECT count(*) FROM item_topics a JOIN item_topics b ON b.topic_id = a.topic_id
                 WHERE a.item_id = (SELECT id FROM content_items WHERE slug = $1) AND b.item_id = o.id)",
        )
        .bind(slug)
        .bind(&got)
        .fetch_one(pool)
        .await
        .unwrap();
        all.push(got);
    }
    assert!(
        shared_both > 0,
        "{when}: some related items share both topics"
    );
    all
}

#[tokio::test]
async fn opening_an_item_records_one_view_whose_quick_commit_does_not_outlive_it() {
    use inflow::library::store::viewing::{Viewer, open};
    let pool = fresh_db(2).await;
    let user = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO users (id, email, name, role) VALUES ($1, 'v@example.com', 'V', 'learner')",
    )
    .bind(user)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO content_items (id, slug, title, summary, kind, minutes, status, published_at)
         VALUES (gen_random_uuid(), 'open', 'Open', 'S.', 'article', 3, 'published', now()),
                (gen_random_uuid(), 'draft', 'Draft', 'S.', 'article', 3, 'draft', NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut c = pool.acquire().await.unwrap();
    let at = chrono::Utc::now();
    let local_date = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let viewer = Viewer {
        user_id: user,
        at,
        local_date,
        epoch: 0,
    };
    let views = |slug: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64, Option<chrono::NaiveDate>)>(
                "SELECT count(*), max(a.local_date) FROM activities a
                 JOIN content_items i ON i.id = a.object_id
                 WHERE a.verb = 'viewed' AND a.object_type = 'item' AND i.slug = $1",
            )
            .bind(slug)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    let (item, extras) = open(&mut c, "open", Some(&viewer)).await.unwrap().unwrap();
    assert_eq!(item.title, "Open");
    let state = extras.state.expect("a viewer's standing is read");
    assert!(!state.done && !state.saved && state.useful.is_none());
    let setting: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert_eq!(
        setting, "on",
        "the next statement on the connection commits durably"
    );
    assert_eq!(
        views("open").await,
        (1, Some(local_date)),
        "one view, on the learner's date"
    );

    let (_, anonymous) = open(&mut c, "open", None).await.unwrap().unwrap();
    assert!(anonymous.state.is_none(), "no standing without a viewer");
    assert_eq!(
        views("open").await.0,
        1,
        "an anonymous visit records no view"
    );

    let (draft, _) = open(&mut c, "draft", Some(&viewer)).await.unwrap().unwrap();
    assert_eq!(
        draft.status, "draft",
        "the caller decides what a draft shows"
    );
    assert_eq!(views("draft").await.0, 0, "a draft's view is not recorded");
    assert!(
        open(&mut c, "nothing", Some(&viewer))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_search_page_past_the_end_shows_the_last_page() {
    let (app, sessions) = seeded(&catalogue()).await;
    let mut c = client_for(&app, &sessions[0].token);
    let matches: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM content_items
         WHERE status = 'published' AND search @@ websearch_to_tsquery('english', 'feedback')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let last = (matches + 19) / 20;
    assert!(
        last > 1,
        "the search spans several pages ({matches} matches)"
    );
    let titles = |res: &crate::harness::Res| res.texts(".item-card h3");
    let on_last = titles(&c.get(&format!("/library?q=feedback&page={last}")).await);
    assert_eq!(on_last.len() as i64, matches - (last - 1) * 20);
    let past = titles(&c.get("/library?q=feedback&page=999").await);
    assert_eq!(past, on_last);
}
