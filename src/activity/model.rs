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

/// The calendar date in `timezone` at `at` (UTC when the zone is unknown).
pub fn local_date(timezone: &str, at: DateTime<Utc>) -> NaiveDate {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).date_naive(),
        Err(_) => at.date_naive(),
    }
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
}
