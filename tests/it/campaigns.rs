//! Campaigns through HTTP: authoring with field errors, publishing and
//! enrolment, released steps on the campaign page and Today, marking done,
//! discussion threads, the start-date rule, overrides, who got what, CSV,
//! results, the manager's view and privacy. The daily digest is in
//! `digest`.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::harness::{Client, TestApp};

const DAYS: [(&str, &str); 7] = [
    ("days", "0"),
    ("days", "1"),
    ("days", "2"),
    ("days", "3"),
    ("days", "4"),
    ("days", "5"),
    ("days", "6"),
];

/// Create a published, every-day, midnight-release cohort campaign started yesterday (UTC).
pub(crate) async fn campaign(
    admin: &mut Client,
    title: &str,
    audience: &str,
    people: &str,
) -> Uuid {
    let today = Utc::now().date_naive();
    let (start, end) = (
        (today - Duration::days(1)).to_string(),
        (today + Duration::days(30)).to_string(),
    );
    let mut fields = vec![
        ("title", title),
        ("summary", "A short test campaign"),
        ("business_why", "Fewer escalations"),
        ("learner_why", "Be heard"),
        ("audience", audience),
        ("people", people),
        ("mode", "cohort"),
        ("starts_on", start.as_str()),
        ("ends_on", end.as_str()),
        ("release_time", "00:00"),
    ];
    fields.extend(DAYS);
    let res = admin.post("/admin/campaigns", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id: Uuid = res.location().rsplit('/').next().unwrap().parse().unwrap();
    for (kind, title, extra) in [
        ("practice", "Ask one colleague", ("minutes", "5")),
        ("discussion", "What lands for you?", ("minutes", "5")),
        ("practice", "Future practice", ("minutes", "5")),
    ] {
        let r = admin
            .post(
                &format!("/admin/campaigns/{id}/steps"),
                &[("kind", kind), ("title", title), extra],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = admin
        .post(
            &format!("/admin/campaigns/{id}/status"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    id
}

fn step_ids(page: &str) -> Vec<Uuid> {
    page.split("/steps/")
        .skip(1)
        .filter_map(|s| s.get(..36)?.parse().ok())
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        })
}

#[tokio::test]
async fn authoring_following_discussing_and_reporting() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let bad = admin
        .post(
            "/admin/campaigns",
            &[
                ("title", "Kept title"),
                ("audience", "teams"),
                ("mode", "cohort"),
                ("starts_on", "2027-01-10"),
                ("ends_on", "2027-01-01"),
                ("release_time", "8am"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#ends_on-error").contains("on or after"));
    assert!(bad.text("#days-error").contains("at least one"));
    assert!(bad.text("#teams-error").contains("team"));
    assert_eq!(bad.input_value("title").as_deref(), Some("Kept title"));
    let before = app
        .scalar_i64("SELECT count(*) FROM campaigns WHERE title = 'Kept title'")
        .await;
    assert_eq!(before, 0, "nothing saved");

    let id = campaign(&mut admin, "Listening week", "everyone", "").await;
    let enrolled = app
        .scalar_i64("SELECT count(*) FROM campaign_enrolments e JOIN campaigns c ON c.id = e.campaign_id WHERE c.title = 'Listening week'")
        .await;
    let active = app
        .scalar_i64("SELECT count(*) FROM users WHERE active")
        .await;
    assert_eq!(enrolled, active, "everyone is enrolled on publishing");

    // The learner sees released steps, the future one with its date, and Today.
    let mut leo = app.signed_in("learner@example.com").await;
    let page = leo.get(&format!("/campaigns/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text("main");
    assert!(text.contains("Be heard"), "what's in it for them");
    assert!(text.contains("Unlocks"), "{text}");
    let steps = step_ids(&page.body);
    assert!(steps.len() >= 2);
    assert!(
        leo.get("/campaigns")
            .await
            .text("main")
            .contains("Listening week")
    );
    // Leo never finished "Plain language month"; it is over, so its leftovers stay off Today.
    sqlx::query(
        "DELETE FROM campaign_progress p USING campaigns c, users u
         WHERE c.id = p.campaign_id AND c.title = 'Plain language month'
           AND u.id = p.user_id AND u.email = 'learner@example.com'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let today = leo.get("/today").await;
    assert!(!today.text("main").contains("Plain language month"));
    assert!(
        today.text("main").contains("From your campaigns"),
        "{}",
        today.text("main")
    );
    assert!(
        today.text("main").contains("Ask one colleague"),
        "{}",
        today.text("main")
    );

    // Done with a note; a future step cannot be marked done.
    let done = leo
        .post(
            &format!("/campaigns/{id}/steps/{}/done", steps[0]),
            &[("note", "Asked Sam about my demo")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = leo.get(&format!("/campaigns/{id}")).await;
    assert!(
        page.text("main")
            .contains("Your note: Asked Sam about my demo")
    );
    assert!(page.text("main").contains("1 of 3 steps done"));
    let future: Uuid = sqlx::query_scalar(
        "SELECT s.id FROM campaign_steps s JOIN campaigns c ON c.id = s.campaign_id WHERE c.title = 'Listening week' AND s.position = 3",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let early = leo
        .post(&format!("/campaigns/{id}/steps/{future}/done"), &[])
        .await;
    assert_eq!(early.status, StatusCode::NOT_FOUND);

    // Discussion: post, reply, edit, delete; others in the campaign read it.
    let discussion = format!("/campaigns/{id}/steps/{}/discussion", steps[1]);
    let empty = leo
        .post(
            &format!("/campaigns/{id}/steps/{}/posts", steps[1]),
            &[("body", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text("#body-error").contains("Write something"));
    let r = leo
        .post(
            &format!("/campaigns/{id}/steps/{}/posts", steps[1]),
            &[("body", "Specific feedback lands for me")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let post: Uuid = sqlx::query_scalar(
        "SELECT id FROM campaign_posts WHERE body = 'Specific feedback lands for me'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut mia = app.signed_in("manager@example.com").await;
    assert!(
        mia.get(&discussion)
            .await
            .text("main")
            .contains("Specific feedback lands")
    );
    let theirs = mia
        .post(
            &format!("/campaigns/{id}/steps/{}/posts/{post}", steps[1]),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(
        theirs.status,
        StatusCode::NOT_FOUND,
        "only the author deletes"
    );
    let r = mia
        .post(
            &format!("/campaigns/{id}/steps/{}/posts", steps[1]),
            &[("body", "Agreed!"), ("parent", &post.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    leo.post(
        &format!("/campaigns/{id}/steps/{}/posts/{post}", steps[1]),
        &[
            ("action", "edit"),
            ("body", "Specific, same-day feedback lands"),
        ],
    )
    .await;
    let thread = leo.get(&discussion).await.text("main");
    assert!(
        thread.contains("same-day feedback")
            && thread.contains("edited")
            && thread.contains("Agreed!")
    );
    assert!(
        leo.get(&format!("/campaigns/{id}"))
            .await
            .text("main")
            .contains("2 of 3 steps done"),
        "posting completes the step"
    );

    // A campaign for chosen people is invisible to everyone else.
    let private = campaign(&mut admin, "Just for Leo", "people", "learner@example.com").await;
    assert_eq!(
        leo.get(&format!("/campaigns/{private}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        mia.get(&format!("/campaigns/{private}")).await.status,
        StatusCode::NOT_FOUND
    );
    let private_steps = step_ids(&leo.get(&format!("/campaigns/{private}")).await.body);
    let other_disc = mia
        .get(&format!(
            "/campaigns/{private}/steps/{}/discussion",
            private_steps[1]
        ))
        .await;
    assert_eq!(other_disc.status, StatusCode::NOT_FOUND);
    assert_eq!(
        leo.get("/admin/campaigns").await.status,
        StatusCode::FORBIDDEN
    );

    // The start of a running cohort cannot move; the page says why.
    let edit = admin.get(&format!("/admin/campaigns/{id}")).await;
    let mut fields: Vec<(String, String)> = vec![
        ("title".into(), "Listening week".into()),
        ("audience".into(), "everyone".into()),
        ("mode".into(), "cohort".into()),
        (
            "starts_on".into(),
            (Utc::now().date_naive() + Duration::days(5)).to_string(),
        ),
        (
            "ends_on".into(),
            (Utc::now().date_naive() + Duration::days(30)).to_string(),
        ),
        ("release_time".into(), "00:00".into()),
    ];
    fields.extend(DAYS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    assert!(edit.text("main").contains("Running"));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let moved = admin.post(&format!("/admin/campaigns/{id}"), &refs).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(moved.text("#starts_on-error").contains("already started"));
    // Released steps are fixed; the unreleased one can still be edited.
    let locked = admin
        .post(
            &format!("/admin/campaigns/{id}/steps/{}/move", steps[0]),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(locked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM campaign_steps s JOIN campaigns c ON c.id = s.campaign_id WHERE c.title = 'Listening week'").await,
        3,
        "a released step is not removed"
    );

    // Who got what, CSV, override, results, timeline.
    let people = admin.get(&format!("/admin/campaigns/{id}/people")).await;
    assert_eq!(people.status, StatusCode::OK);
    assert!(
        people.text("table").contains("Leo"),
        "{}",
        people.text("main")
    );
    let csv = admin
        .get(&format!("/admin/campaigns/{id}/people.csv"))
        .await;
    assert!(
        csv.body
            .lines()
            .next()
            .unwrap()
            .contains("1. Ask one colleague")
    );
    assert!(
        csv.body
            .lines()
            .any(|l| l.contains("learner@example.com") && l.contains("done"))
    );
    let leo_id: Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    admin
        .post(
            &format!("/admin/campaigns/{id}/people/{leo_id}"),
            &[("action", "release_all")],
        )
        .await;
    assert!(
        !leo.get(&format!("/campaigns/{id}"))
            .await
            .text("main")
            .contains("Unlocks"),
        "everything released"
    );
    let results = admin.get(&format!("/admin/campaigns/{id}/results")).await;
    assert!(results.body.contains("<svg"));
    assert!(results.text("table").contains("1. Ask one colleague"));
    let timeline = admin
        .get(&format!(
            "/admin/campaigns/{id}/timeline?email=learner%40example.com"
        ))
        .await;
    assert_eq!(timeline.status, StatusCode::OK);
    assert!(timeline.text("main").contains("Future practice"));
    // Today Leo gets two 5-minute steps from each of the two test campaigns:
    // 20 minutes against a 10-minute budget, flagged with the other campaign named.
    let load = timeline.text("main");
    assert!(
        load.contains("Over budget") && load.contains("(Just for Leo, 5 min)"),
        "{load}"
    );

    // Managers see their reports' campaigns with the business reason.
    let team = mia.get("/manage/campaigns").await.text("main");
    assert!(
        team.contains("Listening week") && team.contains("Fewer escalations"),
        "{team}"
    );
    let mut other_manager = app
        .signed_in(
            &sqlx::query_scalar::<_, String>(
                "SELECT email FROM users WHERE role = 'manager' AND email <> 'manager@example.com' LIMIT 1",
            )
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        )
        .await;
    assert!(
        !other_manager
            .get("/manage/campaigns")
            .await
            .text("main")
            .contains("Just for Leo"),
        "another manager does not see Leo's campaign"
    );
}

#[tokio::test]
async fn open_campaigns_late_joiners_and_steps_done_from_the_library() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let id = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let open = id("SELECT id FROM campaigns WHERE audience = 'open'").await;
    let feedback = id("SELECT id FROM campaigns WHERE title = 'Feedback that lands'").await;
    let enrolled = |c: Uuid| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM campaign_enrolments e JOIN users u ON u.id = e.user_id
                 WHERE e.campaign_id = $1 AND u.email = 'learner@example.com'",
            )
            .bind(c)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Open campaigns are offered, joined from their page, and left again.
    let list = leo.get("/campaigns").await.text("main");
    assert!(list.contains("Open to join") && list.contains("Meetings people want to attend"));
    let page = leo.get(&format!("/campaigns/{open}")).await;
    assert!(page.text("main").contains("Join this campaign"));
    assert_eq!(enrolled(open).await, 0);
    let joined = leo.post(&format!("/campaigns/{open}/join"), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    assert_eq!(enrolled(open).await, 1);
    let page = leo.get(&format!("/campaigns/{open}")).await.text("main");
    assert!(page.contains("Unlocks"), "it starts next week: {page}");
    assert!(
        !leo.get("/campaigns")
            .await
            .text("main")
            .contains("Join “Meetings")
    );

    // Doing a step's library item completes the step, even before it unlocks.
    let slug: String = sqlx::query_scalar(
        "SELECT i.slug FROM campaign_steps s JOIN content_items i ON i.id = s.item_id
         WHERE s.campaign_id = $1 AND s.position = 1",
    )
    .bind(open)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        leo.post(&format!("/library/{slug}/done"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        leo.get(&format!("/campaigns/{open}"))
            .await
            .text("main")
            .contains("1 of 6 steps done")
    );
    // A reflection on a step's prompt completes that step.
    let (step, prompt): (Uuid, Uuid) = sqlx::query_as(
        "SELECT s.id, s.prompt_id FROM campaign_steps s
         JOIN campaigns c ON c.id = s.campaign_id AND c.status = 'published'
         JOIN campaign_enrolments e ON e.campaign_id = c.id
         JOIN users u ON u.id = e.user_id AND u.email = 'learner@example.com'
         WHERE s.kind = 'reflection'
           AND NOT EXISTS (SELECT 1 FROM campaign_progress p WHERE p.step_id = s.id AND p.user_id = u.id)
         ORDER BY s.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let step_done = || {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM campaign_progress p JOIN users u ON u.id = p.user_id
                 WHERE p.step_id = $1 AND u.email = 'learner@example.com'",
            )
            .bind(step)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(step_done().await, 0);
    let reflected = leo
        .post(
            "/reflections",
            &[
                ("guided", "1"),
                ("prompt_id", &prompt.to_string()),
                ("happened", "Asked for feedback on the launch plan."),
            ],
        )
        .await;
    assert_eq!(reflected.status, StatusCode::SEE_OTHER);
    assert_eq!(step_done().await, 1);

    let left = leo.post(&format!("/campaigns/{open}/leave"), &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(enrolled(open).await, 0);
    assert_eq!(
        leo.get(&format!("/campaigns/{open}")).await.status,
        StatusCode::OK,
        "joinable again"
    );
    // A campaign L&D assigned cannot be left.
    leo.post(&format!("/campaigns/{feedback}/leave"), &[]).await;
    assert_eq!(enrolled(feedback).await, 1);

    // Someone who joins the organisation later is enrolled in running
    // "everyone" campaigns (the 15-minute job), not in finished or open ones.
    let mut admin = app.signed_in("admin@example.com").await;
    let new = admin
        .post(
            "/admin/people",
            &[
                ("name", "Nia Late"),
                ("email", "nia.late@example.com"),
                ("role", "learner"),
                ("manager_email", "manager@example.com"),
                ("timezone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER, "{}", new.body);
    let mut c = app.pool.acquire().await.unwrap();
    let added = inflow::campaigns::store::enrol_audiences(&mut c, None)
        .await
        .unwrap();
    assert_eq!(added, 1);
    assert_eq!(
        inflow::campaigns::store::enrol_audiences(&mut c, None)
            .await
            .unwrap(),
        0,
        "idempotent"
    );
    let theirs: Vec<String> = sqlx::query_scalar(
        "SELECT c.title FROM campaign_enrolments e JOIN campaigns c ON c.id = e.campaign_id
         JOIN users u ON u.id = e.user_id WHERE u.email = 'nia.late@example.com'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(theirs, ["Feedback that lands"]);
}
