//! L&D's reports of a large campaign through HTTP: who got what a page at a
//! time, filtered by team and by name or email (the CSV keeps the filter and
//! has everyone), and results counted over everyone enrolled.

use axum::http::StatusCode;

use crate::campaigns::campaign;
use crate::harness::TestApp;

#[tokio::test]
async fn who_got_what_pages_and_searches_and_results_count_everyone() {
    let app = TestApp::demo().await;
    // Sixty more people in one new team, named so they sort together.
    sqlx::query(
        "WITH t AS (INSERT INTO teams (id, name) VALUES (gen_random_uuid(), 'Night shift') RETURNING id)
         INSERT INTO users (id, email, name, team_id, timezone)
         SELECT gen_random_uuid(), 'zz' || lpad(n::text, 2, '0') || '@example.com',
                'Zz ' || lpad(n::text, 2, '0'), t.id, 'Europe/London'
         FROM generate_series(1, 60) n, t",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut admin = app.signed_in("admin@example.com").await;
    let id = campaign(&mut admin, "Everyone week", "everyone", "").await;
    let enrolled = app
        .scalar_i64("SELECT count(*) FROM campaign_enrolments e JOIN campaigns c ON c.id = e.campaign_id WHERE c.title = 'Everyone week'")
        .await;
    assert!(enrolled > 60, "{enrolled}");
    let base = format!("/admin/campaigns/{id}/people");

    // A page at a time, by name; the last page holds the rest.
    let first = admin.get(&base).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.texts("tbody tr").len(), 50);
    assert!(
        first
            .text("#participants")
            .starts_with(&format!("{enrolled} participants")),
        "{}",
        first.text("#participants")
    );
    let last_page = (enrolled + 49) / 50;
    assert!(
        first
            .text("nav.pager")
            .contains(&format!("Page 1 of {last_page}"))
    );
    let last = admin.get(&format!("{base}?page={last_page}")).await;
    let on_last = last.texts("tbody th[scope=row]");
    assert_eq!(on_last.len() as i64, enrolled - 50 * (last_page - 1));
    assert!(on_last.last().unwrap().starts_with("Zz 60"), "{on_last:?}");

    // One team: 60 people over two pages; the pager and the CSV keep the team.
    let team: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Night shift'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let shift = admin.get(&format!("{base}?team={team}&q=")).await;
    assert!(
        shift
            .text("#participants")
            .starts_with("60 participants match")
    );
    let next = shift.doc();
    let next_href = next
        .select(&scraper::Selector::parse("nav.pager a[rel=next]").unwrap())
        .next()
        .expect("a next page")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(next_href, format!("{base}?team={team}&q=&page=2"));
    let second = admin.get(&next_href).await;
    assert_eq!(second.texts("tbody tr").len(), 10);
    assert!(second.texts("tbody th[scope=row]")[0].starts_with("Zz 51"));
    // A change for one person comes back to the same page of the same team.
    let action = second
        .doc()
        .select(&scraper::Selector::parse("tbody form").unwrap())
        .next()
        .expect("an override form")
        .value()
        .attr("action")
        .unwrap()
        .to_owned();
    let released = admin.post(&action, &[("action", "release_all")]).await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    assert_eq!(released.location(), format!("{base}?team={team}&q=&page=2"));
    let after = admin.get(released.location()).await;
    assert!(after.texts("tbody th[scope=row]")[0].contains("all released"));
    let csv = admin
        .get(&format!("/admin/campaigns/{id}/people.csv?team={team}&q="))
        .await;
    assert_eq!(csv.body.lines().count(), 61, "a header and all 60, unpaged");

    // By name or email, any case; wildcards are literal.
    let found = admin.get(&format!("{base}?team=&q=ZZ+07")).await;
    assert_eq!(found.texts("tbody th[scope=row]").len(), 1);
    assert_eq!(found.input_value("q").as_deref(), Some("ZZ 07"));
    let by_email = admin.get(&format!("{base}?q=zz42%40")).await;
    assert!(by_email.texts("tbody th[scope=row]")[0].starts_with("Zz 42"));
    let none = admin.get(&format!("{base}?q=%25")).await;
    assert!(none.text("main").contains("Nobody enrolled matches."));

    // Results over everyone: four started, one finished all three steps,
    // three did a step this week (one last did one ten days ago).
    sqlx::query(
        "INSERT INTO campaign_progress (user_id, step_id, campaign_id, local_date, done_at)
         SELECT u.id, s.id, s.campaign_id, current_date, now() - make_interval(days => CASE WHEN u.name = 'Zz 04' THEN 10 ELSE 0 END)
         FROM users u JOIN campaign_steps s ON s.campaign_id = $1
         WHERE (u.name IN ('Zz 01', 'Zz 02', 'Zz 03', 'Zz 04') AND s.position = 1)
            OR (u.name = 'Zz 01' AND s.position IN (2, 3))",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let results = admin.get(&format!("/admin/campaigns/{id}/results")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert_eq!(
        results.texts("dl.stats div"),
        [
            format!("Enrolled {enrolled}"),
            "Started 4".to_owned(),
            "Completed 1".to_owned(),
            "Active in the last 7 days 3".to_owned()
        ]
    );
    let funnel = results.texts("tbody tr");
    assert!(
        funnel[0].starts_with("1. Ask one colleague 4 "),
        "{funnel:?}"
    );
    assert!(funnel[1].contains(" 1 "), "{funnel:?}");

    // Only L&D sees any of it.
    let mut manager = app.signed_in("manager@example.com").await;
    assert_eq!(manager.get(&base).await.status, StatusCode::FORBIDDEN);
}
