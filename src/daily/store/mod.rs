//! Every SQL query of daily learning. The Today page runs [`TODAY_QUERIES`]
//! statement when today's plan is current: the session with the page's own
//! state and the plan ([`today::with_session`]). On the day's first visit
//! (or after a change that makes the plan stale) it runs
//! [`TODAY_BUILD_QUERIES`]: that one, what building needs
//! ([`today::inputs`]), recommendations, the campaigns' steps, and the
//! plan's save (which reads the reviews due, the learning days before today
//! and the prompts; it keeps the pauses read before). Each is bounded by the
//! learner and a date window, whatever the learner's history.

pub mod plan;
pub mod today;

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{Pause, Review};

/// The session with Today's state (settings, today's activity, reflected
/// today) and today's plan (which keeps the learning days before today, the
/// pauses and the prompts).
pub const TODAY_QUERIES: usize = 1;

/// The session with the state, what building needs (interests, pauses), recommendations, the
/// learner's campaign steps (`campaigns::store::learner::steps_of`) and the
/// plan's save.
pub const TODAY_BUILD_QUERIES: usize = 5;

pub struct Settings {
    pub daily_minutes: i32,
    pub weekly_target: i32,
    pub why: String,
    pub best_streak: i32,
    pub onboarded: bool,
}

pub async fn settings(c: &mut PgConnection, user: Uuid) -> sqlx::Result<Option<Settings>> {
    sqlx::query_as!(
        Settings,
        r#"SELECT daily_minutes, weekly_target, why, best_streak, onboarded_at IS NOT NULL AS "onboarded!"
           FROM learner_habits WHERE user_id = $1"#,
        user
    )
    .fetch_optional(c)
    .await
}

pub async fn save_settings(
    c: &mut PgConnection,
    user: Uuid,
    minutes: i32,
    target: i32,
    why: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO learner_habits (user_id, daily_minutes, weekly_target, why, onboarded_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (user_id) DO UPDATE SET daily_minutes = $2, weekly_target = $3, why = $4,
             onboarded_at = coalesce(learner_habits.onboarded_at, now()), updated_at = now()",
        user,
        minutes,
        target,
        why
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Skip onboarding: keep the defaults.
pub async fn skip_onboarding(c: &mut PgConnection, user: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO learner_habits (user_id, onboarded_at) VALUES ($1, now())
         ON CONFLICT (user_id) DO UPDATE SET onboarded_at = coalesce(learner_habits.onboarded_at, now())",
        user
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn raise_best_streak(c: &mut PgConnection, user: Uuid, streak: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE learner_habits SET best_streak = $2 WHERE user_id = $1 AND best_streak < $2",
        user,
        streak
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn interests(c: &mut PgConnection, user: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "SELECT topic_id FROM learner_interests WHERE user_id = $1",
        user
    )
    .fetch_all(c)
    .await
}

pub async fn set_interests(c: &mut PgConnection, user: Uuid, topics: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM learner_interests WHERE user_id = $1", user)
        .execute(&mut *c)
        .await?;
    sqlx::query!(
        "INSERT INTO learner_interests (user_id, topic_id) SELECT $1, t FROM unnest($2::uuid[]) t
         WHERE EXISTS (SELECT 1 FROM topics WHERE id = t) ON CONFLICT DO NOTHING",
        user,
        topics
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Local dates on which the learner learned, since `since`.
pub async fn learning_days(
    c: &mut PgConnection,
    user: Uuid,
    since: NaiveDate,
) -> sqlx::Result<Vec<NaiveDate>> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT local_date AS "d!" FROM activities
           WHERE user_id = $1 AND local_date >= $2 AND verb IN ('completed', 'answered', 'reflected')
           ORDER BY 1"#,
        user,
        since
    )
    .fetch_all(c)
    .await
}

pub struct PauseRow {
    pub id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PauseRow {
    pub fn pause(&self) -> Pause {
        Pause {
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }
}

pub async fn pauses(
    c: &mut PgConnection,
    user: Uuid,
    since: NaiveDate,
) -> sqlx::Result<Vec<PauseRow>> {
    sqlx::query_as!(
        PauseRow,
        "SELECT id, starts_on, ends_on FROM habit_pauses WHERE user_id = $1 AND ends_on >= $2 ORDER BY starts_on",
        user,
        since
    )
    .fetch_all(c)
    .await
}

/// Add a pause and push review dates back by its length.
pub async fn add_pause(c: &mut PgConnection, user: Uuid, p: Pause) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO habit_pauses (id, user_id, starts_on, ends_on) VALUES ($1, $2, $3, $4)",
        Uuid::now_v7(),
        user,
        p.starts_on,
        p.ends_on
    )
    .execute(&mut *c)
    .await?;
    sqlx::query!(
        "UPDATE review_schedule SET due_on = due_on + $3::int WHERE user_id = $1 AND NOT retired AND due_on >= $2",
        user,
        p.starts_on,
        p.days() as i32
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Remove a pause that starts today or later (and undo its push of review dates).
pub async fn cancel_pause(
    c: &mut PgConnection,
    user: Uuid,
    id: Uuid,
    today: NaiveDate,
) -> sqlx::Result<bool> {
    let Some(p) = sqlx::query_as!(
        PauseRow,
        "DELETE FROM habit_pauses WHERE id = $1 AND user_id = $2 AND starts_on >= $3 RETURNING id, starts_on, ends_on",
        id,
        user,
        today
    )
    .fetch_optional(&mut *c)
    .await?
    else {
        return Ok(false);
    };
    let p = p.pause();
    sqlx::query!(
        "UPDATE review_schedule SET due_on = due_on - $3::int
         WHERE user_id = $1 AND NOT retired AND due_on >= $2::date + $3::int",
        user,
        p.starts_on,
        p.days() as i32
    )
    .execute(c)
    .await?;
    Ok(true)
}

/// End a running pause today (the learner is back early).
pub async fn end_pause(
    c: &mut PgConnection,
    user: Uuid,
    id: Uuid,
    today: NaiveDate,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE habit_pauses SET ends_on = $3::date - 1 WHERE id = $1 AND user_id = $2 AND starts_on < $3 AND ends_on >= $3",
        id,
        user,
        today
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, serde::Deserialize)]
pub struct Question {
    pub id: Uuid,
    pub item_id: Uuid,
    pub item_slug: String,
    pub item_title: String,
    pub prompt: String,
    pub options: Vec<String>,
    pub correct: i32,
    pub explanation: String,
}

/// An item's questions that the learner has not started reviewing yet.
pub async fn new_questions(
    c: &mut PgConnection,
    user: Uuid,
    item: Uuid,
) -> sqlx::Result<Vec<Question>> {
    sqlx::query_as!(
        Question,
        r#"SELECT q.id, q.item_id, i.slug AS item_slug, i.title AS item_title, q.prompt, q.options, q.correct, q.explanation
           FROM review_questions q JOIN content_items i ON i.id = q.item_id
           WHERE q.item_id = $2 AND NOT EXISTS (SELECT 1 FROM review_schedule s WHERE s.user_id = $1 AND s.question_id = q.id)
           ORDER BY q.position"#,
        user,
        item
    )
    .fetch_all(c)
    .await
}

pub async fn question(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Question> {
    sqlx::query_as!(
        Question,
        r#"SELECT q.id, q.item_id, i.slug AS item_slug, i.title AS item_title, q.prompt, q.options, q.correct, q.explanation
           FROM review_questions q JOIN content_items i ON i.id = q.item_id WHERE q.id = $1"#,
        id
    )
    .fetch_one(c)
    .await
}

pub async fn stage(c: &mut PgConnection, user: Uuid, question: Uuid) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "SELECT stage FROM review_schedule WHERE user_id = $1 AND question_id = $2 FOR UPDATE",
        user,
        question
    )
    .fetch_optional(c)
    .await
}

pub async fn schedule(
    c: &mut PgConnection,
    user: Uuid,
    question: Uuid,
    r: Review,
    today: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO review_schedule (user_id, question_id, stage, due_on, retired, last_answered_on)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, question_id) DO UPDATE SET stage = $3, due_on = $4, retired = $5, last_answered_on = $6",
        user,
        question,
        r.stage,
        r.due_on,
        r.retired,
        today
    )
    .execute(c)
    .await?;
    Ok(())
}

/// A recommendation candidate for Today.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Rec {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub minutes: i32,
    pub topic: Option<String>,
}

/// Published items from the learner's interests (or, without interests, the
/// most useful ones) that they have neither done nor dismissed, most useful
/// first; `topic` is the first (by name) of the learner's topics the item has.
pub async fn recommendations(
    c: &mut PgConnection,
    user: Uuid,
    has_interests: bool,
    limit: i64,
) -> sqlx::Result<Vec<Rec>> {
    if has_interests {
        for_interests(c, user, limit).await
    } else {
        most_useful(c, user, limit).await
    }
}

/// The top `limit` of each followed topic (from its ranked index), merged: an
/// item in the overall top `limit` is in the top `limit` of each of its topics.
async fn for_interests(c: &mut PgConnection, user: Uuid, limit: i64) -> sqlx::Result<Vec<Rec>> {
    sqlx::query_as!(
        Rec,
        r#"WITH mine AS MATERIALIZED (
               SELECT li.topic_id, t.name FROM learner_interests li JOIN topics t ON t.id = li.topic_id
               WHERE li.user_id = $1),
           cand AS (
               SELECT c.item_id, c.score, c.published_at, m.name
               FROM mine m CROSS JOIN LATERAL (
                   SELECT it.item_id, it.score, it.published_at FROM item_topics it
                   WHERE it.topic_id = m.topic_id AND it.published
                     AND it.item_id NOT IN (SELECT a.object_id FROM activities a WHERE a.user_id = $1
                                            AND a.object_type = 'item' AND a.verb = 'completed')
                     AND it.item_id NOT IN (SELECT d.item_id FROM dismissed_items d WHERE d.user_id = $1)
                   ORDER BY it.score DESC, it.published_at DESC
                   LIMIT $2) c),
           best AS (
               SELECT item_id, max(score) AS score, max(published_at) AS published_at, min(name) AS topic
               FROM cand GROUP BY item_id
               ORDER BY 2 DESC, 3 DESC LIMIT $2)
           SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, b.topic AS "topic?"
           FROM best b JOIN content_items i ON i.id = b.item_id
           ORDER BY b.score DESC, b.published_at DESC"#,
        user,
        limit
    )
    .fetch_all(c)
    .await
}

async fn most_useful(c: &mut PgConnection, user: Uuid, limit: i64) -> sqlx::Result<Vec<Rec>> {
    sqlx::query_as!(
        Rec,
        r#"SELECT i.id, i.slug, i.title, i.summary, i.kind, i.minutes, NULL::text AS topic
           FROM content_items i
           WHERE i.status = 'published'
             AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.user_id = $1 AND a.object_type = 'item'
                             AND a.object_id = i.id AND a.verb = 'completed')
             AND NOT EXISTS (SELECT 1 FROM dismissed_items d WHERE d.user_id = $1 AND d.item_id = i.id)
           ORDER BY i.useful_yes - i.useful_no DESC, i.published_at DESC
           LIMIT $2"#,
        user,
        limit
    )
    .fetch_all(c)
    .await
}

pub async fn dismiss(c: &mut PgConnection, user: Uuid, item: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO dismissed_items (user_id, item_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user,
        item
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct HistoryRow {
    pub local_date: NaiveDate,
    pub verb: String,
    pub title: String,
    pub slug: Option<String>,
}

/// What the learner did since `since`, newest first (items and questions).
pub async fn history(
    c: &mut PgConnection,
    user: Uuid,
    since: NaiveDate,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as!(
        HistoryRow,
        r#"SELECT a.local_date, a.verb,
                  coalesce(i.title, qi.title, 'Reflection') AS "title!", coalesce(i.slug, qi.slug) AS slug
           FROM activities a
           LEFT JOIN content_items i ON a.object_type = 'item' AND i.id = a.object_id
           LEFT JOIN review_questions q ON a.object_type = 'question' AND q.id = a.object_id
           LEFT JOIN content_items qi ON qi.id = q.item_id
           WHERE a.user_id = $1 AND a.local_date >= $2 AND a.verb IN ('completed', 'answered', 'reflected')
           ORDER BY a.at DESC LIMIT 500"#,
        user,
        since
    )
    .fetch_all(c)
    .await
}

/// Set an item's review questions (authoring). Questions are matched by
/// position, so learners keep their review progress when wording changes.
pub async fn set_questions(
    c: &mut PgConnection,
    item: Uuid,
    questions: &[super::forms::QuestionInput],
) -> sqlx::Result<()> {
    for (i, q) in questions.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO review_questions (id, item_id, position, prompt, options, correct, explanation)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (item_id, position) DO UPDATE SET prompt = $4, options = $5, correct = $6, explanation = $7",
            Uuid::now_v7(),
            item,
            i as i32 + 1,
            q.prompt,
            &q.options,
            q.correct,
            q.explanation
        )
        .execute(&mut *c)
        .await?;
    }
    sqlx::query!(
        "DELETE FROM review_questions WHERE item_id = $1 AND position > $2",
        item,
        questions.len() as i32
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn item_questions(c: &mut PgConnection, item: Uuid) -> sqlx::Result<Vec<Question>> {
    sqlx::query_as!(
        Question,
        r#"SELECT q.id, q.item_id, i.slug AS item_slug, i.title AS item_title, q.prompt, q.options, q.correct, q.explanation
           FROM review_questions q JOIN content_items i ON i.id = q.item_id WHERE q.item_id = $1 ORDER BY q.position"#,
        item
    )
    .fetch_all(c)
    .await
}
