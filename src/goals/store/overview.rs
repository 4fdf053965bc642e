//! L&D's goal counts at `/admin/goals`: by status with the share that has
//! evidence, by topic, and a page of teams at a time. Counts only: no goal
//! text leaves these statements.

use sqlx::PgConnection;

/// Goals of one status: how many, and how many have evidence.
pub struct StatusCount {
    pub status: String,
    pub n: i64,
    pub evidenced: i64,
}

/// Goals of one team or topic, a count per status in `Status::ALL` order.
pub struct Pivot {
    pub label: String,
    pub n: Vec<i64>,
}

impl Pivot {
    pub fn total(&self) -> i64 {
        self.n.iter().sum()
    }
}

/// Every status's goals, with those that have at least one piece of
/// evidence (one pass over the goals and a distinct pass over evidence).
pub async fn by_status(c: &mut PgConnection) -> sqlx::Result<Vec<StatusCount>> {
    sqlx::query_as!(
        StatusCount,
        r#"SELECT g.status, count(*) AS "n!", count(e.goal_id) AS "evidenced!"
           FROM goals g LEFT JOIN (SELECT DISTINCT goal_id FROM goal_evidence) e ON e.goal_id = g.id
           GROUP BY g.status"#
    )
    .fetch_all(c)
    .await
}

/// Goals by topic and status, a row per topic that has goals, by name.
pub async fn by_topic(c: &mut PgConnection) -> sqlx::Result<Vec<Pivot>> {
    sqlx::query_as!(
        Pivot,
        r#"SELECT tp.name AS "label!",
                  ARRAY[count(*) FILTER (WHERE g.status = 'draft'),
                        count(*) FILTER (WHERE g.status = 'proposed'),
                        count(*) FILTER (WHERE g.status = 'active'),
                        count(*) FILTER (WHERE g.status = 'submitted'),
                        count(*) FILTER (WHERE g.status = 'achieved'),
                        count(*) FILTER (WHERE g.status = 'abandoned')] AS "n!"
           FROM goal_topics gt JOIN goals g ON g.id = gt.goal_id JOIN topics tp ON tp.id = gt.topic_id
           GROUP BY tp.id, tp.name ORDER BY lower(tp.name)"#
    )
    .fetch_all(c)
    .await
}

/// Goals by team and status for a page of the teams whose names contain
/// `q` (any case; empty for all), by name; a team without goals has zeros.
pub async fn team_page(
    c: &mut PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Pivot>> {
    sqlx::query_as!(
        Pivot,
        r#"SELECT t.name AS "label!",
                  ARRAY[count(g.id) FILTER (WHERE g.status = 'draft'),
                        count(g.id) FILTER (WHERE g.status = 'proposed'),
                        count(g.id) FILTER (WHERE g.status = 'active'),
                        count(g.id) FILTER (WHERE g.status = 'submitted'),
                        count(g.id) FILTER (WHERE g.status = 'achieved'),
                        count(g.id) FILTER (WHERE g.status = 'abandoned')] AS "n!"
           FROM (SELECT id, name FROM teams WHERE $1 = '' OR lower(name) LIKE $2
                 ORDER BY lower(name) LIMIT $3 OFFSET $4) t
           LEFT JOIN users u ON u.team_id = t.id
           LEFT JOIN goals g ON g.owner_id = u.id
           GROUP BY t.id, t.name ORDER BY lower(t.name)"#,
        q.trim(),
        crate::people::store::like(q),
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

/// Goals of people in no team.
pub async fn without_team(c: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM users u JOIN goals g ON g.owner_id = u.id WHERE u.team_id IS NULL"#
    )
    .fetch_one(c)
    .await
}
