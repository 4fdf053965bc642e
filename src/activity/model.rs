//! Verbs of the learning record and the learner's local date.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Viewed,
    Completed,
    Saved,
    Rated,
    Dismissed,
    Answered,
    Reflected,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Viewed => "viewed",
            Verb::Completed => "completed",
            Verb::Saved => "saved",
            Verb::Rated => "rated",
            Verb::Dismissed => "dismissed",
            Verb::Answered => "answered",
            Verb::Reflected => "reflected",
        }
    }
}

/// A learner's time zone by its IANA name (UTC when the name is unknown),
/// for working out several local dates with one lookup.
pub fn zone(timezone: &str) -> chrono_tz::Tz {
    timezone.parse().unwrap_or(chrono_tz::UTC)
}

/// The calendar date in `timezone` at `at` (UTC when the zone is unknown).
pub fn local_date(timezone: &str, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone(timezone)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_local_date_follows_the_learners_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).unwrap();
        assert_eq!(local_date("UTC", at).to_string(), "2026-11-30");
        assert_eq!(local_date("Asia/Singapore", at).to_string(), "2026-12-01");
        assert_eq!(local_date("America/New_York", at).to_string(), "2026-11-30");
        assert_eq!(local_date("Not/AZone", at).to_string(), "2026-11-30");
    }

    #[test]
    fn ten_to_midnight_counts_for_that_local_day_across_dst_changes() {
        // New York falls back on 1 Nov 2026 and springs forward on 8 Mar 2026.
        let cases = [
            ((2026, 11, 1, 3, 50), "America/New_York", "2026-10-31"), // 23:50 EDT
            ((2026, 11, 2, 4, 50), "America/New_York", "2026-11-01"), // 23:50 EST, the 25-hour day
            ((2026, 3, 9, 3, 50), "America/New_York", "2026-03-08"),  // 23:50 EDT, the 23-hour day
            ((2026, 9, 27, 10, 50), "Pacific/Auckland", "2026-09-27"), // 23:50 NZDT, first day of DST
            ((2026, 11, 30, 10, 50), "Pacific/Auckland", "2026-11-30"),
            ((2026, 11, 30, 7, 50), "America/Los_Angeles", "2026-11-29"),
        ];
        for ((y, m, d, h, min), tz, want) in cases {
            let at = Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap();
            assert_eq!(local_date(tz, at).to_string(), want, "{tz} at {at}");
        }
    }

    #[test]
    fn a_dst_change_neither_skips_nor_doubles_a_day() {
        use crate::daily::model::habit;
        let tz = "America/New_York";
        // Learning at 20:00 local on three days around the fall-back Sunday.
        let days: Vec<_> = [(2026, 11, 1, 0), (2026, 11, 2, 1), (2026, 11, 3, 1)]
            .iter()
            .map(|(y, m, d, h)| local_date(tz, Utc.with_ymd_and_hms(*y, *m, *d, *h, 0, 0).unwrap()))
            .collect();
        assert_eq!(
            days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["2026-10-31", "2026-11-01", "2026-11-02"]
        );
        assert_eq!(habit(&days, &[], days[2]).current, 3);
    }
}
