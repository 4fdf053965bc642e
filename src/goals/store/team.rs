//! SQL of the manager's team page (bounded by the number of direct
//! reports), the "needs your attention" queue, L&D's counts (no goal text)
//! and the target-date reminders.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct ReportRow {
    pub id: Uuid,
    pub name: String,
    pub team: Option<String>,
    pub active_goals: i64,
    pub awaiting: i64,
    pub overdue: i64,
    pub last_checkin: Option<NaiveDate>,
    pub last_learning_day: Option<NaiveDate>,
    pub week_days: i64,
    pub weekly_target: i32,
}

/// One row per direct report of `manager`, with today's figures in each report's own time zone.
pub async fn reports(c: &mut PgConnection, manager: Uuid) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as!(
        ReportRow,
        r#"SELECT u.id, u.name, t.name AS "team?",
                  og.active AS "active_goals!", og.awaiting AS "awaiting!", og.overdue AS "overdue!",
                  (SELECT max(ch.at AT TIME ZONE u.timezone)::date FROM goal_checkins ch JOIN goals g ON g.id = ch.goal_id
                     WHERE g.owner_id = u.id) AS last_checkin,
                  (SELECT max(a.local_date) FROM activities a WHERE a.user_id = u.id
                     AND a.verb IN ('completed', 'answered', 'reflected')) AS last_learning_day,
                  (SELECT count(DISTINCT a.local_date) FROM activities a WHERE a.user_id = u.id
                     AND a.verb IN ('completed', 'answered', 'reflected')
                     AND a.local_date >= date_trunc('week', (now() AT TIME ZONE u.timezone)::date)::date) AS "week_days!",
                  coalesce(h.weekly_target, 3) AS "weekly_target!"
           FROM users u LEFT JOIN teams t ON t.id = u.team_id
           LEFT JOIN learner_habits h ON h.user_id = u.id
           CROSS JOIN LATERAL (
               SELECT count(*) FILTER (WHERE g.status = 'active') AS active,
                      count(*) FILTER (WHERE g.status IN ('proposed', 'submitted')) AS awaiting,
                      count(*) FILTER (WHERE g.status IN ('active', 'submitted')
                                       AND g.target_date < (now() AT TIME ZONE u.timezone)::date) AS overdue
               FROM goals g WHERE g.owner_id = u.id AND g.status IN ('active', 'proposed', 'submitted')) og
           WHERE u.manager_id = $1 AND u.active ORDER BY lower(u.name)"#,
        manager
    )
    .fetch_all(c)
    .await
}

pub struct QueueRow {
    pub goal_id: Uuid,
    pub title: String,
    pub status: String,
    pub owner: String,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// Goals of direct reports waiting for the manager, oldest first.
pub async fn queue(c: &mut PgConnection, manager: Uuid) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"SELECT g.id AS goal_id, g.title, g.status, u.name AS owner, g.updated_at AS since
           FROM goals g JOIN users u ON u.id = g.owner_id
           WHERE u.manager_id = $1 AND u.active AND g.status IN ('proposed', 'submitted')
           ORDER BY g.updated_at"#,
        manager
    )
    .fetch_all(c)
    .await
}

/// Is `person` a direct report of `manager`?
pub async fn is_report(c: &mut PgConnection, manager: Uuid, person: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND manager_id = $2) AS "ok!""#,
        person,
        manager
    )
    .fetch_one(c)
    .await
}

pub struct Count {
    pub label: String,
    pub status: String,
    pub n: i64,
}

/// Goals by status and team (counts only).
pub async fn by_team(c: &mut PgConnection) -> sqlx::Result<Vec<Count>> {
    sqlx::query_as!(
        Count,
        r#"SELECT coalesce(t.name, 'No team') AS "label!", g.status, count(*) AS "n!"
           FROM goals g JOIN users u ON u.id = g.owner_id LEFT JOIN teams t ON t.id = u.team_id
           GROUP BY 1, 2 ORDER BY 1, 2"#
    )
    .fetch_all(c)
    .await
}

/// Goals by topic and status (counts only).
pub async fn by_topic(c: &mut PgConnection) -> sqlx::Result<Vec<Count>> {
    sqlx::query_as!(
        Count,
        r#"SELECT tp.name AS "label!", g.status, count(*) AS "n!"
           FROM goals g JOIN goal_topics gt ON gt.goal_id = g.id JOIN topics tp ON tp.id = gt.topic_id
           GROUP BY 1, 2 ORDER BY 1, 2"#
    )
    .fetch_all(c)
    .await
}

/// (goals, goals with at least one piece of evidence).
pub async fn evidence_share(c: &mut PgConnection) -> sqlx::Result<(i64, i64)> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "all!", count(*) FILTER (WHERE EXISTS (SELECT 1 FROM goal_evidence e WHERE e.goal_id = g.id)) AS "with!"
           FROM goals g WHERE g.status <> 'draft'"#
    )
    .fetch_one(c)
    .await?;
    Ok((r.all, r.with))
}

/// Active goals whose target date is at most a week after `today` and that
/// have had no check-in for two weeks: (goal, owner, title, target date).
pub async fn due_for_reminder(
    c: &mut PgConnection,
    today: NaiveDate,
) -> sqlx::Result<Vec<(Uuid, Uuid, String, NaiveDate)>> {
    let rows = sqlx::query!(
        r#"SELECT g.id, g.owner_id, g.title, g.target_date AS "target_date!" FROM goals g
           WHERE g.status = 'active' AND g.target_date BETWEEN $1 AND $1 + 7
             AND NOT EXISTS (SELECT 1 FROM goal_checkins ch WHERE ch.goal_id = g.id AND ch.at > $1::timestamptz - interval '14 days')"#,
        today
    )
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.owner_id, r.title, r.target_date))
        .collect())
}
