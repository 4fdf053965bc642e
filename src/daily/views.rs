//! Pages of daily learning: Today, the history, the habit settings and an
//! item's review questions.

use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};

use super::forms::HabitInput;
use super::model::Habit;
use super::store::{HistoryRow, PauseRow, Question, Rec};
use crate::library::store::topics::Topic;
use crate::web::{FormErrors, PageCtx};

/// A recommendation with why it is there.
pub struct RecCard {
    pub rec: Rec,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "daily/today.html")]
pub struct TodayPage {
    pub page: PageCtx,
    pub first_name: String,
    pub why: String,
    pub habit: Habit,
    pub weekly_target: i32,
    pub daily_minutes: i32,
    pub minutes_done: i32,
    pub reviews: Vec<Question>,
    pub recs: Vec<RecCard>,
    pub extra: Option<RecCard>,
    pub paused_until: Option<NaiveDate>,
    pub today: NaiveDate,
    pub best_streak: i32,
    /// Today's reflection prompt (id, text).
    pub prompt: Option<(uuid::Uuid, String)>,
    /// Released campaign steps not done yet, oldest first.
    pub steps: Vec<StepCard>,
}

/// A campaign step on Today (kept as it is in today's plan).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StepCard {
    pub campaign_id: uuid::Uuid,
    pub campaign_title: String,
    pub step_id: uuid::Uuid,
    pub position: i32,
    pub title: String,
    pub minutes: i32,
    pub href: String,
}

impl TodayPage {
    /// The longest streak ever (kept in the settings) or in the window now.
    pub fn best(&self) -> u32 {
        self.habit.longest.max(self.best_streak.max(0) as u32)
    }
    pub fn all_done(&self) -> bool {
        self.reviews.is_empty() && self.recs.is_empty() && self.prompt.is_none()
    }
    pub fn target_met(&self) -> bool {
        self.habit.week_days as i32 >= self.weekly_target
    }
    pub fn date_label(&self) -> String {
        self.today.format("%A %-d %B").to_string()
    }
}

pub fn day_label(d: &NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

#[derive(Template)]
#[template(path = "daily/questions.html")]
pub struct QuestionsPage {
    pub page: PageCtx,
    pub item_title: String,
    pub item_slug: String,
    pub questions: Vec<Question>,
    pub back: String,
}

#[derive(Template)]
#[template(path = "daily/habit.html")]
pub struct HabitPage {
    pub page: PageCtx,
    pub welcome: bool,
    pub input: HabitInput,
    pub errors: FormErrors,
    pub topics: Vec<Topic>,
    pub pauses: Vec<PauseRow>,
    pub today: NaiveDate,
    pub pause_from: String,
    pub pause_to: String,
    pub pause_errors: FormErrors,
}

impl HabitPage {
    pub fn minutes_checked(&self, m: &&str) -> bool {
        self.input.daily_minutes == *m
    }
    pub fn target_selected(&self, n: &i32) -> bool {
        self.input.weekly_target == n.to_string()
    }
}

/// One square of the heat map.
pub struct Cell {
    pub x: i32,
    pub y: i32,
    pub date: NaiveDate,
    pub learned: bool,
    pub future: bool,
}

#[derive(Template)]
#[template(path = "daily/history.html")]
pub struct HistoryPage {
    pub page: PageCtx,
    pub cells: Vec<Cell>,
    pub learning_days: usize,
    pub habit: Habit,
    pub best: u32,
    pub days: Vec<(NaiveDate, Vec<HistoryRow>)>,
}

pub const WEEKS: i64 = 12;

/// A 12-week calendar ending with the current week, Monday at the top.
pub fn heat_cells(learned: &[NaiveDate], today: NaiveDate) -> Vec<Cell> {
    let first_monday = super::model::week_start(today) - Duration::weeks(WEEKS - 1);
    (0..WEEKS * 7)
        .map(|i| {
            let date = first_monday + Duration::days(i);
            Cell {
                x: (i / 7) as i32 * 16,
                y: date.weekday().num_days_from_monday() as i32 * 16,
                date,
                learned: learned.contains(&date),
                future: date > today,
            }
        })
        .collect()
}

pub fn verb_label(verb: &str) -> &'static str {
    match verb {
        "completed" => "Completed",
        "answered" => "Answered a review question on",
        "reflected" => "Reflected",
        _ => "Learned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_map_covers_twelve_weeks_ending_this_week() {
        let today: NaiveDate = "2026-11-30".parse().unwrap(); // a Monday
        let cells = heat_cells(&[today], today);
        assert_eq!(cells.len(), 84);
        assert_eq!(cells[0].date, "2026-09-14".parse::<NaiveDate>().unwrap());
        assert!(
            cells
                .iter()
                .any(|c| c.date == today && c.learned && c.x == 11 * 16 && c.y == 0)
        );
        assert_eq!(cells.iter().filter(|c| c.future).count(), 6);
    }
}
