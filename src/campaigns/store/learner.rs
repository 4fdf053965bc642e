//! SQL of following campaigns: one learner's enrolments with every step,
//! done state and pauses (one query, used by Today, `/campaigns` and the
//! digest), joining and leaving open campaigns, marking steps done.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// One step of one campaign a learner is enrolled in.
#[derive(Debug, Clone)]
pub struct LearnerStep {
    pub campaign_id: Uuid,
    pub campaign_title: String,
    pub mode: String,
    pub status: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub release_days: i32,
    pub release_time: NaiveTime,
    pub enrolled_on: NaiveDate,
    pub released_all: bool,
    pub pause_starts: Vec<NaiveDate>,
    pub pause_ends: Vec<NaiveDate>,
    pub step_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item_slug: Option<String>,
    pub item_minutes: Option<i32>,
    pub prompt_id: Option<Uuid>,
    pub url: Option<String>,
    pub minutes: i32,
    pub same_day: bool,
    pub added_on: Option<NaiveDate>,
    pub done: bool,
    pub note: Option<String>,
}

/// Every step of every published campaign `user` is enrolled in, in order,
/// with the pauses L&D set for them in each campaign. Bounded by the
/// learner's enrolments (index on `campaign_enrolments (user_id)`).
/// `open_on`: only campaigns that can have a step waiting on that date (not
/// yet over, and started or released in full), as Today needs.
pub async fn steps_of(
    c: &mut PgConnection,
    user: Uuid,
    only: Option<Uuid>,
    open_on: Option<NaiveDate>,
) -> sqlx::Result<Vec<LearnerStep>> {
    sqlx::query_as!(
        LearnerStep,
        r#"SELECT c.id AS campaign_id, c.title AS campaign_title, c.mode, c.status, c.starts_on, c.ends_on,
                  c.release_days, c.release_time, e.enrolled_on, e.released_all_at IS NOT NULL AS "released_all!",
                  ARRAY(SELECT starts_on FROM campaign_pauses p WHERE p.user_id = e.user_id AND p.campaign_id = c.id) AS "pause_starts!",
                  ARRAY(SELECT ends_on FROM campaign_pauses p WHERE p.user_id = e.user_id AND p.campaign_id = c.id) AS "pause_ends!",
                  s.id AS step_id, s.position, s.kind, s.title, s.body, i.slug AS "item_slug?", i.minutes AS "item_minutes?",
                  s.prompt_id, s.url, s.minutes, s.same_day, s.added_on,
                  pr.user_id IS NOT NULL AS "done!", pr.note AS "note?"
           FROM campaign_enrolments e
           JOIN campaigns c ON c.id = e.campaign_id AND c.status = 'published'
           JOIN campaign_steps s ON s.campaign_id = c.id
           LEFT JOIN content_items i ON i.id = s.item_id
           LEFT JOIN campaign_progress pr ON pr.user_id = e.user_id AND pr.step_id = s.id
           WHERE e.user_id = $1 AND ($2::uuid IS NULL OR c.id = $2)
             AND ($3::date IS NULL OR (c.ends_on >= $3 AND (c.starts_on <= $3 OR e.released_all_at IS NOT NULL)))
           ORDER BY c.starts_on, c.id, s.position"#,
        user,
        only,
        open_on
    )
    .fetch_all(c)
    .await
}

pub async fn is_enrolled(c: &mut PgConnection, campaign: Uuid, user: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM campaign_enrolments WHERE campaign_id = $1 AND user_id = $2) AS "e!""#,
        campaign,
        user
    )
    .fetch_one(c)
    .await
}

pub struct OpenCampaign {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub learner_why: String,
    pub starts_on: NaiveDate,
    pub steps: i64,
}

/// Open campaigns still taking people that `user` has not joined.
pub async fn open_to_join(
    c: &mut PgConnection,
    user: Uuid,
    today: NaiveDate,
) -> sqlx::Result<Vec<OpenCampaign>> {
    sqlx::query_as!(
        OpenCampaign,
        r#"SELECT c.id, c.title, c.summary, c.learner_why, c.starts_on,
                  (SELECT count(*) FROM campaign_steps s WHERE s.campaign_id = c.id) AS "steps!"
           FROM campaigns c
           WHERE c.status = 'published' AND c.audience = 'open' AND c.ends_on >= $2
             AND NOT EXISTS (SELECT 1 FROM campaign_enrolments e WHERE e.campaign_id = c.id AND e.user_id = $1)
           ORDER BY c.starts_on, c.title"#,
        user,
        today
    )
    .fetch_all(c)
    .await
}

/// Join an open campaign that is still taking people; false when it is not.
pub async fn join(
    c: &mut PgConnection,
    campaign: Uuid,
    user: Uuid,
    today: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO campaign_enrolments (campaign_id, user_id, enrolled_on, source)
         SELECT id, $2, GREATEST(starts_on, $3), 'joined' FROM campaigns
         WHERE id = $1 AND status = 'published' AND audience = 'open' AND ends_on >= $3
         ON CONFLICT DO NOTHING",
        campaign,
        user,
        today
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Leave an open campaign (progress stays in the learning record).
pub async fn leave(c: &mut PgConnection, campaign: Uuid, user: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM campaign_enrolments e USING campaigns c
         WHERE e.campaign_id = $1 AND e.user_id = $2 AND c.id = e.campaign_id AND c.audience = 'open'",
        campaign,
        user
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Mark a step done (once); returns false when it was already done.
pub async fn mark_done(
    c: &mut PgConnection,
    user: Uuid,
    campaign: Uuid,
    step: Uuid,
    note: &str,
    local_date: NaiveDate,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO campaign_progress (user_id, step_id, campaign_id, note, local_date, done_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        user,
        step,
        campaign,
        note,
        local_date,
        at
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reflection steps on `prompt` in the learner's published campaigns that
/// are not done yet, with their campaign. (A library item's Done finds its
/// item steps in the same statement as the completion:
/// `library::store::personal::complete`.)
pub async fn open_prompt_steps(
    c: &mut PgConnection,
    user: Uuid,
    prompt: Uuid,
) -> sqlx::Result<Vec<(Uuid, Uuid)>> {
    let rows = sqlx::query!(
        "SELECT s.id, s.campaign_id FROM campaign_enrolments e
         JOIN campaigns c ON c.id = e.campaign_id AND c.status = 'published'
         JOIN campaign_steps s ON s.campaign_id = c.id
         WHERE e.user_id = $1 AND s.prompt_id = $2 AND s.kind = 'reflection'
           AND NOT EXISTS (SELECT 1 FROM campaign_progress p WHERE p.user_id = $1 AND p.step_id = s.id)",
        user,
        prompt
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.campaign_id)).collect())
}

/// The learner's daily budget in minutes (10 when they never set one).
pub async fn daily_minutes(c: &mut PgConnection, user: Uuid) -> sqlx::Result<i32> {
    Ok(sqlx::query_scalar!(
        "SELECT daily_minutes FROM learner_habits WHERE user_id = $1",
        user
    )
    .fetch_optional(c)
    .await?
    .unwrap_or(10))
}
