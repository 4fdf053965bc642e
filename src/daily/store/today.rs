//! The Today page's own state in one statement: habit settings, learning
//! days, pauses, minutes done today, whether the learner reflected today,
//! the active reflection prompts, whether they follow any topics, the items
//! done and the questions answered today, and today's plan when it is
//! current (its candidates, campaign steps and reviews due, as stored).
//! Each part is an index range bounded by the learner and a date window;
//! today's activities are read once.

use chrono::NaiveDate;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::Settings;
use crate::daily::model::Pause;
use crate::daily::plan::PlanStep;

pub struct TodayState {
    pub settings: Settings,
    pub days: Vec<NaiveDate>,
    pub pauses: Vec<Pause>,
    pub minutes_done: i32,
    pub reflected: bool,
    pub prompts: Vec<(Uuid, String)>,
    pub has_interests: bool,
    /// Items completed today (a plan's candidates leave them out).
    pub done_today: Vec<Uuid>,
    /// Questions answered today (a plan's reviews leave them out).
    pub answered_today: Vec<Uuid>,
    /// What a plan built now must carry to be current (`learner_plans`).
    pub plan_version: i64,
    pub epoch: i64,
    /// Today's plan, when one is current.
    pub plan: Option<Plan>,
}

/// A current plan as read back: its candidates, best first, the steps
/// waiting by the end of the day and the reviews due, as they were when it
/// was built.
pub struct Plan {
    /// The candidates, best first: ids, minutes and cards as stored
    /// (`daily::plan::Candidate` reads a card when it is shown).
    pub rec_ids: Vec<Uuid>,
    pub rec_minutes: Vec<i32>,
    pub rec_cards: Vec<String>,
    pub steps: Vec<PlanStep>,
    /// The questions due, oldest first: ids and cards as stored.
    pub review_ids: Vec<Uuid>,
    pub review_cards: Vec<String>,
}

/// `None` when the learner has no habit settings yet (not onboarded).
/// `epoch` is the catalogue's as the request began (read with the session):
/// a plan built at it is current. A change committed since shows from the
/// next visit, as if this one had come a moment earlier.
pub async fn state(
    c: &mut PgConnection,
    user: Uuid,
    today: NaiveDate,
    since: NaiveDate,
    epoch: i64,
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
                  EXISTS (SELECT 1 FROM learner_interests li WHERE li.user_id = $1) AS "has_interests!",
                  h.plan_version,
                  td.done AS "done_today!", td.answered_ids AS "answered_today!",
                  lp.rec_ids AS "rec_ids?", lp.rec_minutes AS "rec_minutes?", lp.rec_cards AS "rec_cards?",
                  lp.steps AS "plan_steps?: Json<Vec<PlanStep>>",
                  lp.review_ids AS "review_ids?", lp.review_cards AS "review_cards?"
           FROM learner_habits h
           LEFT JOIN learner_plans lp ON lp.user_id = h.user_id AND lp.local_date = $2
                                     AND lp.version = h.plan_version AND lp.epoch = $4
           CROSS JOIN LATERAL (SELECT array_agg(p.starts_on ORDER BY p.starts_on, p.id) AS starts,
                                      array_agg(p.ends_on ORDER BY p.starts_on, p.id) AS ends
                               FROM habit_pauses p WHERE p.user_id = $1 AND p.ends_on >= $3) pa
           CROSS JOIN LATERAL (SELECT array_agg(p.id ORDER BY p.id) AS ids, array_agg(p.text ORDER BY p.id) AS texts
                               FROM reflection_prompts p WHERE p.active) pr
           CROSS JOIN LATERAL (
               SELECT coalesce(sum(i.minutes), 0) AS minutes,
                      count(*) FILTER (WHERE a.verb = 'answered') AS answered,
                      coalesce(array_agg(a.object_id) FILTER (WHERE a.verb = 'answered'), '{}') AS answered_ids,
                      coalesce(array_agg(a.object_id) FILTER (WHERE a.verb = 'completed' AND a.object_type = 'item'),
                               '{}') AS done
               FROM activities a
               LEFT JOIN content_items i ON a.verb = 'completed' AND a.object_type = 'item' AND i.id = a.object_id
               WHERE a.user_id = $1 AND a.local_date = $2 AND a.verb IN ('completed', 'answered')) td
           WHERE h.user_id = $1"#,
        user,
        today,
        since,
        epoch
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
        has_interests: r.has_interests,
        done_today: r.done_today,
        answered_today: r.answered_today,
        plan_version: r.plan_version,
        epoch,
        plan: match (
            r.plan_steps,
            r.rec_ids,
            r.rec_minutes,
            r.rec_cards,
            r.review_ids,
            r.review_cards,
        ) {
            (
                Some(steps),
                Some(rec_ids),
                Some(rec_minutes),
                Some(rec_cards),
                Some(review_ids),
                Some(review_cards),
            ) => Some(Plan {
                rec_ids,
                rec_minutes,
                rec_cards,
                steps: steps.0,
                review_ids,
                review_cards,
            }),
            _ => None,
        },
    }))
}
