//! One learner's campaigns laid out in time: the stored steps with their
//! release dates from the schedule rules and whether each is out now.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use uuid::Uuid;

use super::model::{self, Pause, Release, Rules, StepTiming};
use super::store::learner::LearnerStep;

#[derive(Debug, Clone)]
pub struct Planned {
    pub step: LearnerStep,
    pub release: Release,
    pub out: bool,
}

impl Planned {
    pub fn minutes(&self) -> i32 {
        self.step.item_minutes.unwrap_or(self.step.minutes)
    }
}

#[derive(Debug, Clone)]
pub struct Followed {
    pub campaign_id: Uuid,
    pub title: String,
    pub status: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub steps: Vec<Planned>,
}

impl Followed {
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.step.done).count()
    }
    pub fn released(&self) -> usize {
        self.steps.iter().filter(|s| s.out).count()
    }
    pub fn percent(&self) -> i64 {
        model::percent(self.done() as i64, self.steps.len() as i64)
    }
    /// The date the next locked step unlocks.
    pub fn next_unlock(&self) -> Option<NaiveDate> {
        self.steps.iter().find(|s| !s.out).map(|s| s.release.on)
    }
}

/// Group the rows by campaign and compute each step's release for a
/// learner with these habit pauses at local time `now`.
pub fn plan(rows: Vec<LearnerStep>, habit_pauses: &[Pause], now: NaiveDateTime) -> Vec<Followed> {
    let mut out: Vec<Followed> = Vec::new();
    let mut group: Vec<LearnerStep> = Vec::new();
    let flush = |group: &mut Vec<LearnerStep>, out: &mut Vec<Followed>| {
        let Some(first) = group.first() else {
            return;
        };
        let rules = Rules::stored(
            &first.mode,
            first.starts_on,
            first.release_days,
            first.release_time,
        );
        let mut pauses: Vec<Pause> = habit_pauses.to_vec();
        pauses.extend(Pause::pairs(&first.pause_starts, &first.pause_ends));
        let timing: Vec<StepTiming> = group
            .iter()
            .map(|s| StepTiming {
                same_day: s.same_day,
                added_on: s.added_on,
            })
            .collect();
        let releases = model::release_dates(&rules, first.enrolled_on, &pauses, &timing);
        let outs = model::released(&releases, first.released_all, now, rules.release_time);
        let (campaign_id, title, status) = (
            first.campaign_id,
            first.campaign_title.clone(),
            first.status.clone(),
        );
        let (starts_on, ends_on) = (first.starts_on, first.ends_on);
        let steps = group
            .drain(..)
            .zip(releases)
            .zip(outs)
            .map(|((step, release), out)| Planned { step, release, out })
            .collect();
        out.push(Followed {
            campaign_id,
            title,
            status,
            starts_on,
            ends_on,
            steps,
        });
    };
    for row in rows {
        if group
            .first()
            .is_some_and(|g| g.campaign_id != row.campaign_id)
        {
            flush(&mut group, &mut out);
        }
        group.push(row);
    }
    flush(&mut group, &mut out);
    out
}

/// The local time on `today` from which a step waiting by the end of that
/// day is out (the start of the day when L&D released everything).
pub fn out_from(p: &Planned, today: NaiveDate) -> NaiveDateTime {
    if p.step.released_all {
        today.and_time(NaiveTime::MIN)
    } else {
        p.release.out_from(today, p.step.release_time)
    }
}

/// Released steps not done yet of campaigns still running on `today`,
/// oldest release first (what Today and the digest show; a finished
/// campaign's leftovers stay on its own page and stop nagging).
pub fn waiting(campaigns: &[Followed], today: NaiveDate) -> Vec<&Planned> {
    let mut list: Vec<&Planned> = campaigns
        .iter()
        .filter(|c| c.ends_on >= today)
        .flat_map(|c| c.steps.iter())
        .filter(|s| s.out && !s.step.done)
        .collect();
    list.sort_by_key(|s| (s.release.on, s.step.position));
    list
}
