//! Today's plan: the learner's recommendation candidates and the campaign
//! steps waiting by the end of one local day, built on the day's first visit
//! (or when a change made it stale) and ahead of the day by the worker, so
//! that later visits read it back with the page's own state in one
//! statement.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{self, Pause, REC_CANDIDATES};
use super::store::{self, Rec, plan::NewPlan};
use super::views::StepCard;
use crate::campaigns::plan::{out_from, plan, waiting};
use crate::campaigns::store::learner::steps_of;
use crate::campaigns::views::step_href;

/// A campaign step waiting by the end of the plan's day, as Today shows it,
/// with the learner's local time from which it is out.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlanStep {
    pub out_from: NaiveDateTime,
    #[serde(flatten)]
    pub card: StepCard,
}

/// A recommendation candidate as Today first needs it: its id and minutes
/// (to compose the page); the card itself is read only when it is shown.
pub struct Candidate {
    pub id: Uuid,
    pub minutes: i32,
    card: Card,
}

enum Card {
    Read(Rec),
    Stored(String),
}

impl Candidate {
    /// One of a plan's stored candidates.
    pub fn stored(id: Uuid, minutes: i32, card: String) -> Candidate {
        Candidate {
            id,
            minutes,
            card: Card::Stored(card),
        }
    }

    pub fn read(r: Rec) -> Candidate {
        Candidate {
            id: r.id,
            minutes: r.minutes,
            card: Card::Read(r),
        }
    }

    /// The card, to show.
    pub fn card(self) -> serde_json::Result<Rec> {
        match self.card {
            Card::Read(r) => Ok(r),
            Card::Stored(json) => serde_json::from_str(&json),
        }
    }
}

/// What Today offers at local time `now` from a plan: the candidates not
/// done today, and the steps out by now (both in the plan's order).
pub fn open_now(
    recs: Vec<Candidate>,
    steps: Vec<PlanStep>,
    done_today: &[Uuid],
    now: NaiveDateTime,
) -> (Vec<Candidate>, Vec<StepCard>) {
    let recs = recs
        .into_iter()
        .filter(|r| !done_today.contains(&r.id))
        .collect();
    let steps = steps
        .into_iter()
        .filter(|s| s.out_from <= now)
        .map(|s| s.card)
        .collect();
    (recs, steps)
}

/// What building a plan needs besides the database.
pub struct Inputs<'a> {
    pub user: Uuid,
    pub timezone: &'a str,
    pub today: NaiveDate,
    pub opened_on: NaiveDate,
    pub version: i64,
    pub epoch: i64,
    pub has_interests: bool,
    /// The learner's habit pauses (campaign steps skip their days).
    pub pauses: &'a [Pause],
}

/// Work out today's candidates and the steps waiting by the end of the day,
/// save them as the plan and return them.
pub async fn build(
    c: &mut PgConnection,
    i: &Inputs<'_>,
) -> sqlx::Result<(Vec<Rec>, Vec<PlanStep>)> {
    let recs = store::recommendations(c, i.user, i.has_interests, REC_CANDIDATES).await?;
    let rows = steps_of(c, i.user, None, Some(i.today)).await?;
    let end_of_day =
        i.today.and_time(NaiveTime::MIN) + chrono::Duration::days(1) - chrono::Duration::seconds(1);
    let followed = plan(rows, i.pauses, end_of_day);
    let steps: Vec<PlanStep> = waiting(&followed, i.today)
        .into_iter()
        .map(|s| PlanStep {
            out_from: out_from(s, i.today),
            card: StepCard {
                campaign_id: s.step.campaign_id,
                campaign_title: s.step.campaign_title.clone(),
                step_id: s.step.step_id,
                position: s.step.position,
                title: s.step.title.clone(),
                minutes: s.minutes(),
                href: step_href(&s.step.campaign_id, s),
            },
        })
        .collect();
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
            let pauses = d.pauses();
            let inputs = Inputs {
                user: d.user_id,
                timezone: &d.timezone,
                today,
                opened_on: d.opened_on,
                version: d.version,
                epoch: d.epoch,
                has_interests: d.has_interests,
                pauses: &pauses,
            };
            build(&mut c, &inputs).await?;
            done.built += 1;
        }
        store::plan::drop_plans(&mut c, &idle).await?;
        done.dropped += idle.len();
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: u128) -> Rec {
        Rec {
            id: Uuid::from_u128(n),
            slug: format!("item-{n}"),
            title: format!("Item {n}"),
            summary: String::new(),
            kind: "article".into(),
            minutes: 3,
            topic: None,
        }
    }

    fn step(n: u128, out_from: &str) -> PlanStep {
        PlanStep {
            out_from: out_from.parse().unwrap(),
            card: StepCard {
                campaign_id: Uuid::from_u128(100),
                campaign_title: "Onboarding".into(),
                step_id: Uuid::from_u128(n),
                position: n as i32,
                title: format!("Step {n}"),
                minutes: 5,
                href: String::new(),
            },
        }
    }

    #[test]
    fn a_plan_offers_what_is_not_done_today_and_steps_once_they_are_out() {
        let recs = vec![rec(1), rec(2), rec(3)]
            .into_iter()
            .map(Candidate::read)
            .collect();
        let steps = vec![
            step(1, "2026-12-01T00:00:00"),
            step(2, "2026-12-01T09:00:00"),
        ];
        let now: NaiveDateTime = "2026-12-01T08:59:00".parse().unwrap();
        let (r, s) = open_now(recs, steps, &[Uuid::from_u128(2)], now);
        let ids: Vec<u128> = r.iter().map(|r| r.id.as_u128()).collect();
        assert_eq!(ids, [1, 3]);
        let steps: Vec<i32> = s.iter().map(|s| s.position).collect();
        assert_eq!(steps, [1]);

        let later: NaiveDateTime = "2026-12-01T09:00:00".parse().unwrap();
        let (_, s) = open_now(
            vec![],
            vec![
                step(1, "2026-12-01T00:00:00"),
                step(2, "2026-12-01T09:00:00"),
            ],
            &[],
            later,
        );
        assert_eq!(s.len(), 2, "out at its release time");
    }

    #[test]
    fn a_stored_card_is_read_when_shown() {
        let json = serde_json::to_string(&rec(5)).unwrap();
        let c = Candidate::stored(Uuid::from_u128(5), 3, json);
        let card = c.card().unwrap();
        assert_eq!(card.id, Uuid::from_u128(5));
        assert_eq!(
            (card.slug.as_str(), card.title.as_str()),
            ("item-5", "Item 5")
        );
        let bad = Candidate::stored(Uuid::from_u128(6), 3, "{".into());
        assert!(
            bad.card().is_err(),
            "a damaged card is an error, not a panic"
        );
    }

    #[test]
    fn a_plan_step_keeps_its_card_through_json() {
        let s = step(7, "2026-12-01T08:00:00");
        let back: PlanStep = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.out_from, s.out_from);
        assert_eq!(back.card.step_id, s.card.step_id);
        assert_eq!(back.card.title, "Step 7");
    }
}
