//! SQL of the learning record (inserts and reads only: it is append-only).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::Verb;

/// One learning action.
pub struct Action<'a> {
    pub user_id: Uuid,
    pub verb: Verb,
    pub object_type: &'a str,
    pub object_id: Uuid,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub duration_seconds: Option<i32>,
    pub score: Option<f32>,
}

impl<'a> Action<'a> {
    /// An action happening now, dated in the learner's time zone.
    pub fn now(
        user_id: Uuid,
        timezone: &str,
        verb: Verb,
        object_type: &'a str,
        object_id: Uuid,
    ) -> Action<'a> {
        let at = Utc::now();
        Action {
            user_id,
            verb,
            object_type,
            object_id,
            at,
            local_date: super::local_date(timezone, at),
            duration_seconds: None,
            score: None,
        }
    }

    pub fn with_score(mut self, score: f32) -> Self {
        self.score = Some(score);
        self
    }
}

/// Record an action. Returns false when it was already recorded
/// (completing the same thing twice counts once).
pub async fn record(c: &mut PgConnection, a: &Action<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO activities (user_id, verb, object_type, object_id, at, local_date, duration_seconds, score)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        a.user_id,
        a.verb.as_str(),
        a.object_type,
        a.object_id,
        a.at,
        a.local_date,
        a.duration_seconds,
        a.score
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn has_completed(
    c: &mut PgConnection,
    user_id: Uuid,
    object_type: &str,
    object_id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM activities WHERE user_id = $1 AND object_type = $2
           AND object_id = $3 AND verb = 'completed') AS "done!""#,
        user_id,
        object_type,
        object_id
    )
    .fetch_one(c)
    .await
}
