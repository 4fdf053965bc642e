//! One-word searches read `search_terms` (each published item's rank for
//! each of its words) instead of ranking every match. The pages they give
//! are the pages ranking every match gives, on a catalogue with many ties;
//! the page really reads the terms; and the terms follow the catalogue
//! through authoring, publishing, archiving, re-dating and deleting.

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::harness::{Res, TestApp};
use crate::hot_pages::{client_for, seeded};
use crate::item_page::catalogue;
use crate::library::topic_id;
use crate::library_admin::set_status;

/// The rule, over the catalogue itself: every published match ranked by
/// `ts_rank`, then the newest, then the id. One page of titles, and the total.
async fn reference(pool: &PgPool, q: &str, offset: i64) -> (Vec<String>, i64) {
    let titles = sqlx::query_scalar(
        "SELECT i.title FROM content_items i, websearch_to_tsquery('english', $1) q
         WHERE i.status = 'published' AND i.search @@ q
         ORDER BY ts_rank(i.search, q) DESC, i.published_at DESC, i.id
         LIMIT 20 OFFSET $2",
    )
    .bind(q)
    .bind(offset)
    .fetch_all(pool)
    .await
    .unwrap();
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM content_items
         WHERE status = 'published' AND search @@ websearch_to_tsquery('english', $1)",
    )
    .bind(q)
    .fetch_one(pool)
    .await
    .unwrap();
    (titles, total)
}

fn titles(res: &Res) -> Vec<String> {
    res.texts(".item-card h3")
}

#[tokio::test]
async fn one_word_searches_give_the_pages_of_ranking_every_match() {
    let (app, sessions) = seeded(&catalogue()).await;
    let pool = &app.pool;
    let mut c = client_for(&app, &sessions[0].token);
    for q in [
        "feedback",
        "Coaching",
        "meeting",
        "notes",
        "practical",
        "privacy",
    ] {
        let (first, total) = reference(pool, q, 0).await;
        assert!(total > 40, "{q}: the search spans several pages ({total})");
        let last = (total + 19) / 20;
        for page in [1, 2, last] {
            let (want, _) = reference(pool, q, (page - 1) * 20).await;
            let res = c.get(&format!("/library?q={q}&page={page}")).await;
            assert_eq!(res.status, StatusCode::OK);
            assert_eq!(titles(&res), want, "{q}, page {page}");
            assert!(
                res.text("[role=status]")
                    .starts_with(&format!("{total} items for")),
                "{q}: {}",
                res.text("[role=status]")
            );
        }
        assert_eq!(first.len(), 20);
    }
    // Several words rank every match: the same rule.
    let (want, total) = reference(pool, "feedback notes", 0).await;
    assert!(total > 20);
    let res = c.get("/library?q=feedback+notes").await;
    assert_eq!(titles(&res), want);

    // The page reads the terms: lift the last item of "feedback" there alone.
    let (_, total) = reference(pool, "feedback", 0).await;
    let (tail, _) = reference(pool, "feedback", total - 1).await;
    sqlx::query(
        "UPDATE search_terms SET rank = 100
         WHERE lexeme = 'feedback' AND item_id = (SELECT id FROM content_items WHERE title = $1)",
    )
    .bind(&tail[0])
    .execute(pool)
    .await
    .unwrap();
    let res = c.get("/library?q=feedback").await;
    assert_eq!(
        titles(&res)[0],
        tail[0],
        "the one-word page reads search_terms"
    );
    let res = c.get("/library?q=feedback&kind=article").await;
    assert_ne!(
        titles(&res).first(),
        Some(&tail[0]),
        "a filtered search ranks the matches themselves"
    );
}

/// `search_terms` is exactly what the catalogue's published items say.
async fn assert_terms_current(pool: &PgPool, when: &str) {
    let (missing, extra, wrong): (i64, i64, i64) = sqlx::query_as(
        "WITH want AS (
             SELECT t.lexeme, i.id AS item_id, i.published_at FROM content_items i, unnest(i.search) t
             WHERE i.status = 'published'),
         have AS (SELECT lexeme, item_id, published_at FROM search_terms)
         SELECT (SELECT count(*) FROM (TABLE want EXCEPT ALL TABLE have) m),
                (SELECT count(*) FROM (TABLE have EXCEPT ALL TABLE want) e),
                (SELECT count(*) FROM search_terms st JOIN content_items i ON i.id = st.item_id
                 WHERE NOT i.search @@ search_term_query(st.lexeme)
                    OR st.rank <> ts_rank(i.search, search_term_query(st.lexeme)))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        (missing, extra, wrong),
        (0, 0, 0),
        "{when}: (missing, extra, wrong rank)"
    );
}

/// The authoring form of the test's item, with this summary and body.
fn item_form<'a>(summary: &'a str, body: &'a str, topic: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("title", "Zebrafish care for O'Neil's lab"),
        ("summary", summary),
        ("kind", "article"),
        ("body", body),
        ("minutes", "4"),
        ("topics", topic),
    ]
}

#[tokio::test]
async fn the_terms_follow_the_catalogue() {
    let app = TestApp::demo().await;
    let pool = &app.pool;
    assert_terms_current(pool, "demo").await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM search_terms")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(count > 1000, "the demo library has words ({count})");

    let mut admin = app.signed_in("admin@example.com").await;
    let mut learner = app.signed_in("learner@example.com").await;
    let topic = topic_id(&app, "Feedback").await.to_string();
    let res = admin
        .post(
            "/admin/library",
            &item_form(
                "Feeding, water and the C:\\ drive notes.",
                "Zebrafish like clean water.",
                &topic,
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text(".error"));
    let edit = res.location().to_owned();
    let found = |res: &Res| titles(res).contains(&"Zebrafish care for O'Neil's lab".to_owned());
    assert!(
        !found(&learner.get("/library?q=zebrafish").await),
        "a draft is not found"
    );
    assert_terms_current(pool, "draft").await;

    set_status(&mut admin, &edit, "published").await;
    assert_terms_current(pool, "published").await;
    for q in ["zebrafish", "Zebrafish", "neil", "drive"] {
        assert!(found(&learner.get(&format!("/library?q={q}")).await), "{q}");
    }

    let res = admin
        .post(
            &edit,
            &item_form("Feeding and water quality.", "Axolotls too.", &topic),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_terms_current(pool, "edited").await;
    assert!(found(&learner.get("/library?q=axolotls").await));
    assert!(
        !found(&learner.get("/library?q=drive").await),
        "an old word is gone"
    );

    set_status(&mut admin, &edit, "archived").await;
    assert_terms_current(pool, "archived").await;
    assert!(
        !found(&learner.get("/library?q=zebrafish").await),
        "an archived item is not found"
    );

    // Writes no form makes: new dates, a deleted item.
    sqlx::query(
        "UPDATE content_items SET published_at = published_at - interval '3 days'
         WHERE status = 'published' AND slug IN (SELECT slug FROM content_items ORDER BY slug LIMIT 5)",
    )
    .execute(pool)
    .await
    .unwrap();
    assert_terms_current(pool, "re-dated").await;
    set_status(&mut admin, &edit, "published").await;
    assert_terms_current(pool, "published again").await;
    sqlx::query("DELETE FROM content_items WHERE title = 'Zebrafish care for O''Neil''s lab'")
        .execute(pool)
        .await
        .unwrap();
    assert_terms_current(pool, "deleted").await;
}
