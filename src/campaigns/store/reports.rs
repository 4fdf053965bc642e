//! SQL of what L&D and managers see of a campaign: participants with their
//! schedules' inputs and done steps (who got what, results), overrides for
//! one learner, and a manager's reports' campaigns.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn chosen_emails(c: &mut PgConnection, campaign: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT u.email FROM campaign_enrolments e JOIN users u ON u.id = e.user_id
         WHERE e.campaign_id = $1 AND e.source = 'chosen' ORDER BY u.email",
        campaign
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
    pub last_done: Option<DateTime<Utc>>,
}

/// Everyone enrolled in a campaign (optionally one team's), by name.
pub async fn participants(
    c: &mut PgConnection,
    campaign: Uuid,
    team: Option<Uuid>,
) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as!(
        Participant,
        r#"SELECT u.id AS user_id, u.name, u.email, t.name AS "team?", u.timezone, e.enrolled_on,
                  e.released_all_at IS NOT NULL AS "released_all!",
                  ARRAY(SELECT starts_on FROM (SELECT starts_on, ends_on FROM habit_pauses h WHERE h.user_id = u.id
                         UNION ALL SELECT starts_on, ends_on FROM campaign_pauses p WHERE p.user_id = u.id AND p.campaign_id = e.campaign_id) x
                        ORDER BY starts_on, ends_on) AS "pause_starts!",
                  ARRAY(SELECT ends_on FROM (SELECT starts_on, ends_on FROM habit_pauses h WHERE h.user_id = u.id
                         UNION ALL SELECT starts_on, ends_on FROM campaign_pauses p WHERE p.user_id = u.id AND p.campaign_id = e.campaign_id) x
                        ORDER BY starts_on, ends_on) AS "pause_ends!",
                  (SELECT count(*) FROM campaign_pauses p WHERE p.user_id = u.id AND p.campaign_id = e.campaign_id) AS "campaign_pauses!",
                  ARRAY(SELECT step_id FROM campaign_progress pr WHERE pr.user_id = u.id AND pr.campaign_id = e.campaign_id) AS "done!",
                  (SELECT max(done_at) FROM campaign_progress pr WHERE pr.user_id = u.id AND pr.campaign_id = e.campaign_id) AS "last_done?"
           FROM campaign_enrolments e
           JOIN users u ON u.id = e.user_id
           LEFT JOIN teams t ON t.id = u.team_id
           WHERE e.campaign_id = $1 AND ($2::uuid IS NULL OR u.team_id = $2)
           ORDER BY lower(u.name), u.id"#,
        campaign,
        team
    )
    .fetch_all(c)
    .await
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
