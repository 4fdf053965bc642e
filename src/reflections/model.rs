//! Pure rules of the journal: the entry form, tags, and the Markdown export.

use crate::web::FormErrors;

pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 30;

/// Tags as typed ("Feedback, 1:1s") into a clean list: lowercase, unique, at most 10.
pub fn parse_tags(s: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for t in s
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if t.chars().count() > MAX_TAG_CHARS {
            return Err(format!("Keep each tag under {MAX_TAG_CHARS} characters."));
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("Use at most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

/// The entry form exactly as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntryInput {
    #[serde(default)]
    pub guided: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub happened: String,
    #[serde(default)]
    pub so_what: String,
    #[serde(default)]
    pub now_what: String,
    #[serde(default)]
    pub prompt_id: String,
    #[serde(default)]
    pub item_id: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub shared: Option<String>,
}

impl EntryInput {
    pub fn is_guided(&self) -> bool {
        self.guided == "1"
    }
}

pub struct ValidEntry {
    pub guided: bool,
    pub body: String,
    pub happened: String,
    pub so_what: String,
    pub now_what: String,
    pub prompt_id: Option<uuid::Uuid>,
    pub item_id: Option<uuid::Uuid>,
    pub tags: Vec<String>,
    pub shared: bool,
}

pub fn validate(input: &EntryInput) -> Result<ValidEntry, FormErrors> {
    let mut e = FormErrors::new();
    let guided = input.is_guided();
    let (body, happened, so_what, now_what) = if guided {
        (
            String::new(),
            input.happened.trim().to_owned(),
            input.so_what.trim().to_owned(),
            input.now_what.trim().to_owned(),
        )
    } else {
        (
            input.body.trim().to_owned(),
            String::new(),
            String::new(),
            String::new(),
        )
    };
    if guided && happened.is_empty() {
        e.add(
            "happened",
            "Start with what happened: a sentence or two is enough.",
        );
    }
    if !guided && body.is_empty() {
        e.add("body", "Write your reflection: a few sentences are enough.");
    }
    if body.chars().count() > 20000 {
        e.add(
            "body",
            "That is longer than 20,000 characters; split it into two entries.",
        );
    }
    for (field, text) in [
        ("happened", &happened),
        ("so_what", &so_what),
        ("now_what", &now_what),
    ] {
        if text.chars().count() > 8000 {
            e.add(field, "Keep each part under 8,000 characters.");
        }
    }
    let tags = parse_tags(&input.tags).unwrap_or_else(|m| {
        e.add("tags", m);
        Vec::new()
    });
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ValidEntry {
        guided,
        body,
        happened,
        so_what,
        now_what,
        prompt_id: input.prompt_id.parse().ok(),
        item_id: input.item_id.parse().ok(),
        tags,
        shared: input.shared.is_some(),
    })
}

/// One entry as Markdown (for the export and for display of guided entries).
pub fn entry_markdown(
    guided: bool,
    body: &str,
    happened: &str,
    so_what: &str,
    now_what: &str,
) -> String {
    if !guided {
        return body.to_owned();
    }
    let mut md = String::new();
    for (title, text) in [
        ("What happened?", happened),
        ("So what?", so_what),
        ("Now what?", now_what),
    ] {
        if !text.trim().is_empty() {
            md.push_str(&format!("**{title}**\n\n{}\n\n", text.trim()));
        }
    }
    md.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_cleaned() {
        assert_eq!(
            parse_tags(" Feedback, 1:1s, feedback ,,").unwrap(),
            vec!["feedback".to_owned(), "1:1s".to_owned()]
        );
        assert!(parse_tags(&"x".repeat(31)).is_err());
        assert!(parse_tags(&(0..11).map(|i| i.to_string()).collect::<Vec<_>>().join(",")).is_err());
    }

    #[test]
    fn free_and_guided_entries_need_content() {
        let free = EntryInput {
            body: "  ".into(),
            ..Default::default()
        };
        assert!(validate(&free).err().unwrap().has("body"));
        let guided = EntryInput {
            guided: "1".into(),
            so_what: "it matters".into(),
            ..Default::default()
        };
        assert!(validate(&guided).err().unwrap().has("happened"));
        let ok = EntryInput {
            guided: "1".into(),
            happened: "A tense meeting".into(),
            shared: Some("on".into()),
            tags: "Meetings".into(),
            ..Default::default()
        };
        let v = validate(&ok).ok().unwrap();
        assert!(v.guided && v.shared && v.tags == vec!["meetings".to_owned()]);
    }

    #[test]
    fn guided_entries_read_as_three_parts() {
        let md = entry_markdown(
            true,
            "",
            "The demo failed.",
            "I skipped the rehearsal.",
            "Rehearse twice.",
        );
        assert_eq!(
            md,
            "**What happened?**\n\nThe demo failed.\n\n**So what?**\n\nI skipped the rehearsal.\n\n**Now what?**\n\nRehearse twice."
        );
        assert_eq!(entry_markdown(false, "plain", "x", "y", "z"), "plain");
    }
}
