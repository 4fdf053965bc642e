//! The demo library: 60 items across 8 workplace topics (internal
//! micro-articles, guides and checklists, curated links to public resources,
//! a few drafts), and some learner activity so lists and ratings look lived-in.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::activity::{self, Verb};
use crate::library::markdown;
use crate::library::model::{Kind, slugify, unique_slug};
use crate::library::store::{items, personal, topics};

const SOURCE: &str = include_str!("library.txt");

pub const TOPICS: [&str; 8] = [
    "Feedback",
    "Meetings",
    "Writing",
    "Data literacy",
    "Customer conversations",
    "Wellbeing",
    "Leading teams",
    "Tooling",
];

#[derive(Debug, Default)]
pub struct DemoItem {
    pub title: String,
    pub kind: String,
    pub minutes: i32,
    pub topics: Vec<String>,
    pub reference: bool,
    pub open_access: bool,
    pub draft: bool,
    pub url: Option<String>,
    pub source: Option<String>,
    pub summary: String,
    pub body: String,
}

/// Parse `library.txt`: items separated by `=== item`, `key: value` lines, `---`, then Markdown.
pub fn items_from(text: &str) -> Vec<DemoItem> {
    text.split("=== item\n")
        .filter(|chunk| !chunk.trim().is_empty())
        .map(|chunk| {
            let (head, body) = chunk.split_once("\n---\n").unwrap_or((chunk, ""));
            let mut item = DemoItem {
                body: body.trim().to_owned(),
                ..Default::default()
            };
            for line in head.lines() {
                let Some((k, v)) = line.split_once(": ") else {
                    continue;
                };
                let v = v.trim();
                match k {
                    "title" => item.title = v.to_owned(),
                    "kind" => item.kind = v.to_owned(),
                    "minutes" => item.minutes = v.parse().unwrap_or(5),
                    "topics" => item.topics = v.split(';').map(|t| t.trim().to_owned()).collect(),
                    "reference" => item.reference = v == "yes",
                    "open" => item.open_access = v == "yes",
                    "status" => item.draft = v == "draft",
                    "url" => item.url = Some(v.to_owned()),
                    "source" => item.source = Some(v.to_owned()),
                    "summary" => item.summary = v.to_owned(),
                    _ => {}
                }
            }
            item
        })
        .collect()
}

async fn topic_id(c: &mut PgConnection, name: &str) -> sqlx::Result<Uuid> {
    if let Some(id) = topics::id_by_name(c, name).await? {
        return Ok(id);
    }
    let base = slugify(name);
    let slug = unique_slug(&base, &topics::slugs_like(c, &base).await?);
    topics::insert(c, name, &slug).await
}

/// Seed the library (idempotent: items are matched by slug). Returns items added.
pub async fn seed(
    c: &mut PgConnection,
    admin: Uuid,
    learners: &[(Uuid, String)],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    for name in TOPICS {
        topic_id(c, name).await?;
    }
    let mut added = 0;
    let mut published = Vec::new();
    for (i, item) in items_from(SOURCE).into_iter().enumerate() {
        let slug = slugify(&item.title);
        if let Some(existing) = items::by_slug(c, &slug).await? {
            if existing.status == "published" {
                published.push(existing.id);
            }
            continue;
        }
        let html = markdown::render(&item.body);
        let kind = Kind::parse(&item.kind).unwrap_or(Kind::Article);
        let fields = items::ItemFields {
            title: &item.title,
            summary: &item.summary,
            kind: kind.as_str(),
            body_md: &item.body,
            body_html: &html,
            url: item.url.as_deref(),
            source: item.source.as_deref(),
            minutes: item.minutes,
            image_url: None,
            reference: item.reference,
            open_access: item.open_access,
        };
        let id = items::insert(c, &slug, &fields, Some(admin)).await?;
        let mut ids = Vec::new();
        for t in &item.topics {
            ids.push(topic_id(c, t).await?);
        }
        items::set_topics(c, id, &ids).await?;
        if !item.draft {
            items::set_status(c, id, "published").await?;
            // Spread publication over the last ~12 weeks, oldest first.
            items::backdate(c, id, now - Duration::hours(36 * (60 - i as i64))).await?;
            published.push(id);
        }
        added += 1;
    }
    if added > 0 {
        seed_activity(c, &published, learners, now).await?;
    }
    Ok(added)
}

/// Ratings from many learners, and a learning history for the first one.
async fn seed_activity(
    c: &mut PgConnection,
    published: &[Uuid],
    learners: &[(Uuid, String)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for (i, item) in published.iter().enumerate() {
        for (j, (user, _)) in learners.iter().enumerate() {
            if (i * 7 + j * 3) % 5 == 0 {
                personal::rate(c, *user, *item, (i + j) % 4 != 0).await?;
            }
        }
    }
    let Some((leo, tz)) = learners.first() else {
        return Ok(());
    };
    for (k, item) in published.iter().rev().take(6).enumerate() {
        let at = now - Duration::days(k as i64 * 2 + 1);
        let done = activity::store::Action {
            user_id: *leo,
            verb: Verb::Completed,
            object_type: "item",
            object_id: *item,
            at,
            local_date: activity::local_date(tz, at),
            duration_seconds: None,
            score: None,
        };
        activity::store::record(c, &done).await?;
    }
    for item in published.iter().skip(3).step_by(9).take(4) {
        personal::save(c, *leo, *item).await?;
    }
    if personal::my_collections(c, *leo).await?.is_empty() {
        let k = personal::create_collection(c, *leo, "Before my 1:1s").await?;
        for item in published.iter().take(3) {
            personal::add_to_collection(c, *leo, k, *item).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_library_is_complete_and_valid() {
        let items = items_from(SOURCE);
        assert_eq!(items.len(), 60);
        assert_eq!(items.iter().filter(|i| i.draft).count(), 4);
        for i in &items {
            assert!(!i.title.is_empty() && !i.summary.is_empty(), "{i:?}");
            assert!(Kind::parse(&i.kind).is_some(), "{}", i.title);
            assert!((1..=120).contains(&i.minutes), "{}", i.title);
            assert!(
                i.topics.iter().all(|t| TOPICS.contains(&t.as_str())),
                "{}: {:?}",
                i.title,
                i.topics
            );
            assert!(!i.body.is_empty() || i.url.is_some(), "{}", i.title);
        }
        for topic in TOPICS {
            assert!(
                items
                    .iter()
                    .filter(|i| i.topics.iter().any(|t| t == topic))
                    .count()
                    >= 5,
                "{topic}"
            );
        }
        assert!(items.iter().filter(|i| i.open_access && !i.draft).count() >= 8);
        assert!(items.iter().filter(|i| i.url.is_some()).count() >= 15);
    }
}
