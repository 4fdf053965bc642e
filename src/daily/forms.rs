//! Input of daily learning: review questions (in the library authoring
//! form, five slots of which empty ones are ignored) and habit settings.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::web::FormErrors;

pub const MAX_QUESTIONS: usize = 5;
pub const MAX_OPTIONS: usize = 5;
pub const QUESTION_KEYS: [&str; MAX_QUESTIONS] = ["q1", "q2", "q3", "q4", "q5"];

/// One question slot exactly as typed.
#[derive(Debug, Clone, Default)]
pub struct QuestionSlot {
    pub prompt: String,
    pub options: [String; MAX_OPTIONS],
    /// 1-based number of the correct option, as typed.
    pub correct: String,
    pub explanation: String,
}

impl QuestionSlot {
    pub fn is_empty(&self) -> bool {
        self.prompt.trim().is_empty() && self.options.iter().all(|o| o.trim().is_empty())
    }
    pub fn is_correct(&self, n: &usize) -> bool {
        self.correct == (n + 1).to_string()
    }
}

/// A valid question: 2–5 options, one correct (0-based index).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionInput {
    pub prompt: String,
    pub options: Vec<String>,
    pub correct: i32,
    pub explanation: String,
}

/// Read `qN_prompt`, `qN_optionM`, `qN_correct`, `qN_explanation` pairs into slots.
pub fn slots_from_pairs(pairs: &[(String, String)]) -> Vec<QuestionSlot> {
    let mut slots = vec![QuestionSlot::default(); MAX_QUESTIONS];
    for (k, v) in pairs {
        let Some(rest) = k.strip_prefix('q') else {
            continue;
        };
        let Some((n, field)) = rest.split_once('_') else {
            continue;
        };
        let Some(slot) = n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_QUESTIONS).contains(n))
            .map(|n| &mut slots[n - 1])
        else {
            continue;
        };
        match field {
            "prompt" => slot.prompt = v.clone(),
            "correct" => slot.correct = v.clone(),
            "explanation" => slot.explanation = v.clone(),
            f => {
                if let Some(m) = f
                    .strip_prefix("option")
                    .and_then(|m| m.parse::<usize>().ok())
                    .filter(|m| (1..=MAX_OPTIONS).contains(m))
                {
                    slot.options[m - 1] = v.clone();
                }
            }
        }
    }
    slots
}

/// Validate the filled-in slots; errors are keyed `q1`…`q5`.
pub fn validate_questions(slots: &[QuestionSlot], errors: &mut FormErrors) -> Vec<QuestionInput> {
    let mut out = Vec::new();
    for (i, slot) in slots.iter().enumerate().take(MAX_QUESTIONS) {
        if slot.is_empty() {
            continue;
        }
        let key = QUESTION_KEYS[i];
        let prompt = slot.prompt.trim().to_owned();
        let filled: Vec<(usize, String)> = slot
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.trim().is_empty())
            .map(|(n, o)| (n, o.trim().to_owned()))
            .collect();
        let correct = slot
            .correct
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1));
        if prompt.is_empty() {
            errors.add(key, "Write the question.");
        } else if prompt.chars().count() > 500 {
            errors.add(key, "Keep the question under 500 characters.");
        } else if filled.len() < 2 {
            errors.add(key, "Give at least two answer options.");
        } else if !correct.is_some_and(|c| filled.iter().any(|(n, _)| *n == c)) {
            errors.add(key, "Mark which option is correct (it must have text).");
        } else {
            let c = correct.expect("checked");
            out.push(QuestionInput {
                prompt,
                correct: filled.iter().position(|(n, _)| *n == c).expect("checked") as i32,
                options: filled.into_iter().map(|(_, o)| o).collect(),
                explanation: slot.explanation.trim().to_owned(),
            });
        }
    }
    out
}

/// The habit settings form as typed.
#[derive(Debug, Clone, Default)]
pub struct HabitInput {
    pub daily_minutes: String,
    pub weekly_target: String,
    pub why: String,
    pub timezone: String,
    pub topics: Vec<String>,
}

pub struct ValidHabit {
    pub daily_minutes: i32,
    pub weekly_target: i32,
    pub why: String,
    pub timezone: String,
    pub topics: Vec<Uuid>,
}

impl HabitInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> HabitInput {
        let mut f = HabitInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "daily_minutes" => f.daily_minutes = v,
                "weekly_target" => f.weekly_target = v,
                "why" => f.why = v,
                "timezone" => f.timezone = v,
                "topics" => f.topics.push(v),
                _ => {}
            }
        }
        f
    }

    pub fn follows(&self, id: &Uuid) -> bool {
        self.topics.iter().any(|t| *t == id.to_string())
    }

    pub fn validate(&self) -> Result<ValidHabit, FormErrors> {
        let mut e = FormErrors::new();
        let daily_minutes = match self.daily_minutes.trim() {
            "5" => 5,
            "10" => 10,
            "15" => 15,
            _ => {
                e.add("daily_minutes", "Choose 5, 10 or 15 minutes a day.");
                0
            }
        };
        let weekly_target = match self.weekly_target.trim().parse::<i32>() {
            Ok(n) if (1..=7).contains(&n) => n,
            _ => {
                e.add("weekly_target", "Choose from 1 to 7 days a week.");
                0
            }
        };
        let why = self.why.trim().to_owned();
        if why.chars().count() > 200 {
            e.add("why", "Keep it to one sentence (under 200 characters).");
        }
        let timezone = self.timezone.trim().to_owned();
        if !crate::auth::model::is_valid_timezone(&timezone) {
            e.add(
                "timezone",
                "Enter a time zone such as Europe/London or America/New_York.",
            );
        }
        let topics: Vec<Uuid> = self.topics.iter().filter_map(|t| t.parse().ok()).collect();
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidHabit {
            daily_minutes,
            weekly_target,
            why,
            timezone,
            topics,
        })
    }
}

/// "I'm away from … to …", checked against the learner's today.
pub fn validate_pause(
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), FormErrors> {
    let mut e = FormErrors::new();
    let start = from.trim().parse::<NaiveDate>().ok();
    let end = to.trim().parse::<NaiveDate>().ok();
    match start {
        None => e.add("starts_on", "Enter the first day you are away."),
        Some(s) if s < today => e.add("starts_on", "A pause cannot start in the past."),
        _ => {}
    }
    match (start, end) {
        (_, None) => e.add("ends_on", "Enter the last day you are away."),
        (Some(s), Some(t)) if t < s => {
            e.add("ends_on", "The last day must be on or after the first.")
        }
        (Some(s), Some(t)) if (t - s).num_days() > 365 => {
            e.add("ends_on", "A pause can last at most a year.")
        }
        _ => {}
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok((start.expect("checked"), end.expect("checked")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn question_slots_skip_empty_ones_and_compact_options() {
        let slots = slots_from_pairs(&pairs(&[
            ("q1_prompt", "What does the I in SBI stand for?"),
            ("q1_option1", "Intent"),
            ("q1_option2", ""),
            ("q1_option3", "Impact"),
            ("q1_correct", "3"),
            ("q1_explanation", "Situation, Behaviour, Impact."),
            ("q2_prompt", ""),
        ]));
        let mut e = FormErrors::new();
        let qs = validate_questions(&slots, &mut e);
        assert!(e.is_empty());
        assert_eq!(
            qs,
            vec![QuestionInput {
                prompt: "What does the I in SBI stand for?".into(),
                options: vec!["Intent".into(), "Impact".into()],
                correct: 1,
                explanation: "Situation, Behaviour, Impact.".into(),
            }]
        );
    }

    #[test]
    fn bad_questions_are_named() {
        let slots = slots_from_pairs(&pairs(&[
            ("q1_prompt", "Only one option?"),
            ("q1_option1", "Yes"),
            ("q2_prompt", "Correct points at an empty option"),
            ("q2_option1", "a"),
            ("q2_option2", "b"),
            ("q2_correct", "4"),
            ("q3_option1", "an option without a question"),
        ]));
        let mut e = FormErrors::new();
        assert!(validate_questions(&slots, &mut e).is_empty());
        assert!(e.get("q1").unwrap().contains("two answer options"));
        assert!(e.get("q2").unwrap().contains("Mark which option"));
        assert!(e.get("q3").unwrap().contains("Write the question"));
    }

    #[test]
    fn habit_settings_and_pauses() {
        let ok = HabitInput::from_pairs(pairs(&[
            ("daily_minutes", "10"),
            ("weekly_target", "4"),
            ("timezone", "Pacific/Auckland"),
            ("why", "To lead better 1:1s"),
        ]));
        assert!(ok.validate().is_ok());
        let bad = HabitInput::from_pairs(pairs(&[
            ("daily_minutes", "7"),
            ("weekly_target", "9"),
            ("timezone", "Moon"),
        ]));
        let e = bad.validate().err().expect("invalid");
        assert!(e.has("daily_minutes") && e.has("weekly_target") && e.has("timezone"));
        let today: NaiveDate = "2026-11-30".parse().unwrap();
        assert!(validate_pause("2026-12-01", "2026-12-05", today).is_ok());
        assert!(
            validate_pause("2026-11-29", "2026-12-05", today)
                .unwrap_err()
                .has("starts_on")
        );
        assert!(
            validate_pause("2026-12-05", "2026-12-01", today)
                .unwrap_err()
                .has("ends_on")
        );
        assert!(validate_pause("", "x", today).unwrap_err().len() == 2);
    }
}
