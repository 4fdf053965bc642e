//! The content item form, validated field by field. Checkbox lists arrive
//! as repeated keys, so the form is read from the raw pairs.

use uuid::Uuid;

use super::model::{Kind, MAX_BODY_BYTES, is_web_url};
use crate::daily::forms::{QuestionInput, QuestionSlot, slots_from_pairs, validate_questions};
use crate::web::FormErrors;

/// Exactly what the author typed, kept for a re-render.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub body: String,
    pub url: String,
    pub source: String,
    pub minutes: String,
    pub image_url: String,
    pub reference: bool,
    pub open_access: bool,
    pub topic_ids: Vec<String>,
    pub new_topics: String,
    /// Five review-question slots (empty ones are ignored).
    pub questions: Vec<QuestionSlot>,
}

/// An item form that passed every check that needs no database.
#[derive(Debug)]
pub struct ValidItem {
    pub title: String,
    pub summary: String,
    pub kind: Kind,
    pub body: String,
    pub url: Option<String>,
    pub source: Option<String>,
    pub minutes: i32,
    pub image_url: Option<String>,
    pub reference: bool,
    pub open_access: bool,
    pub topic_ids: Vec<Uuid>,
    pub new_topics: Vec<String>,
    pub questions: Vec<QuestionInput>,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ItemInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> ItemInput {
        let mut f = ItemInput {
            questions: slots_from_pairs(&pairs),
            ..Default::default()
        };
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "summary" => f.summary = v,
                "kind" => f.kind = v,
                "body" => f.body = v,
                "url" => f.url = v,
                "source" => f.source = v,
                "minutes" => f.minutes = v,
                "image_url" => f.image_url = v,
                "reference" => f.reference = true,
                "open_access" => f.open_access = true,
                "topics" => f.topic_ids.push(v),
                "new_topics" => f.new_topics = v,
                _ => {}
            }
        }
        f
    }

    /// The five question slots, numbered from 1, for the form.
    pub fn question_slots(&self) -> Vec<(usize, QuestionSlot)> {
        let mut slots = self.questions.clone();
        slots.resize(crate::daily::forms::MAX_QUESTIONS, QuestionSlot::default());
        slots
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i + 1, s))
            .collect()
    }

    pub fn has_topic(&self, id: &Uuid) -> bool {
        self.topic_ids.iter().any(|t| *t == id.to_string())
    }

    pub fn validate(&self) -> Result<ValidItem, FormErrors> {
        let mut e = FormErrors::new();
        let title = self.title.trim().to_owned();
        match title.chars().count() {
            0 => e.add("title", "Give the item a title."),
            n if n > 200 => e.add(
                "title",
                format!("Keep the title under 200 characters (it has {n})."),
            ),
            _ => {}
        }
        let summary = self.summary.trim().to_owned();
        match summary.chars().count() {
            0 => e.add(
                "summary",
                "Write a one- or two-sentence summary: learners decide from it.",
            ),
            n if n > 400 => e.add(
                "summary",
                format!(
                    "Keep the summary to one or two sentences (under 400 characters; it has {n})."
                ),
            ),
            _ => {}
        }
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "Choose what kind of item this is.");
        }
        if self.body.len() > MAX_BODY_BYTES {
            e.add(
                "body",
                format!("The body is {} KB; the limit is 100 KB. Split it into shorter items, or link to the full text.", self.body.len().div_ceil(1024)),
            );
        }
        let url = opt(&self.url);
        if let Some(u) = &url
            && !is_web_url(u)
        {
            e.add(
                "url",
                "Enter a web address starting with https:// (or http://).",
            );
        }
        let source = opt(&self.source);
        if source.as_ref().is_some_and(|s| s.chars().count() > 120) {
            e.add("source", "Keep the source name under 120 characters.");
        }
        if self.body.trim().is_empty() && url.is_none() {
            e.add(
                "body",
                "Write the content here, or give the link to the source below (or both).",
            );
        }
        if kind == Some(Kind::Link) && url.is_none() && !e.has("url") {
            e.add("url", "A link needs its web address.");
        }
        let minutes = match self.minutes.trim().parse::<i32>() {
            Ok(m) if (1..=120).contains(&m) => m,
            _ => {
                e.add("minutes", "Enter the minutes it takes, a whole number from 1 to 120 (micro-learning is 10 or less).");
                0
            }
        };
        let image_url = opt(&self.image_url);
        if let Some(u) = &image_url
            && !is_web_url(u)
        {
            e.add(
                "image_url",
                "Enter the image's web address starting with https://, or leave it empty.",
            );
        }
        let mut topic_ids = Vec::new();
        for t in &self.topic_ids {
            match t.parse::<Uuid>() {
                Ok(id) => topic_ids.push(id),
                Err(_) => e.add("topics", "Choose topics from the list."),
            }
        }
        let new_topics: Vec<String> = self.new_topics.split(',').filter_map(opt).collect();
        if new_topics.iter().any(|t| t.chars().count() > 80) {
            e.add("topics", "Keep each new topic name under 80 characters.");
        }
        if topic_ids.is_empty() && new_topics.is_empty() {
            e.add("topics", "Choose at least one topic, or name a new one.");
        }
        let questions = validate_questions(&self.questions, &mut e);
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidItem {
            title,
            summary,
            kind: kind.expect("checked"),
            body: self.body.trim_end().to_owned(),
            url,
            source,
            minutes,
            image_url,
            reference: self.reference,
            open_access: self.open_access,
            topic_ids,
            new_topics,
            questions,
        })
    }
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
    fn a_good_form_with_several_topics() {
        let id = Uuid::now_v7();
        let input = ItemInput::from_pairs(pairs(&[
            ("title", " Running a five-minute retro "),
            ("summary", "A tiny retrospective any team can run."),
            ("kind", "guide"),
            ("body", "1. What went well?"),
            ("minutes", "4"),
            ("topics", &id.to_string()),
            ("new_topics", "Agile, , Teams "),
            ("reference", "on"),
        ]));
        let v = input.validate().expect("valid");
        assert_eq!(v.title, "Running a five-minute retro");
        assert_eq!(v.topic_ids, vec![id]);
        assert_eq!(v.new_topics, vec!["Agile".to_owned(), "Teams".to_owned()]);
        assert!(v.reference && !v.open_access);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = ItemInput::from_pairs(pairs(&[
            ("kind", "movie"),
            ("url", "javascript:alert(1)"),
            ("minutes", "500"),
            ("image_url", "ftp://x"),
        ]));
        let e = input.validate().expect_err("invalid");
        for f in [
            "title",
            "summary",
            "kind",
            "url",
            "minutes",
            "image_url",
            "topics",
        ] {
            assert!(e.has(f), "{f}");
        }
        let big = ItemInput {
            body: "x".repeat(MAX_BODY_BYTES + 1),
            ..Default::default()
        };
        assert!(
            big.validate()
                .expect_err("too big")
                .get("body")
                .unwrap()
                .contains("limit is 100 KB")
        );
    }

    #[test]
    fn content_needs_a_body_or_a_link() {
        let input = ItemInput::from_pairs(pairs(&[
            ("title", "T"),
            ("summary", "S"),
            ("kind", "article"),
            ("minutes", "3"),
            ("new_topics", "X"),
        ]));
        assert!(
            input
                .validate()
                .expect_err("no body")
                .get("body")
                .unwrap()
                .contains("or give the link")
        );
        let link = ItemInput::from_pairs(pairs(&[
            ("title", "T"),
            ("summary", "S"),
            ("kind", "link"),
            ("minutes", "3"),
            ("new_topics", "X"),
            ("body", "why it matters"),
        ]));
        assert!(link.validate().expect_err("no url").has("url"));
    }
}
