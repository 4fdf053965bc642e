//! The learning habit through HTTP: onboarding, pauses, time zones and the
//! history page.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::daily::{local_today, new_learner, user_id};
use crate::harness::TestApp;

#[tokio::test]
async fn a_new_learner_is_onboarded_and_can_skip() {
    let app = TestApp::demo().await;
    let mut c = new_learner(&app, "nova@example.com", "Europe/Lisbon").await;
    let res = c.get("/today").await;
    assert_eq!(res.location(), "/me/habit?welcome=1");
    let welcome = c.get("/me/habit?welcome=1").await;
    assert_eq!(welcome.text("h1"), "Welcome to Inflow");
    let bad = c
        .post(
            "/me/habit",
            &[
                ("welcome", "1"),
                ("daily_minutes", "12"),
                ("weekly_target", "3"),
                ("timezone", "Lisbon"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#daily_minutes-error").contains("5, 10 or 15"));
    assert_eq!(bad.input_value("timezone").as_deref(), Some("Lisbon"));
    let writing: Uuid = sqlx::query_scalar("SELECT id FROM topics WHERE name = 'Writing'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let ok = c
        .post(
            "/me/habit",
            &[
                ("welcome", "1"),
                ("daily_minutes", "15"),
                ("weekly_target", "4"),
                ("timezone", "Europe/Lisbon"),
                ("why", "Clearer emails"),
                ("topics", &writing.to_string()),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/today");
    let today = c.get("/today").await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(today.text(".why").contains("Clearer emails"));
    assert!(today.text(".habit-stats").contains("0 of 4 days"));
    let reasons = today.texts(".item-card .why-here");
    assert!(
        !reasons.is_empty() && reasons.iter().all(|r| r == "Because you follow Writing"),
        "{reasons:?}"
    );

    let mut skipper = new_learner(&app, "skip@example.com", "UTC").await;
    assert_eq!(
        skipper.post("/me/habit/skip", &[]).await.location(),
        "/today"
    );
    let page = skipper.get("/today").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texts(".item-card .why-here")
            .iter()
            .all(|r| r == "Popular with colleagues")
    );
}

#[tokio::test]
async fn a_pause_freezes_the_habit_and_pushes_reviews_back() {
    let app = TestApp::demo().await;
    let leo = user_id(&app, "learner@example.com").await;
    let mut c = app.signed_in("learner@example.com").await;
    let today = local_today("Europe/London");
    let past = c
        .post(
            "/me/pauses",
            &[
                ("starts_on", &(today - Duration::days(1)).to_string()),
                ("ends_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.text("#starts_on-error").contains("past"));
    let upcoming = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (Uuid, NaiveDate)>("SELECT question_id, due_on FROM review_schedule WHERE user_id = $1 AND NOT retired ORDER BY question_id")
                .bind(leo)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let before = upcoming(&app).await;
    assert!(before.iter().filter(|(_, d)| *d >= today).count() >= 3);
    let res = c
        .post(
            "/me/pauses",
            &[
                ("starts_on", &today.to_string()),
                ("ends_on", &(today + Duration::days(6)).to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get("/today").await;
    assert!(
        page.text("main h2").contains("You're away until"),
        "{}",
        page.text("main h2")
    );
    assert!(
        page.texts(".review-card, .item-card").is_empty(),
        "nothing new is queued"
    );
    assert!(page.text(".habit-stats").contains("Paused"));
    assert!(
        page.text(".habit-stats").contains("9 days"),
        "the streak is frozen, not broken"
    );
    let during = upcoming(&app).await;
    for ((q, was), (_, now)) in before.iter().zip(&during) {
        let expected = if *was >= today {
            *was + Duration::days(7)
        } else {
            *was
        };
        assert_eq!(
            *now, expected,
            "question {q}: due dates from the pause on move back by its 7 days"
        );
    }
    let overlap = c
        .post(
            "/me/pauses",
            &[
                ("starts_on", &(today + Duration::days(2)).to_string()),
                ("ends_on", &(today + Duration::days(9)).to_string()),
            ],
        )
        .await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pause: Uuid = sqlx::query_scalar("SELECT id FROM habit_pauses WHERE user_id = $1")
        .bind(leo)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = c.post(&format!("/me/pauses/{pause}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        c.get("/me/habit")
            .await
            .text("[role=status]")
            .contains("Pause cancelled")
    );
    assert_eq!(
        upcoming(&app).await,
        before,
        "a cancelled pause gives the reviews back"
    );
}

#[tokio::test]
async fn auckland_and_los_angeles_each_get_their_own_today() {
    let app = TestApp::demo().await;
    for (email, tz) in [
        ("auckland@example.com", "Pacific/Auckland"),
        ("la@example.com", "America/Los_Angeles"),
    ] {
        let mut c = new_learner(&app, email, tz).await;
        c.post("/me/habit/skip", &[]).await;
        c.post("/library/praise-that-means-something/done", &[])
            .await;
        let (local, at): (NaiveDate, chrono::DateTime<Utc>) = sqlx::query_as(
            "SELECT a.local_date, a.at FROM activities a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.verb = 'completed'",
        )
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(
            local,
            at.with_timezone(&tz.parse::<chrono_tz::Tz>().unwrap())
                .date_naive(),
            "{tz}"
        );
        let page = c.get("/today").await;
        let label = local_today(tz).format("%A %-d %B").to_string();
        assert!(
            page.text(".muted").contains(&label),
            "{tz}: {}",
            page.text(".muted")
        );
        assert!(page.text(".habit-stats").contains("1 of 3 days"), "{tz}");
    }
}

#[tokio::test]
async fn the_history_page_has_a_heat_map_with_a_text_alternative() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let page = c.get("/today/history").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("svg rect").len(), 84);
    assert_eq!(
        page.text("svg > title"),
        "Learning days over the last 12 weeks"
    );
    assert!(page.text("svg > desc").contains("Filled squares"));
    let days: i64 = app.scalar_i64(
        "SELECT count(DISTINCT local_date) FROM activities a JOIN users u ON u.id = a.user_id
         WHERE u.email = 'learner@example.com' AND verb IN ('completed','answered','reflected') AND local_date >= date_trunc('week', CURRENT_DATE)::date - 77",
    )
    .await;
    assert!(
        page.text("main > p")
            .contains(&format!("{days} learning days")),
        "{}",
        page.text("main > p")
    );
    assert!(
        page.texts("main section li")
            .iter()
            .any(|l| l.starts_with("Completed"))
    );
    assert_eq!(
        app.client().get("/today/history").await.status,
        StatusCode::SEE_OTHER
    );
}
