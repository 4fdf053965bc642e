//! Campaign and step input, validated field by field.

use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

use super::model::DAY_NAMES;
use crate::library::model::is_web_url;
use crate::web::FormErrors;

#[derive(Debug, Clone, Default)]
pub struct CampaignInput {
    pub title: String,
    pub summary: String,
    pub business_why: String,
    pub learner_why: String,
    pub cover_url: String,
    pub audience: String,
    pub mode: String,
    pub starts_on: String,
    pub ends_on: String,
    pub days: Vec<String>,
    pub release_time: String,
    pub topics: Vec<String>,
    pub teams: Vec<String>,
    /// Teams to add by name, one per line: the picker when there are too
    /// many teams for a checkbox each.
    pub add_teams: String,
    /// Chosen people, one email per line (audience "people").
    pub people: String,
}

pub struct ValidCampaign {
    pub title: String,
    pub summary: String,
    pub business_why: String,
    pub learner_why: String,
    pub cover_url: Option<String>,
    pub audience: String,
    pub mode: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub release_days: i32,
    pub release_time: NaiveTime,
    pub topics: Vec<Uuid>,
    pub teams: Vec<Uuid>,
    /// Team names to add, as typed (trimmed, each once in any case); the
    /// handler turns them into ids or says which are unknown.
    pub add_teams: Vec<String>,
    pub people: Vec<String>,
}

fn too_long(e: &mut FormErrors, field: &'static str, v: &str, max: usize) {
    if v.chars().count() > max {
        e.add(field, format!("Keep this under {max} characters."));
    }
}

fn date(e: &mut FormErrors, field: &'static str, v: &str) -> Option<NaiveDate> {
    match v.trim().parse::<NaiveDate>() {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(field, "Enter a date like 2027-01-04.");
            None
        }
    }
}

impl CampaignInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> CampaignInput {
        let mut f = CampaignInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "summary" => f.summary = v,
                "business_why" => f.business_why = v,
                "learner_why" => f.learner_why = v,
                "cover_url" => f.cover_url = v,
                "audience" => f.audience = v,
                "mode" => f.mode = v,
                "starts_on" => f.starts_on = v,
                "ends_on" => f.ends_on = v,
                "days" => f.days.push(v),
                "release_time" => f.release_time = v,
                "topics" => f.topics.push(v),
                "teams" => f.teams.push(v),
                "add_teams" => f.add_teams = v,
                "people" => f.people = v,
                _ => {}
            }
        }
        f
    }

    pub fn has_topic(&self, id: &Uuid) -> bool {
        self.topics.iter().any(|t| *t == id.to_string())
    }
    pub fn has_team(&self, id: &Uuid) -> bool {
        self.teams.iter().any(|t| *t == id.to_string())
    }
    pub fn has_day(&self, i: &usize) -> bool {
        self.days.iter().any(|d| *d == i.to_string())
    }
    pub fn day_names(&self) -> &'static [&'static str; 7] {
        &DAY_NAMES
    }

    pub fn validate(&self) -> Result<ValidCampaign, FormErrors> {
        let mut e = FormErrors::new();
        let title = self.title.trim().to_owned();
        match title.chars().count() {
            0 => e.add("title", "Give the campaign a title."),
            n if n > 200 => e.add("title", "Keep the title under 200 characters."),
            _ => {}
        }
        too_long(&mut e, "summary", &self.summary, 1000);
        too_long(&mut e, "business_why", &self.business_why, 2000);
        too_long(&mut e, "learner_why", &self.learner_why, 2000);
        let cover = self.cover_url.trim();
        if !cover.is_empty() && !is_web_url(cover) {
            e.add("cover_url", "Enter a web address starting with https://.");
        }
        if !["everyone", "teams", "people", "open"].contains(&self.audience.as_str()) {
            e.add("audience", "Choose who the campaign is for.");
        }
        if !["cohort", "rolling"].contains(&self.mode.as_str()) {
            e.add("mode", "Choose how the campaign starts.");
        }
        let starts_on = date(&mut e, "starts_on", &self.starts_on);
        let ends_on = date(&mut e, "ends_on", &self.ends_on);
        if let (Some(s), Some(end)) = (starts_on, ends_on)
            && end < s
        {
            e.add(
                "ends_on",
                "The campaign must end on or after its start date.",
            );
        }
        let mut mask = 0i32;
        for d in &self.days {
            match d.parse::<u8>() {
                Ok(i) if i < 7 => mask |= 1 << i,
                _ => e.add("days", "Choose release days from the list."),
            }
        }
        if mask == 0 {
            e.add("days", "Choose at least one release day.");
        }
        let release_time = match NaiveTime::parse_from_str(self.release_time.trim(), "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                e.add("release_time", "Enter a time like 08:00.");
                None
            }
        };
        let teams: Vec<Uuid> = self.teams.iter().filter_map(|t| t.parse().ok()).collect();
        let add_teams = team_lines(&self.add_teams);
        if let Some(long) = add_teams.iter().find(|t| t.chars().count() > 120) {
            let start: String = long.chars().take(20).collect();
            e.add(
                "add_teams",
                format!("“{start}…” is longer than a team name can be."),
            );
        }
        if self.audience == "teams" && teams.is_empty() && add_teams.is_empty() {
            e.add("teams", "Choose at least one team.");
        }
        let people: Vec<String> = self
            .people
            .split(['\n', ',', ';'])
            .map(|p| p.trim().to_lowercase())
            .filter(|p| !p.is_empty())
            .collect();
        if let Some(bad) = people.iter().find(|p| !p.contains('@')) {
            e.add("people", format!("“{bad}” is not an email address."));
        }
        if self.audience == "people" && people.is_empty() && e.get("people").is_none() {
            e.add("people", "List the people to enrol, one email per line.");
        }
        let (Some(starts_on), Some(ends_on), Some(release_time)) =
            (starts_on, ends_on, release_time)
        else {
            return Err(e);
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidCampaign {
            title,
            summary: self.summary.trim().to_owned(),
            business_why: self.business_why.trim().to_owned(),
            learner_why: self.learner_why.trim().to_owned(),
            cover_url: (!cover.is_empty()).then(|| cover.to_owned()),
            audience: self.audience.clone(),
            mode: self.mode.clone(),
            starts_on,
            ends_on,
            release_days: mask,
            release_time,
            topics: self.topics.iter().filter_map(|t| t.parse().ok()).collect(),
            teams,
            add_teams,
            people,
        })
    }
}

/// Team names from a text box: one per line (a team's name may hold a
/// comma), trimmed, blanks dropped, each name once whatever its case, in
/// the order typed.
pub fn team_lines(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    text.lines()
        .map(str::trim)
        .filter(|name| !name.is_empty() && seen.insert(name.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Add the teams found by name to `teams` (each once), or say which names
/// no team has. `found` is each typed name with its team, if any.
pub fn add_named_teams(
    teams: &mut Vec<Uuid>,
    found: Vec<(String, Option<Uuid>)>,
) -> Result<(), String> {
    let unknown: Vec<String> = found
        .iter()
        .filter(|(_, id)| id.is_none())
        .map(|(name, _)| format!("“{name}”"))
        .collect();
    if !unknown.is_empty() {
        let what = if unknown.len() == 1 {
            "this name"
        } else {
            "these names"
        };
        return Err(format!(
            "No team has {what}: {}. Check the spelling on the teams list.",
            unknown.join(", ")
        ));
    }
    for id in found.into_iter().filter_map(|(_, id)| id) {
        if !teams.contains(&id) {
            teams.push(id);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepInput {
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item: String,
    pub prompt: String,
    pub url: String,
    pub minutes: String,
    pub same_day: String,
}

pub struct ValidStep {
    pub kind: String,
    pub title: String,
    pub body: String,
    pub item_id: Option<Uuid>,
    pub prompt_id: Option<Uuid>,
    pub url: Option<String>,
    pub minutes: i32,
    pub same_day: bool,
}

impl StepInput {
    /// The slug in the `item` field, also when a whole link was pasted.
    pub fn item_slug(&self) -> &str {
        self.item
            .trim()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
    }
}

pub const STEP_KINDS: [(&str, &str); 5] = [
    ("item", "Content item"),
    ("reflection", "Reflection prompt"),
    ("discussion", "Discussion prompt"),
    ("practice", "Practice at work"),
    ("event", "Event link"),
];

impl StepInput {
    /// `item_id` is the item the `item` field names, looked up by the caller.
    pub fn validate(&self, item_id: Option<Uuid>) -> Result<ValidStep, FormErrors> {
        let mut e = FormErrors::new();
        if !STEP_KINDS.iter().any(|(k, _)| *k == self.kind) {
            e.add("kind", "Choose what kind of step this is.");
        }
        let title = self.title.trim().to_owned();
        match title.chars().count() {
            0 => e.add("title", "Give the step a title."),
            n if n > 200 => e.add("title", "Keep the title under 200 characters."),
            _ => {}
        }
        too_long(&mut e, "body", &self.body, 5000);
        if self.kind == "item" && item_id.is_none() {
            let msg = if self.item.trim().is_empty() {
                "Enter the library item's address or slug."
            } else {
                "No published library item has that address."
            };
            e.add("item", msg);
        }
        let prompt_id = self.prompt.trim().parse::<Uuid>().ok();
        if self.kind == "reflection" && prompt_id.is_none() {
            e.add("prompt", "Choose the reflection prompt.");
        }
        let url = self.url.trim();
        if self.kind == "event" && !is_web_url(url) {
            e.add(
                "url",
                "Enter the event's web address, starting with https://.",
            );
        }
        let minutes = match self.minutes.trim() {
            "" => 5,
            m => match m.parse::<i32>() {
                Ok(m) if (0..=240).contains(&m) => m,
                _ => {
                    e.add("minutes", "Enter minutes between 0 and 240.");
                    0
                }
            },
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidStep {
            kind: self.kind.clone(),
            title,
            body: self.body.trim().to_owned(),
            item_id: (self.kind == "item").then_some(item_id).flatten(),
            prompt_id: (self.kind == "reflection").then_some(prompt_id).flatten(),
            url: (self.kind == "event").then(|| url.to_owned()),
            minutes,
            same_day: self.same_day == "on",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> CampaignInput {
        CampaignInput {
            title: "Feedback that lands".into(),
            audience: "everyone".into(),
            mode: "cohort".into(),
            starts_on: "2026-12-07".into(),
            ends_on: "2026-12-31".into(),
            days: vec!["0".into(), "2".into(), "4".into()],
            release_time: "08:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_campaign_validates_with_its_weekday_mask() {
        let Ok(v) = good().validate() else {
            panic!("valid")
        };
        assert_eq!(v.release_days, 0b10101);
        assert_eq!(v.release_time.to_string(), "08:00:00");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = CampaignInput {
            title: " ".into(),
            audience: "teams".into(),
            mode: "sometimes".into(),
            starts_on: "2026-12-07".into(),
            ends_on: "2026-12-01".into(),
            days: vec![],
            release_time: "8am".into(),
            cover_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let e = bad.validate().err().expect("invalid");
        for f in [
            "title",
            "mode",
            "ends_on",
            "days",
            "release_time",
            "teams",
            "cover_url",
        ] {
            assert!(e.has(f), "{f} has a message");
        }
        let people = CampaignInput {
            audience: "people".into(),
            people: "ana@example.com\nnot-an-email".into(),
            ..good()
        };
        assert!(people.validate().err().expect("invalid").has("people"));
    }

    #[test]
    fn teams_by_name_count_as_a_choice_and_are_read_once_each() {
        assert_eq!(
            team_lines(" Sales, North \r\n\nsales, north\nSupport\n  \nSUPPORT"),
            vec!["Sales, North".to_owned(), "Support".to_owned()]
        );
        let by_name = CampaignInput {
            audience: "teams".into(),
            add_teams: "Support\n".into(),
            ..good()
        };
        let Ok(v) = by_name.validate() else {
            panic!("a team by name is a choice")
        };
        assert_eq!(v.add_teams, vec!["Support".to_owned()]);
        assert!(v.teams.is_empty());
        let none = CampaignInput {
            add_teams: " \n ".into(),
            ..by_name.clone()
        };
        assert!(none.validate().err().expect("invalid").has("teams"));
        let long = CampaignInput {
            add_teams: "x".repeat(121),
            ..by_name
        };
        assert!(long.validate().err().expect("invalid").has("add_teams"));
    }

    #[test]
    fn named_teams_join_the_chosen_ones_once_or_the_unknown_are_named() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut teams = vec![a];
        let found = vec![
            ("Support".to_owned(), Some(b)),
            ("sales".to_owned(), Some(a)),
        ];
        assert_eq!(add_named_teams(&mut teams, found), Ok(()));
        assert_eq!(teams, vec![a, b]);
        let found = vec![
            ("Support".to_owned(), Some(b)),
            ("Nope".to_owned(), None),
            ("Nor this".to_owned(), None),
        ];
        let mut unchanged = vec![a];
        let why = add_named_teams(&mut unchanged, found).expect_err("unknown names");
        assert!(why.contains("“Nope”, “Nor this”"), "{why}");
        assert_eq!(unchanged, vec![a], "nothing added when a name is unknown");
    }

    #[test]
    fn steps_need_what_their_kind_needs() {
        let s = StepInput {
            kind: "item".into(),
            title: "Read this".into(),
            ..Default::default()
        };
        assert!(s.validate(None).err().expect("invalid").has("item"));
        let s = StepInput {
            kind: "event".into(),
            title: "Live session".into(),
            url: "ftp://x".into(),
            ..Default::default()
        };
        assert!(s.validate(None).err().expect("invalid").has("url"));
        let s = StepInput {
            kind: "practice".into(),
            title: "Try it".into(),
            minutes: "15".into(),
            same_day: "on".into(),
            ..Default::default()
        };
        let Ok(v) = s.validate(None) else {
            panic!("valid")
        };
        assert_eq!((v.minutes, v.same_day, v.item_id), (15, true, None));
    }
}
