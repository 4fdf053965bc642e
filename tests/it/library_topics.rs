//! The library's topic list is kept in memory per catalogue epoch
//! (`library::topic_cache`). Here every kind of catalogue change shows on the
//! next library page at once, and a second server over the same database
//! (its own memory) agrees.

use axum::http::StatusCode;

use crate::harness::TestApp;

/// The topic filter's options as the learner sees them ("Name (items)").
async fn options(c: &mut crate::harness::Client) -> Vec<String> {
    let page = c.get("/library").await;
    assert_eq!(page.status, StatusCode::OK);
    page.texts("select[name=topic] option")
}

async fn run(app: &TestApp, sql: &'static str) {
    sqlx::query(sql).execute(&app.pool).await.unwrap();
}

#[tokio::test]
async fn the_topic_list_follows_every_catalogue_change() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let mut admin = app.signed_in("admin@example.com").await;
    let before = options(&mut leo).await;
    assert!(before.len() > 2, "{before:?}");
    assert_eq!(options(&mut leo).await, before, "read again, unchanged");

    let res = admin
        .post("/admin/topics", &[("name", "Negotiation")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        options(&mut leo)
            .await
            .contains(&"Negotiation (0)".to_owned())
    );

    // An item published into the topic, then archived.
    run(
        &app,
        "INSERT INTO item_topics (item_id, topic_id)
         SELECT i.id, t.id FROM content_items i, topics t
         WHERE i.status = 'published' AND t.name = 'Negotiation'
         ORDER BY i.slug LIMIT 1",
    )
    .await;
    assert!(
        options(&mut leo)
            .await
            .contains(&"Negotiation (1)".to_owned())
    );
    run(
        &app,
        "UPDATE content_items SET status = 'archived'
         WHERE id IN (SELECT it.item_id FROM item_topics it JOIN topics t ON t.id = it.topic_id
                      WHERE t.name = 'Negotiation')",
    )
    .await;
    assert!(
        options(&mut leo)
            .await
            .contains(&"Negotiation (0)".to_owned())
    );

    run(
        &app,
        "UPDATE topics SET name = 'Negotiating' WHERE name = 'Negotiation'",
    )
    .await;
    let renamed = options(&mut leo).await;
    assert!(
        renamed.contains(&"Negotiating (0)".to_owned()),
        "{renamed:?}"
    );
    assert!(!renamed.iter().any(|o| o.starts_with("Negotiation")));

    run(
        &app,
        "UPDATE topics SET slug = 'deals' WHERE name = 'Negotiating'",
    )
    .await;
    let page = leo.get("/library").await;
    assert_eq!(
        page.texts("select[name=topic] option[value=deals]"),
        ["Negotiating (0)"]
    );

    run(
        &app,
        "UPDATE content_items SET status = 'published'
         WHERE id IN (SELECT it.item_id FROM item_topics it JOIN topics t ON t.id = it.topic_id
                      WHERE t.name = 'Negotiating')",
    )
    .await;
    assert!(
        options(&mut leo)
            .await
            .contains(&"Negotiating (1)".to_owned())
    );

    run(&app, "DELETE FROM topics WHERE name = 'Negotiating'").await;
    assert_eq!(options(&mut leo).await, before, "back as it was");

    // Another server over the same data, with its own memory, shows the same.
    let other = TestApp::with_pool(app.pool.clone());
    let mut leo2 = other.signed_in("learner@example.com").await;
    assert_eq!(options(&mut leo2).await, before);
}
