//! The SQL of `inflow bench-seed`: one set-based statement per table
//! (`generate_series`, no row-by-row inserts). Sizes come from session
//! settings `bench.*` (see [`SIZES`]) so every statement is plain text.
//!
//! Rows people reach from the harness have predictable ids,
//! `pg_temp.bid(kind, n)` = `kkkkkkkk-0000-7000-8000-nnnnnnnnnnnn`, and
//! content items have slugs `bench-item-{n}`. These are runtime-checked
//! queries (not `query!`) because they call that session-local helper.

use sqlx::{Executor, PgConnection};

/// Session settings every statement reads with `current_setting`.
pub const SIZES: [&str; 8] = [
    "learners",
    "teams",
    "items",
    "campaigns",
    "activities",
    "goals",
    "reflections",
    "sessions",
];

/// Id kinds (the first group of a bench id).
pub const TEAM: u32 = 1;
pub const MANAGER: u32 = 2;
pub const LEARNER: u32 = 3;
pub const ITEM: u32 = 4;
pub const GOAL: u32 = 7;

const PREPARE: &str = r#"
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
SET work_mem = '64MB';
CREATE OR REPLACE FUNCTION pg_temp.bid(k int, n bigint) RETURNS uuid
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (lpad(to_hex(k), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE OR REPLACE FUNCTION pg_temp.size(name text) RETURNS int
  LANGUAGE sql STABLE
  AS $$ SELECT current_setting('bench.' || name)::int $$;
CREATE OR REPLACE FUNCTION pg_temp.pick(a text[], n bigint) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT a[1 + (n % cardinality(a))::int] $$;
"#;

/// Words for names, titles and bodies: search has something real to find.
const WORDS: &str = r#"
CREATE TEMP TABLE w AS SELECT
  ARRAY['Ada','Ben','Chloe','Dev','Elif','Femi','Grace','Hiro','Ines','Jon','Kemi','Luca','Maya','Nico','Omar','Priya','Quinn','Rosa','Sam','Tariq','Uma','Vik','Wen','Yara','Zoe'] AS first,
  ARRAY['Okafor','Smith','Nguyen','Garcia','Kowalski','Haddad','Silva','Tanaka','Müller','Patel','Jensen','Rossi','Kim','Dubois','Novak','Osei','Larsen','Costa','Ahmed','Walsh'] AS last,
  ARRAY['feedback','coaching','negotiation','onboarding','security','privacy','writing','meetings','delegation','budgeting','forecasting','inclusion','wellbeing','customer','pricing','contracts','hiring','interviewing','presenting','planning','estimation','testing','incident','handover','mentoring','conflict','decisions','strategy','storytelling','data','spreadsheets','safety','compliance','quality','sales','retention','accessibility','design','research','ethics'] AS topic,
  ARRAY['a practical guide to','five habits for','getting started with','common mistakes in','a checklist for','what good looks like in','ten minutes on','the basics of','leading','better'] AS lead,
  ARRAY['Europe/London','Europe/Berlin','America/New_York','America/Chicago','America/Los_Angeles','Asia/Singapore','Australia/Sydney','Asia/Kolkata','UTC'] AS tz;
"#;

/// Statements in order, each with what it fills (printed as it goes).
pub const STEPS: [(&str, &str); 24] = [
    (
        "teams",
        "INSERT INTO teams (id, name)
         SELECT pg_temp.bid(1, t), 'Team ' || t FROM generate_series(1, pg_temp.size('teams')) t",
    ),
    (
        "people",
        "INSERT INTO users (id, email, name, role, team_id, timezone, password_hash)
         SELECT pg_temp.bid(11, 1), 'admin@bench.example', 'Bench Admin', 'admin', NULL, 'UTC', NULL
         UNION ALL
         SELECT pg_temp.bid(2, t), 'manager' || t || '@bench.example',
                pg_temp.pick(w.first, t * 7) || ' ' || pg_temp.pick(w.last, t * 3), 'manager',
                pg_temp.bid(1, t), pg_temp.pick(w.tz, t), NULL
         FROM generate_series(1, pg_temp.size('teams')) t, w",
    ),
    (
        "learners",
        "INSERT INTO users (id, email, name, role, manager_id, team_id, timezone)
         SELECT pg_temp.bid(3, n), 'learner' || n || '@bench.example',
                pg_temp.pick(w.first, n) || ' ' || pg_temp.pick(w.last, n / 25), 'learner',
                pg_temp.bid(2, 1 + (n - 1) % pg_temp.size('teams')),
                pg_temp.bid(1, 1 + (n - 1) % pg_temp.size('teams')), pg_temp.pick(w.tz, n / 3)
         FROM generate_series(1, pg_temp.size('learners')) n, w",
    ),
    (
        "habits",
        "INSERT INTO learner_habits (user_id, daily_minutes, weekly_target, why, best_streak, onboarded_at)
         SELECT id, (ARRAY[5, 10, 15])[1 + (hashtext(id::text) & 3) % 3], 2 + (hashtext(id::text) & 3),
                'Grow in my role', (hashtext(id::text) & 15), now() - interval '200 days'
         FROM users WHERE role <> 'admin'",
    ),
    (
        "topics",
        "INSERT INTO topics (id, name, slug)
         SELECT pg_temp.bid(5, k), initcap(w.topic[k]), w.topic[k]
         FROM w, generate_series(1, cardinality(w.topic)) k",
    ),
    (
        "interests",
        "INSERT INTO learner_interests (user_id, topic_id)
         SELECT pg_temp.bid(3, n), pg_temp.bid(5, 1 + (n * 7 + j * 11) % 40)
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, 3) j",
    ),
    (
        "content items",
        "INSERT INTO content_items (id, slug, title, summary, kind, body_md, body_html, minutes,
                                    status, published_at, useful_yes, useful_no)
         SELECT pg_temp.bid(4, i), 'bench-item-' || i,
                initcap(pg_temp.pick(w.lead, i) || ' ' || pg_temp.pick(w.topic, i / 10) || ' ' || pg_temp.pick(w.topic, i * 7)) || ' ' || i,
                'How ' || pg_temp.pick(w.topic, i / 10) || ' works day to day, with examples from real teams.',
                (ARRAY['article','video','podcast','guide','checklist'])[1 + i % 5],
                repeat('Notes on ' || pg_temp.pick(w.topic, i / 10) || ' and ' || pg_temp.pick(w.topic, i * 3) || '. ', 20),
                repeat('<p>Notes on ' || pg_temp.pick(w.topic, i / 10) || ' and ' || pg_temp.pick(w.topic, i * 3) || '.</p>', 20),
                3 + i % 12, 'published', now() - make_interval(days => i % 365), i % 17, i % 3
         FROM generate_series(1, pg_temp.size('items')) i, w",
    ),
    (
        "item topics",
        "INSERT INTO item_topics (item_id, topic_id)
         SELECT pg_temp.bid(4, i), pg_temp.bid(5, 1 + (i / 10 + j * 13) % 40)
         FROM generate_series(1, pg_temp.size('items')) i, generate_series(0, 1) j",
    ),
    (
        "review questions",
        "INSERT INTO review_questions (id, item_id, position, prompt, options, correct, explanation)
         SELECT pg_temp.bid(6, (i - 1) * 2 + p), pg_temp.bid(4, i), p,
                'Which of these is true of item ' || i || '?', ARRAY['The first', 'The second', 'The third'],
                (i + p) % 3, 'Because the item says so.'
         FROM generate_series(1, pg_temp.size('items')) i, generate_series(1, 2) p",
    ),
    (
        "review schedule",
        "INSERT INTO review_schedule (user_id, question_id, stage, due_on, last_answered_on)
         SELECT pg_temp.bid(3, n), pg_temp.bid(6, 1 + (n * 13 + j * 977) % (2 * pg_temp.size('items'))),
                j % 5, current_date - 4 + j, current_date - 10 + j
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, 10) j
         ON CONFLICT DO NOTHING",
    ),
    (
        "activities",
        "ALTER TABLE activities DISABLE TRIGGER activities_learner_stats_insert;
         INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date, duration_seconds)
         SELECT pg_temp.bid(3, n),
                CASE WHEN k % 5 = 0 THEN 'completed' WHEN k % 5 = 1 THEN 'answered' ELSE 'viewed' END,
                CASE WHEN k % 5 = 1 THEN 'question' ELSE 'item' END,
                CASE WHEN k % 5 = 1 THEN pg_temp.bid(6, 1 + (n * 13 + k) % (2 * pg_temp.size('items')))
                     ELSE pg_temp.bid(4, 1 + (n * 37 + k * 101) % pg_temp.size('items')) END,
                now() - make_interval(days => (k * 365) / pg_temp.size('activities'), hours => (n + k) % 10),
                (now() - make_interval(days => (k * 365) / pg_temp.size('activities'), hours => (n + k) % 10))::date,
                60 + (n + k) % 600
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, pg_temp.size('activities')) k;
         ALTER TABLE activities ENABLE TRIGGER activities_learner_stats_insert",
    ),
    (
        // The per-learner row trigger is off for the bulk insert above; the
        // learning days are counted once, set-based, instead.
        "learning days (recount)",
        "SELECT learner_stats_learning(ARRAY(SELECT id FROM users))",
    ),
    (
        "saved items",
        "INSERT INTO saved_items (user_id, item_id, saved_at)
         SELECT pg_temp.bid(3, n), pg_temp.bid(4, 1 + (n * 53 + j * 1009) % pg_temp.size('items')), now() - make_interval(days => j * 9)
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, 3) j
         ON CONFLICT DO NOTHING",
    ),
    (
        "goals",
        "INSERT INTO goals (id, owner_id, title, why, measure, target_date, status, started_on, created_at)
         SELECT pg_temp.bid(7, (n - 1) * pg_temp.size('goals') + g), pg_temp.bid(3, n),
                initcap(pg_temp.pick(w.lead, n + g)) || ' ' || pg_temp.pick(w.topic, n * g),
                'It matters for the team this year.', 'A colleague confirms it.',
                current_date + 30 + (n + g) % 120,
                (ARRAY['active','active','active','achieved','proposed','submitted','draft','abandoned'])[1 + (n + g) % 8],
                current_date - 60, now() - interval '90 days'
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, pg_temp.size('goals')) g, w",
    ),
    (
        "goal topics and items",
        "WITH t AS (INSERT INTO goal_topics (goal_id, topic_id)
                    SELECT id, pg_temp.bid(5, 1 + (hashtext(id::text) & 1023) % 40) FROM goals)
         INSERT INTO goal_items (goal_id, item_id)
         SELECT id, pg_temp.bid(4, 1 + (hashtext(id::text) & 65535) % pg_temp.size('items')) FROM goals",
    ),
    (
        "goal events",
        "INSERT INTO goal_events (id, goal_id, actor_id, from_status, to_status, comment, at)
         SELECT gen_random_uuid(), g.id, CASE WHEN e = 1 THEN g.owner_id ELSE u.manager_id END,
                CASE WHEN e = 1 THEN 'draft' ELSE 'proposed' END, CASE WHEN e = 1 THEN 'proposed' ELSE 'active' END,
                CASE WHEN e = 1 THEN '' ELSE 'Agreed: good stretch for this quarter.' END,
                g.created_at + make_interval(days => e)
         FROM goals g JOIN users u ON u.id = g.owner_id, generate_series(1, 2) e",
    ),
    (
        "goal evidence",
        "INSERT INTO goal_evidence (id, goal_id, added_by, kind, note, at)
         SELECT gen_random_uuid(), id, owner_id, 'note', 'Ran the session with the team and wrote up what changed.', now() - interval '20 days'
         FROM goals WHERE status IN ('active', 'submitted', 'achieved')",
    ),
    (
        "goal check-ins",
        "INSERT INTO goal_checkins (id, goal_id, progress, confidence, note, at)
         SELECT gen_random_uuid(), id, 20 * c, 2 + c, 'Steady progress.', now() - make_interval(days => 40 - 15 * c)
         FROM goals, generate_series(1, 2) c WHERE status IN ('active', 'submitted', 'achieved')",
    ),
    (
        "reflections",
        "INSERT INTO reflections (id, author_id, guided, body, happened, so_what, now_what,
                                  shared_with_manager, tags, local_date, created_at, updated_at)
         SELECT gen_random_uuid(), pg_temp.bid(3, n), r % 2 = 0,
                CASE WHEN r % 2 = 0 THEN '' ELSE 'Today I noticed how ' || pg_temp.pick(w.topic, n + r) || ' shaped the meeting.' END,
                CASE WHEN r % 2 = 0 THEN 'We ran the ' || pg_temp.pick(w.topic, n * r) || ' review.' ELSE '' END,
                CASE WHEN r % 2 = 0 THEN 'People spoke up more than usual.' ELSE '' END,
                CASE WHEN r % 2 = 0 THEN 'Try it again next week.' ELSE '' END,
                r % 5 = 0, ARRAY[pg_temp.pick(w.topic, r)],
                current_date - (r * 36) % 365, now() - make_interval(days => (r * 36) % 365),
                now() - make_interval(days => (r * 36) % 365)
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, pg_temp.size('reflections')) r, w",
    ),
    (
        "notifications",
        "INSERT INTO notifications (id, user_id, message, link, created_at, read_at)
         SELECT gen_random_uuid(), pg_temp.bid(3, n), 'Your manager commented on your goal.', '/goals',
                now() - make_interval(days => j), CASE WHEN j > 1 THEN now() END
         FROM generate_series(1, pg_temp.size('learners')) n, generate_series(1, 2) j",
    ),
    (
        "campaigns",
        "INSERT INTO campaigns (id, title, summary, business_why, learner_why, status, audience, mode,
                                starts_on, ends_on, release_days, release_time, published_at)
         SELECT pg_temp.bid(9, c), initcap(pg_temp.pick(w.topic, c)) || ' sprint ' || c,
                'Ten short steps over two weeks.', 'Fewer escalations this quarter.', 'A skill you will use every week.',
                'published', 'teams', 'cohort',
                CASE c % 3 WHEN 0 THEN current_date - 5 WHEN 1 THEN current_date + 10 ELSE current_date - 60 END,
                CASE c % 3 WHEN 0 THEN current_date + 30 WHEN 1 THEN current_date + 50 ELSE current_date - 20 END,
                31, '08:00', now() - interval '70 days'
         FROM generate_series(1, pg_temp.size('campaigns')) c, w",
    ),
    (
        "campaign steps",
        "INSERT INTO campaign_steps (id, campaign_id, position, kind, title, item_id, minutes)
         SELECT pg_temp.bid(10, (c - 1) * 10 + s), pg_temp.bid(9, c), s, 'item', 'Step ' || s,
                pg_temp.bid(4, 1 + (c * 31 + s * 7) % pg_temp.size('items')), 5
         FROM generate_series(1, pg_temp.size('campaigns')) c, generate_series(1, 10) s",
    ),
    (
        "campaign audiences",
        "WITH t AS (INSERT INTO campaign_teams (campaign_id, team_id)
                    SELECT pg_temp.bid(9, c), pg_temp.bid(1, t)
                    FROM generate_series(1, pg_temp.size('campaigns')) c, generate_series(1, pg_temp.size('teams')) t
                    WHERE t % 100 = c % 100)
         INSERT INTO campaign_enrolments (campaign_id, user_id, enrolled_on, source)
         SELECT pg_temp.bid(9, c), u.id, ca.starts_on, 'audience'
         FROM generate_series(1, pg_temp.size('campaigns')) c
         JOIN campaigns ca ON ca.id = pg_temp.bid(9, c)
         JOIN generate_series(1, pg_temp.size('teams')) t ON t % 100 = c % 100
         JOIN users u ON u.team_id = pg_temp.bid(1, t) AND u.role = 'learner'",
    ),
    (
        "campaign progress",
        "INSERT INTO campaign_progress (user_id, step_id, campaign_id, local_date, done_at)
         SELECT e.user_id, s.id, e.campaign_id, c.starts_on + s.position, c.starts_on + s.position
         FROM campaign_enrolments e JOIN campaigns c ON c.id = e.campaign_id
         JOIN campaign_steps s ON s.campaign_id = c.id
         WHERE c.starts_on < current_date AND s.position <= CASE WHEN c.ends_on < current_date THEN 8 ELSE 2 END",
    ),
];

pub async fn prepare(c: &mut PgConnection, sizes: &[(&str, i64)]) -> sqlx::Result<()> {
    c.execute(sqlx::raw_sql(PREPARE)).await?;
    for (name, value) in sizes {
        sqlx::query("SELECT set_config('bench.' || $1, $2, false)")
            .bind(*name)
            .bind(value.to_string())
            .execute(&mut *c)
            .await?;
    }
    c.execute(sqlx::raw_sql(WORDS)).await?;
    Ok(())
}

pub async fn is_empty(c: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT NOT EXISTS (SELECT 1 FROM users) AS "e!""#)
        .fetch_one(c)
        .await
}

pub async fn run_step(c: &mut PgConnection, sql: &'static str) -> sqlx::Result<u64> {
    Ok(c.execute(sqlx::raw_sql(sql)).await?.rows_affected())
}

/// One row per benchmark session: who it signs in and what they can open.
pub struct BenchSession {
    pub role: String,
    pub token: String,
    pub user_id: uuid::Uuid,
    pub goal_id: Option<uuid::Uuid>,
}

/// Sessions for the first `sessions` learners and for their managers, with
/// random tokens (only their hashes are stored), returned once.
pub async fn sessions(c: &mut PgConnection) -> sqlx::Result<Vec<BenchSession>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "WITH who AS MATERIALIZED (
             SELECT u.id, u.role,
                    replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '') AS token
             FROM users u
             WHERE u.id IN (SELECT pg_temp.bid(3, n) FROM generate_series(1, pg_temp.size('sessions')) n)
                OR u.id IN (SELECT DISTINCT manager_id FROM users
                            WHERE id IN (SELECT pg_temp.bid(3, n) FROM generate_series(1, pg_temp.size('sessions')) n))
         ), made AS (
             INSERT INTO sessions (id_hash, user_id) SELECT sha256(convert_to(token, 'UTF8')), id FROM who
         )
         SELECT who.role, who.token, who.id,
                (SELECT g.id FROM goals g WHERE g.owner_id = who.id ORDER BY g.id LIMIT 1) AS goal
         FROM who ORDER BY who.role, who.id",
    )
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BenchSession {
                role: r.try_get("role")?,
                token: r.try_get("token")?,
                user_id: r.try_get("id")?,
                goal_id: r.try_get("goal")?,
            })
        })
        .collect()
}

/// Vacuum (for index-only scans) and refresh the planner's statistics.
pub async fn finish(c: &mut PgConnection) -> sqlx::Result<()> {
    c.execute(sqlx::raw_sql("VACUUM (ANALYZE)")).await?;
    Ok(())
}
