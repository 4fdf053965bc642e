//! SQL of Today's plans (`learner_plans`, see its migrations for when a plan
//! is current and what it keeps): saving one, the plans whose learner's next day has started
//! (for the worker, by index on `next_day_at`), and dropping idle ones.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

#[cfg(doc)]
use super::Question;
use super::today::Day;
use crate::daily::model::Pause;
use crate::daily::plan::PlanStep;

pub struct NewPlan<'a> {
    pub user: Uuid,
    pub local_date: NaiveDate,
    /// The first day of Today's history window (the plan keeps the learning
    /// days and pauses from then on).
    pub since: NaiveDate,
    pub next_day_at: DateTime<Utc>,
    /// The day the learner opened Today (kept when the worker prepares it).
    pub opened_on: NaiveDate,
    /// `learner_habits.plan_version` and `plan_epoch.n`, read before the
    /// candidates and steps were: a change after that read leaves the plan
    /// stale, never wrongly current.
    pub version: i64,
    pub epoch: i64,
    /// The candidates as `daily::plan::write_recs` writes them.
    pub recs: &'a str,
    /// The learner's habit pauses that end on or after `since`.
    pub pauses: &'a [Pause],
    pub steps: &'a [PlanStep],
    /// How many of the reviews due to carry.
    pub reviews: i64,
}

/// What a saved plan read for its day besides the candidates and steps: the
/// learner's past and the organisation's prompts, and the reviews due (the
/// questions due on its day, oldest first, as ids and cards, each a
/// [`Question`] as JSON).
pub struct Saved {
    pub day: Day,
    pub review_ids: Vec<Uuid>,
    pub review_cards: Vec<String>,
}

/// Save the plan. The learning days before its day, the active prompts and
/// the reviews due are read by the same statement, which returns them as it
/// stored them.
pub async fn save(c: &mut PgConnection, p: &NewPlan<'_>) -> sqlx::Result<Saved> {
    let starts: Vec<NaiveDate> = p.pauses.iter().map(|x| x.starts_on).collect();
    let ends: Vec<NaiveDate> = p.pauses.iter().map(|x| x.ends_on).collect();
    // Each review card is a `Question` as JSON (Today reads them back).
    let row = sqlx::query!(
        r#"WITH due AS (
               SELECT q.id, d.due_on,
                      json_build_object('id', q.id, 'item_id', q.item_id, 'item_slug', i.slug,
                                        'item_title', i.title, 'prompt', q.prompt, 'options', q.options,
                                        'correct', q.correct, 'explanation', q.explanation)::text AS card
               FROM (SELECT s.question_id, s.due_on FROM review_schedule s
                     WHERE s.user_id = $1 AND NOT s.retired AND s.due_on <= $2
                     ORDER BY s.due_on, s.question_id LIMIT $10) d
               JOIN review_questions q ON q.id = d.question_id JOIN content_items i ON i.id = q.item_id)
           INSERT INTO learner_plans (user_id, local_date, next_day_at, opened_on, version, epoch,
                                      recs, steps, review_ids, review_cards,
                                      past_days, pause_starts, pause_ends, prompt_ids, prompt_texts)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8,
                  coalesce((SELECT array_agg(id ORDER BY due_on, id) FROM due), '{}'),
                  coalesce((SELECT array_agg(card ORDER BY due_on, id) FROM due), '{}'),
                  ARRAY(SELECT DISTINCT a.local_date FROM activities a
                        WHERE a.user_id = $1 AND a.local_date >= $9 AND a.local_date < $2
                          AND a.verb IN ('completed', 'answered', 'reflected')
                        ORDER BY 1),
                  $11, $12,
                  ARRAY(SELECT r.id FROM reflection_prompts r WHERE r.active ORDER BY r.id),
                  ARRAY(SELECT r.text FROM reflection_prompts r WHERE r.active ORDER BY r.id)
           ON CONFLICT (user_id) DO UPDATE SET
               local_date = EXCLUDED.local_date, next_day_at = EXCLUDED.next_day_at,
               opened_on = GREATEST(learner_plans.opened_on, EXCLUDED.opened_on),
               version = EXCLUDED.version, epoch = EXCLUDED.epoch, recs = EXCLUDED.recs,
               steps = EXCLUDED.steps, review_ids = EXCLUDED.review_ids,
               review_cards = EXCLUDED.review_cards, past_days = EXCLUDED.past_days,
               pause_starts = EXCLUDED.pause_starts, pause_ends = EXCLUDED.pause_ends,
               prompt_ids = EXCLUDED.prompt_ids, prompt_texts = EXCLUDED.prompt_texts,
               built_at = now()
           RETURNING review_ids, review_cards, past_days, prompt_ids, prompt_texts"#,
        p.user,
        p.local_date,
        p.next_day_at,
        p.opened_on,
        p.version,
        p.epoch,
        p.recs,
        Json(p.steps) as _,
        p.since,
        p.reviews,
        &starts,
        &ends,
    )
    .fetch_one(c)
    .await?;
    Ok(Saved {
        day: Day::new(
            row.past_days,
            &starts,
            &ends,
            row.prompt_ids,
            row.prompt_texts,
        ),
        review_ids: row.review_ids,
        review_cards: row.review_cards,
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
