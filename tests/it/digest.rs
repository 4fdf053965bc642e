//! The daily digest: delivered exactly once by two instances with a crash
//! and a failing webhook; recorded at each person's own digest time, for
//! everyone due in one tick however many; looked at again when a change
//! (channel, enrolment, zone, active flag, a campaign's release time, a new
//! person) can bring it earlier; and sent within each tick's time budget
//! when the chat server is slow.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use chrono::{Duration, NaiveTime, Utc};
use inflow::campaigns::digest::{Delivery, LANES, tick};
use inflow::campaigns::model::{local_now, release_instant};
use inflow::mail::Mailer;

use crate::campaigns::campaign;
use crate::harness::{TestApp, fresh_db_with_url};

/// A webhook listener: the first request stalls (the sender "crashes"
/// waiting), the second gets a 500, later ones are acknowledged and counted.
async fn webhook() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(AtomicUsize::new(0));
    let (s, a) = (seen.clone(), acked.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let (s, a) = (s.clone(), a.clone());
            async move {
                assert!(body.contains("your learning for"), "{body}");
                match s.fetch_add(1, Ordering::SeqCst) {
                    0 => {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                        StatusCode::OK
                    }
                    1 => StatusCode::INTERNAL_SERVER_ERROR,
                    _ => {
                        a.fetch_add(1, Ordering::SeqCst);
                        StatusCode::OK
                    }
                }
            }
        }),
    );
    (serve_hook(app).await, seen, acked)
}

/// Serve `app` on a local port; the URL of its `/hook`.
async fn serve_hook(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://127.0.0.1:{port}/hook")
}

#[tokio::test]
async fn one_digest_per_learner_per_day_across_two_instances_a_crash_and_a_failure() {
    let (pool, url) = fresh_db_with_url(4).await;
    let app = TestApp::with_pool(pool);
    inflow::demo::seed(&app.pool).await.unwrap();
    let other: String = sqlx::query_scalar(
        "SELECT email FROM users WHERE role = 'learner' AND email <> 'learner@example.com'
           AND timezone = (SELECT timezone FROM users WHERE email = 'learner@example.com') ORDER BY email LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let tz: String =
        sqlx::query_scalar("SELECT timezone FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // Everyone else has chosen no digest, so only these two are in play.
    sqlx::query("INSERT INTO notification_prefs (user_id, channel) SELECT id, 'none' FROM users")
        .execute(&app.pool)
        .await
        .unwrap();
    let (hook, seen, acked) = webhook().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let bad = admin
        .post(
            "/admin/integrations",
            &[("slack", "not a url"), ("teams", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#slack-error").contains("incoming-webhook"));
    let ok = admin
        .post("/admin/integrations", &[("slack", &hook), ("teams", "")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let preview = admin.get("/admin/integrations").await;
    assert!(
        preview.text("main").contains("MessageCard") && preview.text("main").contains("\"blocks\"")
    );
    let people = format!("learner@example.com\n{other}");
    campaign(&mut admin, "Digest week", "people", &people).await;
    let mut leo = app.signed_in("learner@example.com").await;
    assert_eq!(
        leo.post("/me/notifications", &[("channel", "slack")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        leo.post("/me/notifications", &[("channel", "teams")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Teams is not connected"
    );
    let mut sam = app.signed_in(&other).await;
    assert_eq!(
        sam.post("/me/notifications", &[("channel", "email")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Noon on the learners' local day: two steps of "Digest week" are out today.
    let local_today = local_now(&tz, Utc::now()).date();
    let t0 = release_instant(&tz, local_today, NaiveTime::from_hms_opt(12, 0, 0).unwrap());
    let pool_b = inflow::db::pool_options(4).connect(&url).await.unwrap();
    let a = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();
    let b = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();

    // Instance A dies while the webhook hangs; B runs at the same moment.
    let crashed = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        loop {
            tick(&app.pool, &a, t0).await.unwrap();
        }
    })
    .await;
    assert!(crashed.is_err(), "A was stopped mid-send");
    tick(&pool_b, &b, t0).await.unwrap();
    let digests = app.scalar_i64("SELECT count(*) FROM digests").await;
    assert_eq!(digests, 2, "one digest row per learner for the day");
    // After the lease, B retries: the webhook fails (500) and it is recorded.
    let t1 = t0 + Duration::seconds(inflow::campaigns::digest::LEASE_SECONDS + 1);
    let r = tick(&pool_b, &b, t1).await.unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    let problems = admin.get("/admin/integrations").await.text("main");
    assert!(problems.contains("500"), "{problems}");
    // Both instances run the next minute ticks concurrently: exactly one delivery.
    for m in [2, 3, 4, 5] {
        let t = t1 + Duration::minutes(m);
        let (x, y) = tokio::join!(tick(&app.pool, &a, t), tick(&pool_b, &b, t));
        x.unwrap();
        y.unwrap();
    }
    assert_eq!(
        acked.load(Ordering::SeqCst),
        1,
        "Slack got exactly one digest"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 3, "stalled, failed, delivered");
    let mails: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE to_email = $1 AND subject LIKE '%your learning for%'",
    )
    .bind(&other)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(mails, 1, "exactly one email");
    let body: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE to_email = $1 AND subject LIKE '%your learning for%'",
    )
    .bind(&other)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        body.contains("New in Digest week: Ask one colleague"),
        "{body}"
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM digests WHERE status = 'sent'")
            .await,
        2
    );
    // Later the same day nothing more is sent.
    let later = tick(&app.pool, &a, t0 + Duration::hours(6)).await.unwrap();
    assert_eq!(later, Default::default());
}

/// Each person's digest is recorded when their own local digest time comes,
/// and one tick takes everyone due, not a fixed number a minute.
#[tokio::test]
async fn a_tick_records_everyone_due_at_their_own_time_however_many() {
    let app = TestApp::new().await;
    sqlx::query(
        "INSERT INTO users (id, email, name, timezone)
         SELECT gen_random_uuid(), 'person' || n || '@example.com', 'Person ' || n,
                CASE WHEN n % 2 = 0 THEN 'Europe/London' ELSE 'America/New_York' END
         FROM generate_series(1, 1200) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM digest_schedule WHERE next_at = '-infinity'")
            .await,
        1200,
        "new people are looked at straight away"
    );
    let d = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();
    let count = |when: &'static str| {
        let pool = app.pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM digests d JOIN users u ON u.id = d.user_id
                 WHERE d.local_date = '2026-12-07' AND u.timezone = $1",
            )
            .bind(when)
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    // 09:00 in London, 04:00 in New York; everyone's digest time is 08:00.
    let nine = "2026-12-07T09:00:00Z".parse().unwrap();
    tick(&app.pool, &d, nine).await.unwrap();
    assert_eq!(count("Europe/London").await, 600, "more than one batch");
    assert_eq!(count("America/New_York").await, 0);
    let next: Vec<(String, i64)> = sqlx::query_as(
        "SELECT to_char(next_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), count(*)
         FROM digest_schedule GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        next,
        [
            ("2026-12-07 13:00".to_owned(), 600),
            ("2026-12-08 08:00".to_owned(), 600)
        ],
        "New York at its 08:00 today, London at 08:00 tomorrow"
    );
    tick(&app.pool, &d, nine + Duration::hours(3))
        .await
        .unwrap();
    assert_eq!(count("America/New_York").await, 0, "not before 08:00 there");
    tick(&app.pool, &d, nine + Duration::hours(4))
        .await
        .unwrap();
    assert_eq!(count("America/New_York").await, 600);
    assert_eq!(count("Europe/London").await, 600, "one a day");
}

/// Choosing a channel again, or an enrolment in an earlier campaign, is
/// seen at the next tick rather than at the time the tick had planned.
#[tokio::test]
async fn changes_that_bring_a_digest_earlier_are_seen_at_the_next_tick() {
    let app = TestApp::demo().await;
    let (leo, tz): (uuid::Uuid, String) =
        sqlx::query_as("SELECT id, timezone FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (sam, sam_email): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT id, email FROM users WHERE role = 'learner' AND id <> $1 AND timezone = $2
         ORDER BY email LIMIT 1",
    )
    .bind(leo)
    .bind(&tz)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let d = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();
    let today = local_now(&tz, Utc::now()).date();
    let at =
        |h: u32, m: u32| release_instant(&tz, today, NaiveTime::from_hms_opt(h, m, 0).unwrap());
    let digest_today = |who: uuid::Uuid| {
        let pool = app.pool.clone();
        async move {
            let body: Option<String> = sqlx::query_scalar(
                "SELECT body FROM digests WHERE user_id = $1 AND local_date = $2",
            )
            .bind(who)
            .bind(today)
            .fetch_optional(&pool)
            .await
            .unwrap();
            body
        }
    };
    let look_now = |who: uuid::Uuid| {
        let pool = app.pool.clone();
        async move {
            let now: bool = sqlx::query_scalar(
                "SELECT next_at = '-infinity' FROM digest_schedule WHERE user_id = $1",
            )
            .bind(who)
            .fetch_one(&pool)
            .await
            .unwrap();
            now
        }
    };
    let mut sam_client = app.signed_in(&sam_email).await;
    let none = sam_client
        .post("/me/notifications", &[("channel", "none")])
        .await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);

    // 07:30: the demo campaigns release at 08:00, so nobody is due yet.
    tick(&app.pool, &d, at(7, 30)).await.unwrap();
    assert_eq!(digest_today(leo).await, None);
    let planned: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT next_at FROM digest_schedule WHERE user_id = $1")
            .bind(leo)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(planned, at(8, 0));

    // Enrolled in a campaign that releases at midnight: due at once.
    let mut admin = app.signed_in("admin@example.com").await;
    campaign(&mut admin, "Early bird", "people", "learner@example.com").await;
    assert!(look_now(leo).await, "the enrolment asks for a look now");
    tick(&app.pool, &d, at(7, 31)).await.unwrap();
    let body = digest_today(leo).await.expect("recorded before 08:00");
    assert!(
        body.contains("New in Early bird: Ask one colleague"),
        "{body}"
    );

    // Sam wants no digest: no next look was planned, so 08:05 passes him by.
    tick(&app.pool, &d, at(8, 5)).await.unwrap();
    assert_eq!(digest_today(sam).await, None);
    let never: bool =
        sqlx::query_scalar("SELECT next_at = 'infinity' FROM digest_schedule WHERE user_id = $1")
            .bind(sam)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(never);
    let email = sam_client
        .post("/me/notifications", &[("channel", "email")])
        .await;
    assert_eq!(email.status, StatusCode::SEE_OTHER);
    assert!(
        look_now(sam).await,
        "choosing a channel asks for a look now"
    );
    tick(&app.pool, &d, at(8, 6)).await.unwrap();
    assert!(
        digest_today(sam).await.is_some(),
        "recorded the same morning"
    );
}

/// A slow chat server gets several digests at once, up to the lanes, and
/// does not hold a tick past its budget: the tick stops taking batches,
/// and the next carries on, each digest sent once.
#[tokio::test]
async fn a_tick_sends_in_lanes_stops_at_its_budget_and_the_next_carries_on() {
    let app = TestApp::new().await;
    let acked = Arc::new(AtomicUsize::new(0));
    let (in_flight, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (a, f, m) = (acked.clone(), in_flight.clone(), most.clone());
    let slow = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let (a, f, m) = (a.clone(), f.clone(), m.clone());
            async move {
                m.fetch_max(f.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                f.fetch_sub(1, Ordering::SeqCst);
                a.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }
        }),
    );
    sqlx::query("INSERT INTO integrations (kind, webhook_url) VALUES ('slack', $1)")
        .bind(serve_hook(slow).await)
        .execute(&app.pool)
        .await
        .unwrap();
    let now = Utc::now();
    let total = 3 * LANES + 2;
    sqlx::query(
        "WITH p AS (INSERT INTO users (id, email, name) SELECT gen_random_uuid(), 'slow' || n || '@example.com', 'Slow ' || n
                    FROM generate_series(1, $2) n RETURNING id)
         INSERT INTO digests (id, user_id, local_date, channel, subject, body, status, next_attempt_at, created_at)
         SELECT gen_random_uuid(), p.id, current_date, 'slack', 'Your learning', '• one', 'pending', $1, $1 FROM p",
    )
    .bind(now)
    .bind(total as i32)
    .execute(&app.pool)
    .await
    .unwrap();
    // Nobody is due a new digest: only the pending ones are in play.
    sqlx::query("UPDATE digest_schedule SET next_at = 'infinity'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut d = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();
    d.budget = std::time::Duration::from_secs(1);
    let first = tick(&app.pool, &d, now).await.unwrap();
    // A batch of 0.7 s each: one or two batches fit the budget, not four.
    assert!(
        [LANES, 2 * LANES].contains(&first.sent),
        "whole batches in the budget: {first:?}"
    );
    assert_eq!(
        most.load(Ordering::SeqCst),
        LANES,
        "the lanes were all in use at once"
    );
    let pending = app
        .scalar_i64("SELECT count(*) FROM digests WHERE status = 'pending'")
        .await;
    assert_eq!(pending as usize, total - first.sent, "the rest wait");
    let mut sent = first.sent;
    for m in 1..=3 {
        sent += tick(&app.pool, &d, now + Duration::minutes(m))
            .await
            .unwrap()
            .sent;
    }
    assert_eq!(sent, total);
    assert_eq!(acked.load(Ordering::SeqCst), total, "each sent once");
}

/// The other writes that can bring a digest earlier ask for a look now,
/// for the people they touch and no one else; a write that cannot (a new
/// name) leaves the plan alone.
#[tokio::test]
async fn zone_active_and_campaign_changes_ask_for_a_look_now() {
    let app = TestApp::demo().await;
    let looking = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            let emails: Vec<String> = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
            emails
        }
    };
    let now_set = "SELECT u.email FROM digest_schedule s JOIN users u ON u.id = s.user_id
                   WHERE s.next_at = '-infinity' ORDER BY u.email";
    let plan_ahead = || async {
        sqlx::query("UPDATE digest_schedule SET next_at = '2100-01-01Z'")
            .execute(&app.pool)
            .await
            .unwrap();
    };
    plan_ahead().await;
    sqlx::query("UPDATE users SET name = 'Leo M.' WHERE email = 'learner@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        looking(now_set).await.is_empty(),
        "a new name changes nothing"
    );
    sqlx::query("UPDATE users SET timezone = 'Asia/Tokyo' WHERE email = 'learner@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(looking(now_set).await, ["learner@example.com"]);

    plan_ahead().await;
    sqlx::query("UPDATE users SET active = false WHERE email = 'manager@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(looking(now_set).await, ["manager@example.com"]);

    plan_ahead().await;
    let campaign: uuid::Uuid = sqlx::query_scalar(
        "SELECT campaign_id FROM campaign_enrolments GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE campaigns SET release_time = '07:00' WHERE id = $1")
        .bind(campaign)
        .execute(&app.pool)
        .await
        .unwrap();
    let enrolled: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM campaign_enrolments e JOIN users u ON u.id = e.user_id
         WHERE e.campaign_id = $1 ORDER BY u.email",
    )
    .bind(campaign)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!enrolled.is_empty());
    assert_eq!(looking(now_set).await, enrolled, "its people, no one else");

    plan_ahead().await;
    sqlx::query(
        "INSERT INTO users (id, email, name) VALUES (gen_random_uuid(), 'new@example.com', 'New')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(looking(now_set).await, ["new@example.com"]);
}
