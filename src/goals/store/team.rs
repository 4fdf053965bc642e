//! SQL of the manager's team page (bounded by the number of direct
//! reports), the "needs your attention" queue and the target-date
//! reminders.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::goals::model::DayClock;

pub struct ReportRow {
    pub id: Uuid,
    pub name: String,
    pub active_goals: i64,
    pub awaiting: i64,
    pub overdue: i64,
    pub last_checkin: Option<NaiveDate>,
    pub last_learning_day: Option<NaiveDate>,
    pub week_days: i64,
    pub weekly_target: i32,
}

pub struct QueueRow {
    pub goal_id: Uuid,
    pub title: String,
    pub status: String,
    pub owner: String,
    pub since: DateTime<Utc>,
}

/// The team page in one statement: a row per direct report of `manager`
/// from their `learner_stats` row (which also carries their weekly target;
/// the figures that depend on the day are counted at `now` in each report's
/// own time zone), and the goals of theirs waiting for the manager, oldest
/// first. Bounded by the number of reports. The waiting goals are read only
/// for the reports that have some (the `CASE` runs its subquery only then; a
/// `LATERAL` join set up its ordered aggregates for every report, a fifth of
/// the statement), as records, which decode without parsing text.
pub async fn page(
    c: &mut PgConnection,
    manager: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<(Vec<QueueRow>, Vec<ReportRow>)> {
    let rows = sqlx::query!(
        r#"SELECT u.id, u.name, u.timezone,
                  coalesce(s.active_goals, 0)::bigint AS "active_goals!",
                  coalesce(s.awaiting_goals, 0)::bigint AS "awaiting!",
                  coalesce(s.open_targets, '{}') AS "open_targets!",
                  s.last_checkin_at AS "last_checkin_at?",
                  s.last_learning_day AS "last_learning_day?",
                  coalesce(s.recent_days, '{}') AS "recent_days!",
                  coalesce(s.weekly_target, 3) AS "weekly_target!",
                  CASE WHEN s.awaiting_goals > 0 THEN ARRAY(
                      SELECT (g.id, g.title, g.status, g.updated_at)
                      FROM goals g WHERE g.owner_id = u.id AND g.status IN ('proposed', 'submitted')
                      ORDER BY g.updated_at, g.id)
                  END AS "queue: Vec<(Uuid, String, String, DateTime<Utc>)>"
           FROM users u LEFT JOIN learner_stats s ON s.user_id = u.id
           WHERE u.manager_id = $1 AND u.active ORDER BY lower(u.name), u.id"#,
        manager
    )
    .fetch_all(c)
    .await?;
    let mut queue = Vec::new();
    let mut reports = Vec::with_capacity(rows.len());
    let mut clock = DayClock::new(now);
    for r in rows {
        for (goal_id, title, status, since) in r.queue.unwrap_or_default() {
            queue.push(QueueRow {
                goal_id,
                title,
                status,
                owner: r.name.clone(),
                since,
            });
        }
        let day = clock.figures(
            &r.timezone,
            &r.open_targets,
            &r.recent_days,
            r.last_checkin_at,
        );
        reports.push(ReportRow {
            id: r.id,
            name: r.name,
            active_goals: r.active_goals,
            awaiting: r.awaiting,
            overdue: day.overdue,
            last_checkin: day.last_checkin,
            last_learning_day: r.last_learning_day,
            week_days: day.week_days,
            weekly_target: r.weekly_target,
        });
    }
    queue.sort_by_key(|q| (q.since, q.goal_id));
    Ok((queue, reports))
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
