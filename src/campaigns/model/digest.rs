//! When the digest tick records a person's daily digest, and when it next
//! looks at them: the rule behind `digest_schedule` (pure; "now" is an
//! argument).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::{local_now, release_instant};

/// What one look at a person comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Record the digest of this local date now.
    pub record: Option<NaiveDate>,
    /// When to look again; `None` while they want no digest (a change of
    /// channel, zone or active flag brings them back).
    pub next: Option<DateTime<Utc>>,
}

/// The person's digest is due once their local time reaches `digest_time`
/// (their earliest campaign release time, else 08:00) and none is recorded
/// for that local date (`done_today`). The next look is that time today
/// while it is still to come, else that time tomorrow; never sooner than a
/// minute from `now`, so in a repeated autumn hour (where "that time today"
/// may be the first of two, already past) the tick cannot loop on someone.
pub fn look(
    timezone: &str,
    now: DateTime<Utc>,
    digest_time: NaiveTime,
    done_today: bool,
    wants_digest: bool,
) -> Look {
    if !wants_digest {
        return Look {
            record: None,
            next: None,
        };
    }
    let local = local_now(timezone, now);
    let today = local.date();
    let (record, day) = if local.time() < digest_time {
        (None, today)
    } else {
        ((!done_today).then_some(today), today + Duration::days(1))
    };
    let at = release_instant(timezone, day, digest_time).max(now + Duration::minutes(1));
    Look {
        record,
        next: Some(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn before_the_digest_time_it_waits_until_then_in_the_persons_zone() {
        // 07:30 in London (winter, UTC+0); digest at 08:00.
        let l = look(
            "Europe/London",
            t("2026-12-07T07:30:00Z"),
            hm(8, 0),
            false,
            true,
        );
        assert_eq!(l.record, None);
        assert_eq!(l.next, Some(t("2026-12-07T08:00:00Z")));
        // 07:30 in Berlin is 06:30 UTC; a 07:45 release time is 06:45 UTC.
        let b = look(
            "Europe/Berlin",
            t("2026-12-07T06:30:00Z"),
            hm(7, 45),
            false,
            true,
        );
        assert_eq!(b.next, Some(t("2026-12-07T06:45:00Z")));
    }

    #[test]
    fn at_or_after_the_time_it_records_today_once_and_looks_again_tomorrow() {
        let now = t("2026-12-07T13:00:00Z"); // 08:00 in New York
        let l = look("America/New_York", now, hm(8, 0), false, true);
        assert_eq!(l.record, Some("2026-12-07".parse().unwrap()));
        assert_eq!(l.next, Some(t("2026-12-08T13:00:00Z")));
        let again = look("America/New_York", now, hm(8, 0), true, true);
        assert_eq!(again.record, None, "one digest a local day");
        assert_eq!(again.next, l.next);
        // Late evening in New York is already the next day in UTC: the
        // local date counts.
        let late = look(
            "America/New_York",
            t("2026-12-08T04:30:00Z"),
            hm(8, 0),
            false,
            true,
        );
        assert_eq!(late.record, Some("2026-12-07".parse().unwrap()));
        assert_eq!(late.next, Some(t("2026-12-08T13:00:00Z")));
    }

    #[test]
    fn no_digest_wanted_means_no_next_look() {
        let l = look("UTC", t("2026-12-07T09:00:00Z"), hm(8, 0), false, false);
        assert_eq!(
            l,
            Look {
                record: None,
                next: None
            }
        );
    }

    #[test]
    fn daylight_saving_changes_move_the_instant_not_the_local_time() {
        // London springs forward on 29 March 2026: 08:00 is 07:00 UTC after.
        let l = look(
            "Europe/London",
            t("2026-03-28T09:00:00Z"),
            hm(8, 0),
            true,
            true,
        );
        assert_eq!(l.next, Some(t("2026-03-29T07:00:00Z")));
        // A digest time inside the gap (01:30 does not exist that night) is
        // the first instant after it.
        let gap = look(
            "Europe/London",
            t("2026-03-28T12:00:00Z"),
            hm(1, 30),
            true,
            true,
        );
        assert_eq!(gap.next, Some(t("2026-03-29T01:00:00Z")));
        // In the repeated hour (25 October, 01:00-02:00 twice), at 01:40 the
        // second time round with a 01:30 digest time not yet recorded: the
        // first 01:30 is past, so it records now and never looks back.
        let twice = look(
            "Europe/London",
            t("2026-10-25T01:40:00Z"),
            hm(1, 30),
            false,
            true,
        );
        assert_eq!(twice.record, Some("2026-10-25".parse().unwrap()));
        // At 01:20 the second time round the digest time 01:30 "today" is
        // the first 01:30, already past: look again in a minute, not at once.
        let early = look(
            "Europe/London",
            t("2026-10-25T01:20:00Z"),
            hm(1, 30),
            false,
            true,
        );
        assert_eq!(early.record, None);
        assert_eq!(early.next, Some(t("2026-10-25T01:21:00Z")));
    }
}
