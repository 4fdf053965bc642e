//! SQL of what L&D and managers see of a campaign: participants with their
//! schedules' inputs and done steps (who got what, results), overrides for
//! one learner, and a manager's reports' campaigns.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::people::store::TeamName;

pub async fn chosen_emails(c: &mut PgConnection, campaign: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT u.email FROM campaign_enrolments e JOIN users u ON u.id = e.user_id
         WHERE e.campaign_id = $1 AND e.source = 'chosen' ORDER BY u.email",
        campaign
    )
    .fetch_all(c)
    .await
}

/// The first `limit` teams, by name, with someone enrolled in `campaign`
/// (the who-got-what filter offers only those).
pub async fn participant_teams(
    c: &mut PgConnection,
    campaign: Uuid,
    limit: i64,
) -> sqlx::Result<Vec<TeamName>> {
    sqlx::query_as!(
        TeamName,
        "SELECT t.id, t.name FROM teams t
         WHERE EXISTS (SELECT 1 FROM users u
                       JOIN campaign_enrolments e ON e.campaign_id = $1 AND e.user_id = u.id
                       WHERE u.team_id = t.id)
         ORDER BY lower(t.name) LIMIT $2",
        campaign,
        limit
    )
    .fetch_all(c)
    .await
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub team: Option<String>,
    pub timezone: String,
    pub enrolled_on: NaiveDate,
    pub released_all: bool,
    /// Their own habit pauses and the ones L&D set in this campaign.
    pub pause_starts: Vec<NaiveDate>,
    pub pause_ends: Vec<NaiveDate>,
    pub campaign_pauses: i64,
    pub done: Vec<Uuid>,
}

/// Which participants: one team's or everyone's, and those whose name or
/// email contains `q` (any case; empty for all).
pub struct Who<'a> {
    pub campaign: Uuid,
    pub team: Option<Uuid>,
    pub q: &'a str,
}

/// How many participants match. (Here and below, the enrolments are read
/// in one of two branches, gated on whether a team is asked for, so that a
/// prepared statement's generic plan still finds a team's people by the
/// team index rather than walking the whole campaign.)
pub async fn count_participants(c: &mut PgConnection, who: &Who<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"WITH members AS (
               SELECT e.user_id FROM campaign_enrolments e
               WHERE e.campaign_id = $1 AND $2::uuid IS NULL
               UNION ALL
               SELECT e.user_id FROM users t
               JOIN campaign_enrolments e ON e.campaign_id = $1 AND e.user_id = t.id
               WHERE t.team_id = $2)
           SELECT count(*) AS "n!" FROM members m JOIN users u ON u.id = m.user_id
           WHERE $3 = '' OR lower(u.name) LIKE $4 OR u.email LIKE $4"#,
        who.campaign,
        who.team,
        who.q.trim(),
        crate::people::store::like(who.q)
    )
    .fetch_one(c)
    .await
}

/// The matching participants by name, `limit` of them from `offset` (no
/// limit: all), each with their schedule's inputs and done steps. The page
/// of people is picked first, so the per-person arrays are built only for it.
pub async fn participants(
    c: &mut PgConnection,
    who: &Who<'_>,
    limit: Option<i64>,
    offset: i64,
) -> sqlx::Result<Vec<Participant>> {
    participants_stream(c, who, limit, offset)
        .try_collect()
        .await
}

/// The same, as the rows arrive (for the CSV export).
pub fn participants_stream<'c>(
    c: &'c mut PgConnection,
    who: &Who<'_>,
    limit: Option<i64>,
    offset: i64,
) -> BoxStream<'c, sqlx::Result<Participant>> {
    sqlx::query_as!(
        Participant,
        r#"WITH members AS (
               SELECT e.user_id, e.enrolled_on, e.released_all_at FROM campaign_enrolments e
               WHERE e.campaign_id = $1 AND $2::uuid IS NULL
               UNION ALL
               SELECT e.user_id, e.enrolled_on, e.released_all_at FROM users t
               JOIN campaign_enrolments e ON e.campaign_id = $1 AND e.user_id = t.id
               WHERE t.team_id = $2
           ), picked AS (
               SELECT u.id, u.name, u.email, u.team_id, u.timezone, m.enrolled_on, m.released_all_at
               FROM members m JOIN users u ON u.id = m.user_id
               WHERE $3 = '' OR lower(u.name) LIKE $4 OR u.email LIKE $4
               ORDER BY lower(u.name), u.id LIMIT $5 OFFSET $6)
           SELECT p.id AS user_id, p.name, p.email, t.name AS "team?", p.timezone, p.enrolled_on AS "enrolled_on!",
                  p.released_all_at IS NOT NULL AS "released_all!",
                  ARRAY(SELECT starts_on FROM (SELECT starts_on, ends_on FROM habit_pauses h WHERE h.user_id = p.id
                         UNION ALL SELECT starts_on, ends_on FROM campaign_pauses cp WHERE cp.user_id = p.id AND cp.campaign_id = $1) x
                        ORDER BY starts_on, ends_on) AS "pause_starts!",
                  ARRAY(SELECT ends_on FROM (SELECT starts_on, ends_on FROM habit_pauses h WHERE h.user_id = p.id
                         UNION ALL SELECT starts_on, ends_on FROM campaign_pauses cp WHERE cp.user_id = p.id AND cp.campaign_id = $1) x
                        ORDER BY starts_on, ends_on) AS "pause_ends!",
                  (SELECT count(*) FROM campaign_pauses cp WHERE cp.user_id = p.id AND cp.campaign_id = $1) AS "campaign_pauses!",
                  ARRAY(SELECT step_id FROM campaign_progress pr WHERE pr.user_id = p.id AND pr.campaign_id = $1) AS "done!"
           FROM picked p LEFT JOIN teams t ON t.id = p.team_id
           ORDER BY lower(p.name), p.id"#,
        who.campaign,
        who.team,
        who.q.trim(),
        crate::people::store::like(who.q),
        limit,
        offset
    )
    .fetch(c)
}

/// A campaign's results over everyone enrolled: how many are enrolled,
/// have done a step, have done every step (of `steps`), and did one since
/// `since`.
pub struct Totals {
    pub enrolled: i64,
    pub started: i64,
    pub completed: i64,
    pub active: i64,
}

pub async fn totals(
    c: &mut PgConnection,
    campaign: Uuid,
    steps: i64,
    since: DateTime<Utc>,
) -> sqlx::Result<Totals> {
    sqlx::query_as!(
        Totals,
        r#"SELECT count(*) AS "enrolled!",
                  count(*) FILTER (WHERE d.n > 0) AS "started!",
                  count(*) FILTER (WHERE $2::bigint > 0 AND d.n >= $2::bigint) AS "completed!",
                  count(*) FILTER (WHERE d.last > $3) AS "active!"
           FROM campaign_enrolments e
           LEFT JOIN (SELECT user_id, count(*) AS n, max(done_at) AS last FROM campaign_progress
                      WHERE campaign_id = $1 GROUP BY user_id) d ON d.user_id = e.user_id
           WHERE e.campaign_id = $1"#,
        campaign,
        steps,
        since
    )
    .fetch_one(c)
    .await
}

/// How many of the people enrolled have done each step.
pub async fn done_by_step(c: &mut PgConnection, campaign: Uuid) -> sqlx::Result<Vec<(Uuid, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT pr.step_id, count(*) AS "n!" FROM campaign_progress pr
           JOIN campaign_enrolments e ON e.campaign_id = pr.campaign_id AND e.user_id = pr.user_id
           WHERE pr.campaign_id = $1 GROUP BY pr.step_id"#,
        campaign
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.step_id, r.n)).collect())
}

/// "Release everything now" to one learner.
pub async fn release_all(c: &mut PgConnection, campaign: Uuid, user: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE campaign_enrolments SET released_all_at = coalesce(released_all_at, now())
         WHERE campaign_id = $1 AND user_id = $2",
        campaign,
        user
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pause one enrolled learner in one campaign.
pub async fn pause(
    c: &mut PgConnection,
    campaign: Uuid,
    user: Uuid,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO campaign_pauses (id, campaign_id, user_id, starts_on, ends_on)
         SELECT $1, campaign_id, user_id, $4, $5 FROM campaign_enrolments WHERE campaign_id = $2 AND user_id = $3",
        Uuid::now_v7(),
        campaign,
        user,
        starts_on,
        ends_on
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Lift every pause L&D set for one learner in one campaign.
pub async fn unpause(c: &mut PgConnection, campaign: Uuid, user: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM campaign_pauses WHERE campaign_id = $1 AND user_id = $2",
        campaign,
        user
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub timezone: String,
}

pub async fn person_by_email(c: &mut PgConnection, email: &str) -> sqlx::Result<Option<Person>> {
    sqlx::query_as!(
        Person,
        "SELECT id, name, timezone FROM users WHERE email = lower($1) AND active",
        email.trim()
    )
    .fetch_optional(c)
    .await
}

pub async fn enrolment_date(
    c: &mut PgConnection,
    campaign: Uuid,
    user: Uuid,
) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar!(
        "SELECT enrolled_on FROM campaign_enrolments WHERE campaign_id = $1 AND user_id = $2",
        campaign,
        user
    )
    .fetch_optional(c)
    .await
}

pub struct TeamCampaignRow {
    pub user_id: Uuid,
    pub name: String,
    pub campaign_id: Uuid,
    pub title: String,
    pub business_why: String,
    pub ends_on: NaiveDate,
    pub steps: i64,
    pub done: i64,
    pub last_done: Option<DateTime<Utc>>,
}

/// The published campaigns a manager's direct reports are in, with each
/// person's steps done (bounded by the team's size).
pub async fn team_campaigns(
    c: &mut PgConnection,
    manager: Uuid,
) -> sqlx::Result<Vec<TeamCampaignRow>> {
    sqlx::query_as!(
        TeamCampaignRow,
        r#"SELECT u.id AS user_id, u.name, c.id AS campaign_id, c.title, c.business_why, c.ends_on,
                  (SELECT count(*) FROM campaign_steps s WHERE s.campaign_id = c.id) AS "steps!",
                  (SELECT count(*) FROM campaign_progress p WHERE p.campaign_id = c.id AND p.user_id = u.id) AS "done!",
                  (SELECT max(done_at) FROM campaign_progress p WHERE p.campaign_id = c.id AND p.user_id = u.id) AS "last_done?"
           FROM users u
           JOIN campaign_enrolments e ON e.user_id = u.id
           JOIN campaigns c ON c.id = e.campaign_id AND c.status = 'published'
           WHERE u.manager_id = $1 AND u.active
           ORDER BY c.ends_on DESC, c.title, lower(u.name)"#,
        manager
    )
    .fetch_all(c)
    .await
}
