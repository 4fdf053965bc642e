//! Today's plan: the learner's recommendation candidates, the campaign
//! steps waiting by the end of one local day and the reviews due that day,
//! built on the day's first visit (or when a change made it stale) and ahead
//! of the day by the worker, so that later visits read it back with the
//! page's own state in one statement.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{self, Pause, REC_CANDIDATES, REVIEWS_A_DAY};
use super::store::today::Plan;
use super::store::{self, Question, Rec, plan::NewPlan};
use super::views::StepCard;
use crate::campaigns::plan::{out_from, plan, waiting};
use crate::campaigns::store::learner::steps_of;
use crate::campaigns::views::step_href;

/// A campaign step waiting by the end of the plan's day, as Today shows it,
/// with the learner's local time from which it is out. Stored as one flat
/// JSON object; read back through `StoredStep`, because serde's `flatten`
/// buffers every key and value before it fills the card (2.8 % of Inflow's
/// CPU on Today, for two or three steps).
#[derive(Debug, Serialize, Deserialize)]
#[serde(from = "StoredStep")]
pub struct PlanStep {
    pub out_from: NaiveDateTime,
    #[serde(flatten)]
    pub card: StepCard,
}

/// `PlanStep` as stored, field by field.
#[derive(Deserialize)]
struct StoredStep {
    out_from: NaiveDateTime,
    campaign_id: Uuid,
    campaign_title: String,
    step_id: Uuid,
    position: i32,
    title: String,
    minutes: i32,
    href: String,
}

impl From<StoredStep> for PlanStep {
    fn from(s: StoredStep) -> Self {
        PlanStep {
            out_from: s.out_from,
            card: StepCard {
                campaign_id: s.campaign_id,
                campaign_title: s.campaign_title,
                step_id: s.step_id,
                position: s.position,
                title: s.title,
                minutes: s.minutes,
                href: s.href,
            },
        }
    }
}

/// A recommendation candidate as Today first needs it: its id and minutes
/// (to compose the page); its card, as stored, is read only when shown.
pub struct Candidate<'a> {
    pub id: Uuid,
    pub minutes: i32,
    card: &'a str,
}

impl Candidate<'_> {
    /// The card, to show.
    pub fn card(self) -> serde_json::Result<Rec> {
        serde_json::from_str(self.card)
    }
}

/// The candidates as a plan stores them, best first: one line each, the
/// item's id, its minutes and its card as JSON, apart by spaces. JSON as
/// serde_json writes it never holds a raw line break, so the page finds each
/// candidate without reading the cards it does not show.
pub fn write_recs(recs: &[Rec]) -> serde_json::Result<String> {
    use std::fmt::Write;
    let mut out = String::with_capacity(recs.len() * 256);
    for r in recs {
        if !out.is_empty() {
            out.push('\n');
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "{} {} ", r.id, r.minutes);
        out.push_str(&serde_json::to_string(r)?);
    }
    Ok(out)
}

/// A line of a stored plan that is not `id minutes card`.
#[derive(Debug)]
pub struct DamagedPlan;

impl std::fmt::Display for DamagedPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a stored plan's candidate is damaged")
    }
}

impl std::error::Error for DamagedPlan {}

/// The candidates of a plan as `write_recs` stored them, best first.
pub fn read_recs(stored: &str) -> Result<Vec<Candidate<'_>>, DamagedPlan> {
    stored
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, ' ');
            let mut next = || parts.next().ok_or(DamagedPlan);
            let id = next()?.parse().map_err(|_| DamagedPlan)?;
            let minutes = next()?.parse().map_err(|_| DamagedPlan)?;
            Ok(Candidate {
                id,
                minutes,
                card: next()?,
            })
        })
        .collect()
}

/// A review due today: its question's id; the question, as stored, is read
/// only when it is shown.
pub struct Review<'a> {
    pub id: Uuid,
    card: &'a str,
}

impl Review<'_> {
    /// The question, to show.
    pub fn question(self) -> serde_json::Result<Question> {
        serde_json::from_str(self.card)
    }
}

/// What a plan holds for the page, in its order; the cards stay in the plan
/// as stored.
pub struct Contents<'a> {
    pub recs: Vec<Candidate<'a>>,
    pub steps: Vec<PlanStep>,
    pub reviews: Vec<Review<'a>>,
}

impl<'a> Contents<'a> {
    /// What a plan offers, from its parts as stored: its steps move here,
    /// its cards are borrowed.
    pub fn of(
        recs: &'a str,
        steps: Vec<PlanStep>,
        review_ids: &[Uuid],
        review_cards: &'a [String],
    ) -> Result<Contents<'a>, DamagedPlan> {
        Ok(Contents {
            recs: read_recs(recs)?,
            steps,
            reviews: review_ids
                .iter()
                .zip(review_cards)
                .map(|(id, card)| Review { id: *id, card })
                .collect(),
        })
    }
}

/// What Today offers at local time `now` from a plan: the candidates not
/// done today, the steps out by now and the reviews not answered today
/// (each in the plan's order).
pub fn open_now<'a>(
    plan: Contents<'a>,
    done_today: &[Uuid],
    answered_today: &[Uuid],
    now: NaiveDateTime,
) -> (Vec<Candidate<'a>>, Vec<StepCard>, Vec<Review<'a>>) {
    let recs = plan
        .recs
        .into_iter()
        .filter(|r| !done_today.contains(&r.id))
        .collect();
    let steps = plan
        .steps
        .into_iter()
        .filter(|s| s.out_from <= now)
        .map(|s| s.card)
        .collect();
    let reviews = plan
        .reviews
        .into_iter()
        .filter(|q| !answered_today.contains(&q.id))
        .collect();
    (recs, steps, reviews)
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

/// Work out today's candidates, the steps waiting by the end of the day and
/// the reviews due, save them as the plan with what it keeps of the
/// learner's past and the prompts, and return it as saved.
pub async fn build(c: &mut PgConnection, i: &Inputs<'_>) -> sqlx::Result<Plan> {
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
    let recs = write_recs(&recs).map_err(|e| sqlx::Error::Encode(e.into()))?;
    // The plan keeps the pauses of Today's history window (the worker reads
    // them all).
    let since = model::history_since(i.today);
    let pauses: Vec<Pause> = i
        .pauses
        .iter()
        .filter(|p| p.ends_on >= since)
        .copied()
        .collect();
    let saved = store::plan::save(
        c,
        &NewPlan {
            user: i.user,
            local_date: i.today,
            since,
            next_day_at: model::next_day_starts(i.timezone, i.today),
            opened_on: i.opened_on,
            version: i.version,
            epoch: i.epoch,
            recs: &recs,
            pauses: &pauses,
            steps: &steps,
            reviews: REVIEWS_A_DAY,
        },
    )
    .await?;
    Ok(Plan {
        day: saved.day,
        recs,
        steps,
        review_ids: saved.review_ids,
        review_cards: saved.review_cards,
    })
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

    /// A review card as the plan's save stores it (the keys of its SQL).
    fn review_card(n: u128) -> String {
        serde_json::json!({
            "id": Uuid::from_u128(n), "item_id": Uuid::from_u128(1), "item_slug": "item-1",
            "item_title": "Item 1", "prompt": format!("Question {n}?"), "options": ["Yes", "No"],
            "correct": 0, "explanation": "",
        })
        .to_string()
    }

    #[test]
    fn a_plan_offers_what_is_not_done_or_answered_today_and_steps_once_they_are_out() {
        let recs = write_recs(&[rec(1), rec(2), rec(3)]).unwrap();
        let ids: Vec<Uuid> = [11, 12, 13].map(Uuid::from_u128).to_vec();
        let cards: Vec<String> = [11, 12, 13].map(review_card).to_vec();
        let steps = || {
            vec![
                step(1, "2026-12-01T00:00:00"),
                step(2, "2026-12-01T09:00:00"),
            ]
        };
        let contents = || Contents::of(&recs, steps(), &ids, &cards).unwrap();
        let now: NaiveDateTime = "2026-12-01T08:59:00".parse().unwrap();
        let (r, s, q) = open_now(
            contents(),
            &[Uuid::from_u128(2)],
            &[Uuid::from_u128(11)],
            now,
        );
        let ids: Vec<u128> = r.iter().map(|r| r.id.as_u128()).collect();
        assert_eq!(ids, [1, 3]);
        let steps: Vec<i32> = s.iter().map(|s| s.position).collect();
        assert_eq!(steps, [1]);
        let reviews: Vec<u128> = q.iter().map(|q| q.id.as_u128()).collect();
        assert_eq!(reviews, [12, 13], "answered today: gone, the rest in order");

        let later: NaiveDateTime = "2026-12-01T09:00:00".parse().unwrap();
        let (r, s, q) = open_now(contents(), &[], &[], later);
        assert_eq!(s.len(), 2, "out at its release time");
        assert_eq!((r.len(), q.len()), (3, 3));
    }

    #[test]
    fn stored_candidates_come_back_in_order_with_their_cards() {
        let mut odd = rec(7);
        odd.title = "Line\nbreaks, \"quotes\" and spaces".into();
        odd.summary = "Two\nlines".into();
        odd.minutes = 12;
        let stored = write_recs(&[rec(5), odd, rec(9)]).unwrap();
        assert_eq!(
            stored.lines().count(),
            3,
            "one line per candidate: {stored}"
        );
        let read = read_recs(&stored).unwrap();
        let got: Vec<(u128, i32)> = read.iter().map(|c| (c.id.as_u128(), c.minutes)).collect();
        assert_eq!(got, [(5, 3), (7, 12), (9, 3)]);
        let cards: Vec<Rec> = read.into_iter().map(|c| c.card().unwrap()).collect();
        assert_eq!(cards[1].title, "Line\nbreaks, \"quotes\" and spaces");
        assert_eq!(cards[1].summary, "Two\nlines");
        assert_eq!(
            (cards[0].slug.as_str(), cards[2].id),
            ("item-5", Uuid::from_u128(9))
        );
        assert!(
            read_recs("").unwrap().is_empty(),
            "a plan without candidates"
        );
        assert!(write_recs(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_damaged_plan_is_an_error_not_a_panic() {
        let good = write_recs(&[rec(5)]).unwrap();
        for bad in [
            "not-a-uuid 3 {}",
            "00000000-0000-0000-0000-000000000005 x {}",
            "00000000-0000-0000-0000-000000000005 3",
            "00000000-0000-0000-0000-000000000005",
        ] {
            assert!(read_recs(bad).is_err(), "{bad}");
            assert!(
                read_recs(&format!("{good}\n{bad}")).is_err(),
                "{bad} after a good line"
            );
        }
        // A line that parses, with a card that does not: an error when shown.
        let c = read_recs("00000000-0000-0000-0000-000000000006 3 {").unwrap();
        assert!(c.into_iter().next().unwrap().card().is_err());
        let ids = [Uuid::from_u128(12), Uuid::from_u128(13)];
        let cards = [review_card(12), "[]".to_owned()];
        let contents = Contents::of(&good, Vec::new(), &ids, &cards).unwrap();
        let mut reviews = contents.reviews.into_iter();
        let q = reviews.next().unwrap().question().unwrap();
        assert_eq!((q.prompt.as_str(), q.options.len()), ("Question 12?", 2));
        assert!(reviews.next().unwrap().question().is_err());
    }

    #[test]
    fn a_plan_step_keeps_its_card_through_json() {
        let s = step(7, "2026-12-01T08:00:00");
        let back: PlanStep = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.out_from, s.out_from);
        assert_eq!(back.card.step_id, s.card.step_id);
        assert_eq!(back.card.title, "Step 7");
        // As a plan stored it before steps were read field by field.
        let stored = r#"{"href": "/library/x", "title": "Step 3", "minutes": 7,
            "step_id": "0000000a-0000-7000-8000-000000000125", "out_from": "2026-12-01T08:00:00",
            "position": 3, "campaign_id": "00000009-0000-7000-8000-00000000001e",
            "campaign_title": "Spreadsheets sprint 30"}"#;
        let old: PlanStep = serde_json::from_str(stored).unwrap();
        assert_eq!(
            (old.card.position, old.card.minutes, old.card.href.as_str()),
            (3, 7, "/library/x")
        );
        assert_eq!(old.out_from.to_string(), "2026-12-01 08:00:00");
    }
}
