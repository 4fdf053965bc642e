//! Today's plan (`learner_plans`): built on the day's first visit and read
//! back afterwards; what the learner does today (items done, reviews
//! answered, steps done) shows at once; a change to their inputs or to the
//! catalogue makes it stale; the worker prepares the next day's plan and
//! drops idle ones.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::daily::{local_today, user_id};
use crate::harness::{Client, TestApp};
use inflow::daily::model::REC_CANDIDATES;

const LEO: &str = "learner@example.com";

#[derive(sqlx::FromRow)]
struct PlanRow {
    local_date: NaiveDate,
    opened_on: NaiveDate,
    built_at: DateTime<Utc>,
    recs: String,
    review_ids: Vec<Uuid>,
    past_days: Vec<NaiveDate>,
    current: bool,
}

impl PlanRow {
    /// The candidates' ids, best first, read as the page reads them.
    fn rec_ids(&self) -> Vec<Uuid> {
        inflow::daily::plan::read_recs(&self.recs)
            .expect("a stored plan reads back")
            .iter()
            .map(|c| c.id)
            .collect()
    }
}

/// The learner's plan, and whether it is current for `today`.
async fn plan_of(app: &TestApp, user: Uuid, today: NaiveDate) -> Option<PlanRow> {
    sqlx::query_as(
        "SELECT lp.local_date, lp.opened_on, lp.built_at, lp.recs, lp.review_ids, lp.past_days,
                lp.local_date = $2 AND lp.version = h.plan_version
                    AND lp.epoch = (SELECT n FROM plan_epoch) AS current
         FROM learner_plans lp JOIN learner_habits h ON h.user_id = lp.user_id
         WHERE lp.user_id = $1",
    )
    .bind(user)
    .bind(today)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

/// The candidates a plan built now would hold.
async fn fresh_candidates(app: &TestApp, user: Uuid) -> Vec<Uuid> {
    let mut c = app.pool.acquire().await.unwrap();
    let has: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM learner_interests WHERE user_id = $1)")
            .bind(user)
            .fetch_one(&mut *c)
            .await
            .unwrap();
    inflow::daily::store::recommendations(&mut c, user, has, REC_CANDIDATES)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// Leo's id and his local date.
async fn leo_and_his_today(app: &TestApp) -> (Uuid, NaiveDate) {
    let leo = user_id(app, LEO).await;
    let tz: String = sqlx::query_scalar("SELECT timezone FROM users WHERE id = $1")
        .bind(leo)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (leo, local_today(&tz))
}

/// Runs `sql` with Leo's id as `$1`.
async fn for_leo(app: &TestApp, leo: Uuid, sql: &'static str) {
    sqlx::query(sql).bind(leo).execute(&app.pool).await.unwrap();
}

/// No plan for anyone: the next visit is a day's first.
async fn clear_plans(app: &TestApp) {
    sqlx::query("DELETE FROM learner_plans")
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn today_page(c: &mut Client) -> crate::harness::Res {
    let res = c.get("/today").await;
    assert_eq!(res.status, StatusCode::OK);
    res
}

#[tokio::test]
async fn the_first_visit_builds_the_plan_and_later_visits_read_it_back() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    // Done on a step of one of Leo's campaigns is progress, which rebuilds
    // the plan by design; the recommendation done below must be a plain
    // one, and which items come first follows Leo's id, new each run (with
    // his campaigns, the first card was one of their steps in some runs).
    for_leo(
        &app,
        leo,
        "DELETE FROM campaign_enrolments WHERE user_id = $1",
    )
    .await;
    clear_plans(&app).await;
    let mut c = app.signed_in(LEO).await;

    let first = today_page(&mut c).await;
    let plan = plan_of(&app, leo, today).await.expect("a plan was built");
    assert!(plan.current);
    assert_eq!((plan.local_date, plan.opened_on), (today, today));
    assert_eq!(plan.rec_ids(), fresh_candidates(&app, leo).await);
    assert!(!plan.rec_ids().is_empty(), "Leo has candidates");

    // Read back: the same page, and the plan was not rebuilt.
    let again = today_page(&mut c).await;
    assert_eq!(first.text("main"), again.text("main"));
    let read = plan_of(&app, leo, today).await.unwrap();
    assert_eq!(read.built_at, plan.built_at, "read back, not rebuilt");

    // Done today: gone from the page at once, without a rebuild.
    let titles = again.texts(".item-card h3");
    assert!(!titles.is_empty(), "Leo has recommendations today");
    let done_href = again.doc();
    let slug = done_href
        .select(&scraper::Selector::parse(".item-card h3 a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .trim_start_matches("/library/")
        .to_owned();
    let res = c
        .post(&format!("/library/{slug}/done"), &[("back", "/today")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = today_page(&mut c).await;
    assert!(
        !after.texts(".item-card h3").contains(&titles[0]),
        "{} is done today",
        titles[0]
    );
    let read = plan_of(&app, leo, today).await.unwrap();
    assert!(read.current);
    assert_eq!(
        read.built_at, plan.built_at,
        "done today is read, not rebuilt"
    );

    // Archived by L&D: gone at once (the catalogue changed, so the plan is
    // rebuilt).
    let done_id: Uuid = sqlx::query_scalar("SELECT id FROM content_items WHERE slug = $1")
        .bind(&slug)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let item = *read.rec_ids().iter().find(|id| **id != done_id).unwrap();
    let title: String = sqlx::query_scalar("SELECT title FROM content_items WHERE id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut admin = app.signed_in("admin@example.com").await;
    let res = admin
        .post(
            &format!("/admin/library/{item}/status"),
            &[("to", "archived")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = today_page(&mut c).await;
    assert!(!after.text("main").contains(&title), "{title} is archived");
    let rebuilt = plan_of(&app, leo, today).await.unwrap();
    assert!(rebuilt.current);
    assert!(rebuilt.built_at > plan.built_at, "rebuilt");
    assert!(!rebuilt.rec_ids().contains(&item));
    assert_eq!(rebuilt.rec_ids(), fresh_candidates(&app, leo).await);
}

/// After each change the plan the page reads holds what a fresh build would.
#[tokio::test]
async fn a_change_to_the_learners_inputs_or_the_catalogue_refreshes_the_plan() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    let mut c = app.signed_in(LEO).await;
    today_page(&mut c).await;
    let changes = [
        (
            "Leo follows every topic",
            "INSERT INTO learner_interests (user_id, topic_id)
             SELECT u.id, t.id FROM users u, topics t WHERE u.email = 'learner@example.com'
             ON CONFLICT DO NOTHING",
        ),
        (
            "Leo dismisses his first candidate",
            "INSERT INTO dismissed_items (user_id, item_id)
             SELECT user_id, split_part(recs, ' ', 1)::uuid FROM learner_plans
             WHERE user_id = (SELECT id FROM users WHERE email = 'learner@example.com')",
        ),
        (
            "a new item is published in one of his topics",
            "WITH i AS (INSERT INTO content_items (id, slug, title, summary, kind, minutes, status, published_at,
                                                   useful_yes)
                        VALUES (gen_random_uuid(), 'fresh-off-the-press', 'Fresh off the press', 'New.',
                                'article', 3, 'published', now(), 1000) RETURNING id)
             INSERT INTO item_topics (item_id, topic_id)
             SELECT i.id, li.topic_id FROM i, learner_interests li
             WHERE li.user_id = (SELECT id FROM users WHERE email = 'learner@example.com') LIMIT 1",
        ),
    ];
    for (when, sql) in changes {
        let before = plan_of(&app, leo, today).await.unwrap();
        assert!(before.current, "current before: {when}");
        sqlx::query(sql).execute(&app.pool).await.unwrap();
        let stale = plan_of(&app, leo, today).await.unwrap();
        assert!(!stale.current, "stale after: {when}");
        today_page(&mut c).await;
        let after = plan_of(&app, leo, today).await.unwrap();
        assert!(after.current, "rebuilt after: {when}");
        assert_eq!(
            after.rec_ids(),
            fresh_candidates(&app, leo).await,
            "after: {when}"
        );
        assert_ne!(after.rec_ids(), before.rec_ids(), "{when} changed them");
    }
    let newest: Uuid =
        sqlx::query_scalar("SELECT id FROM content_items WHERE slug = 'fresh-off-the-press'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let plan = plan_of(&app, leo, today).await.unwrap();
    assert_eq!(plan.rec_ids()[0], newest, "the new, most useful item leads");
}

#[tokio::test]
async fn the_worker_prepares_the_next_days_plan_and_drops_idle_ones() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    clear_plans(&app).await;
    let mut c = app.signed_in(LEO).await;
    today_page(&mut c).await;
    // Another learner, neither away nor Leo, opens Today too.
    let other: String = sqlx::query_scalar(
        "SELECT u.email FROM users u JOIN learner_habits h ON h.user_id = u.id
         WHERE h.onboarded_at IS NOT NULL AND u.email <> $1
           AND NOT EXISTS (SELECT 1 FROM habit_pauses p WHERE p.user_id = u.id)
         ORDER BY u.email LIMIT 1",
    )
    .bind(LEO)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut a = app.signed_in(&other).await;
    today_page(&mut a).await;
    let ava = user_id(&app, &other).await;
    assert!(plan_of(&app, ava, local_today("UTC")).await.is_some());

    // Nothing is due before the learner's next day starts.
    let now = Utc::now();
    let p = inflow::daily::plan::prepare_due(&app.pool, now, 100)
        .await
        .unwrap();
    assert_eq!(p, Default::default());

    // Tomorrow: Leo's plan is prepared for his new date; Ava has left.
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(ava)
        .execute(&app.pool)
        .await
        .unwrap();
    let tomorrow = now + Duration::days(1);
    let p = inflow::daily::plan::prepare_due(&app.pool, tomorrow, 100)
        .await
        .unwrap();
    assert_eq!((p.built, p.dropped), (1, 1));
    let next = plan_of(&app, leo, today + Duration::days(1)).await.unwrap();
    assert!(next.current, "current for tomorrow");
    assert_eq!(next.opened_on, today, "preparing is not opening");
    assert!(plan_of(&app, ava, today).await.is_none());

    // Away for more than a fortnight: dropped instead of prepared.
    let later = now + Duration::days(1 + inflow::daily::model::PLAN_IDLE_DAYS);
    let p = inflow::daily::plan::prepare_due(&app.pool, later, 100)
        .await
        .unwrap();
    assert_eq!((p.built, p.dropped), (0, 1));
    assert!(plan_of(&app, leo, today).await.is_none());
}

#[tokio::test]
async fn steps_released_or_done_show_on_today_at_once() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in(LEO).await;
    today_page(&mut c).await;
    // L&D releases everything of Leo's running campaigns (whatever the hour).
    let released = sqlx::query(
        "UPDATE campaign_enrolments e SET released_all_at = now()
         FROM campaigns c, users u
         WHERE c.id = e.campaign_id AND c.status = 'published' AND c.starts_on <= current_date
           AND c.ends_on >= current_date + 1 AND u.id = e.user_id AND u.email = $1",
    )
    .bind(LEO)
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(
        released.rows_affected() > 0,
        "Leo follows a running campaign"
    );
    let page = today_page(&mut c).await;
    let doc = page.doc();
    let form = scraper::Selector::parse("section[aria-labelledby=steps-h] form").unwrap();
    let action = doc
        .select(&form)
        .next()
        .and_then(|f| f.value().attr("action"))
        .expect("Leo has a campaign step waiting today")
        .to_owned();
    let title = page.texts("section[aria-labelledby=steps-h] h3")[0].clone();
    let again = today_page(&mut c).await;
    assert!(again.text("main").contains(&title), "read back: {title}");

    let res = c.post(&action, &[("back", "today")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = today_page(&mut c).await;
    assert!(
        !after
            .texts("section[aria-labelledby=steps-h] h3")
            .contains(&title),
        "{title} is done"
    );
}

/// The review questions on a Today page, in order.
fn reviews_on(page: &crate::harness::Res) -> Vec<Uuid> {
    let doc = page.doc();
    let sel = scraper::Selector::parse("form.review-card").unwrap();
    doc.select(&sel)
        .filter_map(|f| f.value().attr("action"))
        .map(|a| a.rsplit('/').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn reviews_answered_leave_today_at_once_and_an_edited_question_refreshes_the_plan() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    // Room for three reviews whatever the hour: no campaign steps, the
    // largest budget; and more questions due than the page shows.
    for sql in [
        "DELETE FROM campaign_enrolments WHERE user_id = $1",
        "UPDATE learner_habits SET daily_minutes = 15 WHERE user_id = $1",
        "INSERT INTO review_schedule (user_id, question_id, stage, due_on, last_answered_on)
         SELECT $1, q.id, 1, current_date - 2, current_date - 3 FROM review_questions q
         WHERE NOT EXISTS (SELECT 1 FROM review_schedule s WHERE s.user_id = $1 AND s.question_id = q.id)
         ORDER BY q.id LIMIT 3",
    ] {
        sqlx::query(sql).bind(leo).execute(&app.pool).await.unwrap();
    }
    clear_plans(&app).await;
    let due: Vec<Uuid> = sqlx::query_scalar(
        "SELECT question_id FROM review_schedule
         WHERE user_id = $1 AND NOT retired AND due_on <= $2 ORDER BY due_on, question_id",
    )
    .bind(leo)
    .bind(today)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(due.len() > 3, "Leo has {} reviews due", due.len());
    let mut c = app.signed_in(LEO).await;

    let page = today_page(&mut c).await;
    let plan = plan_of(&app, leo, today).await.unwrap();
    assert_eq!(
        plan.review_ids, due,
        "the plan holds every review due, oldest first"
    );
    assert_eq!(
        reviews_on(&page),
        due[..3],
        "the page shows the oldest three"
    );

    // Answered: gone at once, the next one due moves up, no rebuild.
    let first = due[0];
    let correct: i32 = sqlx::query_scalar("SELECT correct FROM review_questions WHERE id = $1")
        .bind(first)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = c
        .post(
            &format!("/today/review/{first}"),
            &[("answer", &correct.to_string()), ("back", "/today")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = today_page(&mut c).await;
    assert_eq!(reviews_on(&after), due[1..4]);
    let read = plan_of(&app, leo, today).await.unwrap();
    assert!(read.current);
    assert_eq!(
        read.built_at, plan.built_at,
        "answers are read, not rebuilt"
    );

    // L&D rewords a question: every plan is stale; the page shows the new
    // wording from the rebuilt plan, which no longer holds the answered one.
    let second = due[1];
    sqlx::query("UPDATE review_questions SET prompt = 'Which habit sticks best?' WHERE id = $1")
        .bind(second)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(!plan_of(&app, leo, today).await.unwrap().current);
    let page = today_page(&mut c).await;
    assert!(page.text("main").contains("Which habit sticks best?"));
    let rebuilt = plan_of(&app, leo, today).await.unwrap();
    assert!(rebuilt.current && rebuilt.built_at > plan.built_at);
    assert_eq!(rebuilt.review_ids, due[1..]);
}

/// Leo's streak as the page shows it ("Streak 3 days · best 5").
fn streak_of(page: &crate::harness::Res) -> String {
    let stats = page.text(".habit-stats");
    let at = stats.find("Streak").expect("the streak is shown");
    stats[at..].split('·').next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn the_plan_keeps_the_learners_past_days_and_a_new_one_before_it_drops_the_plan() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    clear_plans(&app).await;
    let mut c = app.signed_in(LEO).await;
    today_page(&mut c).await;
    let learned: Vec<NaiveDate> = sqlx::query_scalar(
        "SELECT DISTINCT local_date FROM activities
         WHERE user_id = $1 AND verb IN ('completed', 'answered', 'reflected')
           AND local_date < $2 AND local_date >= $3 ORDER BY 1",
    )
    .bind(leo)
    .bind(today)
    .bind(inflow::daily::model::history_since(today))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let plan = plan_of(&app, leo, today).await.unwrap();
    assert!(!learned.is_empty(), "the demo gives Leo a history");
    assert_eq!(plan.past_days, learned, "the learning days before today");

    // A learning day before today that the plan does not have (a time zone
    // moved back): the plan goes, and the streak counts the day at once.
    let missing = (1..60)
        .map(|n| today - Duration::days(n))
        .find(|d| !learned.contains(d))
        .expect("a day Leo did not learn on");
    let before = streak_of(&today_page(&mut c).await);
    sqlx::query(
        "INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date)
         SELECT $1, 'answered', 'question', q.id, now(), $2 FROM review_questions q LIMIT 1",
    )
    .bind(leo)
    .bind(missing)
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(
        plan_of(&app, leo, today).await.is_none(),
        "the plan was dropped"
    );
    let page = today_page(&mut c).await;
    let rebuilt = plan_of(&app, leo, today).await.unwrap();
    let mut with_it = learned.clone();
    with_it.push(missing);
    with_it.sort();
    assert_eq!(rebuilt.past_days, with_it);
    let pauses: Vec<inflow::daily::model::Pause> = Vec::new();
    let mut days = with_it.clone();
    let learned_today: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM activities WHERE user_id = $1 AND local_date = $2
                        AND verb IN ('completed', 'answered', 'reflected'))",
    )
    .bind(leo)
    .bind(today)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    if learned_today {
        days.push(today);
    }
    let habit = inflow::daily::model::habit(&days, &pauses, today);
    let want = format!(
        "Streak {} {}",
        habit.current,
        if habit.current == 1 { "day" } else { "days" }
    );
    assert!(
        streak_of(&page).starts_with(&want),
        "{} (was {before}), want {want}",
        streak_of(&page)
    );

    // Today's own learning is read live, without a rebuild.
    let built = rebuilt.built_at;
    let slug: String = sqlx::query_scalar(
        "SELECT slug FROM content_items i WHERE status = 'published'
           AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.user_id = $1 AND a.object_id = i.id
                           AND a.verb = 'completed')
         ORDER BY slug LIMIT 1",
    )
    .bind(leo)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let res = c.post(&format!("/library/{slug}/done"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    today_page(&mut c).await;
    let mut learned_now = with_it;
    learned_now.push(today);
    let habit = inflow::daily::model::habit(&learned_now, &pauses, today);
    let page = today_page(&mut c).await;
    assert!(
        streak_of(&page).starts_with(&format!("Streak {} ", habit.current)),
        "{} after learning today, want {}",
        streak_of(&page),
        habit.current
    );
    let read = plan_of(&app, leo, today).await.unwrap();
    assert!(read.current);
    assert_eq!(
        read.built_at, built,
        "today's learning is read, not rebuilt"
    );

    // Deleting activities (the benchmark's resets do) drops the plans whose
    // past days they were.
    sqlx::query("DELETE FROM activities WHERE user_id = $1 AND local_date = $2")
        .bind(leo)
        .bind(missing)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(plan_of(&app, leo, today).await.is_none(), "dropped");
    today_page(&mut c).await;
    assert!(
        !plan_of(&app, leo, today)
            .await
            .unwrap()
            .past_days
            .contains(&missing)
    );
}

#[tokio::test]
async fn a_change_to_the_reflection_prompts_refreshes_the_plan() {
    let app = TestApp::demo().await;
    let (leo, today) = leo_and_his_today(&app).await;
    // No reflection today, and time for one: the page offers a prompt.
    for_leo(&app, leo, "DELETE FROM reflections WHERE author_id = $1").await;
    for_leo(
        &app,
        leo,
        "UPDATE learner_habits SET daily_minutes = 15 WHERE user_id = $1",
    )
    .await;
    clear_plans(&app).await;
    let mut c = app.signed_in(LEO).await;
    let page = today_page(&mut c).await;
    let shown = page.text(".reflect-card .prompt");
    assert!(!shown.is_empty(), "a prompt is offered");
    assert!(plan_of(&app, leo, today).await.unwrap().current);

    // L&D rewords every prompt: the next visit shows the new words.
    sqlx::query("UPDATE reflection_prompts SET text = 'Reworded: ' || text")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(!plan_of(&app, leo, today).await.unwrap().current, "stale");
    let page = today_page(&mut c).await;
    assert_eq!(
        page.text(".reflect-card .prompt"),
        format!("Reworded: {shown}")
    );

    // No active prompt left: none is offered.
    sqlx::query("UPDATE reflection_prompts SET active = false")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = today_page(&mut c).await;
    assert!(page.texts(".reflect-card").is_empty(), "no prompt to offer");
    assert!(plan_of(&app, leo, today).await.unwrap().current);
}
