//! The Today page's own state in one statement: habit settings, learning
//! days, pauses, minutes done today, whether the learner reflected today,
//! the active reflection prompts, whether they follow any topics, the
//! reviews due, the items done today, and today's plan when it is current
//! (its candidates and campaign steps as stored). Each part is an index
//! range bounded by the learner and a date window; today's activities are
//! read once for the minutes done, the answers and the items done.

use chrono::NaiveDate;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::{Question, Settings};
#[cfg(doc)]
use crate::daily::model::MAX_REVIEWS;
use crate::daily::model::Pause;
use crate::daily::plan::PlanStep;

pub struct TodayState {
    pub settings: Settings,
    pub days: Vec<NaiveDate>,
    pub pauses: Vec<Pause>,
    pub minutes_done: i32,
    pub reflected: bool,
    pub prompts: Vec<(Uuid, String)>,
    /// Up to [`MAX_REVIEWS`] questions due on or before today, oldest first.
    pub reviews: Vec<Question>,
    pub has_interests: bool,
    /// Items completed today (a plan's candidates leave them out).
    pub done_today: Vec<Uuid>,
    /// What a plan built now must carry to be current (`learner_plans`).
    pub plan_version: i64,
    pub epoch: i64,
    /// Today's plan, when one is current.
    pub plan: Option<Plan>,
}

/// A current plan as read back: its candidates, best first, and the steps
/// waiting by the end of the day, as they were when it was built.
pub struct Plan {
    /// The candidates, best first: ids, minutes and cards as stored
    /// (`daily::plan::Candidate` reads a card when it is shown).
    pub rec_ids: Vec<Uuid>,
    pub rec_minutes: Vec<i32>,
    pub rec_cards: Vec<String>,
    pub steps: Vec<PlanStep>,
}

/// `None` when the learner has no habit settings yet (not onboarded).
///
/// The limit of reviews is written into the SQL (3 is [`MAX_REVIEWS`];
/// `tests/it/hot_pages.rs` checks they agree): as a parameter, it can make
/// Postgres plan the statement afresh on every call instead of reusing its
/// generic plan.
pub async fn state(
    c: &mut PgConnection,
    user: Uuid,
    today: NaiveDate,
    since: NaiveDate,
) -> sqlx::Result<Option<TodayState>> {
    let row = sqlx::query!(
        r#"SELECT h.daily_minutes, h.weekly_target, h.why, h.best_streak,
                  h.onboarded_at IS NOT NULL AS "onboarded!",
                  ARRAY(SELECT DISTINCT a.local_date FROM activities a
                        WHERE a.user_id = $1 AND a.local_date >= $3
                          AND a.verb IN ('completed', 'answered', 'reflected')
                        ORDER BY 1) AS "days!",
                  coalesce(pa.starts, '{}') AS "pause_starts!", coalesce(pa.ends, '{}') AS "pause_ends!",
                  (td.minutes + td.answered)::int AS "minutes_done!",
                  EXISTS (SELECT 1 FROM reflections r WHERE r.author_id = $1 AND r.local_date = $2) AS "reflected!",
                  coalesce(pr.ids, '{}') AS "prompt_ids!", coalesce(pr.texts, '{}') AS "prompt_texts!",
                  coalesce(rv.list, '[]') AS "reviews!: Json<Vec<Question>>",
                  EXISTS (SELECT 1 FROM learner_interests li WHERE li.user_id = $1) AS "has_interests!",
                  h.plan_version, ep.n AS epoch,
                  td.done AS "done_today!",
                  lp.rec_ids AS "rec_ids?", lp.rec_minutes AS "rec_minutes?", lp.rec_cards AS "rec_cards?",
                  lp.steps AS "plan_steps?: Json<Vec<PlanStep>>"
           FROM learner_habits h
           CROSS JOIN plan_epoch ep
           LEFT JOIN learner_plans lp ON lp.user_id = h.user_id AND lp.local_date = $2
                                     AND lp.version = h.plan_version AND lp.epoch = ep.n
           CROSS JOIN LATERAL (SELECT array_agg(p.starts_on ORDER BY p.starts_on, p.id) AS starts,
                                      array_agg(p.ends_on ORDER BY p.starts_on, p.id) AS ends
                               FROM habit_pauses p WHERE p.user_id = $1 AND p.ends_on >= $3) pa
           CROSS JOIN LATERAL (SELECT array_agg(p.id ORDER BY p.id) AS ids, array_agg(p.text ORDER BY p.id) AS texts
                               FROM reflection_prompts p WHERE p.active) pr
           CROSS JOIN LATERAL (
               SELECT json_agg(json_build_object('id', q.id, 'item_id', q.item_id, 'item_slug', i.slug,
                                                 'item_title', i.title, 'prompt', q.prompt, 'options', q.options,
                                                 'correct', q.correct, 'explanation', q.explanation)
                               ORDER BY d.due_on, d.id) AS list
               FROM (SELECT s.question_id AS id, s.due_on FROM review_schedule s
                     WHERE s.user_id = $1 AND NOT s.retired AND s.due_on <= $2
                     ORDER BY s.due_on, s.question_id LIMIT 3) d
               JOIN review_questions q ON q.id = d.id JOIN content_items i ON i.id = q.item_id) rv
           CROSS JOIN LATERAL (
               SELECT coalesce(sum(i.minutes), 0) AS minutes,
                      count(*) FILTER (WHERE a.verb = 'answered') AS answered,
                      coalesce(array_agg(a.object_id) FILTER (WHERE a.verb = 'completed' AND a.object_type = 'item'),
                               '{}') AS done
               FROM activities a
               LEFT JOIN content_items i ON a.verb = 'completed' AND a.object_type = 'item' AND i.id = a.object_id
               WHERE a.user_id = $1 AND a.local_date = $2 AND a.verb IN ('completed', 'answered')) td
           WHERE h.user_id = $1"#,
        user,
        today,
        since
    )
    .fetch_optional(c)
    .await?;
    Ok(row.map(|r| TodayState {
        settings: Settings {
            daily_minutes: r.daily_minutes,
            weekly_target: r.weekly_target,
            why: r.why,
            best_streak: r.best_streak,
            onboarded: r.onboarded,
        },
        days: r.days,
        pauses: Pause::pairs(&r.pause_starts, &r.pause_ends).collect(),
        minutes_done: r.minutes_done,
        reflected: r.reflected,
        prompts: r.prompt_ids.into_iter().zip(r.prompt_texts).collect(),
        reviews: r.reviews.0,
        has_interests: r.has_interests,
        done_today: r.done_today,
        plan_version: r.plan_version,
        epoch: r.epoch,
        plan: match (r.plan_steps, r.rec_ids, r.rec_minutes, r.rec_cards) {
            (Some(steps), Some(rec_ids), Some(rec_minutes), Some(rec_cards)) => Some(Plan {
                rec_ids,
                rec_minutes,
                rec_cards,
                steps: steps.0,
            }),
            _ => None,
        },
    }))
}
