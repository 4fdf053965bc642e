//! Pages of goals: the learner's list and form, the goal page with its
//! timeline, the manager's team and report pages, and L&D's counts.

use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::forms::GoalInput;
use super::model::{self, Action, Actor, Status};
use super::store::overview::Pivot;
use super::store::team::{QueueRow, ReportRow};
use super::store::{Goal, GoalSummary, Suggestion, TimelineRow};
use crate::library::store::topics::Topic;
use crate::web::{FormErrors, PageCtx, Pagination};

pub fn status_label(s: &str) -> &'static str {
    model::status_label(s)
}

/// A date as "7 Mar 2027" (chrono's `%-d %b %Y`), written straight into the
/// page: the team page shows two per report, and chrono parses its format
/// string on every call (6 % of Inflow's CPU there).
pub fn day(d: &NaiveDate) -> Day {
    Day(*d, true)
}

/// The UTC date of `at` as "7 Mar" (chrono's `%-d %b`), like [`day`].
pub fn day_month(at: &DateTime<Utc>) -> Day {
    Day(at.date_naive(), false)
}

/// The UTC date of `at` as "7 Mar 2027".
pub fn utc_day(at: &DateTime<Utc>) -> Day {
    Day(at.date_naive(), true)
}

/// A date, with its year or without.
pub struct Day(NaiveDate, bool);

impl std::fmt::Display for Day {
    /// Written as one string from a buffer on the stack: `write!` with its
    /// three arguments was most of the team page's rendering.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let Day(d, with_year) = *self;
        let year = d.year();
        if with_year && !(1000..=9999).contains(&year) {
            return write!(f, "{}", d.format("%-d %b %Y"));
        }
        let mut buf = [0u8; 11];
        let mut n = 0;
        let mut push = |b: u8| {
            buf[n] = b;
            n += 1;
        };
        let day = d.day() as u8;
        if day >= 10 {
            push(b'0' + day / 10);
        }
        push(b'0' + day % 10);
        push(b' ');
        MONTHS[d.month0() as usize].bytes().for_each(&mut push);
        if with_year {
            push(b' ');
            let y = year as u32;
            [y / 1000, y / 100 % 10, y / 10 % 10, y % 10]
                .into_iter()
                .for_each(|digit| push(b'0' + digit as u8));
        }
        f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| std::fmt::Error)?)
    }
}

/// Digits, spaces and a month's name: nothing to escape.
impl askama::filters::HtmlSafe for Day {}

#[derive(Template)]
#[template(path = "goals/list.html")]
pub struct ListPage {
    pub page: PageCtx,
    pub goals: Vec<GoalSummary>,
    pub has_manager: bool,
}

#[derive(Template)]
#[template(path = "goals/form.html")]
pub struct FormPage {
    pub page: PageCtx,
    pub heading: String,
    pub action: String,
    pub input: GoalInput,
    pub errors: FormErrors,
    pub topics: Vec<Topic>,
}

/// Who is looking at a goal page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Owner { has_manager: bool },
    Manager,
    Admin,
}

impl Viewer {
    pub fn actor(self) -> Option<Actor> {
        match self {
            Viewer::Owner { has_manager } => Some(Actor::Owner { has_manager }),
            Viewer::Manager => Some(Actor::Manager),
            Viewer::Admin => None,
        }
    }
}

#[derive(Template)]
#[template(path = "goals/show.html")]
pub struct GoalPage {
    pub page: PageCtx,
    pub goal: Goal,
    pub viewer: Viewer,
    pub timeline: Vec<TimelineRow>,
    pub suggestions: Vec<Suggestion>,
    pub reflections: Vec<(Uuid, String)>,
    pub errors: FormErrors,
}

impl GoalPage {
    pub fn status(&self) -> Status {
        Status::parse(&self.goal.status).unwrap_or(Status::Draft)
    }
    pub fn is_owner(&self) -> bool {
        matches!(self.viewer, Viewer::Owner { .. })
    }
    pub fn is_manager(&self) -> bool {
        self.viewer == Viewer::Manager
    }
    pub fn open(&self) -> bool {
        self.status().is_open()
    }
    /// (action value, button label, needs a comment) for each step the viewer may take.
    pub fn steps(&self) -> Vec<(&'static str, &'static str, bool)> {
        let Some(actor) = self.viewer.actor() else {
            return Vec::new();
        };
        model::offered(self.status(), actor)
            .into_iter()
            .map(|a| match a {
                Action::Propose => ("propose", "Propose to my manager", false),
                Action::Activate => ("activate", "Start this goal", false),
                Action::Agree => ("agree", "Agree this goal", false),
                Action::RequestChanges => ("request_changes", "Request changes", true),
                Action::SubmitAchievement => ("submit", "Submit as achieved", false),
                Action::MarkAchieved => ("mark_achieved", "Mark as achieved", false),
                Action::ConfirmAchievement => ("confirm", "Confirm achievement", false),
                Action::Abandon => ("abandon", "Abandon this goal", false),
            })
            .collect()
    }
    pub fn event_label(row: &TimelineRow) -> String {
        match (row.kind.as_str(), row.to_status.as_deref()) {
            ("decision", Some(to)) => status_label(to).to_owned(),
            ("comment", _) => "Comment".to_owned(),
            ("checkin", _) => format!(
                "Check-in: {} %, confidence {} of 5",
                row.progress.unwrap_or(0),
                row.confidence.unwrap_or(0)
            ),
            ("evidence:item", _) => "Evidence: completed learning".to_owned(),
            ("evidence:reflection", _) => "Evidence: a shared reflection".to_owned(),
            ("evidence:link", _) => "Evidence: link".to_owned(),
            ("evidence:observation", _) => "Observed by the manager".to_owned(),
            _ => "Evidence: note".to_owned(),
        }
    }
}

pub fn event_label(row: &TimelineRow) -> String {
    GoalPage::event_label(row)
}

#[derive(Template)]
#[template(path = "goals/team.html")]
pub struct TeamPage {
    pub page: PageCtx,
    pub queue: Vec<QueueRow>,
    pub reports: Vec<ReportRow>,
}

#[derive(Template)]
#[template(path = "goals/report.html")]
pub struct ReportPage {
    pub page: PageCtx,
    pub name: String,
    pub goals: Vec<GoalSummary>,
}

#[derive(Template)]
#[template(path = "goals/admin.html")]
pub struct AdminPage {
    pub page: PageCtx,
    pub by_status: Vec<(Status, i64)>,
    /// A page of teams, with their search and pager.
    pub by_team: Vec<Pivot>,
    pub q: String,
    pub pager: Pagination,
    /// Goals of people in no team.
    pub without_team: i64,
    pub by_topic: Vec<Pivot>,
    pub with_evidence: i64,
    pub submitted_or_later: i64,
}

impl AdminPage {
    pub fn evidence_share(&self) -> String {
        if self.submitted_or_later == 0 {
            "0%".into()
        } else {
            format!(
                "{}%",
                (self.with_evidence * 100 + self.submitted_or_later / 2) / self.submitted_or_later
            )
        }
    }
    pub fn columns(&self) -> [Status; 6] {
        Status::ALL
    }
    pub fn pager_base(&self) -> String {
        crate::web::pagination::search_base("/admin/goals", &self.q)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn a_day_reads_as_chrono_writes_it() {
        for y in [1, 999, 1000, 9999, 10000, -44] {
            let d = NaiveDate::from_ymd_opt(y, 3, 15).unwrap();
            assert_eq!(
                super::day(&d).to_string(),
                d.format("%-d %b %Y").to_string()
            );
        }
        let mut d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        while d.year() < 2028 {
            assert_eq!(
                super::day(&d).to_string(),
                d.format("%-d %b %Y").to_string()
            );
            // Late in the day in UTC: still that date.
            let at = d.and_hms_opt(23, 59, 59).unwrap().and_utc();
            assert_eq!(
                super::day_month(&at).to_string(),
                at.format("%-d %b").to_string()
            );
            assert_eq!(
                super::utc_day(&at).to_string(),
                at.format("%-d %b %Y").to_string()
            );
            d = d.succ_opt().unwrap();
        }
    }
}
