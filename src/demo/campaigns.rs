//! Demo campaigns: "Feedback that lands" running (15 steps over three
//! weeks, people at different points, a discussion with posts), "Meetings
//! people want to attend" scheduled for next week, and "Plain language
//! month" finished with results.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::campaigns::forms::{ValidCampaign, ValidStep};
use crate::campaigns::model::{self, StepTiming};
use crate::campaigns::store::{self, learner, posts};
use crate::library::model::slugify;

/// (kind, title, item title or prompt/event text, minutes)
type StepSpec = (&'static str, &'static str, &'static str, i32);

const FEEDBACK: [StepSpec; 15] = [
    (
        "item",
        "Start with the SBI model",
        "Giving feedback that lands: the SBI model",
        0,
    ),
    (
        "reflection",
        "Feedback you received",
        "What feedback did you receive recently, and what will you do with it?",
        5,
    ),
    (
        "discussion",
        "What makes feedback land for you?",
        "Share one piece of feedback that changed how you work, and why it landed.",
        5,
    ),
    (
        "item",
        "Ask so people actually answer",
        "Asking for feedback so people actually give it",
        0,
    ),
    (
        "practice",
        "Ask one colleague for feedback",
        "Ask one specific question about one recent piece of work. Note what you heard.",
        10,
    ),
    (
        "item",
        "When it stings",
        "Receiving difficult feedback without getting defensive",
        0,
    ),
    (
        "item",
        "Praise that means something",
        "Praise that means something",
        0,
    ),
    (
        "practice",
        "Give one piece of specific praise",
        "Use situation, behaviour, impact. Keep it to two sentences.",
        5,
    ),
    (
        "item",
        "Care personally, challenge directly",
        "Radical Candor: care personally, challenge directly",
        0,
    ),
    (
        "item",
        "Intent and impact",
        "Closing the gap between intent and impact",
        0,
    ),
    (
        "event",
        "Live practice session",
        "https://meet.example.com/feedback-practice",
        0,
    ),
    (
        "item",
        "Before the conversation",
        "Feedback conversation checklist",
        0,
    ),
    (
        "practice",
        "Give one piece of constructive feedback",
        "Pick something small and recent. Use the checklist first.",
        15,
    ),
    (
        "reflection",
        "Looking back",
        "What feedback did you receive recently, and what will you do with it?",
        5,
    ),
    (
        "discussion",
        "What will you keep doing?",
        "One habit from these three weeks you will keep, and one you will drop.",
        5,
    ),
];

const MEETINGS: [StepSpec; 6] = [
    (
        "item",
        "Stand-ups people don't dread",
        "Run a 15-minute stand-up that people don't dread",
        0,
    ),
    (
        "item",
        "An agenda that shortens the meeting",
        "Writing an agenda that makes the meeting shorter",
        0,
    ),
    (
        "practice",
        "Rewrite one agenda",
        "Take your next recurring meeting and rewrite its agenda as questions.",
        10,
    ),
    (
        "item",
        "Notes in five lines",
        "Meeting notes in five lines",
        0,
    ),
    (
        "item",
        "When to cancel",
        "When to cancel a recurring meeting",
        0,
    ),
    (
        "discussion",
        "Which meeting would you cancel?",
        "Name one recurring meeting you would cancel, and what would replace it.",
        5,
    ),
];

const PLAIN: [StepSpec; 6] = [
    ("item", "Conclusion first", "Write the conclusion first", 0),
    ("item", "Five rules", "Plain language in five rules", 0),
    (
        "practice",
        "Rewrite one email",
        "Rewrite one long email with the five rules. Compare the word count.",
        10,
    ),
    ("item", "Status updates", "Writing a good status update", 0),
    (
        "item",
        "Subject lines",
        "Email subject lines that get read",
        0,
    ),
    (
        "reflection",
        "What did you explain well?",
        "What did you explain well this week, and how could it be clearer?",
        5,
    ),
];

#[allow(
    clippy::too_many_arguments,
    reason = "one line per campaign field reads best here"
)]
fn campaign(
    title: &str,
    summary: &str,
    business: &str,
    learner: &str,
    mode: &str,
    audience: &str,
    starts_on: NaiveDate,
    weeks: i64,
) -> ValidCampaign {
    ValidCampaign {
        title: title.into(),
        summary: summary.into(),
        business_why: business.into(),
        learner_why: learner.into(),
        cover_url: None,
        audience: audience.into(),
        mode: mode.into(),
        starts_on,
        ends_on: starts_on + Duration::days(weeks * 7 - 1),
        release_days: 0b1_1111,
        release_time: NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"),
        topics: Vec::new(),
        teams: Vec::new(),
        add_teams: Vec::new(),
        people: Vec::new(),
    }
}

async fn add_steps(
    c: &mut PgConnection,
    id: Uuid,
    specs: &[StepSpec],
) -> anyhow::Result<Vec<Uuid>> {
    let prompts = crate::reflections::store::prompts(c).await?;
    for (kind, title, what, minutes) in specs {
        let item_id = if *kind == "item" {
            crate::library::store::items::by_slug(c, &slugify(what))
                .await?
                .map(|i| i.id)
        } else {
            None
        };
        if *kind == "item" && item_id.is_none() {
            continue;
        }
        let prompt_id = prompts.iter().find(|p| p.text == *what).map(|p| p.id);
        let step = ValidStep {
            kind: (*kind).into(),
            title: (*title).into(),
            body: if matches!(*kind, "practice" | "discussion") {
                (*what).into()
            } else {
                String::new()
            },
            item_id,
            prompt_id,
            url: (*kind == "event").then(|| (*what).to_owned()),
            minutes: *minutes,
            same_day: false,
        };
        if *kind == "reflection" && prompt_id.is_none() {
            continue;
        }
        store::add_step(c, id, &step, None).await?;
    }
    Ok(store::steps(c, id).await?.iter().map(|s| s.id).collect())
}

/// Mark the first `k` released steps done for each learner, spreading progress.
async fn progress(
    c: &mut PgConnection,
    id: Uuid,
    people: &[Uuid],
    steps: &[Uuid],
    released: usize,
    now: DateTime<Utc>,
    spread: &[usize],
) -> anyhow::Result<()> {
    for (i, who) in people.iter().enumerate() {
        let k = spread[i % spread.len()].min(released);
        for (j, step) in steps.iter().take(k).enumerate() {
            let at = now - Duration::days((k - j) as i64);
            learner::mark_done(c, *who, id, *step, "", at.date_naive(), at).await?;
        }
    }
    Ok(())
}

pub async fn seed(c: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    if store::any(c).await? {
        return Ok(());
    }
    let Some(admin) = crate::people::store::id_by_email(c, "admin@example.com").await? else {
        return Ok(());
    };
    let today = now.date_naive();
    let monday = crate::daily::model::week_start(today);
    // Steps out by the end of `until` for a learner enrolled at the start.
    let released = |v: &ValidCampaign, n: usize, until: NaiveDate| {
        let rules = model::Rules::stored(&v.mode, v.starts_on, v.release_days, v.release_time);
        model::release_dates(&rules, v.starts_on, &[], &vec![StepTiming::default(); n])
            .iter()
            .filter(|r| r.on <= until)
            .count()
    };

    let v = campaign(
        "Feedback that lands",
        "Three weeks, a few minutes a day: ask for, give and take feedback that changes something.",
        "Engagement survey: only 41 % of people say they get useful feedback. Teams that give it weekly ship faster and keep people longer.",
        "Get the feedback you need to grow, and give feedback people thank you for.",
        "cohort",
        "everyone",
        monday - Duration::days(7),
        3,
    );
    let id = store::create(c, &v, admin).await?;
    let steps = add_steps(c, id, &FEEDBACK).await?;
    store::set_status(c, id, "published").await?;
    let people = store::enrol_everyone_on(c, id, v.starts_on).await?;
    let leo = crate::people::store::id_by_email(c, "learner@example.com").await?;
    let others: Vec<Uuid> = people.iter().copied().filter(|p| Some(*p) != leo).collect();
    progress(
        c,
        id,
        &others,
        &steps,
        released(&v, steps.len(), today - Duration::days(1)),
        now,
        &[9, 4, 7, 2, 9, 0, 6, 8, 3],
    )
    .await?;
    if let Some(leo) = leo {
        progress(
            c,
            id,
            &[leo],
            &steps,
            released(&v, steps.len(), today),
            now,
            &[99],
        )
        .await?;
    }
    if let Some(step) = steps.get(2) {
        let lines = [
            "My manager told me exactly which slide lost the room, and why. I rebuilt the deck in an hour.",
            "Feedback lands for me when it comes the same day. A week later I can't remember the meeting.",
            "The best feedback I had was a question: 'what did you want them to do after reading this?'",
            "I used to soften everything. Someone told me kindly that I was unclear, and that stuck.",
        ];
        let mut first = None;
        for (i, text) in lines.iter().enumerate() {
            let author = others[(i * 5) % others.len()];
            posts::add(c, *step, author, None, text).await?;
            if first.is_none() {
                first = posts::thread(c, *step).await?.first().map(|p| p.id);
            }
        }
        if let Some(parent) = first {
            posts::add(
                c,
                *step,
                others[3 % others.len()],
                Some(parent),
                "Same here: specific beats kind-but-vague every time.",
            )
            .await?;
            posts::add(
                c,
                *step,
                admin,
                Some(parent),
                "Great example of the 'impact' part of SBI.",
            )
            .await?;
        }
    }

    let v = campaign(
        "Meetings people want to attend",
        "Six short steps to shorter, better meetings.",
        "We spend 23 % of working hours in recurring meetings; a third of them could be an update.",
        "Win back an hour a week and leave meetings knowing what happens next.",
        "rolling",
        "open",
        monday + Duration::days(7),
        4,
    );
    let id = store::create(c, &v, admin).await?;
    add_steps(c, id, &MEETINGS).await?;
    store::set_status(c, id, "published").await?;

    let v = campaign(
        "Plain language month",
        "Write so people understand the first time.",
        "Support tickets about unclear emails fell by a fifth in the pilot team.",
        "Spend less time writing, and get fewer follow-up questions.",
        "cohort",
        "everyone",
        monday - Duration::days(63),
        4,
    );
    let id = store::create(c, &v, admin).await?;
    let steps = add_steps(c, id, &PLAIN).await?;
    store::set_status(c, id, "published").await?;
    let people = store::enrol_everyone_on(c, id, v.starts_on).await?;
    progress(
        c,
        id,
        &people,
        &steps,
        steps.len(),
        now - Duration::days(30),
        &[6, 6, 5, 3, 6, 1, 4, 6, 2, 0],
    )
    .await?;
    Ok(())
}
