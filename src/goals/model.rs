//! The goal workflow as a pure function: draft → proposed → active →
//! achievement submitted → achieved, or abandoned; the manager may request
//! changes at "proposed" (back to draft) or at "submitted" (back to active).
//! A learner without a manager activates and achieves goals themselves.
//! Also the team page's figures that depend on the day ([`day_figures`]).

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Proposed,
    Active,
    Submitted,
    Achieved,
    Abandoned,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Proposed,
        Status::Active,
        Status::Submitted,
        Status::Achieved,
        Status::Abandoned,
    ];

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Proposed => "proposed",
            Status::Active => "active",
            Status::Submitted => "submitted",
            Status::Achieved => "achieved",
            Status::Abandoned => "abandoned",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Proposed => "Proposed, waiting for the manager to agree",
            Status::Active => "Active",
            Status::Submitted => "Achievement submitted",
            Status::Achieved => "Achieved",
            Status::Abandoned => "Abandoned",
        }
    }
    /// The status in a word, for a table's column.
    pub fn short(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Proposed => "Proposed",
            Status::Active => "Active",
            Status::Submitted => "Submitted",
            Status::Achieved => "Achieved",
            Status::Abandoned => "Abandoned",
        }
    }
    /// Closed goals take no more evidence, check-ins or edits.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Achieved | Status::Abandoned)
    }
}

pub fn status_label(s: &str) -> &'static str {
    Status::parse(s).map_or("Unknown", Status::label)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Owner sends a draft to their manager.
    Propose,
    /// Owner without a manager starts a draft.
    Activate,
    /// Manager agrees a proposed goal.
    Agree,
    /// Manager sends a proposed goal back to draft, or a submitted one back to active.
    RequestChanges,
    /// Owner with a manager says it is achieved, with evidence.
    SubmitAchievement,
    /// Owner without a manager marks it achieved.
    MarkAchieved,
    /// Manager confirms a submitted achievement.
    ConfirmAchievement,
    /// Owner gives up on an open goal.
    Abandon,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "propose" => Action::Propose,
            "activate" => Action::Activate,
            "agree" => Action::Agree,
            "request_changes" => Action::RequestChanges,
            "submit" => Action::SubmitAchievement,
            "mark_achieved" => Action::MarkAchieved,
            "confirm" => Action::ConfirmAchievement,
            "abandon" => Action::Abandon,
            _ => return None,
        })
    }
}

/// Who is acting on the goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The learner whose goal it is; `has_manager` decides who agrees.
    Owner { has_manager: bool },
    /// The owner's manager.
    Manager,
}

/// The next status, or why the move is not allowed.
pub fn transition(
    from: Status,
    action: Action,
    actor: Actor,
    comment: &str,
) -> Result<Status, &'static str> {
    use Action::*;
    use Status::*;
    let owner = |m: bool| actor == Actor::Owner { has_manager: m };
    let is_owner = matches!(actor, Actor::Owner { .. });
    match (from, action) {
        (Draft, Propose) if owner(true) => Ok(Proposed),
        (Draft, Propose) if is_owner => {
            Err("You have no manager to agree it: start the goal yourself.")
        }
        (Draft, Activate) if owner(false) => Ok(Active),
        (Draft, Activate) if is_owner => Err("Your manager agrees your goals: propose it to them."),
        (Proposed, Agree) if actor == Actor::Manager => Ok(Active),
        (Proposed | Submitted, RequestChanges)
            if actor == Actor::Manager && comment.trim().is_empty() =>
        {
            Err("Say what should change, so they know what to do.")
        }
        (Proposed, RequestChanges) if actor == Actor::Manager => Ok(Draft),
        (Submitted, RequestChanges) if actor == Actor::Manager => Ok(Active),
        (Active, SubmitAchievement) if owner(true) => Ok(Submitted),
        (Active, MarkAchieved) if owner(false) => Ok(Achieved),
        (Submitted, ConfirmAchievement) if actor == Actor::Manager => Ok(Achieved),
        (Draft | Proposed | Active | Submitted, Abandon) if is_owner => Ok(Abandoned),
        (Achieved | Abandoned, _) => Err("This goal is closed."),
        _ => Err("That step is not possible for this goal right now."),
    }
}

/// The actions to offer `actor` on a goal in `status`.
pub fn offered(status: Status, actor: Actor) -> Vec<Action> {
    use Action::*;
    [
        Propose,
        Activate,
        Agree,
        RequestChanges,
        SubmitAchievement,
        MarkAchieved,
        ConfirmAchievement,
        Abandon,
    ]
    .into_iter()
    .filter(|a| transition(status, *a, actor, "x").is_ok())
    .collect()
}

/// A report's figures that depend on the day, in the report's own time zone
/// at `now` (UTC when the zone is unknown).
#[derive(Debug, PartialEq, Eq)]
pub struct DayFigures {
    /// Open goals (active or submitted) whose target date has passed.
    pub overdue: i64,
    /// Learning days this week, Monday first.
    pub week_days: i64,
    pub last_checkin: Option<NaiveDate>,
}

pub fn day_figures(
    timezone: &str,
    now: DateTime<Utc>,
    open_targets: &[NaiveDate],
    learning_days: &[NaiveDate],
    last_checkin_at: Option<DateTime<Utc>>,
) -> DayFigures {
    DayClock::new(now).figures(timezone, open_targets, learning_days, last_checkin_at)
}

/// [`day_figures`] for many people at one `now`: each time zone is parsed,
/// and its date at `now` worked out, once (a team mostly shares one; per
/// report they were a twentieth of the team page's CPU).
pub struct DayClock {
    now: DateTime<Utc>,
    zones: Vec<(String, Tz, NaiveDate)>,
}

impl DayClock {
    pub fn new(now: DateTime<Utc>) -> DayClock {
        DayClock {
            now,
            zones: Vec::new(),
        }
    }

    /// The zone named `timezone` (UTC when unknown) and its date at `now`.
    fn zone(&mut self, timezone: &str) -> (Tz, NaiveDate) {
        if let Some((_, tz, today)) = self.zones.iter().find(|z| z.0 == timezone) {
            return (*tz, *today);
        }
        let tz = crate::activity::zone(timezone);
        let today = self.now.with_timezone(&tz).date_naive();
        self.zones.push((timezone.to_owned(), tz, today));
        (tz, today)
    }

    /// [`day_figures`] of one person, whose zone is `timezone`.
    pub fn figures(
        &mut self,
        timezone: &str,
        open_targets: &[NaiveDate],
        learning_days: &[NaiveDate],
        last_checkin_at: Option<DateTime<Utc>>,
    ) -> DayFigures {
        let (tz, today) = self.zone(timezone);
        let monday = today.week(Weekday::Mon).first_day();
        DayFigures {
            overdue: open_targets.iter().filter(|d| **d < today).count() as i64,
            week_days: learning_days.iter().filter(|d| **d >= monday).count() as i64,
            last_checkin: last_checkin_at.map(|at| at.with_timezone(&tz).date_naive()),
        }
    }
}

/// L&D's headline figures from goals counted per stored status (status,
/// goals, goals with evidence): each status's goals in `Status::ALL` order,
/// then the goals beyond draft and how many of those have evidence.
pub fn status_figures<'a>(
    counts: impl IntoIterator<Item = (&'a str, i64, i64)>,
) -> (Vec<(Status, i64)>, i64, i64) {
    let mut per = Status::ALL.map(|s| (s, 0));
    let (mut beyond_draft, mut evidenced) = (0, 0);
    for (status, n, with) in counts {
        let Some(s) = Status::parse(status) else {
            continue;
        };
        if let Some(slot) = per.iter_mut().find(|(st, _)| *st == s) {
            slot.1 += n;
        }
        if s != Status::Draft {
            beyond_draft += n;
            evidenced += with;
        }
    }
    (per.to_vec(), beyond_draft, evidenced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    const WITH: Actor = Actor::Owner { has_manager: true };
    const WITHOUT: Actor = Actor::Owner { has_manager: false };
    const MGR: Actor = Actor::Manager;

    #[test]
    fn every_legal_transition() {
        let legal = [
            (Draft, Propose, WITH, Proposed),
            (Draft, Activate, WITHOUT, Active),
            (Proposed, Agree, MGR, Active),
            (Proposed, RequestChanges, MGR, Draft),
            (Active, SubmitAchievement, WITH, Submitted),
            (Active, MarkAchieved, WITHOUT, Achieved),
            (Submitted, ConfirmAchievement, MGR, Achieved),
            (Submitted, RequestChanges, MGR, Active),
            (Draft, Abandon, WITH, Abandoned),
            (Proposed, Abandon, WITH, Abandoned),
            (Active, Abandon, WITHOUT, Abandoned),
            (Submitted, Abandon, WITH, Abandoned),
        ];
        for (from, action, actor, to) in legal {
            assert_eq!(
                transition(from, action, actor, "because"),
                Ok(to),
                "{from:?} {action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn everything_else_is_refused_with_a_message() {
        let actions = [
            Propose,
            Activate,
            Agree,
            RequestChanges,
            SubmitAchievement,
            MarkAchieved,
            ConfirmAchievement,
            Abandon,
        ];
        let mut allowed = 0;
        for from in Status::ALL {
            for action in actions {
                for actor in [WITH, WITHOUT, MGR] {
                    match transition(from, action, actor, "because") {
                        Ok(_) => allowed += 1,
                        Err(m) => assert!(!m.is_empty()),
                    }
                }
            }
        }
        assert_eq!(
            allowed, 16,
            "eight steps, plus abandoning any open goal with or without a manager (8)"
        );
        assert_eq!(
            transition(Proposed, Agree, WITH, ""),
            Err("That step is not possible for this goal right now.")
        );
        assert_eq!(
            transition(Achieved, Abandon, WITH, ""),
            Err("This goal is closed.")
        );
        assert!(
            transition(Draft, Activate, WITH, "")
                .unwrap_err()
                .contains("propose it")
        );
        assert!(
            transition(Proposed, RequestChanges, MGR, "  ")
                .unwrap_err()
                .contains("Say what should change")
        );
    }

    #[test]
    fn the_page_offers_only_what_is_possible() {
        assert_eq!(offered(Draft, WITH), vec![Propose, Abandon]);
        assert_eq!(offered(Proposed, MGR), vec![Agree, RequestChanges]);
        assert_eq!(offered(Active, WITHOUT), vec![MarkAchieved, Abandon]);
        assert!(offered(Achieved, MGR).is_empty());
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn day_figures_use_the_reports_own_today() {
        // Sunday 23:30 UTC is already Monday in Kiritimati (UTC+14).
        let now = at("2026-11-29T23:30:00Z");
        let targets = [d("2026-11-28"), d("2026-11-29"), d("2026-12-05")];
        let days = [
            d("2026-11-23"),
            d("2026-11-28"),
            d("2026-11-29"),
            d("2026-11-30"),
        ];
        let checkin = Some(at("2026-11-29T12:00:00Z"));
        assert_eq!(
            day_figures("UTC", now, &targets, &days, checkin),
            DayFigures {
                overdue: 1,
                week_days: 4,
                last_checkin: Some(d("2026-11-29")),
            }
        );
        assert_eq!(
            day_figures("Pacific/Kiritimati", now, &targets, &days, checkin),
            DayFigures {
                overdue: 2,
                week_days: 1,
                last_checkin: Some(d("2026-11-30")),
            }
        );
        assert_eq!(
            day_figures("America/Los_Angeles", now, &targets, &days, checkin),
            DayFigures {
                overdue: 1,
                week_days: 4,
                last_checkin: Some(d("2026-11-29")),
            }
        );
    }

    #[test]
    fn one_clock_for_a_team_agrees_with_each_report_counted_alone() {
        let now = at("2026-11-29T23:30:00Z");
        let targets = [d("2026-11-28"), d("2026-11-29"), d("2026-12-05")];
        let days = [d("2026-11-23"), d("2026-11-29"), d("2026-11-30")];
        let checkin = Some(at("2026-11-29T12:00:00Z"));
        let mut clock = DayClock::new(now);
        // Zones again and in between, as rows sorted by name come.
        for zone in [
            "UTC",
            "Pacific/Kiritimati",
            "UTC",
            "Mars/Olympus",
            "America/Los_Angeles",
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
        ] {
            assert_eq!(
                clock.figures(zone, &targets, &days, checkin),
                day_figures(zone, now, &targets, &days, checkin),
                "{zone}"
            );
        }
        assert_eq!(clock.zones.len(), 5, "each zone worked out once");
    }

    #[test]
    fn an_unknown_zone_counts_in_utc_and_nothing_is_counted_from_nothing() {
        let now = at("2026-12-02T08:00:00Z");
        assert_eq!(
            day_figures("Mars/Olympus", now, &[], &[], None),
            DayFigures {
                overdue: 0,
                week_days: 0,
                last_checkin: None,
            }
        );
        assert_eq!(
            day_figures(
                "Mars/Olympus",
                now,
                &[d("2026-12-01")],
                &[d("2026-11-30")],
                None
            )
            .overdue,
            1
        );
    }

    #[test]
    fn status_figures_leave_drafts_out_of_the_evidence_share() {
        let (per, beyond, with) = status_figures([
            ("active", 7, 5),
            ("draft", 3, 1),
            ("achieved", 2, 2),
            ("retired", 9, 9),
        ]);
        assert_eq!(per.len(), 6);
        assert_eq!(per[0], (Status::Draft, 3));
        assert_eq!(per[1], (Status::Proposed, 0));
        assert_eq!(per[2], (Status::Active, 7));
        assert_eq!(per[4], (Status::Achieved, 2));
        assert_eq!((beyond, with), (9, 7));
    }
}
