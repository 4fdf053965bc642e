//! Today's plan: the learner's recommendation candidates and campaign rows
//! for one local day, built on the day's first visit (or when a change made
//! it stale) and ahead of the day by the worker, so that later visits read
//! it back with the page's own state in one statement.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{self, REC_CANDIDATES};
use super::store::{self, Rec, plan::NewPlan};
use crate::campaigns::store::learner::{LearnerStep, steps_of};

/// What building a plan needs besides the database.
pub struct Inputs<'a> {
    pub user: Uuid,
    pub timezone: &'a str,
    pub today: NaiveDate,
    pub opened_on: NaiveDate,
    pub version: i64,
    pub epoch: i64,
    pub has_interests: bool,
}

/// Work out today's candidates and campaign rows, save them as the plan and
/// return them.
pub async fn build(
    c: &mut PgConnection,
    i: &Inputs<'_>,
) -> sqlx::Result<(Vec<Rec>, Vec<LearnerStep>)> {
    let recs = store::recommendations(c, i.user, i.has_interests, REC_CANDIDATES).await?;
    let steps = steps_of(c, i.user, None, Some(i.today)).await?;
    store::plan::save(
        c,
        &NewPlan {
            user: i.user,
            local_date: i.today,
            next_day_at: model::next_day_starts(i.timezone, i.today),
            opened_on: i.opened_on,
            version: i.version,
            epoch: i.epoch,
            recs: &recs,
            steps: &steps,
        },
    )
    .await?;
    Ok((recs, steps))
}

/// What one round of preparing did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    pub built: usize,
    pub dropped: usize,
}

/// Prepare the plans of learners whose new day has started by `now`, in
/// batches, until none is left or `max` were handled; the plans of learners
/// away for a fortnight, or no longer active, are dropped instead.
pub async fn prepare_due(pool: &PgPool, now: DateTime<Utc>, max: usize) -> sqlx::Result<Prepared> {
    const BATCH: i64 = 200;
    let mut c = pool.acquire().await?;
    let mut done = Prepared::default();
    while done.built + done.dropped < max {
        let due = store::plan::due(&mut c, now, BATCH).await?;
        if due.is_empty() {
            break;
        }
        let mut idle = Vec::new();
        for d in &due {
            let today = crate::activity::local_date(&d.timezone, now);
            if !d.active || !model::keeps_plan(d.opened_on, today) {
                idle.push(d.user_id);
                continue;
            }
            let inputs = Inputs {
                user: d.user_id,
                timezone: &d.timezone,
                today,
                opened_on: d.opened_on,
                version: d.version,
                epoch: d.epoch,
                has_interests: d.has_interests,
            };
            build(&mut c, &inputs).await?;
            done.built += 1;
        }
        store::plan::drop_plans(&mut c, &idle).await?;
        done.dropped += idle.len();
    }
    Ok(done)
}
