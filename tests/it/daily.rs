//! The Today page through HTTP: order, determinism, budget, dismissal,
//! done for today, review questions and their schedule.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::harness::{Client, TestApp};

pub async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub fn local_today(tz: &str) -> NaiveDate {
    Utc::now()
        .with_timezone(&tz.parse::<chrono_tz::Tz>().unwrap())
        .date_naive()
}

/// A learner who has just been invited and signed in (no habit yet).
pub async fn new_learner(app: &TestApp, email: &str, tz: &str) -> Client {
    let mut admin = app.signed_in("admin@example.com").await;
    let res = admin
        .post(
            "/admin/people",
            &[
                ("name", "Nova Learner"),
                ("email", email),
                ("role", "learner"),
                ("timezone", tz),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let link = app.last_mail_link(email).await.unwrap();
    let mut c = app.client();
    c.post(
        &link,
        &[
            ("password", "a long password"),
            ("confirm", "a long password"),
        ],
    )
    .await;
    c
}

#[tokio::test]
async fn today_puts_reviews_first_is_stable_and_fits_the_budget() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let first = c.get("/today").await;
    assert_eq!(first.status, StatusCode::OK);
    let headings = first.texts("main section h2");
    assert_eq!(
        headings,
        vec![
            "Review".to_owned(),
            "Reflect".to_owned(),
            "For you today".to_owned()
        ]
    );
    assert_eq!(
        first.texts(".review-card").len(),
        3,
        "three reviews are due"
    );
    let again = c.get("/today").await;
    assert_eq!(
        first.texts(".item-card h3"),
        again.texts(".item-card h3"),
        "reloading does not reshuffle"
    );
    let minutes: i32 = first
        .texts(".item-card .meta")
        .iter()
        .map(|m| {
            m.split(" · ")
                .nth(1)
                .unwrap()
                .trim_end_matches(" min")
                .parse::<i32>()
                .unwrap()
        })
        .sum();
    assert!(
        minutes + 3 + 2 <= 10,
        "budget of 10 minutes: {minutes} + 3 reviews + a reflection"
    );
    assert!(
        first.text(".habit-stats").contains("9 days"),
        "{}",
        first.text(".habit-stats")
    );
}

#[tokio::test]
async fn not_for_me_is_never_recommended_again_and_done_items_leave() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let page = c.get("/today").await;
    let titles = page.texts(".item-card h3");
    let doc = page.doc();
    let sel = scraper::Selector::parse("form[action^='/today/dismiss/']").unwrap();
    let action = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("action")
        .unwrap()
        .to_owned();
    assert_eq!(c.post(&action, &[]).await.location(), "/today");
    let item: Uuid = action.rsplit('/').next().unwrap().parse().unwrap();
    let after = c.get("/today").await;
    assert!(
        !after.texts(".item-card h3").contains(&titles[0]),
        "dismissed item gone: {:?}",
        after.texts(".item-card h3")
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM dismissed_items").await,
        1
    );
    for _ in 0..5 {
        assert!(!c.get("/today").await.body.contains(&item.to_string()));
    }
}

#[tokio::test]
async fn answering_a_review_schedules_it_and_counts_as_a_learning_day() {
    let app = TestApp::demo().await;
    let leo = user_id(&app, "learner@example.com").await;
    let mut c = app.signed_in("learner@example.com").await;
    let week = app.week_days_before_today("learner@example.com").await;
    let page = c.get("/today").await;
    assert!(
        page.text(".habit-stats")
            .contains(&format!("{week} of 3 days")),
        "{}",
        page.text(".habit-stats")
    );
    let sel = scraper::Selector::parse("form.review-card").unwrap();
    let doc = page.doc();
    let form = doc.select(&sel).next().unwrap();
    let action = form.value().attr("action").unwrap().to_owned();
    let qid: Uuid = action.rsplit('/').next().unwrap().parse().unwrap();
    let correct: i32 = sqlx::query_scalar("SELECT correct FROM review_questions WHERE id = $1")
        .bind(qid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let stage_before: i32 = sqlx::query_scalar(
        "SELECT stage FROM review_schedule WHERE user_id = $1 AND question_id = $2",
    )
    .bind(leo)
    .bind(qid)
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let res = c
        .post(
            &action,
            &[("answer", &correct.to_string()), ("back", "/today")],
        )
        .await;
    assert_eq!(res.location(), "/today");
    let after = c.get("/today").await;
    let flash = after.text("[role=status]");
    assert!(
        flash.starts_with("Correct!") && flash.contains("comes back on"),
        "{flash}"
    );
    let (stage, due): (i32, NaiveDate) = sqlx::query_as(
        "SELECT stage, due_on FROM review_schedule WHERE user_id = $1 AND question_id = $2",
    )
    .bind(leo)
    .bind(qid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let today = local_today("Europe/London");
    let intervals = [1, 3, 7, 16, 35];
    assert_eq!(stage, stage_before + 1);
    assert_eq!(
        due,
        today + Duration::days(intervals[stage_before as usize])
    );
    assert!(
        !after.body.contains(&format!("/today/review/{qid}")),
        "the answered review is no longer due"
    );
    assert!(
        after
            .text(".habit-stats")
            .contains(&format!("{} of 3 days", week + 1)),
        "answering counts: {}",
        after.text(".habit-stats")
    );
    assert!(after.text(".habit-stats").contains("10 days"));

    // A wrong answer brings the next one back tomorrow, from the start.
    let doc = after.doc();
    let form = doc.select(&sel).next().unwrap();
    let action = form.value().attr("action").unwrap().to_owned();
    let qid: Uuid = action.rsplit('/').next().unwrap().parse().unwrap();
    let correct: i32 = sqlx::query_scalar("SELECT correct FROM review_questions WHERE id = $1")
        .bind(qid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    c.post(&action, &[("answer", &((correct + 1) % 2).to_string())])
        .await;
    let (stage, due): (i32, NaiveDate) = sqlx::query_as(
        "SELECT stage, due_on FROM review_schedule WHERE user_id = $1 AND question_id = $2",
    )
    .bind(leo)
    .bind(qid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((stage, due), (0, today + Duration::days(1)));
    assert!(
        c.get("/today")
            .await
            .text("[role=status]")
            .starts_with("Not quite")
    );
}

#[tokio::test]
async fn done_offers_the_items_questions_at_once() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let id: Uuid = sqlx::query_scalar(
        "SELECT id FROM content_items WHERE slug = 'praise-that-means-something'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let edit = format!("/admin/library/{id}");
    let form = admin.get(&edit).await;
    let feedback: Uuid = sqlx::query_scalar("SELECT id FROM topics WHERE name = 'Feedback'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let body = form.text("#body");
    let base = [
        ("title", "Praise that means something"),
        ("summary", "Specific praise works."),
        ("kind", "article"),
        ("body", body.as_str()),
        ("minutes", "2"),
    ];
    let topic = feedback.to_string();
    let mut bad: Vec<(&str, &str)> = base.to_vec();
    bad.extend([
        ("topics", topic.as_str()),
        ("q1_prompt", "Only one option"),
        ("q1_option1", "Yes"),
        ("q1_correct", "1"),
    ]);
    let res = admin.post(&edit, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#q1-error").contains("two answer options"));
    assert_eq!(
        res.input_value("q1_prompt").as_deref(),
        Some("Only one option")
    );
    let mut good: Vec<(&str, &str)> = base.to_vec();
    good.extend([
        ("topics", topic.as_str()),
        ("q1_prompt", "What makes praise useful?"),
        ("q1_option1", "Being specific"),
        ("q1_option2", "Being loud"),
        ("q1_correct", "1"),
        (
            "q1_explanation",
            "Specific praise tells people what to repeat.",
        ),
    ]);
    assert_eq!(admin.post(&edit, &good).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get(&edit).await.input_value("q1_prompt").as_deref(),
        Some("What makes praise useful?")
    );

    let mut c = app.signed_in("priya.nair@example.com").await;
    let res = c
        .post(
            "/library/praise-that-means-something/done",
            &[("back", "/today")],
        )
        .await;
    assert_eq!(
        res.location(),
        "/library/praise-that-means-something/questions?back=%2Ftoday"
    );
    let page = c.get(res.location()).await;
    assert_eq!(
        page.texts("legend"),
        vec!["What makes praise useful?".to_owned()]
    );
    let sel = scraper::Selector::parse("form.review-card").unwrap();
    let action = page
        .doc()
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("action")
        .unwrap()
        .to_owned();
    let back = page.input_value("back").unwrap();
    let res = c.post(&action, &[("answer", "0"), ("back", &back)]).await;
    assert_eq!(
        res.location(),
        "/library/praise-that-means-something/questions"
    );
    let done = c.get(res.location()).await;
    assert!(
        done.text("[role=status]")
            .contains("Specific praise tells people what to repeat.")
    );
    assert!(done.text("main").contains("You've answered every question"));
}

#[tokio::test]
async fn when_the_budget_is_used_today_is_calmly_done_with_one_extra() {
    let app = TestApp::demo().await;
    let leo = user_id(&app, "learner@example.com").await;
    sqlx::query("UPDATE learner_habits SET daily_minutes = 5 WHERE user_id = $1")
        .bind(leo)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c = app.signed_in("learner@example.com").await;
    c.post(
        "/library/asking-for-feedback-so-people-actually-give-it/done",
        &[],
    )
    .await;
    c.post("/library/praise-that-means-something/done", &[])
        .await;
    let page = c.get("/today").await;
    assert!(
        page.text(".habit-stats").contains("5 of 5 min"),
        "{}",
        page.text(".habit-stats")
    );
    assert!(page.texts(".review-card, .item-card").is_empty());
    assert_eq!(page.text("#done-h"), "You're done for today");
    assert!(page.text(".calm").contains("That's today counted"));
    assert_eq!(
        page.texts(".calm a[href^='/library/']").len(),
        1,
        "one optional extra item"
    );
}
