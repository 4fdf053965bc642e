//! The hot pages on a small benchmark organisation (`inflow bench-seed`
//! code, real Postgres): each runs a bounded number of SQL statements, the
//! same for a learner with ten times the history, and none of those
//! statements plans a sequential scan on a table that grows with the
//! organisation, even with the planner told to avoid one where an index
//! could serve (`enable_seqscan = off`, generic plan, `EXPLAIN (FORMAT JSON)`).

use axum::http::StatusCode;
use inflow::bench::{Sizes, bench_id};
use inflow::daily::model::{MAX_REVIEWS, REC_CANDIDATES, REVIEWS_A_DAY};
use serde_json::Value;
use sqlx::{Connection, Executor, PgPool};

use crate::capture::Listener;
use crate::harness::{Client, TestApp, fresh_db};

/// Tables small enough by nature (a few hundred rows at organisation scale)
/// that a sequential scan is the right plan.
const SMALL: [&str; 8] = [
    "plan_epoch",
    "topics",
    "campaigns",
    "campaign_steps",
    "campaign_teams",
    "campaign_topics",
    "reflection_prompts",
    "integrations",
];

pub(crate) fn sizes(learners: i64, activities_per_learner: i64) -> Sizes {
    Sizes {
        learners,
        teams: 0,
        items: 60,
        campaigns: 6,
        activities_per_learner,
        goals_per_learner: 2,
        reflections_per_learner: 3,
        sessions: 4,
    }
    .checked(Some(4))
    .unwrap()
}

struct Page {
    name: &'static str,
    manager: bool,
    post: bool,
    path: String,
    status: StatusCode,
    /// At most this many statements, the session lookup included: what the
    /// page runs now (BENCHMARKS.md lists them), so a new one shows here.
    budget: usize,
}

fn pages(goal: &str) -> Vec<Page> {
    let page = |name, manager, post, path: String, status, budget| Page {
        name,
        manager,
        post,
        path,
        status,
        budget,
    };
    vec![
        page(
            "today",
            false,
            false,
            "/today".into(),
            StatusCode::OK,
            // The session with the page's state and plan.
            inflow::daily::store::TODAY_QUERIES,
        ),
        page(
            "search",
            false,
            false,
            "/library?q=feedback".into(),
            StatusCode::OK,
            // Session and search: the warm-up read the topic list for this epoch.
            2,
        ),
        page(
            "item",
            false,
            false,
            "/library/bench-item-7".into(),
            StatusCode::OK,
            // Session, the item with its extras, the view and the related
            // items the warm-up kept.
            2,
        ),
        page(
            "team",
            true,
            false,
            "/manage/team".into(),
            StatusCode::OK,
            2,
        ),
        page(
            "goal",
            false,
            false,
            format!("/goals/{goal}"),
            StatusCode::OK,
            // Session, the goal with its suggested evidence, the timeline.
            3,
        ),
        page(
            "done",
            false,
            true,
            "/library/bench-item-9/done".into(),
            StatusCode::SEE_OTHER,
            2,
        ),
    ]
}

pub(crate) async fn seeded(sizes: &Sizes) -> (TestApp, Vec<inflow::bench::BenchSession>) {
    let pool = fresh_db(4).await;
    let sessions = inflow::bench::seed(&pool, sizes, std::io::sink())
        .await
        .expect("bench seed");
    (TestApp::with_pool(pool), sessions)
}

pub(crate) fn client_for(app: &TestApp, token: &str) -> Client {
    let mut c = app.client();
    c.cookies.insert("inflow_session".into(), token.into());
    c
}

async fn run(c: &mut Client, p: &Page) -> StatusCode {
    if p.post {
        c.post(&p.path, &[("back", "/today")]).await.status
    } else {
        c.get(&p.path).await.status
    }
}

/// The statements one request runs, after a warm-up request of the same page.
async fn statements_of(app: &TestApp, token: &str, p: &Page, log: &Listener) -> Vec<String> {
    let mut c = client_for(app, token);
    assert_eq!(run(&mut c, p).await, p.status, "{} (warm-up)", p.name);
    log.take();
    let status = run(&mut c, p).await;
    assert_eq!(status, p.status, "{}", p.name);
    log.take()
}

/// Relations a plan reads with a sequential scan.
fn seq_scans(plan: &Value, out: &mut Vec<String>) {
    match plan {
        Value::Object(m) => {
            if m.get("Node Type").and_then(Value::as_str) == Some("Seq Scan")
                && let Some(r) = m.get("Relation Name").and_then(Value::as_str)
            {
                out.push(r.to_owned());
            }
            m.values().for_each(|v| seq_scans(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| seq_scans(v, out)),
        _ => {}
    }
}

/// The generic plan of `sql` with sequential scans discouraged.
async fn plan(pool: &PgPool, sql: &str) -> Value {
    let params = (1..=32)
        .filter(|n| {
            let p = format!("${n}");
            sql.match_indices(&p).any(|(i, _)| {
                !sql[i + p.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            })
        })
        .max()
        .unwrap_or(0);
    let mut c = pool.acquire().await.unwrap();
    let mut tx = c.begin().await.unwrap();
    tx.execute("SET LOCAL enable_seqscan = off").await.unwrap();
    tx.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        .await
        .unwrap();
    tx.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PREPARE hot AS {sql}"
    ))))
    .await
    .unwrap_or_else(|e| panic!("cannot prepare {sql}: {e}"));
    let args = vec!["NULL"; params].join(", ");
    let execute = if params == 0 {
        "EXECUTE hot".to_owned()
    } else {
        format!("EXECUTE hot({args})")
    };
    let plan: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "EXPLAIN (FORMAT JSON) {execute}"
    )))
    .fetch_one(&mut *tx)
    .await
    .unwrap_or_else(|e| panic!("cannot explain {sql}: {e}"));
    // PREPARE outlives the transaction.
    tx.execute("DEALLOCATE hot").await.unwrap();
    tx.rollback().await.unwrap();
    plan
}

fn is_statement(sql: &str) -> bool {
    !matches!(
        sql.to_ascii_uppercase().as_str(),
        "BEGIN" | "COMMIT" | "ROLLBACK"
    )
}

#[tokio::test]
async fn hot_pages_run_few_indexed_queries() {
    let log = Listener::listen();
    let (app, sessions) = seeded(&sizes(200, 30)).await;
    let learner = sessions.iter().find(|s| s.role == "learner").unwrap();
    let manager = sessions.iter().find(|s| s.role == "manager").unwrap();
    let goal = learner.goal_id.expect("the learner has a goal").to_string();
    assert_eq!(learner.user_id, bench_id(3, 1));

    // The check itself: a filter no index serves is reported.
    let mut scans = Vec::new();
    let unindexed = "SELECT id FROM activities WHERE duration_seconds = $1";
    seq_scans(&plan(&app.pool, unindexed).await, &mut scans);
    assert_eq!(scans, ["activities"]);

    let mut failures = Vec::new();
    for p in pages(&goal) {
        let who = if p.manager { manager } else { learner };
        let sent = statements_of(&app, &who.token, &p, &log).await;
        assert!(
            !sent.is_empty() && sent.len() <= p.budget,
            "{} ran {} statements (budget {}):\n{}",
            p.name,
            sent.len(),
            p.budget,
            sent.join("\n---\n")
        );
        check_indexed(&app.pool, p.name, &sent, &mut failures).await;
    }

    // Today's first visit of the day builds the plan: a few more statements,
    // each indexed too.
    sqlx::query("DELETE FROM learner_plans")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c = client_for(&app, &learner.token);
    log.take();
    assert_eq!(c.get("/today").await.status, StatusCode::OK);
    let sent = log.take();
    let budget = inflow::daily::store::TODAY_BUILD_QUERIES;
    assert!(
        sent.len() > inflow::daily::store::TODAY_QUERIES && sent.len() <= budget,
        "today's first visit ran {} statements (budget {budget}):\n{}",
        sent.len(),
        sent.join("\n---\n")
    );
    check_indexed(&app.pool, "today (first visit)", &sent, &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Adds to `failures` each statement of `sent` that scans a large table.
async fn check_indexed(pool: &PgPool, page: &str, sent: &[String], failures: &mut Vec<String>) {
    for sql in sent.iter().filter(|s| is_statement(s)) {
        let mut scans = Vec::new();
        seq_scans(&plan(pool, sql).await, &mut scans);
        scans.retain(|t| !SMALL.contains(&t.as_str()));
        if !scans.is_empty() {
            failures.push(format!("{page}: Seq Scan on {scans:?} in\n{sql}"));
        }
    }
}

#[tokio::test]
async fn query_counts_do_not_grow_with_history() {
    let log = Listener::listen();
    let (small, s1) = seeded(&sizes(40, 5)).await;
    let (large, s2) = seeded(&sizes(40, 50)).await;
    for (a, b) in [(&small, &s1), (&large, &s2)] {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM activities")
            .fetch_one(&a.pool)
            .await
            .unwrap();
        assert!(n >= 40 * 5, "{n} activities");
        assert!(!b.is_empty());
    }
    let learner = |s: &[inflow::bench::BenchSession]| {
        s.iter()
            .find(|x| x.role == "learner")
            .map(|x| (x.token.clone(), x.goal_id.unwrap().to_string()))
            .unwrap()
    };
    let manager = |s: &[inflow::bench::BenchSession]| {
        s.iter()
            .find(|x| x.role == "manager")
            .unwrap()
            .token
            .clone()
    };
    let (t1, g1) = learner(&s1);
    let (t2, g2) = learner(&s2);
    for (p1, p2) in pages(&g1).iter().zip(pages(&g2).iter()) {
        let (a, b) = if p1.manager {
            (manager(&s1), manager(&s2))
        } else {
            (t1.clone(), t2.clone())
        };
        let few = statements_of(&small, &a, p1, &log).await.len();
        let many = statements_of(&large, &b, p2, &log).await.len();
        assert_eq!(few, many, "{}: {few} vs {many} statements", p1.name);
    }
}

/// The recommendations as first written (a walk over the whole catalogue),
/// kept here as the reference the ranked per-topic index must agree with.
async fn reference_recommendations(
    pool: &PgPool,
    user: uuid::Uuid,
) -> Vec<(uuid::Uuid, Option<String>)> {
    sqlx::query_as(
        "WITH mine AS (SELECT topic_id FROM learner_interests WHERE user_id = $1)
         SELECT i.id,
                (SELECT t.name FROM item_topics it JOIN topics t ON t.id = it.topic_id
                 WHERE it.item_id = i.id AND it.topic_id IN (SELECT topic_id FROM mine) ORDER BY t.name LIMIT 1)
         FROM content_items i
         WHERE i.status = 'published'
           AND EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic_id IN (SELECT topic_id FROM mine))
           AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.user_id = $1 AND a.object_type = 'item'
                           AND a.object_id = i.id AND a.verb = 'completed')
           AND NOT EXISTS (SELECT 1 FROM dismissed_items d WHERE d.user_id = $1 AND d.item_id = i.id)
         ORDER BY i.useful_yes - i.useful_no DESC, i.published_at DESC
         LIMIT $2",
    )
    .bind(user)
    .bind(REC_CANDIDATES)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The first `learners` (at most 12) bench learners' candidates agree with
/// the reference.
async fn assert_same_recommendations(pool: &PgPool, learners: u64, when: &str) {
    let mut c = pool.acquire().await.unwrap();
    let mut with_some = 0;
    for n in 1..=learners.min(12) {
        let user = bench_id(3, n);
        let got: Vec<_> = inflow::daily::store::recommendations(&mut c, user, true, REC_CANDIDATES)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.topic))
            .collect();
        let want = reference_recommendations(pool, user).await;
        with_some += usize::from(!want.is_empty());
        assert_eq!(got, want, "learner {n}, {when}");
    }
    assert!(
        with_some >= 4,
        "only {with_some} learners have recommendations"
    );
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM topics t WHERE t.published_items <> (
             SELECT count(*) FROM item_topics it JOIN content_items i ON i.id = it.item_id
             WHERE it.topic_id = t.id AND i.status = 'published')",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stale, 0, "topic counts are current {when}");
}

#[tokio::test]
async fn ranked_recommendations_follow_ratings_publishing_and_topics() {
    let (app, _) = seeded(&sizes(40, 5)).await;
    let pool = &app.pool;
    assert_same_recommendations(pool, 40, "after seeding").await;
    let changes = [
        (
            "a rating lifts an item",
            "UPDATE content_items SET useful_yes = useful_yes + 40 WHERE slug = 'bench-item-33'",
        ),
        (
            "an item is archived",
            "UPDATE content_items SET status = 'archived' WHERE slug = 'bench-item-14'",
        ),
        (
            "a topic is unlinked",
            "DELETE FROM item_topics WHERE item_id = (SELECT id FROM content_items WHERE slug = 'bench-item-21')",
        ),
        (
            "an item gets a new topic",
            "INSERT INTO item_topics (item_id, topic_id) SELECT i.id, t.id FROM content_items i, topics t WHERE i.slug = 'bench-item-2' AND t.slug = 'feedback' ON CONFLICT DO NOTHING",
        ),
        (
            "an item is done and one dismissed",
            "INSERT INTO dismissed_items (user_id, item_id) SELECT u.id, i.id FROM users u, content_items i WHERE u.email LIKE 'learner%' AND i.slug = 'bench-item-33'",
        ),
    ];
    for (when, sql) in changes {
        sqlx::query(sql).execute(pool).await.unwrap();
        assert_same_recommendations(pool, 40, when).await;
    }
}

/// On a catalogue where every learner has more candidates than Today picks
/// from, the recommendations are the right `REC_CANDIDATES`, and a plan
/// brings the reviews due, oldest first (up to `REVIEWS_A_DAY`).
#[tokio::test]
async fn a_plan_brings_as_many_candidates_and_reviews_as_the_page_uses() {
    let (app, _) = seeded(&crate::item_page::catalogue()).await;
    let pool = &app.pool;
    assert_same_recommendations(pool, 4, "a large catalogue").await;
    let mut c = pool.acquire().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    for n in 1..=4 {
        let user = bench_id(3, n);
        let recs = inflow::daily::store::recommendations(&mut c, user, true, REC_CANDIDATES)
            .await
            .unwrap();
        assert_eq!(recs.len() as i64, REC_CANDIDATES, "learner {n}");
        let due: Vec<uuid::Uuid> = sqlx::query_scalar(
            "SELECT question_id FROM review_schedule
             WHERE user_id = $1 AND NOT retired AND due_on <= $2
             ORDER BY due_on, question_id",
        )
        .bind(user)
        .bind(today)
        .fetch_all(pool)
        .await
        .unwrap();
        assert!(due.len() > MAX_REVIEWS, "learner {n} has more reviews due");
        let plan = inflow::daily::store::plan::NewPlan {
            user,
            local_date: today,
            since: inflow::daily::model::history_since(today),
            next_day_at: chrono::Utc::now(),
            opened_on: today,
            version: 0,
            epoch: 0,
            recs: "",
            pauses: &[],
            steps: &[],
            reviews: REVIEWS_A_DAY,
        };
        let saved = inflow::daily::store::plan::save(&mut c, &plan)
            .await
            .unwrap();
        let limit = due.len().min(REVIEWS_A_DAY as usize);
        assert_eq!(saved.review_ids, due[..limit], "learner {n}");
        assert_eq!(saved.review_cards.len(), saved.review_ids.len());
    }
}
