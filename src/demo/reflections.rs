//! Demo journal: eight prompts and a few weeks of entries (some shared
//! with the manager, some answering prompts, some about library items).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::activity::{self, Verb};
use crate::library::store::{items, topics};
use crate::reflections::model::ValidEntry;
use crate::reflections::store;

const PROMPTS: [(&str, &str); 8] = [
    ("What did you learn from a mistake this week?", "Wellbeing"),
    (
        "Which conversation went better than you expected, and why?",
        "Customer conversations",
    ),
    (
        "What feedback did you receive recently, and what will you do with it?",
        "Feedback",
    ),
    (
        "What would you do differently in your last meeting?",
        "Meetings",
    ),
    (
        "When were you most focused this week? What made that possible?",
        "Wellbeing",
    ),
    (
        "Which piece of data changed your mind lately?",
        "Data literacy",
    ),
    (
        "What did you explain well this week, and how could it be clearer?",
        "Writing",
    ),
    (
        "What would you tell someone starting in your role?",
        "Leading teams",
    ),
];

/// (days ago, prompt index, item slug, guided parts or free text, tags, shared)
type Demo = (
    i64,
    Option<usize>,
    Option<&'static str>,
    [&'static str; 3],
    &'static str,
    bool,
);

const LEO: [Demo; 5] = [
    (
        1,
        Some(2),
        Some("giving-feedback-that-lands-the-sbi-model"),
        [
            "In my 1:1 Maya said my sprint updates are hard to follow.",
            "She's right: I list everything instead of what changed. The SBI article made me see I do the same when I give feedback.",
            "Next update: status first, three bullets, then links.",
        ],
        "feedback, writing",
        true,
    ),
    (
        3,
        Some(3),
        None,
        [
            "The planning meeting ran 25 minutes over.",
            "We discussed three topics nobody had to decide on.",
            "I'll write the agenda as questions and send it a day ahead.",
        ],
        "meetings",
        false,
    ),
    (
        6,
        None,
        Some("psychological-safety-in-practice"),
        [
            "Tom admitted in the retro that he had missed the bug in review.",
            "Nobody blamed him, and two others said they'd missed similar ones. That openness only happened because Maya went first.",
            "When I run the next retro, I'll share my own miss first.",
        ],
        "leading teams, retros",
        true,
    ),
    (
        9,
        None,
        None,
        [
            "",
            "",
            "Quiet week. I noticed I learn most when I write things down right after a meeting, not at the end of the day.",
        ],
        "habits",
        false,
    ),
    (
        13,
        Some(0),
        None,
        [
            "I merged a change without telling support, and they got three confused tickets.",
            "Small changes still need a heads-up to the people who talk to customers.",
            "Add support to the release notes channel.",
        ],
        "mistakes",
        false,
    ),
];

const OTHERS: [(&str, Demo); 3] = [
    (
        "priya.nair@example.com",
        (
            4,
            Some(6),
            Some("write-the-conclusion-first"),
            [
                "My proposal email got no replies for a week.",
                "The ask was in the last paragraph.",
                "Lead with the ask from now on.",
            ],
            "writing",
            true,
        ),
    ),
    (
        "olivia.brooks@example.com",
        (
            2,
            Some(1),
            None,
            [
                "A renewal call I dreaded turned into an upsell.",
                "I asked about their last quarter before pitching anything.",
                "Keep opening with their story.",
            ],
            "customers",
            true,
        ),
    ),
    (
        "grace.lee@example.com",
        (
            5,
            None,
            Some("handling-an-angry-customer-the-heard-steps"),
            [
                "An angry caller calmed down after I summarised his problem back to him.",
                "Reflecting back worked better than apologising straight away.",
                "Use HEARD in order, and take two minutes after hard calls.",
            ],
            "customers, wellbeing",
            false,
        ),
    ),
];

async fn write(
    c: &mut PgConnection,
    user: Uuid,
    tz: &str,
    d: &Demo,
    prompts: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (days_ago, prompt, item, parts, tags, shared) = d;
    let (at, local_date) = super::learning_day(tz, now, *days_ago);
    let item_id = match item {
        Some(slug) => items::by_slug(c, slug).await?.map(|i| i.id),
        None => None,
    };
    let guided = !parts[0].is_empty();
    let v = ValidEntry {
        guided,
        body: if guided {
            String::new()
        } else {
            parts[2].to_owned()
        },
        happened: if guided {
            parts[0].to_owned()
        } else {
            String::new()
        },
        so_what: if guided {
            parts[1].to_owned()
        } else {
            String::new()
        },
        now_what: if guided {
            parts[2].to_owned()
        } else {
            String::new()
        },
        prompt_id: prompt.map(|i| prompts[i]),
        item_id,
        tags: crate::reflections::model::parse_tags(tags).unwrap_or_default(),
        shared: *shared,
    };
    let id = store::create(c, user, &v, local_date).await?;
    let a = activity::store::Action {
        user_id: user,
        verb: Verb::Reflected,
        object_type: "reflection",
        object_id: id,
        at,
        local_date,
        duration_seconds: None,
        score: None,
    };
    activity::store::record(c, &a).await?;
    Ok(())
}

pub async fn seed(c: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    if !store::prompts(c).await?.is_empty() {
        return Ok(());
    }
    let mut prompt_ids = Vec::new();
    for (text, topic) in PROMPTS {
        let topic_id = topics::id_by_name(c, topic).await?;
        prompt_ids.push(store::insert_prompt(c, text, topic_id).await?);
    }
    for (email, entries) in std::iter::once(("learner@example.com", &LEO[..]))
        .chain(OTHERS.iter().map(|(e, d)| (*e, std::slice::from_ref(d))))
    {
        let Some(p) = crate::people::store::id_by_email(c, email).await? else {
            continue;
        };
        let tz = crate::people::store::person(c, p).await?.timezone;
        for d in entries {
            write(c, p, &tz, d, &prompt_ids, now).await?;
        }
    }
    Ok(())
}
