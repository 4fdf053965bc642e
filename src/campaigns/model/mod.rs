//! Pure rules of campaigns: when each step is released to one learner
//! (`schedule`), the campaign's phase and the schedule changes it refuses
//! once running, local release instants across time zones and DST, the
//! days that overrun a learner's time budget, and when the daily digest is
//! due (`digest`). "Now" is always an argument.

pub mod digest;
mod schedule;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

pub use crate::daily::model::Pause;
pub use schedule::{
    DAY_NAMES, Mode, Release, Rules, StepTiming, Weekdays, locked_steps, release_dates, released,
};

/// A campaign's phase on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Draft,
    Scheduled,
    Running,
    Finished,
    Archived,
}

impl Phase {
    pub fn of(status: &str, starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Phase {
        match status {
            "draft" => Phase::Draft,
            "archived" => Phase::Archived,
            _ if today < starts_on => Phase::Scheduled,
            _ if today <= ends_on => Phase::Running,
            _ => Phase::Finished,
        }
    }

    /// In the order L&D's list offers them.
    pub const ALL: [Phase; 5] = [
        Phase::Running,
        Phase::Scheduled,
        Phase::Draft,
        Phase::Finished,
        Phase::Archived,
    ];

    /// The phase's name in a URL and in SQL (see `store::ListFilter`).
    pub fn key(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Scheduled => "scheduled",
            Phase::Running => "running",
            Phase::Finished => "finished",
            Phase::Archived => "archived",
        }
    }

    pub fn parse(key: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The list's filter: "Drafts", "Running"...
    pub fn plural(self) -> &'static str {
        match self {
            Phase::Draft => "Drafts",
            p => p.label(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Draft => "Draft",
            Phase::Scheduled => "Scheduled",
            Phase::Running => "Running",
            Phase::Finished => "Finished",
            Phase::Archived => "Archived",
        }
    }

    /// New people are enrolled (or may join) while this holds.
    pub fn enrols(self) -> bool {
        matches!(self, Phase::Scheduled | Phase::Running)
    }
}

/// Why the start date cannot move, if it cannot.
pub fn start_change_refused(
    phase: Phase,
    mode: Mode,
    old: NaiveDate,
    new: NaiveDate,
) -> Option<&'static str> {
    if old == new {
        return None;
    }
    match (phase, mode) {
        (Phase::Running | Phase::Finished, Mode::Cohort) => Some(
            "The cohort has already started on this date: moving it would change what everyone has already received. Append steps or pause people instead.",
        ),
        (Phase::Running | Phase::Finished, Mode::Rolling) => Some(
            "Enrolment opened on this date and people are already following their schedules, so it cannot move.",
        ),
        _ => None,
    }
}

/// Fields whose change a campaign refuses in this phase, with why: once
/// it runs, a change of start, mode or release days would move steps that
/// people already have. (The release time may still change.)
pub fn schedule_change_refused(
    phase: Phase,
    old: &Rules,
    new: &Rules,
) -> Vec<(&'static str, &'static str)> {
    let mut refused = Vec::new();
    if let Some(why) = start_change_refused(phase, old.mode, old.starts_on, new.starts_on) {
        refused.push(("starts_on", why));
    }
    if matches!(phase, Phase::Running | Phase::Finished) {
        if old.mode != new.mode {
            refused.push((
                "mode",
                "The campaign is running: switching between cohort and rolling would move steps people already have.",
            ));
        }
        if old.days != new.days {
            refused.push((
                "days",
                "The campaign is running: changing release days would move steps people already have. Append steps instead.",
            ));
        }
    }
    refused
}

/// The learner's local date and time at `at` (UTC when the zone is unknown).
pub fn local_now(timezone: &str, at: DateTime<Utc>) -> NaiveDateTime {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).naive_local(),
        Err(_) => at.naive_utc(),
    }
}

/// The instant the local `time` on `date` happens in `timezone`. In the
/// spring-forward gap it is the first instant after the gap; in the
/// repeated autumn hour it is the first of the two.
pub fn release_instant(timezone: &str, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut local = date.and_time(time);
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

/// Days on which the steps of all a learner's campaigns take more minutes
/// than their daily budget, with the total.
pub fn overloaded_days(
    releases: impl IntoIterator<Item = (NaiveDate, i32)>,
    budget: i32,
) -> Vec<(NaiveDate, i32)> {
    let mut by_day: BTreeMap<NaiveDate, i32> = BTreeMap::new();
    for (d, m) in releases {
        *by_day.entry(d).or_default() += m;
    }
    by_day.into_iter().filter(|(_, m)| *m > budget).collect()
}

/// Percentage, rounded down, of `part` in `whole` (0 when empty).
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 { 0 } else { part * 100 / whole }
}

#[cfg(test)]
mod tests {
    use super::schedule::tests::{d, rules};
    use super::*;

    #[test]
    fn each_phase_has_a_key_that_reads_back() {
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.key()), Some(p));
        }
        assert_eq!(Phase::parse(""), None);
        assert_eq!(Phase::parse("Running"), None);
        assert_eq!(Phase::Draft.plural(), "Drafts");
        assert_eq!(Phase::Finished.plural(), "Finished");
    }

    #[test]
    fn phases_follow_the_dates_and_the_start_of_a_running_cohort_is_fixed() {
        let (s, e) = (d("2026-12-07"), d("2026-12-31"));
        assert_eq!(Phase::of("draft", s, e, d("2026-12-10")), Phase::Draft);
        assert_eq!(
            Phase::of("published", s, e, d("2026-12-06")),
            Phase::Scheduled
        );
        assert_eq!(
            Phase::of("published", s, e, d("2026-12-07")),
            Phase::Running
        );
        assert_eq!(
            Phase::of("published", s, e, d("2026-12-31")),
            Phase::Running
        );
        assert_eq!(
            Phase::of("published", s, e, d("2027-01-01")),
            Phase::Finished
        );
        assert_eq!(
            Phase::of("archived", s, e, d("2026-12-10")),
            Phase::Archived
        );
        assert!(start_change_refused(Phase::Running, Mode::Cohort, s, d("2026-12-14")).is_some());
        assert!(start_change_refused(Phase::Running, Mode::Cohort, s, s).is_none());
        assert!(start_change_refused(Phase::Scheduled, Mode::Cohort, s, d("2026-12-14")).is_none());
        assert!(start_change_refused(Phase::Draft, Mode::Cohort, s, d("2026-12-14")).is_none());
    }

    #[test]
    fn a_running_campaign_refuses_schedule_changes_but_not_a_new_release_time() {
        let old = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        let new = Rules {
            mode: Mode::Rolling,
            days: Weekdays(0x7f),
            release_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            starts_on: d("2026-12-14"),
        };
        let fields: Vec<&str> = schedule_change_refused(Phase::Running, &old, &new)
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(fields, ["starts_on", "mode", "days"]);
        assert!(schedule_change_refused(Phase::Scheduled, &old, &new).is_empty());
        let later = Rules {
            release_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            ..old
        };
        assert!(schedule_change_refused(Phase::Running, &old, &later).is_empty());
    }

    #[test]
    fn days_over_the_budget_are_flagged() {
        let got = overloaded_days(
            [
                (d("2026-12-07"), 5),
                (d("2026-12-07"), 8),
                (d("2026-12-08"), 10),
            ],
            10,
        );
        assert_eq!(got, vec![(d("2026-12-07"), 13)]);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(5, 0), 0);
    }
}
