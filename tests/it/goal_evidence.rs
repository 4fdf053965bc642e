//! Goal evidence through HTTP: completed learning on the goal's topics is
//! suggested to its owner, links are checked, check-ins bounded, and a
//! reflection is evidence only while it is shared (its text shown to its
//! author and their manager, never to an admin).

use axum::http::StatusCode;
use uuid::Uuid;

use crate::goals::new_goal;
use crate::harness::TestApp;

#[tokio::test]
async fn completed_learning_on_the_goals_topics_is_suggested_as_evidence() {
    let app = TestApp::demo().await;
    let feedback: Uuid = sqlx::query_scalar("SELECT id FROM topics WHERE name = 'Feedback'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut leo = app.signed_in("learner@example.com").await;
    let goal = new_goal(&mut leo, "Praise specifically", Some(feedback)).await;
    leo.post("/library/praise-that-means-something/done", &[])
        .await;
    leo.post("/library/plain-language-in-five-rules/done", &[])
        .await;
    let page = leo.get(&format!("/goals/{goal}")).await;
    let suggested = page.texts("#evidence-h ~ ul li a");
    assert_eq!(
        suggested,
        vec!["Praise that means something".to_owned()],
        "only learning on the goal's topics"
    );
    let item: Uuid = sqlx::query_scalar(
        "SELECT id FROM content_items WHERE slug = 'praise-that-means-something'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    leo.post(
        &format!("/goals/{goal}/evidence"),
        &[("kind", "item"), ("item_id", &item.to_string())],
    )
    .await;
    let page = leo.get(&format!("/goals/{goal}")).await;
    assert!(
        page.texts("#evidence-h ~ ul li a").is_empty(),
        "attached, so no longer suggested"
    );
    assert!(
        page.text(".timeline")
            .contains("Evidence: completed learning")
    );
    let not_done: Uuid = sqlx::query_scalar("SELECT id FROM content_items WHERE slug = 'radical-candor-care-personally-challenge-directly'").fetch_one(&app.pool).await.unwrap();
    leo.post(
        &format!("/goals/{goal}/evidence"),
        &[("kind", "item"), ("item_id", &not_done.to_string())],
    )
    .await;
    assert!(
        leo.get(&format!("/goals/{goal}"))
            .await
            .text("[role=status]")
            .contains("Only learning you have completed")
    );
    let bad_link = leo
        .post(
            &format!("/goals/{goal}/evidence"),
            &[("kind", "link"), ("url", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(bad_link.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_link.text("#url-error").contains("https://"));
    let checkin = leo
        .post(
            &format!("/goals/{goal}/checkins"),
            &[("progress", "150"), ("confidence", "3")],
        )
        .await;
    assert_eq!(checkin.status, StatusCode::UNPROCESSABLE_ENTITY);
    leo.post(
        &format!("/goals/{goal}/checkins"),
        &[("progress", "30"), ("confidence", "4"), ("note", "Started")],
    )
    .await;
    assert!(
        leo.get(&format!("/goals/{goal}"))
            .await
            .text(".timeline")
            .contains("Check-in: 30 %, confidence 4 of 5")
    );
}

#[tokio::test]
async fn a_reflection_is_evidence_only_while_it_is_shared() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let goal: Uuid = sqlx::query_scalar(
        "SELECT id FROM goals WHERE title = 'Run shorter, decision-focused meetings'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let private: Uuid = sqlx::query_scalar("SELECT r.id FROM reflections r JOIN users u ON u.id = r.author_id WHERE u.email = 'learner@example.com' AND NOT r.shared_with_manager LIMIT 1").fetch_one(&app.pool).await.unwrap();
    leo.post(
        &format!("/goals/{goal}/evidence"),
        &[
            ("kind", "reflection"),
            ("reflection_id", &private.to_string()),
        ],
    )
    .await;
    assert!(
        leo.get(&format!("/goals/{goal}"))
            .await
            .text("[role=status]")
            .contains("Only reflections you have shared")
    );
    let shared: Uuid = sqlx::query_scalar("SELECT r.id FROM reflections r JOIN users u ON u.id = r.author_id WHERE u.email = 'learner@example.com' AND r.shared_with_manager ORDER BY r.created_at LIMIT 1").fetch_one(&app.pool).await.unwrap();
    let offered = |page: &crate::harness::Res| -> Vec<String> {
        page.doc()
            .select(&scraper::Selector::parse("#reflection_id option").unwrap())
            .filter_map(|o| o.value().attr("value").map(str::to_owned))
            .collect()
    };
    let before = offered(&leo.get(&format!("/goals/{goal}")).await);
    assert!(before.contains(&shared.to_string()), "{before:?}");
    assert!(
        !before.contains(&private.to_string()),
        "a private reflection is never offered"
    );
    leo.post(
        &format!("/goals/{goal}/evidence"),
        &[
            ("kind", "reflection"),
            ("reflection_id", &shared.to_string()),
        ],
    )
    .await;
    let text: String = sqlx::query_scalar("SELECT happened FROM reflections WHERE id = $1")
        .bind(shared)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        !offered(&leo.get(&format!("/goals/{goal}")).await).contains(&shared.to_string()),
        "attached, so no longer offered"
    );
    let mut maya = app.signed_in("manager@example.com").await;
    let as_manager = maya.get(&format!("/goals/{goal}")).await;
    assert!(as_manager.text(".timeline").contains(&text));
    assert!(
        offered(&as_manager).is_empty(),
        "only the owner is offered their reflections"
    );
    let mut admin = app.signed_in("admin@example.com").await;
    let as_admin = admin.get(&format!("/goals/{goal}")).await;
    assert!(
        !as_admin.body.contains(&text),
        "an admin reads the goal but not the reflection"
    );
    assert!(
        as_admin
            .text(".timeline")
            .contains("a reflection shared with the manager")
    );
    leo.post(&format!("/reflections/{shared}/share"), &[("shared", "0")])
        .await;
    let page = maya.get(&format!("/goals/{goal}")).await;
    assert!(
        !page.body.contains(&text),
        "unsharing hides it from the manager at once"
    );
    assert!(page.text(".timeline").contains("no longer shared"));
}
