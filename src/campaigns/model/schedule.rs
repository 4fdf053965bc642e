//! When each campaign step is released to one learner: cohort or rolling
//! start, release weekdays, pauses, appended steps, late enrolment and
//! L&D's overrides. Dates are the learner's local dates.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::Pause;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everyone starts on the campaign's start date.
    Cohort,
    /// Each learner starts on the day they are enrolled.
    Rolling,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "cohort" => Some(Mode::Cohort),
            "rolling" => Some(Mode::Rolling),
            _ => None,
        }
    }
}

/// A set of weekdays; bit 0 is Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(pub u8);

pub const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Weekdays {
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);

    pub fn contains(self, d: NaiveDate) -> bool {
        self.0 & (1 << d.weekday().num_days_from_monday()) != 0
    }

    /// "Mon–Fri", "Mon, Wed, Fri", "Every day".
    pub fn describe(self) -> String {
        match self.0 & 0x7f {
            0x7f => "Every day".into(),
            0x1f => "Mon–Fri".into(),
            bits => (0..7)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| DAY_NAMES[i])
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub mode: Mode,
    pub starts_on: NaiveDate,
    pub days: Weekdays,
    pub release_time: NaiveTime,
}

impl Rules {
    /// The rules as stored: mode name, start, weekday bits, release time.
    pub fn stored(mode: &str, starts_on: NaiveDate, days: i32, release_time: NaiveTime) -> Rules {
        Rules {
            mode: Mode::parse(mode).unwrap_or(Mode::Cohort),
            starts_on,
            days: Weekdays(days as u8),
            release_time,
        }
    }
}

/// What the schedule needs to know about one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepTiming {
    /// Released on the same day as the step before it.
    pub same_day: bool,
    /// Appended after publishing on this date: never released before it.
    pub added_on: Option<NaiveDate>,
}

/// When one step is released to one learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub on: NaiveDate,
    /// Released at once (catching up after a late enrolment), not at the release time.
    pub immediate: bool,
}

impl Release {
    /// Whether the step is out at the learner's local time `now`.
    pub fn is_out(&self, now: NaiveDateTime, release_time: NaiveTime) -> bool {
        self.on < now.date()
            || (self.on == now.date() && (self.immediate || now.time() >= release_time))
    }

    /// The first local time on `today` at which the step is out: the start
    /// of the day when it came out earlier or comes out at once, else the
    /// release time (for a step out by the end of `today`).
    pub fn out_from(&self, today: NaiveDate, release_time: NaiveTime) -> NaiveDateTime {
        let midnight = today.and_time(NaiveTime::MIN);
        if self.is_out(midnight, release_time) {
            midnight
        } else {
            today.and_time(release_time)
        }
    }
}

/// Which steps are out for a learner at local time `now`; L&D's "release
/// everything now" override puts them all out.
pub fn released(
    releases: &[Release],
    released_all: bool,
    now: NaiveDateTime,
    time: NaiveTime,
) -> Vec<bool> {
    releases
        .iter()
        .map(|r| released_all || r.is_out(now, time))
        .collect()
}

/// Far enough for any schedule: a campaign never runs longer than this.
const HORIZON_DAYS: i64 = 3 * 366;

/// The first release day on or after `from` that no pause covers.
fn next_day(days: Weekdays, pauses: &[Pause], from: NaiveDate) -> NaiveDate {
    let mut d = from;
    for _ in 0..HORIZON_DAYS {
        if days.contains(d) && !pauses.iter().any(|p| p.covers(d)) {
            return d;
        }
        d += Duration::days(1);
    }
    d
}

/// Each step's release for a learner enrolled on `enrolled_on` with these
/// pauses (their own and any L&D set for them in this campaign).
///
/// Step N comes on the N-th release day of the learner's schedule (a
/// same-day step shares its predecessor's day). Rolling: the schedule starts
/// on the enrolment date and paused days are not release days, so a pause
/// shifts everything after it. Cohort: the schedule starts on the campaign's
/// start date for everyone; steps already past at a late enrolment are
/// released at once, and a step falling in a pause comes on the first
/// release day after it. An appended step never comes before the day it was
/// added, and no step comes before the one above it.
pub fn release_dates(
    rules: &Rules,
    enrolled_on: NaiveDate,
    pauses: &[Pause],
    steps: &[StepTiming],
) -> Vec<Release> {
    let (start, schedule_pauses) = match rules.mode {
        Mode::Rolling => (enrolled_on.max(rules.starts_on), pauses),
        Mode::Cohort => (rules.starts_on, &[][..]),
    };
    let mut out: Vec<Release> = Vec::with_capacity(steps.len());
    let mut cursor = start;
    for (i, step) in steps.iter().enumerate() {
        let mut on = match out.last() {
            Some(prev) if step.same_day => prev.on,
            Some(_) => next_day(rules.days, schedule_pauses, cursor + Duration::days(1)),
            None => next_day(rules.days, schedule_pauses, cursor),
        };
        if !(step.same_day && i > 0) {
            cursor = on;
        }
        let mut immediate = false;
        if let Some(added) = step.added_on {
            on = on.max(next_day(rules.days, pauses, added));
        }
        if rules.mode == Mode::Cohort {
            if on < enrolled_on {
                on = enrolled_on;
                immediate = true;
            }
            if pauses.iter().any(|p| p.covers(on)) {
                on = next_day(rules.days, pauses, on);
                immediate = false;
            }
        }
        if let Some(prev) = out.last()
            && prev.on > on
        {
            on = prev.on;
            immediate = prev.immediate;
        }
        out.push(Release { on, immediate });
    }
    out
}

/// How many steps (from the top) are released to someone already, so can
/// no longer be edited, moved or removed. `earliest` is the earliest
/// enrolment date (none: nobody enrolled yet, only cohort dates count);
/// `latest_today` is the date in the time zone furthest ahead.
pub fn locked_steps(
    rules: &Rules,
    earliest: Option<NaiveDate>,
    steps: &[StepTiming],
    latest_today: NaiveDate,
) -> usize {
    let enrolled_on = match (rules.mode, earliest) {
        (Mode::Cohort, _) => rules.starts_on,
        (Mode::Rolling, Some(d)) => d,
        (Mode::Rolling, None) => return 0,
    };
    release_dates(rules, enrolled_on, &[], steps)
        .iter()
        .take_while(|r| r.on <= latest_today)
        .count()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::campaigns::model::{local_now, release_instant};
    use chrono::{TimeZone, Utc};

    pub(crate) fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn rules(mode: Mode, start: &str, days: Weekdays) -> Rules {
        Rules {
            mode,
            starts_on: d(start),
            days,
            release_time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_step_is_out_from_the_start_of_the_day_or_from_its_release_time() {
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let today = d("2026-12-01");
        let at = |h| today.and_hms_opt(h, 0, 0).unwrap();
        let earlier = Release {
            on: d("2026-11-30"),
            immediate: false,
        };
        let later_today = Release {
            on: today,
            immediate: false,
        };
        let at_once = Release {
            on: today,
            immediate: true,
        };
        assert_eq!(earlier.out_from(today, eight), at(0));
        assert_eq!(at_once.out_from(today, eight), at(0));
        assert_eq!(later_today.out_from(today, eight), at(8));
        // It agrees with is_out either side of the release time.
        assert!(!later_today.is_out(at(7), eight));
        assert!(later_today.is_out(at(8), eight));
    }

    fn plain(n: usize) -> Vec<StepTiming> {
        vec![StepTiming::default(); n]
    }

    fn dates(r: &[Release]) -> Vec<String> {
        r.iter().map(|r| r.on.format("%a %d").to_string()).collect()
    }

    #[test]
    fn weekday_masks_skip_the_days_off() {
        // 2026-12-03 is a Thursday.
        let r = rules(Mode::Cohort, "2026-12-03", Weekdays::WORKDAYS);
        let got = release_dates(&r, d("2026-12-01"), &[], &plain(4));
        assert_eq!(dates(&got), ["Thu 03", "Fri 04", "Mon 07", "Tue 08"]);
        let mwf = rules(Mode::Cohort, "2026-12-05", Weekdays(0b001_0101));
        let got = release_dates(&mwf, d("2026-12-01"), &[], &plain(3));
        assert_eq!(dates(&got), ["Mon 07", "Wed 09", "Fri 11"]);
        assert_eq!(Weekdays(0b001_0101).describe(), "Mon, Wed, Fri");
        assert_eq!(Weekdays::WORKDAYS.describe(), "Mon–Fri");
        assert_eq!(Weekdays(0x7f).describe(), "Every day");
    }

    #[test]
    fn same_day_steps_share_their_predecessors_day() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        let mut steps = plain(4);
        steps[1].same_day = true;
        let got = release_dates(&r, d("2026-12-01"), &[], &steps);
        assert_eq!(dates(&got), ["Mon 07", "Mon 07", "Tue 08", "Wed 09"]);
    }

    #[test]
    fn cohort_latecomers_get_past_steps_at_once_and_then_the_cohort_dates() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        let got = release_dates(&r, d("2026-12-09"), &[], &plain(4));
        assert_eq!(dates(&got), ["Wed 09", "Wed 09", "Wed 09", "Thu 10"]);
        assert!(got[0].immediate && got[1].immediate && !got[2].immediate);
        // At 07:00 on the enrolment day the caught-up steps are out, the 08:00 one is not.
        let seven = d("2026-12-09").and_hms_opt(7, 0, 0).unwrap();
        let out: Vec<bool> = got
            .iter()
            .map(|s| s.is_out(seven, r.release_time))
            .collect();
        assert_eq!(out, [true, true, false, false]);
        let eight = d("2026-12-09").and_hms_opt(8, 0, 0).unwrap();
        assert!(got[2].is_out(eight, r.release_time));
    }

    #[test]
    fn releasing_everything_now_overrides_the_schedule() {
        let r = rules(Mode::Rolling, "2026-12-01", Weekdays::WORKDAYS);
        let got = release_dates(&r, d("2026-12-07"), &[], &plain(3));
        let now = d("2026-12-07").and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            released(&got, false, now, r.release_time),
            [true, false, false]
        );
        assert_eq!(
            released(&got, true, now, r.release_time),
            [true, true, true]
        );
    }

    #[test]
    fn rolling_learners_start_fresh_on_their_enrolment_day() {
        let r = rules(Mode::Rolling, "2026-12-01", Weekdays::WORKDAYS);
        let got = release_dates(&r, d("2026-12-12"), &[], &plain(3)); // a Saturday
        assert_eq!(dates(&got), ["Mon 14", "Tue 15", "Wed 16"]);
        assert!(got.iter().all(|s| !s.immediate));
        // Enrolled before the campaign opens: it starts on the start date.
        let got = release_dates(&r, d("2026-11-20"), &[], &plain(1));
        assert_eq!(dates(&got), ["Tue 01"]);
    }

    #[test]
    fn a_pause_shifts_a_rolling_schedule_by_its_length() {
        let r = rules(Mode::Rolling, "2026-12-01", Weekdays(0x7f));
        let pause = Pause {
            starts_on: d("2026-12-03"),
            ends_on: d("2026-12-05"),
        };
        let got = release_dates(&r, d("2026-12-01"), &[pause], &plain(4));
        assert_eq!(dates(&got), ["Tue 01", "Wed 02", "Sun 06", "Mon 07"]);
        // Two pauses (their own and one set by L&D) add up.
        let second = Pause {
            starts_on: d("2026-12-07"),
            ends_on: d("2026-12-07"),
        };
        let got = release_dates(&r, d("2026-12-01"), &[pause, second], &plain(4));
        assert_eq!(dates(&got), ["Tue 01", "Wed 02", "Sun 06", "Tue 08"]);
    }

    #[test]
    fn a_pause_holds_cohort_steps_until_it_ends() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        let pause = Pause {
            starts_on: d("2026-12-08"),
            ends_on: d("2026-12-09"),
        };
        let got = release_dates(&r, d("2026-12-01"), &[pause], &plain(5));
        assert_eq!(
            dates(&got),
            ["Mon 07", "Thu 10", "Thu 10", "Thu 10", "Fri 11"]
        );
    }

    #[test]
    fn appended_steps_never_come_before_the_day_they_were_added() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        let mut steps = plain(4);
        steps[3].added_on = Some(d("2026-12-12")); // a Saturday, weeks after step 3's slot
        let got = release_dates(&r, d("2026-12-01"), &[], &steps);
        assert_eq!(dates(&got), ["Mon 07", "Tue 08", "Wed 09", "Mon 14"]);
        // Appended before its slot: it keeps its slot.
        steps[3].added_on = Some(d("2026-12-08"));
        let got = release_dates(&r, d("2026-12-01"), &[], &steps);
        assert_eq!(dates(&got)[3], "Thu 10");
    }

    #[test]
    fn the_release_time_is_local_on_both_sides_of_the_date_line() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays(0x7f));
        let step = release_dates(&r, d("2026-12-01"), &[], &plain(1))[0];
        // 19:30 UTC on 6 Dec is 08:30 on 7 Dec in Auckland (NZDT, +13) and
        // 08:30 on 6 Dec in Pago Pago (-11).
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 19, 30, 0).unwrap();
        assert!(step.is_out(local_now("Pacific/Auckland", at), r.release_time));
        assert!(!step.is_out(local_now("Pacific/Pago_Pago", at), r.release_time));
        let auckland = release_instant("Pacific/Auckland", step.on, r.release_time);
        let pago = release_instant("Pacific/Pago_Pago", step.on, r.release_time);
        assert_eq!((pago - auckland).num_hours(), 24);
    }

    #[test]
    fn the_release_time_follows_daylight_saving_changes() {
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        // New York: EDT (-4) until 1 Nov 2026, then EST (-5).
        let before = release_instant("America/New_York", d("2026-10-31"), eight);
        let after = release_instant("America/New_York", d("2026-11-02"), eight);
        assert_eq!(before.format("%H:%M").to_string(), "12:00");
        assert_eq!(after.format("%H:%M").to_string(), "13:00");
        // 02:30 does not exist on 8 Mar 2026: the step comes when the clock reaches 03:00.
        let gap = release_instant(
            "America/New_York",
            d("2026-03-08"),
            NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        );
        assert_eq!(gap.to_rfc3339(), "2026-03-08T07:00:00+00:00");
        // 01:30 happens twice on 1 Nov 2026: the first one counts.
        let twice = release_instant(
            "America/New_York",
            d("2026-11-01"),
            NaiveTime::from_hms_opt(1, 30, 0).unwrap(),
        );
        assert_eq!(twice.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn steps_released_to_anyone_are_locked() {
        let r = rules(Mode::Cohort, "2026-12-07", Weekdays::WORKDAYS);
        assert_eq!(locked_steps(&r, None, &plain(5), d("2026-12-06")), 0);
        assert_eq!(locked_steps(&r, None, &plain(5), d("2026-12-08")), 2);
        let rolling = rules(Mode::Rolling, "2026-12-07", Weekdays::WORKDAYS);
        assert_eq!(locked_steps(&rolling, None, &plain(5), d("2026-12-20")), 0);
        assert_eq!(
            locked_steps(&rolling, Some(d("2026-12-09")), &plain(5), d("2026-12-10")),
            2
        );
    }
}
