//! Goal, check-in and evidence input, validated field by field.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::web::FormErrors;

#[derive(Debug, Clone, Default)]
pub struct GoalInput {
    pub title: String,
    pub why: String,
    pub measure: String,
    pub target_date: String,
    pub topics: Vec<String>,
}

pub struct ValidGoal {
    pub title: String,
    pub why: String,
    pub measure: String,
    pub target_date: Option<NaiveDate>,
    pub topics: Vec<Uuid>,
}

impl GoalInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> GoalInput {
        let mut f = GoalInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "why" => f.why = v,
                "measure" => f.measure = v,
                "target_date" => f.target_date = v,
                "topics" => f.topics.push(v),
                _ => {}
            }
        }
        f
    }

    pub fn has_topic(&self, id: &Uuid) -> bool {
        self.topics.iter().any(|t| *t == id.to_string())
    }

    pub fn validate(&self, today: NaiveDate) -> Result<ValidGoal, FormErrors> {
        let mut e = FormErrors::new();
        let title = self.title.trim().to_owned();
        match title.chars().count() {
            0 => e.add("title", "Name the goal in a few words."),
            n if n > 200 => e.add("title", "Keep the title under 200 characters."),
            _ => {}
        }
        let why = self.why.trim().to_owned();
        if why.chars().count() > 2000 {
            e.add("why", "Keep this under 2,000 characters.");
        }
        let measure = self.measure.trim().to_owned();
        if measure.chars().count() > 2000 {
            e.add("measure", "Keep this under 2,000 characters.");
        }
        let target_date = match self.target_date.trim() {
            "" => None,
            d => match d.parse::<NaiveDate>() {
                Ok(d) if d < today => {
                    e.add("target_date", "The target date is in the past.");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    e.add("target_date", "Enter a date like 2027-03-31.");
                    None
                }
            },
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidGoal {
            title,
            why,
            measure,
            target_date,
            topics: self.topics.iter().filter_map(|t| t.parse().ok()).collect(),
        })
    }
}

/// A check-in: progress 0–100 %, confidence 1–5, a short note.
pub fn validate_checkin(
    progress: &str,
    confidence: &str,
    note: &str,
) -> Result<(i32, i32, String), FormErrors> {
    let mut e = FormErrors::new();
    let p = progress
        .trim()
        .trim_end_matches('%')
        .parse::<i32>()
        .ok()
        .filter(|p| (0..=100).contains(p));
    if p.is_none() {
        e.add(
            "progress",
            "Enter progress as a whole number from 0 to 100.",
        );
    }
    let c = confidence
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|c| (1..=5).contains(c));
    if c.is_none() {
        e.add("confidence", "Choose your confidence from 1 to 5.");
    }
    if note.trim().chars().count() > 1000 {
        e.add("note", "Keep the note under 1,000 characters.");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok((
        p.expect("checked"),
        c.expect("checked"),
        note.trim().to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-30".parse().unwrap()
    }

    #[test]
    fn goals_need_a_title_and_a_future_date() {
        let bad = GoalInput {
            title: " ".into(),
            target_date: "2026-01-01".into(),
            ..Default::default()
        };
        let e = bad.validate(today()).err().unwrap();
        assert!(e.has("title") && e.get("target_date").unwrap().contains("past"));
        let odd = GoalInput {
            title: "Run workshops".into(),
            target_date: "next spring".into(),
            ..Default::default()
        };
        assert!(
            odd.validate(today())
                .err()
                .unwrap()
                .get("target_date")
                .unwrap()
                .contains("2027-03-31")
        );
        let ok = GoalInput {
            title: "Run workshops".into(),
            target_date: "2027-03-31".into(),
            topics: vec![Uuid::nil().to_string(), "junk".into()],
            ..Default::default()
        };
        let v = ok.validate(today()).ok().unwrap();
        assert_eq!(v.topics, vec![Uuid::nil()]);
    }

    #[test]
    fn check_ins_are_bounded() {
        assert_eq!(
            validate_checkin("60%", "4", " going well ").ok(),
            Some((60, 4, "going well".to_owned()))
        );
        let e = validate_checkin("120", "0", "").unwrap_err();
        assert!(e.has("progress") && e.has("confidence"));
    }
}
