//! The team page reads each report's figures from `learner_stats`, kept by
//! triggers. Here they equal the figures counted from the source tables (the
//! page's earlier statement, kept as the reference) for the demo team, in
//! several time zones, through learning, back-dated and deleted activities,
//! goal changes, check-ins and a deleted goal.

use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::TestApp;

type Figures = (
    Uuid,
    i64,
    i64,
    i64,
    Option<NaiveDate>,
    Option<NaiveDate>,
    i64,
    i32,
);

async fn reference(pool: &PgPool, manager: Uuid) -> (Vec<(Uuid, String, String)>, Vec<Figures>) {
    let rows: Vec<Figures> = sqlx::query_as(
        "SELECT u.id, og.active, og.awaiting, og.overdue,
                (SELECT max(ch.at AT TIME ZONE u.timezone)::date FROM goal_checkins ch JOIN goals g ON g.id = ch.goal_id
                   WHERE g.owner_id = u.id),
                (SELECT max(a.local_date) FROM activities a WHERE a.user_id = u.id
                   AND a.verb IN ('completed', 'answered', 'reflected')),
                (SELECT count(DISTINCT a.local_date) FROM activities a WHERE a.user_id = u.id
                   AND a.verb IN ('completed', 'answered', 'reflected')
                   AND a.local_date >= date_trunc('week', (now() AT TIME ZONE u.timezone)::date)::date),
                coalesce(h.weekly_target, 3)
         FROM users u LEFT JOIN learner_habits h ON h.user_id = u.id
         CROSS JOIN LATERAL (
             SELECT count(*) FILTER (WHERE g.status = 'active') AS active,
                    count(*) FILTER (WHERE g.status IN ('proposed', 'submitted')) AS awaiting,
                    count(*) FILTER (WHERE g.status IN ('active', 'submitted')
                                     AND g.target_date < (now() AT TIME ZONE u.timezone)::date) AS overdue
             FROM goals g WHERE g.owner_id = u.id) og
         WHERE u.manager_id = $1 AND u.active ORDER BY lower(u.name), u.id",
    )
    .bind(manager)
    .fetch_all(pool)
    .await
    .unwrap();
    let queue: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT g.id, g.status, u.name FROM goals g JOIN users u ON u.id = g.owner_id
         WHERE u.manager_id = $1 AND u.active AND g.status IN ('proposed', 'submitted')
         ORDER BY g.updated_at, g.id",
    )
    .bind(manager)
    .fetch_all(pool)
    .await
    .unwrap();
    (queue, rows)
}

async fn assert_current(pool: &PgPool, manager: Uuid, when: &str) {
    let mut c = pool.acquire().await.unwrap();
    let (queue, reports) = inflow::goals::store::team::page(&mut c, manager, chrono::Utc::now())
        .await
        .unwrap();
    let got_queue: Vec<(Uuid, String, String)> = queue
        .into_iter()
        .map(|q| (q.goal_id, q.status, q.owner))
        .collect();
    let got: Vec<Figures> = reports
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.active_goals,
                r.awaiting,
                r.overdue,
                r.last_checkin,
                r.last_learning_day,
                r.week_days,
                r.weekly_target,
            )
        })
        .collect();
    let (want_queue, want) = reference(pool, manager).await;
    assert_eq!(got_queue, want_queue, "queue {when}");
    assert_eq!(got, want, "reports {when}");
}

async fn run(pool: &PgPool, sql: &'static str) {
    sqlx::query(sql).execute(pool).await.unwrap();
}

#[tokio::test]
async fn team_figures_follow_every_write_that_changes_them() {
    let app = TestApp::demo().await;
    let pool = &app.pool;
    let manager: Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'manager@example.com'")
            .fetch_one(pool)
            .await
            .unwrap();
    // Reports spread over time zones on both sides of UTC.
    run(
        pool,
        "UPDATE users SET timezone = (ARRAY['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata', 'UTC'])[1 + abs(hashtext(email)) % 4]
         WHERE manager_id = (SELECT id FROM users WHERE email = 'manager@example.com')",
    )
    .await;
    assert_current(pool, manager, "as demo-seeded").await;
    let mut leo = app.signed_in("learner@example.com").await;
    let done = leo
        .post("/library/praise-that-means-something/done", &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_current(pool, manager, "after a Done").await;
    // The weekly target is copied to the report's figures when they save it.
    let tz: String =
        sqlx::query_scalar("SELECT timezone FROM users WHERE email = 'learner@example.com'")
            .fetch_one(pool)
            .await
            .unwrap();
    let saved = leo
        .post(
            "/me/habit",
            &[
                ("daily_minutes", "10"),
                ("weekly_target", "6"),
                ("timezone", &tz),
                ("why", "Lead better retros"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_current(pool, manager, "after a new weekly target").await;
    let steps: [(&str, &'static str); 8] = [
        (
            "after every report's target changes",
            "UPDATE learner_habits SET weekly_target = 1 + weekly_target % 7
             WHERE user_id IN (SELECT id FROM users WHERE manager_id = (SELECT id FROM users WHERE email = 'manager@example.com'))",
        ),
        (
            "after a habits row is written anew",
            "WITH gone AS (DELETE FROM learner_habits WHERE user_id = (SELECT id FROM users WHERE email = 'priya.nair@example.com')
                           RETURNING user_id)
             INSERT INTO learner_habits (user_id, weekly_target) SELECT user_id, 2 FROM gone",
        ),
        (
            "after back-dated learning",
            "INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date)
             SELECT u.id, 'answered', 'question', gen_random_uuid(), now() - make_interval(days => d), current_date - d
             FROM users u, generate_series(3, 40, 9) d
             WHERE u.manager_id = (SELECT id FROM users WHERE email = 'manager@example.com')",
        ),
        (
            "after the latest learning day is deleted",
            "DELETE FROM activities WHERE local_date = (SELECT max(local_date) FROM activities a2
                 WHERE a2.user_id = activities.user_id AND a2.verb IN ('completed', 'answered', 'reflected'))
               AND user_id IN (SELECT id FROM users WHERE email IN ('learner@example.com', 'priya.nair@example.com'))",
        ),
        (
            "after goals change status and dates",
            "UPDATE goals SET status = CASE status WHEN 'proposed' THEN 'active' WHEN 'active' THEN 'submitted' ELSE status END,
                              target_date = current_date - 3, updated_at = now()
             WHERE owner_id IN (SELECT id FROM users WHERE manager_id = (SELECT id FROM users WHERE email = 'manager@example.com'))",
        ),
        (
            "after a check-in",
            "INSERT INTO goal_checkins (id, goal_id, progress, confidence, at)
             SELECT gen_random_uuid(), g.id, 50, 3, now() - interval '2 days' FROM goals g
             JOIN users u ON u.id = g.owner_id WHERE u.email = 'priya.nair@example.com' LIMIT 1",
        ),
        (
            "after a goal is deleted with its check-ins",
            "DELETE FROM goals WHERE id IN (SELECT g.id FROM goals g JOIN users u ON u.id = g.owner_id
                                            WHERE u.email = 'priya.nair@example.com' LIMIT 1)",
        ),
        (
            "after a new proposed goal",
            "INSERT INTO goals (id, owner_id, title, status, target_date)
             SELECT gen_random_uuid(), id, 'Run a retro', 'proposed', current_date + 30 FROM users
             WHERE email = 'learner@example.com'",
        ),
    ];
    for (when, sql) in steps {
        run(pool, sql).await;
        assert_current(pool, manager, when).await;
    }
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM goals g JOIN users u ON u.id = g.owner_id
         WHERE u.manager_id = $1 AND g.status IN ('proposed', 'submitted')",
    )
    .bind(manager)
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(waiting >= 2, "the queue has something to show");
    let mut maya = app.signed_in("manager@example.com").await;
    let page = maya.get("/manage/team").await;
    assert_eq!(page.texts("#queue-h ~ ul li").len() as i64, waiting);
    let leo_row = page
        .texts("tbody tr")
        .into_iter()
        .find(|r| r.contains("Leo"))
        .expect("Leo reports to Maya");
    assert!(leo_row.contains("of 7 days"), "{leo_row}");
}

#[tokio::test]
async fn a_benchmark_organisation_starts_with_current_figures() {
    let (app, sessions) = crate::hot_pages::seeded(&crate::hot_pages::sizes(40, 30)).await;
    let managers: Vec<Uuid> = sessions
        .iter()
        .filter(|s| s.role == "manager")
        .map(|s| s.user_id)
        .collect();
    assert!(!managers.is_empty());
    for m in managers {
        assert_current(&app.pool, m, "after bench-seed").await;
    }
    let learning: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM learner_stats WHERE last_learning_day IS NOT NULL AND active_goals + awaiting_goals > 0",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(learning > 0, "the seed's learning and goals are counted");
}
