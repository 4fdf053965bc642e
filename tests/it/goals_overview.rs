//! L&D's goal counts at `/admin/goals` through HTTP: figures that match the
//! database, a page of teams at a time with a search, topics, no goal text,
//! and only for admins.

use axum::http::StatusCode;

use crate::harness::{Res, TestApp};

/// The body rows of the table captioned `caption`: header cell, then counts.
fn rows(page: &Res, caption: &str) -> Vec<Vec<String>> {
    let doc = page.doc();
    let table = scraper::Selector::parse("table").unwrap();
    let cap = scraper::Selector::parse("caption").unwrap();
    let tr = scraper::Selector::parse("tbody tr").unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    doc.select(&table)
        .find(|t| {
            t.select(&cap)
                .next()
                .is_some_and(|c| c.text().collect::<String>().starts_with(caption))
        })
        .map(|t| {
            t.select(&tr)
                .map(|r| {
                    r.select(&cell)
                        .map(|c| c.text().collect::<String>().trim().to_owned())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn goal_counts_by_team_page_and_search_match_the_database() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;

    // Enough teams for two pages, one of them with goals of its own.
    app.add_teams("Depot", 60, 2).await;
    sqlx::query(
        "UPDATE users SET team_id = (SELECT id FROM teams WHERE name = 'Depot 07')
         WHERE email = 'learner@example.com'",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let page = admin.get("/admin/goals").await;
    assert_eq!(page.status, StatusCode::OK);
    let teams = app.scalar_i64("SELECT count(*) FROM teams").await;
    assert!(teams > 50);
    assert!(
        page.text("#teams-count")
            .starts_with(&format!("{teams} teams")),
        "{}",
        page.text("#teams-count")
    );
    assert_eq!(rows(&page, "By team").len(), 50, "a page of 50 teams");
    assert!(page.text("caption").contains("page 1 of 2"));

    // Each status's figure is the database's.
    let statuses = rows(&page, "By status");
    assert_eq!(statuses.len(), 6);
    let active = app
        .scalar_i64("SELECT count(*) FROM goals WHERE status = 'active'")
        .await;
    assert!(active > 0);
    assert!(
        statuses.contains(&vec!["Active".to_owned(), active.to_string()]),
        "{statuses:?}"
    );
    let beyond = app
        .scalar_i64("SELECT count(*) FROM goals WHERE status <> 'draft'")
        .await;
    let evidenced = app
        .scalar_i64(
            "SELECT count(*) FROM goals g WHERE status <> 'draft'
             AND EXISTS (SELECT 1 FROM goal_evidence e WHERE e.goal_id = g.id)",
        )
        .await;
    assert!(
        page.text("main")
            .contains(&format!("{evidenced} of {beyond} goals beyond draft")),
        "{}",
        page.text("main p")
    );

    // A search finds the one team; its row is the learner's goals by status.
    let found = admin.get("/admin/goals?q=depot%2007").await;
    let depot = rows(&found, "By team");
    let leo = |status: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM goals g JOIN users u ON u.id = g.owner_id
                 WHERE u.email = 'learner@example.com' AND ($1 = '' OR g.status = $1)",
            )
            .bind(status)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let mut expected = vec!["Depot 07".to_owned()];
    for s in [
        "draft",
        "proposed",
        "active",
        "submitted",
        "achieved",
        "abandoned",
        "",
    ] {
        expected.push(leo(s).await.to_string());
    }
    assert!(leo("").await > 0, "the demo learner has goals");
    assert_eq!(depot, vec![expected]);
    assert!(
        found
            .text("#teams-count")
            .contains("1 team match “depot 07”")
    );

    // Page 2 has the rest, and keeps the search in its links.
    let second = admin.get("/admin/goals?page=2").await;
    assert_eq!(rows(&second, "By team").len() as i64, teams - 50);
    let narrowed = admin.get("/admin/goals?q=depot").await;
    assert_eq!(rows(&narrowed, "By team").len(), 50);
    let next = scraper::Selector::parse("a[rel=next]").unwrap();
    let doc = narrowed.doc();
    let href = doc
        .select(&next)
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(href, Some("/admin/goals?q=depot&page=2"));

    // Topics: one row per topic with goals, counts only.
    let topics = app
        .scalar_i64("SELECT count(DISTINCT topic_id) FROM goal_topics")
        .await;
    assert_eq!(rows(&page, "By topic").len() as i64, topics);
    let title: String = sqlx::query_scalar("SELECT title FROM goals LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!page.body.contains(&title), "no goal text");

    // Not for a manager.
    let mut manager = app.signed_in("manager@example.com").await;
    assert_eq!(
        manager.get("/admin/goals").await.status,
        StatusCode::FORBIDDEN
    );
}
