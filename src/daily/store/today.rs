//! The Today page's state, read with the session in one statement
//! ([`with_session`]): habit settings, minutes done today, whether the
//! learner learned and reflected today, the items done and the questions
//! answered today, and today's plan when it is current (what it keeps of
//! the learner's past and the prompts, its candidates, campaign steps and
//! reviews due, as stored). Three primary-key reads and one index range of
//! today's activity, whatever the learner's history. Without a current plan
//! the page reads what building one needs ([`inputs`]) and builds it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::Settings;
use crate::auth::model::{SESSION_ABSOLUTE_DAYS, SESSION_IDLE_HOURS};
use crate::auth::store::SessionRow;
use crate::daily::model::Pause;
use crate::daily::plan::PlanStep;

pub struct TodayState {
    pub settings: Settings,
    pub minutes_done: i32,
    /// Any learning activity today (completed, answered or reflected).
    pub learned_today: bool,
    pub reflected: bool,
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

/// What a plan keeps for its day besides what the page offers: the
/// learning days before it (within Today's history window, in order), the
/// habit pauses in that window and the active reflection prompts.
pub struct Day {
    pub past_days: Vec<NaiveDate>,
    pub pauses: Vec<Pause>,
    pub prompts: Vec<(Uuid, String)>,
}

impl Day {
    /// From the columns as stored: pauses and prompts as parallel arrays.
    pub fn new(
        past_days: Vec<NaiveDate>,
        pause_starts: &[NaiveDate],
        pause_ends: &[NaiveDate],
        prompt_ids: Vec<Uuid>,
        prompt_texts: Vec<String>,
    ) -> Day {
        Day {
            past_days,
            pauses: Pause::pairs(pause_starts, pause_ends).collect(),
            prompts: prompt_ids.into_iter().zip(prompt_texts).collect(),
        }
    }
}

/// A current plan as read back: its day, its candidates (as
/// `daily::plan::write_recs` wrote them), the steps waiting by the end of
/// the day and the reviews due, as they were when it was built.
pub struct Plan {
    pub day: Day,
    pub recs: String,
    pub steps: Vec<PlanStep>,
    /// The questions due, oldest first: ids and cards as stored.
    pub review_ids: Vec<Uuid>,
    pub review_cards: Vec<String>,
}

/// The session's person with Today's state, in one statement: the Today
/// page, the one learners open most, saves the session's round trip this
/// way (`auth::session`). The session is live by the same rules as
/// `auth::store::session_user`'s, which reads it for every other page. The
/// state is for `date`, or without one for the learner's local date at `at`
/// as the database reckons it (returned, for the caller to check against
/// its own). A plan is current at the catalogue's epoch as read here; a
/// change committed since shows from the next visit, as if this one had
/// come a moment earlier. `None` when the session is not live; the state
/// is `None` when the learner has no habit settings yet.
pub async fn with_session(
    c: &mut PgConnection,
    id_hash: &[u8],
    at: DateTime<Utc>,
    date: Option<NaiveDate>,
) -> sqlx::Result<Option<(SessionRow, NaiveDate, Option<TodayState>)>> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone,
                  s.last_seen_at < now() - interval '1 minute' AS "stale!",
                  (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS "unread!",
                  l.epoch AS "catalogue_epoch!", l.today AS "today!",
                  h.daily_minutes AS "daily_minutes?", h.weekly_target AS "weekly_target?",
                  h.why AS "why?", h.best_streak AS "best_streak?",
                  h.onboarded_at IS NOT NULL AS "onboarded!", h.plan_version AS "plan_version?",
                  (td.minutes + td.answered)::int AS "minutes_done!", td.learned AS "learned!",
                  EXISTS (SELECT 1 FROM reflections r WHERE r.author_id = u.id AND r.local_date = l.today) AS "reflected!",
                  td.done AS "done_today!", td.answered_ids AS "answered_today!",
                  lp.past_days AS "past_days?", lp.pause_starts AS "pause_starts?",
                  lp.pause_ends AS "pause_ends?", lp.prompt_ids AS "prompt_ids?",
                  lp.prompt_texts AS "prompt_texts?", lp.recs AS "recs?",
                  lp.steps AS "plan_steps?: Json<Vec<PlanStep>>",
                  lp.review_ids AS "review_ids?", lp.review_cards AS "review_cards?"
           FROM sessions s
           JOIN users u ON u.id = s.user_id
           CROSS JOIN LATERAL (SELECT coalesce($5::date, ($2::timestamptz AT TIME ZONE u.timezone)::date) AS today,
                                      (SELECT e.n FROM plan_epoch e) AS epoch) l
           LEFT JOIN learner_habits h ON h.user_id = u.id
           LEFT JOIN learner_plans lp ON lp.user_id = u.id AND lp.local_date = l.today
                                     AND lp.version = h.plan_version AND lp.epoch = l.epoch
           CROSS JOIN LATERAL (
               SELECT coalesce(sum(i.minutes), 0) AS minutes, count(*) > 0 AS learned,
                      count(*) FILTER (WHERE a.verb = 'answered') AS answered,
                      coalesce(array_agg(a.object_id) FILTER (WHERE a.verb = 'answered'), '{}') AS answered_ids,
                      coalesce(array_agg(a.object_id) FILTER (WHERE a.verb = 'completed' AND a.object_type = 'item'),
                               '{}') AS done
               FROM activities a
               LEFT JOIN content_items i ON a.verb = 'completed' AND a.object_type = 'item' AND i.id = a.object_id
               WHERE a.user_id = u.id AND a.local_date = l.today AND a.verb IN ('completed', 'answered', 'reflected')) td
           WHERE s.id_hash = $1 AND u.active
             AND s.last_seen_at > now() - make_interval(hours => $3)
             AND s.created_at > now() - make_interval(days => $4)"#,
        id_hash,
        at,
        SESSION_IDLE_HOURS as i32,
        SESSION_ABSOLUTE_DAYS as i32,
        date
    )
    .fetch_optional(c)
    .await?;
    Ok(row.map(|r| {
        // The habit settings' columns are all `NOT NULL`: all there, or no
        // settings row.
        let state = match (
            r.daily_minutes,
            r.weekly_target,
            r.why,
            r.best_streak,
            r.plan_version,
        ) {
            (
                Some(daily_minutes),
                Some(weekly_target),
                Some(why),
                Some(best_streak),
                Some(plan_version),
            ) => Some(TodayState {
                settings: Settings {
                    daily_minutes,
                    weekly_target,
                    why,
                    best_streak,
                    onboarded: r.onboarded,
                },
                minutes_done: r.minutes_done,
                learned_today: r.learned,
                reflected: r.reflected,
                done_today: r.done_today,
                answered_today: r.answered_today,
                plan_version,
                epoch: r.catalogue_epoch,
                plan: PlanColumns {
                    past_days: r.past_days,
                    pause_starts: r.pause_starts,
                    pause_ends: r.pause_ends,
                    prompt_ids: r.prompt_ids,
                    prompt_texts: r.prompt_texts,
                    recs: r.recs,
                    steps: r.plan_steps,
                    review_ids: r.review_ids,
                    review_cards: r.review_cards,
                }
                .plan(),
            }),
            _ => None,
        };
        let session = SessionRow {
            id: r.id,
            name: r.name,
            email: r.email,
            role: r.role,
            timezone: r.timezone,
            stale: r.stale,
            unread: r.unread,
            catalogue_epoch: r.catalogue_epoch,
        };
        (session, r.today, state)
    }))
}

/// The plan's columns as a statement reads them through its `LEFT JOIN`:
/// all there when the plan is current, all `NULL` otherwise.
struct PlanColumns {
    past_days: Option<Vec<NaiveDate>>,
    pause_starts: Option<Vec<NaiveDate>>,
    pause_ends: Option<Vec<NaiveDate>>,
    prompt_ids: Option<Vec<Uuid>>,
    prompt_texts: Option<Vec<String>>,
    recs: Option<String>,
    steps: Option<Json<Vec<PlanStep>>>,
    review_ids: Option<Vec<Uuid>>,
    review_cards: Option<Vec<String>>,
}

impl PlanColumns {
    fn plan(self) -> Option<Plan> {
        Some(Plan {
            day: Day::new(
                self.past_days?,
                &self.pause_starts?,
                &self.pause_ends?,
                self.prompt_ids?,
                self.prompt_texts?,
            ),
            recs: self.recs?,
            steps: self.steps?.0,
            review_ids: self.review_ids?,
            review_cards: self.review_cards?,
        })
    }
}

/// What building today's plan needs from the learner: whether they follow
/// any topics, and their habit pauses since `since` (the steps skip them).
pub struct Inputs {
    pub has_interests: bool,
    pub pauses: Vec<Pause>,
}

pub async fn inputs(c: &mut PgConnection, user: Uuid, since: NaiveDate) -> sqlx::Result<Inputs> {
    let r = sqlx::query!(
        r#"SELECT EXISTS (SELECT 1 FROM learner_interests li WHERE li.user_id = $1) AS "has_interests!",
                  ARRAY(SELECT p.starts_on FROM habit_pauses p WHERE p.user_id = $1 AND p.ends_on >= $2
                        ORDER BY p.starts_on, p.id) AS "pause_starts!",
                  ARRAY(SELECT p.ends_on FROM habit_pauses p WHERE p.user_id = $1 AND p.ends_on >= $2
                        ORDER BY p.starts_on, p.id) AS "pause_ends!""#,
        user,
        since
    )
    .fetch_one(c)
    .await?;
    Ok(Inputs {
        has_interests: r.has_interests,
        pauses: Pause::pairs(&r.pause_starts, &r.pause_ends).collect(),
    })
}
