//! SQL of campaign authoring: campaigns, their topics, teams and steps, and
//! enrolling audiences. Learner, reporting, discussion and digest queries
//! live in the submodules.

pub mod digest;
pub mod learner;
pub mod posts;
pub mod reports;

use chrono::{NaiveDate, NaiveTime};
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::{ValidCampaign, ValidStep};
use super::model::{Phase, Rules, StepTiming};

#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub business_why: String,
    pub learner_why: String,
    pub cover_url: Option<String>,
    pub status: String,
    pub audience: String,
    pub mode: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub release_days: i32,
    pub release_time: NaiveTime,
    pub topic_ids: Vec<Uuid>,
    pub team_ids: Vec<Uuid>,
}

impl Campaign {
    pub fn rules(&self) -> Rules {
        Rules::stored(
            &self.mode,
            self.starts_on,
            self.release_days,
            self.release_time,
        )
    }
    pub fn phase(&self, today: NaiveDate) -> Phase {
        Phase::of(&self.status, self.starts_on, self.ends_on, today)
    }
}

pub async fn get(c: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Campaign>> {
    sqlx::query_as!(
        Campaign,
        r#"SELECT id, title, summary, business_why, learner_why, cover_url, status, audience, mode,
                  starts_on, ends_on, release_days, release_time,
                  ARRAY(SELECT topic_id FROM campaign_topics WHERE campaign_id = c.id) AS "topic_ids!",
                  ARRAY(SELECT team_id FROM campaign_teams WHERE campaign_id = c.id) AS "team_ids!"
           FROM campaigns c WHERE id = $1"#,
        id
    )
    .fetch_optional(c)
    .await
}

pub struct ListRow {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub mode: String,
    pub audience: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub steps: i64,
    pub enrolled: i64,
}

/// Whether any campaign exists (the demo seeds campaigns once).
pub async fn any(c: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM campaigns) AS "any!""#)
        .fetch_one(c)
        .await
}

/// Which campaigns L&D's list shows: a phase on `today` (`Phase::key`;
/// empty for every phase) and a title containing `q` (any case; empty for
/// all).
pub struct ListFilter<'a> {
    pub today: NaiveDate,
    pub phase: &'a str,
    pub q: &'a str,
}

// The phase in SQL is `campaign_phase` (migration 20261206000017), the
// same rule as `model::Phase::of`; `tests/it/campaign_list.rs` checks that
// both agree.

/// How many campaigns of each phase have a title matching the search.
pub async fn phase_counts(
    c: &mut PgConnection,
    f: &ListFilter<'_>,
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT campaign_phase(c.status, c.starts_on, c.ends_on, $1) AS "phase!",
                  count(*) AS "n!"
           FROM campaigns c
           WHERE $2 = '' OR lower(c.title) LIKE $3
           GROUP BY 1"#,
        f.today,
        f.q,
        crate::people::store::like(f.q)
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.phase, r.n)).collect())
}

/// A page of the matching campaigns: archived last, then the latest start
/// first, with their steps and people enrolled.
pub async fn list_page(
    c: &mut PgConnection,
    f: &ListFilter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListRow>> {
    sqlx::query_as!(
        ListRow,
        r#"WITH page AS (
               SELECT c.id FROM campaigns c
               WHERE ($2 = '' OR lower(c.title) LIKE $3)
                 AND ($4 = '' OR $4 = campaign_phase(c.status, c.starts_on, c.ends_on, $1))
               ORDER BY c.status = 'archived', c.starts_on DESC, c.title, c.id
               LIMIT $5 OFFSET $6)
           SELECT c.id, c.title, c.status, c.mode, c.audience, c.starts_on, c.ends_on,
                  (SELECT count(*) FROM campaign_steps s WHERE s.campaign_id = c.id) AS "steps!",
                  (SELECT count(*) FROM campaign_enrolments e WHERE e.campaign_id = c.id) AS "enrolled!"
           FROM page JOIN campaigns c ON c.id = page.id
           ORDER BY c.status = 'archived', c.starts_on DESC, c.title, c.id"#,
        f.today,
        f.q,
        crate::people::store::like(f.q),
        f.phase,
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

pub async fn create(c: &mut PgConnection, v: &ValidCampaign, by: Uuid) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO campaigns (id, title, summary, business_why, learner_why, cover_url, audience, mode,
                                starts_on, ends_on, release_days, release_time, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        id,
        v.title,
        v.summary,
        v.business_why,
        v.learner_why,
        v.cover_url,
        v.audience,
        v.mode,
        v.starts_on,
        v.ends_on,
        v.release_days,
        v.release_time,
        by
    )
    .execute(&mut *c)
    .await?;
    set_links(c, id, v).await?;
    Ok(id)
}

pub async fn update(c: &mut PgConnection, id: Uuid, v: &ValidCampaign) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE campaigns SET title = $2, summary = $3, business_why = $4, learner_why = $5, cover_url = $6,
                audience = $7, mode = $8, starts_on = $9, ends_on = $10, release_days = $11, release_time = $12,
                updated_at = now()
         WHERE id = $1",
        id,
        v.title,
        v.summary,
        v.business_why,
        v.learner_why,
        v.cover_url,
        v.audience,
        v.mode,
        v.starts_on,
        v.ends_on,
        v.release_days,
        v.release_time
    )
    .execute(&mut *c)
    .await?;
    set_links(c, id, v).await
}

async fn set_links(c: &mut PgConnection, id: Uuid, v: &ValidCampaign) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM campaign_topics WHERE campaign_id = $1", id)
        .execute(&mut *c)
        .await?;
    sqlx::query!(
        "INSERT INTO campaign_topics (campaign_id, topic_id)
         SELECT $1, t.id FROM topics t WHERE t.id = ANY($2)",
        id,
        &v.topics
    )
    .execute(&mut *c)
    .await?;
    sqlx::query!("DELETE FROM campaign_teams WHERE campaign_id = $1", id)
        .execute(&mut *c)
        .await?;
    sqlx::query!(
        "INSERT INTO campaign_teams (campaign_id, team_id)
         SELECT $1, t.id FROM teams t WHERE t.id = ANY($2)",
        id,
        &v.teams
    )
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn set_status(c: &mut PgConnection, id: Uuid, status: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE campaigns SET status = $2, updated_at = now(),
                published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, now()) ELSE published_at END
         WHERE id = $1",
        id,
        status
    )
    .execute(c)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: Uuid,
    pub position: i32,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item_id: Option<Uuid>,
    pub item_slug: Option<String>,
    pub item_title: Option<String>,
    pub item_minutes: Option<i32>,
    pub prompt_id: Option<Uuid>,
    pub prompt: Option<String>,
    pub url: Option<String>,
    pub minutes: i32,
    pub same_day: bool,
    pub added_on: Option<NaiveDate>,
}

impl Step {
    pub fn timing(&self) -> StepTiming {
        StepTiming {
            same_day: self.same_day,
            added_on: self.added_on,
        }
    }
    /// Minutes it takes out of the learner's day (a content item's own length).
    pub fn effective_minutes(&self) -> i32 {
        self.item_minutes.unwrap_or(self.minutes)
    }
}

pub async fn steps(c: &mut PgConnection, campaign: Uuid) -> sqlx::Result<Vec<Step>> {
    sqlx::query_as!(
        Step,
        r#"SELECT s.id, s.position, s.kind, s.title, s.body, s.item_id, i.slug AS "item_slug?",
                  i.title AS "item_title?", i.minutes AS "item_minutes?", s.prompt_id, p.text AS "prompt?",
                  s.url, s.minutes, s.same_day, s.added_on
           FROM campaign_steps s
           LEFT JOIN content_items i ON i.id = s.item_id
           LEFT JOIN reflection_prompts p ON p.id = s.prompt_id
           WHERE s.campaign_id = $1 ORDER BY s.position"#,
        campaign
    )
    .fetch_all(c)
    .await
}

pub async fn add_step(
    c: &mut PgConnection,
    campaign: Uuid,
    v: &ValidStep,
    added_on: Option<NaiveDate>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO campaign_steps (id, campaign_id, position, kind, title, body, item_id, prompt_id, url, minutes, same_day, added_on)
         VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM campaign_steps WHERE campaign_id = $2),
                 $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        campaign,
        v.kind,
        v.title,
        v.body,
        v.item_id,
        v.prompt_id,
        v.url,
        v.minutes,
        v.same_day,
        added_on
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn update_step(c: &mut PgConnection, step: Uuid, v: &ValidStep) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE campaign_steps SET kind = $2, title = $3, body = $4, item_id = $5, prompt_id = $6, url = $7,
                minutes = $8, same_day = $9
         WHERE id = $1",
        step,
        v.kind,
        v.title,
        v.body,
        v.item_id,
        v.prompt_id,
        v.url,
        v.minutes,
        v.same_day
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Swap the positions of two steps of one campaign.
pub async fn swap_steps(c: &mut PgConnection, a: Uuid, b: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE campaign_steps s SET position = o.position
         FROM campaign_steps o
         WHERE (s.id, o.id) IN (($1, $2), ($2, $1)) AND s.campaign_id = o.campaign_id",
        a,
        b
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Remove a step and close the gap in the positions.
pub async fn delete_step(c: &mut PgConnection, campaign: Uuid, step: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "WITH gone AS (DELETE FROM campaign_steps WHERE id = $2 AND campaign_id = $1 RETURNING position)
         UPDATE campaign_steps SET position = position - 1
         WHERE campaign_id = $1 AND position > (SELECT position FROM gone)",
        campaign,
        step
    )
    .execute(c)
    .await?;
    Ok(())
}

/// The earliest enrolment date (what locks a rolling campaign's steps).
pub async fn earliest_enrolment(
    c: &mut PgConnection,
    campaign: Uuid,
) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar!(
        "SELECT min(enrolled_on) FROM campaign_enrolments WHERE campaign_id = $1",
        campaign
    )
    .fetch_one(c)
    .await
}

/// Enrol everyone in the audience of every published campaign still taking
/// people (or one campaign) who is not enrolled yet, dated by their local
/// date. Set-based and idempotent; returns how many were added.
pub async fn enrol_audiences(c: &mut PgConnection, only: Option<Uuid>) -> sqlx::Result<u64> {
    // Each audience is its own join (everyone; the campaign's teams through
    // the team index), and people already enrolled are left out before the
    // insert: one `OR` over every (campaign, person) pair took 70 s a run at
    // 100,000 people and 300 campaigns, this about 0.4 s.
    let done = sqlx::query!(
        "INSERT INTO campaign_enrolments (campaign_id, user_id, enrolled_on, source)
         SELECT a.campaign_id, a.user_id, GREATEST(a.starts_on, a.local_today), 'audience'
         FROM (SELECT c.id AS campaign_id, c.starts_on, c.ends_on, u.id AS user_id,
                      (now() AT TIME ZONE u.timezone)::date AS local_today
               FROM campaigns c JOIN users u ON u.active
               WHERE c.status = 'published' AND c.audience = 'everyone'
                 AND ($1::uuid IS NULL OR c.id = $1)
               UNION ALL
               SELECT c.id, c.starts_on, c.ends_on, u.id, (now() AT TIME ZONE u.timezone)::date
               FROM campaigns c
               JOIN campaign_teams t ON t.campaign_id = c.id
               JOIN users u ON u.team_id = t.team_id AND u.active
               WHERE c.status = 'published' AND c.audience = 'teams'
                 AND ($1::uuid IS NULL OR c.id = $1)) a
         WHERE a.ends_on >= a.local_today
           AND NOT EXISTS (SELECT 1 FROM campaign_enrolments e
                           WHERE e.campaign_id = a.campaign_id AND e.user_id = a.user_id)
         ON CONFLICT DO NOTHING",
        only
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected())
}

/// Enrol chosen people (by email) in a campaign; returns the emails not found.
pub async fn enrol_people(
    c: &mut PgConnection,
    campaign: Uuid,
    emails: &[String],
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query_scalar!(
        r#"WITH wanted AS (SELECT unnest($2::text[]) AS email),
                added AS (
                    INSERT INTO campaign_enrolments (campaign_id, user_id, enrolled_on, source)
                    SELECT $1, u.id, GREATEST((SELECT starts_on FROM campaigns WHERE id = $1),
                                              (now() AT TIME ZONE u.timezone)::date), 'chosen'
                    FROM users u JOIN wanted w ON w.email = u.email WHERE u.active
                    ON CONFLICT DO NOTHING RETURNING user_id)
           SELECT w.email AS "email!" FROM wanted w
           WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.email = w.email AND u.active)"#,
        campaign,
        emails
    )
    .fetch_all(c)
    .await?;
    Ok(rows)
}

/// Enrol every active person as of `on` (demo data and back-filled cohorts).
pub async fn enrol_everyone_on(
    c: &mut PgConnection,
    campaign: Uuid,
    on: NaiveDate,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "INSERT INTO campaign_enrolments (campaign_id, user_id, enrolled_on, source)
         SELECT $1, id, $2, 'audience' FROM users WHERE active
         ON CONFLICT DO NOTHING RETURNING user_id",
        campaign,
        on
    )
    .fetch_all(c)
    .await
}
