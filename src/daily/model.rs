//! Pure rules of daily learning: the habit (weekly target, forgiving streak
//! with freezes, pauses), the spaced-repetition schedule of review
//! questions, and the composition of the Today page. Dates are the
//! learner's local dates; "today" is always an argument.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

/// An "I'm away" period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Pause {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }
    /// Pauses from their starts and ends read as two parallel arrays.
    pub fn pairs<'a>(
        starts: &'a [NaiveDate],
        ends: &'a [NaiveDate],
    ) -> impl Iterator<Item = Pause> + 'a {
        starts.iter().zip(ends).map(|(s, e)| Pause {
            starts_on: *s,
            ends_on: *e,
        })
    }
}

pub const FREEZE_EVERY: u32 = 7;
pub const MAX_FREEZES: u32 = 2;
/// How far back the habit looks (bounds the query whatever the history).
pub const HISTORY_DAYS: i64 = 400;

/// The first day of the history window that ends on `today`.
pub fn history_since(today: NaiveDate) -> NaiveDate {
    today - Duration::days(HISTORY_DAYS)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Habit {
    pub current: u32,
    pub longest: u32,
    pub freezes: u32,
    pub freezes_used: u32,
    pub learned_today: bool,
    pub paused_today: bool,
    pub week_days: u32,
}

/// The Monday of `d`'s week.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Walk the days from the first learning day to today. A learning day
/// extends the streak; every 7 consecutive learning days earn a freeze (at
/// most 2 held); a missed day uses a freeze or ends the streak; paused days
/// change nothing; today is not missed until it is over.
pub fn habit(days: &[NaiveDate], pauses: &[Pause], today: NaiveDate) -> Habit {
    // The walk counts in day numbers, not dates (adding a day to a chrono
    // date was most of its cost), and reads the learning days up to today,
    // in order, with a cursor instead of looking each day up.
    let n = |d: NaiveDate| d.num_days_from_ce();
    let today_n = n(today);
    let mut learned: Vec<i32> = days
        .iter()
        .map(|d| n(*d))
        .filter(|d| *d <= today_n)
        .collect();
    learned.sort_unstable();
    learned.dedup();
    let pauses: Vec<(i32, i32)> = pauses
        .iter()
        .map(|p| (n(p.starts_on), n(p.ends_on)))
        .collect();
    let paused = |d: i32| pauses.iter().any(|(s, e)| *s <= d && d <= *e);
    let mut h = Habit {
        learned_today: learned.last() == Some(&today_n),
        paused_today: paused(today_n),
        ..Default::default()
    };
    let Some(first) = learned.first().copied() else {
        return h;
    };
    let (mut streak, mut run) = (0u32, 0u32);
    let mut next = learned.iter().peekable();
    for d in first..=today_n {
        let learned_on_d = next.next_if_eq(&&d).is_some();
        if paused(d) {
            // Frozen: neither kept nor broken.
        } else if learned_on_d {
            streak += 1;
            run += 1;
            if run.is_multiple_of(FREEZE_EVERY) && h.freezes < MAX_FREEZES {
                h.freezes += 1;
            }
            h.longest = h.longest.max(streak);
        } else if d != today_n {
            run = 0;
            if h.freezes > 0 && streak > 0 {
                h.freezes -= 1;
                h.freezes_used += 1;
            } else {
                streak = 0;
            }
        }
    }
    h.current = streak;
    let monday = n(week_start(today));
    h.week_days = learned.iter().rev().take_while(|d| **d >= monday).count() as u32;
    h
}

/// Days after a correct answer at each stage; a correct answer after the last one retires the question.
pub const INTERVALS: [i64; 5] = [1, 3, 7, 16, 35];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// How many intervals the question has passed (0 = new or just missed).
    pub stage: i32,
    pub due_on: NaiveDate,
    pub retired: bool,
}

/// The next review after answering on `today`.
pub fn next_review(stage: Option<i32>, correct: bool, today: NaiveDate) -> Review {
    let stage = stage.unwrap_or(0).clamp(0, INTERVALS.len() as i32);
    if !correct {
        return Review {
            stage: 0,
            due_on: today + Duration::days(1),
            retired: false,
        };
    }
    match INTERVALS.get(stage as usize) {
        Some(days) => Review {
            stage: stage + 1,
            due_on: today + Duration::days(*days),
            retired: false,
        },
        None => Review {
            stage,
            due_on: today,
            retired: true,
        },
    }
}

/// A candidate card for Today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: Uuid,
    pub minutes: i32,
}

/// At most this many reviews on Today at a time.
pub const MAX_REVIEWS: usize = 3;
/// Today's plan carries at most this many of the reviews due on its day,
/// oldest first: a daily limit, well past what a daily budget of minutes
/// leaves room for.
pub const REVIEWS_A_DAY: i64 = 30;
/// How many recommendation candidates today's shuffle picks from.
pub const REC_CANDIDATES: i64 = 40;
pub const REVIEW_MINUTES: i32 = 1;
/// What a reflection prompt takes out of the daily budget.
pub const REFLECTION_MINUTES: i32 = 2;

/// A learner's plan is prepared ahead for each new day while they opened
/// Today within this many days; after that it is dropped, and rebuilt on
/// their next visit.
pub const PLAN_IDLE_DAYS: i64 = 14;

/// Whether to prepare the next day's plan for a learner who last opened
/// Today on `opened_on`.
pub fn keeps_plan(opened_on: NaiveDate, today: NaiveDate) -> bool {
    (today - opened_on).num_days() <= PLAN_IDLE_DAYS
}

/// The instant the learner's next local day begins (the first instant after
/// a gap when midnight is skipped); an unknown zone counts as UTC.
pub fn next_day_starts(timezone: &str, today: NaiveDate) -> DateTime<Utc> {
    crate::campaigns::model::release_instant(timezone, today + Duration::days(1), NaiveTime::MIN)
}

/// A number that is the same for one learner on one date, and different the next day.
pub fn daily_seed(user: Uuid, date: NaiveDate) -> u64 {
    let mut h = DefaultHasher::new();
    (user, date).hash(&mut h);
    h.finish()
}

/// Today's order of the recommendations: shuffled by the daily seed, so
/// that the same learner sees the same order all day and another the next.
/// Indexes into `recs`.
pub fn rotation(recs: &[Candidate], seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..recs.len()).collect();
    // One mix per candidate, not one per comparison.
    order.sort_by_cached_key(|i| {
        let key = recs[*i].key.as_u128();
        mix(mix(seed ^ key as u64) ^ (key >> 64) as u64)
    });
    order
}

/// SplitMix64's finaliser: every bit of the input reaches every bit of the
/// output (the shuffle needs no more; SipHash per candidate was 3 % of a
/// Today page).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// What Today shows, in order: campaign steps (oldest first), at most three
/// reviews, then recommendations in today's `rotation`, while they fit the
/// minutes left in the budget. Returns indexes into each list.
pub fn compose(
    budget_left: i32,
    steps: &[Candidate],
    reviews: &[Candidate],
    recs: &[Candidate],
    rotation: &[usize],
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut left = budget_left;
    let mut take = |list: &[Candidate], order: &mut dyn Iterator<Item = usize>, max: usize| {
        let mut chosen = Vec::new();
        for i in order {
            if chosen.len() == max {
                break;
            }
            if list[i].minutes <= left {
                left -= list[i].minutes;
                chosen.push(i);
            }
        }
        chosen
    };
    let s = take(steps, &mut (0..steps.len()), usize::MAX);
    let r = take(reviews, &mut (0..reviews.len()), MAX_REVIEWS);
    let c = take(recs, &mut rotation.iter().copied(), usize::MAX);
    (s, r, c)
}

/// The entries of `list` at the `chosen` indexes, in that order; an index
/// out of range or repeated is skipped.
pub fn pick<T>(list: Vec<T>, chosen: &[usize]) -> Vec<T> {
    let mut list: Vec<Option<T>> = list.into_iter().map(Some).collect();
    chosen
        .iter()
        .filter_map(|i| list.get_mut(*i)?.take())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn plans_are_prepared_for_a_fortnight_after_the_last_visit() {
        let opened = d("2026-11-02");
        assert!(keeps_plan(opened, opened));
        assert!(keeps_plan(opened, d("2026-11-16")));
        assert!(!keeps_plan(opened, d("2026-11-17")));
    }

    #[test]
    fn the_next_day_starts_at_local_midnight() {
        use chrono::TimeZone;
        // London in summer time, then in winter time after the clocks go
        // back; a half-hour zone; an unknown zone counts as UTC.
        let cases = [
            ("Europe/London", "2026-10-23", (10, 23, 23, 0)),
            ("Europe/London", "2026-10-25", (10, 26, 0, 0)),
            ("Asia/Kolkata", "2026-12-01", (12, 1, 18, 30)),
            ("Not/AZone", "2026-12-01", (12, 2, 0, 0)),
        ];
        for (tz, today, (mo, day, h, mi)) in cases {
            assert_eq!(
                next_day_starts(tz, d(today)),
                Utc.with_ymd_and_hms(2026, mo, day, h, mi, 0).unwrap(),
                "{tz} {today}"
            );
        }
    }

    fn run(from: &str, n: i64) -> Vec<NaiveDate> {
        (0..n).map(|i| d(from) + Duration::days(i)).collect()
    }

    #[test]
    fn a_streak_counts_consecutive_days_and_today_is_not_missed_yet() {
        let days = run("2026-11-23", 5); // Mon..Fri
        let h = habit(&days, &[], d("2026-11-28")); // Saturday, not learned yet
        assert_eq!((h.current, h.longest, h.learned_today), (5, 5, false));
        let h = habit(&days, &[], d("2026-11-29")); // Saturday missed, no freeze
        assert_eq!(h.current, 0);
        assert_eq!(h.longest, 5);
    }

    #[test]
    fn seven_days_earn_a_freeze_used_on_a_missed_day() {
        let mut days = run("2026-11-01", 7);
        days.extend(run("2026-11-09", 3)); // 8 Nov missed
        let h = habit(&days, &[], d("2026-11-11"));
        assert_eq!((h.current, h.freezes, h.freezes_used), (10, 0, 1));
        // Two missed days with one freeze: the streak ends.
        let mut days = run("2026-11-01", 7);
        days.push(d("2026-11-10"));
        assert_eq!(habit(&days, &[], d("2026-11-10")).current, 1);
    }

    #[test]
    fn the_days_may_come_in_any_order_repeated_or_after_today() {
        let mut days = run("2026-11-01", 7);
        days.extend(run("2026-11-09", 3));
        let sorted = habit(&days, &[], d("2026-11-10"));
        assert_eq!((sorted.current, sorted.learned_today), (9, true));
        let mut shuffled = days.clone();
        shuffled.reverse();
        shuffled.extend(run("2026-11-03", 3)); // repeats
        shuffled.push(d("2026-11-20")); // after today: not counted
        assert_eq!(habit(&shuffled, &[], d("2026-11-10")), sorted);
    }

    #[test]
    fn at_most_two_freezes_are_held() {
        let days = run("2026-10-01", 28);
        let h = habit(&days, &[], d("2026-10-28"));
        assert_eq!((h.current, h.freezes), (28, MAX_FREEZES));
    }

    #[test]
    fn a_pause_freezes_the_streak() {
        let mut days = run("2026-11-01", 3);
        days.extend(run("2026-11-10", 2));
        let pause = Pause {
            starts_on: d("2026-11-04"),
            ends_on: d("2026-11-09"),
        };
        let h = habit(&days, &[pause], d("2026-11-11"));
        assert_eq!(h.current, 5);
        assert!(habit(&days, &[pause], d("2026-11-05")).paused_today);
        assert_eq!(pause.days(), 6);
    }

    #[test]
    fn the_week_is_monday_based_and_resets_across_the_boundary() {
        let days = vec![
            d("2026-11-27"),
            d("2026-11-28"),
            d("2026-11-29"),
            d("2026-11-30"),
        ];
        assert_eq!(habit(&days, &[], d("2026-11-29")).week_days, 3); // Fri, Sat, Sun
        assert_eq!(habit(&days, &[], d("2026-11-30")).week_days, 1); // Monday: a new week
        assert_eq!(week_start(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-30")), d("2026-11-30"));
    }

    #[test]
    fn review_intervals_grow_and_a_miss_comes_back_tomorrow() {
        let t = d("2026-11-30");
        let mut stage = None;
        let mut dues = Vec::new();
        for _ in 0..5 {
            let r = next_review(stage, true, t);
            dues.push((r.due_on - t).num_days());
            stage = Some(r.stage);
        }
        assert_eq!(dues, vec![1, 3, 7, 16, 35]);
        assert!(
            next_review(stage, true, t).retired,
            "correct at the last interval retires it"
        );
        let miss = next_review(Some(4), false, t);
        assert_eq!((miss.stage, miss.due_on), (0, d("2026-12-01")));
    }

    #[test]
    fn composition_follows_the_order_and_the_budget() {
        let c = |k: u128, m| Candidate {
            key: Uuid::from_u128(k),
            minutes: m,
        };
        let steps = vec![c(1, 4)];
        let reviews = vec![c(11, 1), c(12, 1), c(13, 1), c(14, 1)];
        let recs = vec![c(21, 3), c(22, 2), c(23, 12), c(24, 1)];
        let day = rotation(&recs, 42);
        let (s, r, k) = compose(10, &steps, &reviews, &recs, &day);
        assert_eq!(s, vec![0]);
        assert_eq!(r, vec![0, 1, 2], "at most three reviews");
        let minutes: i32 = 4 + 3 + k.iter().map(|i| recs[*i].minutes).sum::<i32>();
        assert!(minutes <= 10);
        assert!(!k.contains(&2), "a 12-minute item does not fit");
        assert_eq!(
            compose(10, &steps, &reviews, &recs, &rotation(&recs, 42)),
            (s, r, k.clone()),
            "deterministic"
        );
        let other_days: HashSet<Vec<usize>> = (0..20)
            .map(|seed| compose(10, &[], &[], &recs, &rotation(&recs, seed)).2)
            .collect();
        assert!(
            other_days.len() > 1,
            "recommendations rotate from day to day"
        );
        assert_eq!(
            compose(0, &steps, &reviews, &recs, &rotation(&recs, 1)),
            (vec![], vec![], vec![])
        );
    }

    #[test]
    fn picking_keeps_the_chosen_order_once_each() {
        assert_eq!(pick(vec!["a", "b", "c"], &[2, 0, 2, 7]), ["c", "a"]);
        assert!(pick(vec!["a"], &[]).is_empty());
    }

    #[test]
    fn the_daily_seed_is_stable_per_learner_and_date() {
        let (u1, u2) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let a = daily_seed(u1, d("2026-11-30"));
        assert_eq!(a, daily_seed(u1, d("2026-11-30")));
        assert_ne!(a, daily_seed(u1, d("2026-12-01")));
        assert_ne!(a, daily_seed(u2, d("2026-11-30")));
    }
}
