//! SQL of Today's plans (`learner_plans`, see its migration for when a plan
//! is current): saving one, the plans whose learner's next day has started
//! (for the worker, by index on `next_day_at`), and dropping idle ones.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

#[cfg(doc)]
use super::Question;
use super::Rec;
use crate::daily::model::Pause;
use crate::daily::plan::PlanStep;

pub struct NewPlan<'a> {
    pub user: Uuid,
    pub local_date: NaiveDate,
    pub next_day_at: DateTime<Utc>,
    /// The day the learner opened Today (kept when the worker prepares it).
    pub opened_on: NaiveDate,
    /// `learner_habits.plan_version` and `plan_epoch.n`, read before the
    /// candidates and steps were: a change after that read leaves the plan
    /// stale, never wrongly current.
    pub version: i64,
    pub epoch: i64,
    pub recs: &'a [Rec],
    pub steps: &'a [PlanStep],
    /// How many of the reviews due to carry.
    pub reviews: i64,
}

/// The reviews a saved plan carries: the questions due on its day, oldest
/// first, as ids and cards (each a [`Question`] as JSON).
pub struct SavedReviews {
    pub ids: Vec<Uuid>,
    pub cards: Vec<String>,
}

/// Save the plan. The reviews due on its day are read by the same
/// statement, which returns them as it stored them.
pub async fn save(c: &mut PgConnection, p: &NewPlan<'_>) -> sqlx::Result<SavedReviews> {
    let ids: Vec<Uuid> = p.recs.iter().map(|r| r.id).collect();
    let minutes: Vec<i32> = p.recs.iter().map(|r| r.minutes).collect();
    let rec_cards = p
        .recs
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(e.into()))?;
    // Each card is a `Question` as JSON (Today reads them back).
    let row = sqlx::query!(
        r#"WITH due AS (
               SELECT q.id, d.due_on,
                      json_build_object('id', q.id, 'item_id', q.item_id, 'item_slug', i.slug,
                                        'item_title', i.title, 'prompt', q.prompt, 'options', q.options,
                                        'correct', q.correct, 'explanation', q.explanation)::text AS card
               FROM (SELECT s.question_id, s.due_on FROM review_schedule s
                     WHERE s.user_id = $1 AND NOT s.retired AND s.due_on <= $2
                     ORDER BY s.due_on, s.question_id LIMIT $11) d
               JOIN review_questions q ON q.id = d.question_id JOIN content_items i ON i.id = q.item_id)
           INSERT INTO learner_plans (user_id, local_date, next_day_at, opened_on, version, epoch,
                                      rec_ids, rec_minutes, rec_cards, steps, review_ids, review_cards)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                  coalesce((SELECT array_agg(id ORDER BY due_on, id) FROM due), '{}'),
                  coalesce((SELECT array_agg(card ORDER BY due_on, id) FROM due), '{}')
           ON CONFLICT (user_id) DO UPDATE SET
               local_date = EXCLUDED.local_date, next_day_at = EXCLUDED.next_day_at,
               opened_on = GREATEST(learner_plans.opened_on, EXCLUDED.opened_on),
               version = EXCLUDED.version, epoch = EXCLUDED.epoch, rec_ids = EXCLUDED.rec_ids,
               rec_minutes = EXCLUDED.rec_minutes, rec_cards = EXCLUDED.rec_cards,
               steps = EXCLUDED.steps, review_ids = EXCLUDED.review_ids,
               review_cards = EXCLUDED.review_cards, built_at = now()
           RETURNING review_ids, review_cards"#,
        p.user,
        p.local_date,
        p.next_day_at,
        p.opened_on,
        p.version,
        p.epoch,
        &ids,
        &minutes,
        &rec_cards,
        Json(p.steps) as _,
        p.reviews,
    )
    .fetch_one(c)
    .await?;
    Ok(SavedReviews {
        ids: row.review_ids,
        cards: row.review_cards,
    })
}

/// A plan whose learner's next day has started, with what preparing the
/// next one needs.
pub struct Due {
    pub user_id: Uuid,
    pub timezone: String,
    pub active: bool,
    pub opened_on: NaiveDate,
    pub version: i64,
    pub epoch: i64,
    pub has_interests: bool,
    pub pause_starts: Vec<NaiveDate>,
    pub pause_ends: Vec<NaiveDate>,
}

impl Due {
    /// The learner's habit pauses (the plan's steps skip their days).
    pub fn pauses(&self) -> Vec<Pause> {
        Pause::pairs(&self.pause_starts, &self.pause_ends).collect()
    }
}

/// Up to `limit` plans whose next day started by `now`, earliest first.
pub async fn due(c: &mut PgConnection, now: DateTime<Utc>, limit: i64) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as!(
        Due,
        r#"SELECT lp.user_id, u.timezone, u.active, lp.opened_on, h.plan_version AS version, ep.n AS epoch,
                  EXISTS (SELECT 1 FROM learner_interests li WHERE li.user_id = lp.user_id) AS "has_interests!",
                  ARRAY(SELECT p.starts_on FROM habit_pauses p WHERE p.user_id = lp.user_id
                        ORDER BY p.starts_on, p.id) AS "pause_starts!",
                  ARRAY(SELECT p.ends_on FROM habit_pauses p WHERE p.user_id = lp.user_id
                        ORDER BY p.starts_on, p.id) AS "pause_ends!"
           FROM learner_plans lp
           JOIN users u ON u.id = lp.user_id
           JOIN learner_habits h ON h.user_id = lp.user_id
           CROSS JOIN plan_epoch ep
           WHERE lp.next_day_at <= $1
           ORDER BY lp.next_day_at
           LIMIT $2"#,
        now,
        limit
    )
    .fetch_all(c)
    .await
}

/// Drop these learners' plans (away too long, or no longer active).
pub async fn drop_plans(c: &mut PgConnection, users: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM learner_plans WHERE user_id = ANY($1)", users)
        .execute(c)
        .await?;
    Ok(())
}
