//! The library's topic list is kept in memory per catalogue epoch
//! (`library::topic_cache`). Here every kind of catalogue change shows on the
//! next library page at once, on the server that made it and on a second
//! server over the same database (with its own memory) that had the list
//! before the change.

use axum::http::StatusCode;

use crate::harness::{Client, TestApp};

/// The topic filter's options as the learner sees them ("Name (items)").
async fn options(c: &mut Client) -> Vec<String> {
    let page = c.get("/library").await;
    assert_eq!(page.status, StatusCode::OK);
    page.texts("select[name=topic] option")
}

/// Both servers' learners see `option` in the topic filter.
async fn both_show(clients: &mut [&mut Client; 2], option: &str) {
    for c in clients.iter_mut() {
        let got = options(c).await;
        assert!(got.iter().any(|o| o == option), "{option} in {got:?}");
    }
}

async fn run(app: &TestApp, sql: &'static str) {
    sqlx::query(sql).execute(&app.pool).await.unwrap();
}

/// Publish or archive the items of the topic called `topic`.
async fn set_items(app: &TestApp, topic: &str, status: &str) {
    sqlx::query(
        "UPDATE content_items SET status = $1
         WHERE id IN (SELECT it.item_id FROM item_topics it JOIN topics t ON t.id = it.topic_id
                      WHERE t.name = $2)",
    )
    .bind(status)
    .bind(topic)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_topic_list_follows_every_catalogue_change() {
    let app = TestApp::demo().await;
    let other = TestApp::with_pool(app.pool.clone());
    let mut leo = app.signed_in("learner@example.com").await;
    let mut leo2 = other.signed_in("learner@example.com").await;
    let mut admin = app.signed_in("admin@example.com").await;
    let before = options(&mut leo).await;
    assert!(before.len() > 2, "{before:?}");
    assert_eq!(options(&mut leo).await, before, "read again, unchanged");
    assert_eq!(options(&mut leo2).await, before, "the second server agrees");
    let mut both = [&mut leo, &mut leo2];

    let res = admin
        .post("/admin/topics", &[("name", "Negotiation")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    both_show(&mut both, "Negotiation (0)").await;

    // An item linked to the topic, archived, then published again.
    run(
        &app,
        "INSERT INTO item_topics (item_id, topic_id)
         SELECT i.id, t.id FROM content_items i, topics t
         WHERE i.status = 'published' AND t.name = 'Negotiation'
         ORDER BY i.slug LIMIT 1",
    )
    .await;
    both_show(&mut both, "Negotiation (1)").await;
    set_items(&app, "Negotiation", "archived").await;
    both_show(&mut both, "Negotiation (0)").await;
    set_items(&app, "Negotiation", "published").await;
    both_show(&mut both, "Negotiation (1)").await;

    run(
        &app,
        "UPDATE topics SET name = 'Negotiating' WHERE name = 'Negotiation'",
    )
    .await;
    both_show(&mut both, "Negotiating (1)").await;
    let renamed = options(both[0]).await;
    assert!(!renamed.iter().any(|o| o.starts_with("Negotiation")));

    run(
        &app,
        "UPDATE topics SET slug = 'deals' WHERE name = 'Negotiating'",
    )
    .await;
    for c in both.iter_mut() {
        let page = c.get("/library").await;
        assert_eq!(
            page.texts("select[name=topic] option[value=deals]"),
            ["Negotiating (1)"]
        );
    }

    run(&app, "DELETE FROM topics WHERE name = 'Negotiating'").await;
    for c in both.iter_mut() {
        assert_eq!(options(c).await, before, "back as it was");
    }
}
