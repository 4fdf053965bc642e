//! Demo daily learning: review questions on a dozen items, every learner's
//! habit and interests, weeks of history with different streaks (one
//! learner on pause), and reviews due today for learner@example.com.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::activity::{self, Verb};
use crate::daily::forms::QuestionInput;
use crate::daily::model::{Pause, next_review};
use crate::daily::store;
use crate::library::store::{items, topics};

type Q = (
    &'static str,
    &'static str,
    &'static [&'static str],
    i32,
    &'static str,
);

const QUESTIONS: [Q; 14] = [
    (
        "giving-feedback-that-lands-the-sbi-model",
        "What does the I in SBI stand for?",
        &["Intent", "Impact", "Improvement"],
        1,
        "Situation, Behaviour, Impact: the impact is what the behaviour changed for others.",
    ),
    (
        "giving-feedback-that-lands-the-sbi-model",
        "Which is a behaviour, not a judgement?",
        &[
            "You were unprofessional",
            "You interrupted Sam twice",
            "You don't care about the client",
        ],
        1,
        "A behaviour is something anyone in the room could have seen or heard.",
    ),
    (
        "feedback-conversation-checklist",
        "What should a feedback conversation end with?",
        &[
            "A written warning",
            "One agreed next step",
            "A score out of ten",
        ],
        1,
        "One next step, with who does what, makes change likely.",
    ),
    (
        "run-a-15-minute-stand-up-that-people-don-t-dread",
        "When is a problem solved in a good stand-up?",
        &[
            "During the stand-up",
            "Straight after, by the people involved",
            "At the weekly meeting",
        ],
        1,
        "The stand-up names problems; two or three people solve them afterwards.",
    ),
    (
        "meeting-notes-in-five-lines",
        "How soon should meeting notes go out?",
        &[
            "Within the hour",
            "By the end of the week",
            "Before the next meeting",
        ],
        0,
        "Notes sent within the hour coordinate; notes sent days later are history.",
    ),
    (
        "plain-language-in-five-rules",
        "Which word is plainer?",
        &["Utilise", "Use", "Leverage"],
        1,
        "Common words are faster to read, for experts too.",
    ),
    (
        "write-the-conclusion-first",
        "Where does the recommendation go in a work email?",
        &[
            "At the end",
            "In the first sentence or two",
            "In an attachment",
        ],
        1,
        "Busy readers may stop after two sentences.",
    ),
    (
        "reading-a-chart-in-30-seconds",
        "A y-axis starting at 95 instead of 0 tends to…",
        &["hide changes", "exaggerate changes", "make no difference"],
        1,
        "A truncated axis makes small differences look large.",
    ),
    (
        "averages-hide-things-look-at-the-spread",
        "For waiting times, which summary resists extreme values?",
        &["The mean", "The median", "The maximum"],
        1,
        "The median is the middle value, so a few very long waits don't pull it.",
    ),
    (
        "handling-an-angry-customer-the-heard-steps",
        "What comes right after Hear in HEARD?",
        &["Apologise", "Empathise", "Diagnose"],
        1,
        "Hear, Empathise, Apologise, Resolve, Diagnose.",
    ),
    (
        "delegating-decide-the-level-first",
        "What should you say when delegating a task?",
        &[
            "Only the deadline",
            "How much freedom comes with it",
            "Nothing: let them figure it out",
        ],
        1,
        "Name the level: look into it, recommend, decide and tell, or decide and act.",
    ),
    (
        "psychological-safety-in-practice",
        "Psychological safety mainly means…",
        &[
            "Everyone is always nice",
            "People can speak up without fear of punishment",
            "No one is held accountable",
        ],
        1,
        "It is about candour: ideas, questions, concerns and mistakes can be raised.",
    ),
    (
        "recognising-the-signs-of-burnout",
        "Which is one of the three signs of burnout?",
        &[
            "Cynicism and distance from work",
            "Enjoying challenging work",
            "Taking holidays",
        ],
        0,
        "Exhaustion, cynicism and reduced effectiveness.",
    ),
    (
        "protecting-focus-time",
        "A good first step to protect focus time is to…",
        &[
            "Answer chat instantly",
            "Book focus blocks in your calendar",
            "Work in the evenings",
        ],
        1,
        "Put it in the calendar and treat it like a meeting.",
    ),
];

/// Interests by team.
fn interests_for(team: &str) -> &'static [&'static str] {
    match team {
        "Product" => &["Feedback", "Leading teams", "Writing"],
        "Sales" => &["Customer conversations", "Meetings", "Wellbeing"],
        "Customer Success" => &["Customer conversations", "Feedback", "Writing"],
        _ => &["Tooling", "Data literacy", "Meetings"],
    }
}

/// A learner's pattern: learning on day k (k days ago) when it returns true.
fn learned(pattern: usize, k: i64) -> bool {
    match pattern % 4 {
        0 => k >= 1 && (k <= 9 || (k >= 12 && k % 2 == 0)), // Leo: a 9-day streak, patchy before
        1 => k <= 30,                                       // a long streak, today included
        2 => k % 3 != 0,                                    // on and off
        _ => k > 10 && k % 4 == 0,                          // lapsed
    }
}

pub async fn seed(
    c: &mut PgConnection,
    learners: &[(Uuid, String, &'static str)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some((leo, leo_tz, _)) = learners.first() else {
        return Ok(());
    };
    if store::settings(c, *leo).await?.is_some() {
        return Ok(());
    }
    let mut question_ids = Vec::new();
    let mut slugs: Vec<&str> = QUESTIONS.iter().map(|q| q.0).collect();
    slugs.dedup();
    for slug in &slugs {
        let Some(item) = items::by_slug(c, slug).await? else {
            continue;
        };
        let qs: Vec<QuestionInput> = QUESTIONS
            .iter()
            .filter(|q| q.0 == *slug)
            .map(|q| QuestionInput {
                prompt: q.1.into(),
                options: q.2.iter().map(|o| o.to_string()).collect(),
                correct: q.3,
                explanation: q.4.into(),
            })
            .collect();
        store::set_questions(c, item.id, &qs).await?;
        question_ids.extend(
            store::item_questions(c, item.id)
                .await?
                .into_iter()
                .map(|q| (q.id, item.id)),
        );
    }
    // The items that have questions: Leo completes these first.
    let mut recs_pool: Vec<Uuid> = question_ids.iter().map(|q| q.1).collect();
    recs_pool.dedup();
    for (n, (user, tz, team)) in learners.iter().enumerate() {
        let why = if n == 0 {
            "To give my team feedback that actually helps"
        } else {
            ""
        };
        store::save_settings(
            c,
            *user,
            if n % 3 == 0 {
                10
            } else {
                5 + (n as i32 % 3) * 5
            },
            3 + (n as i32 % 3),
            why,
        )
        .await?;
        let mut topic_ids = Vec::new();
        for name in interests_for(team) {
            if let Some(id) = topics::id_by_name(c, name).await? {
                topic_ids.push(id);
            }
        }
        store::set_interests(c, *user, &topic_ids).await?;
        let mut done_items = Vec::new();
        for k in (0..42).rev() {
            if !learned(n, k) {
                continue;
            }
            let (at, local_date) = super::learning_day(tz, now, k);
            // A completed item when one is left, else an answered question.
            let (verb, object_type, object_id) =
                match recs_pool.iter().find(|i| !done_items.contains(*i)) {
                    Some(item) if n == 0 && k <= 9 => {
                        done_items.push(*item);
                        (Verb::Completed, "item", *item)
                    }
                    _ => match question_ids.get((k as usize + n) % question_ids.len().max(1)) {
                        Some((q, _)) => (Verb::Answered, "question", *q),
                        None => continue,
                    },
                };
            let a = activity::store::Action {
                user_id: *user,
                verb,
                object_type,
                object_id,
                at,
                local_date,
                duration_seconds: None,
                score: Some(1.0),
            };
            activity::store::record(c, &a).await?;
        }
        if n == 1 {
            // Priya is away this week.
            let today = activity::local_date(tz, now);
            store::add_pause(
                c,
                *user,
                Pause {
                    starts_on: today - Duration::days(2),
                    ends_on: today + Duration::days(4),
                },
            )
            .await?;
        }
    }
    // Leo answered the questions of what he did; three are due today.
    let today = activity::local_date(leo_tz, now);
    for (i, (q, item)) in question_ids.iter().enumerate() {
        if !recs_pool.contains(item) || i >= 8 {
            continue;
        }
        let answered_on = today - Duration::days(3 + i as i64);
        let mut r = next_review(None, i % 3 != 2, answered_on);
        if i < 3 {
            r.due_on = today;
        }
        store::schedule(c, *leo, *q, r, answered_on).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::model::slugify;

    #[test]
    fn every_question_belongs_to_a_demo_item_and_is_valid() {
        let titles: Vec<String> = crate::demo::library::items_from(include_str!("library.txt"))
            .into_iter()
            .map(|i| slugify(&i.title))
            .collect();
        for q in QUESTIONS {
            assert!(titles.iter().any(|t| t == q.0), "no demo item {}", q.0);
            assert!(
                (2..=5).contains(&q.2.len()) && (q.3 as usize) < q.2.len(),
                "{}",
                q.1
            );
        }
    }

    #[test]
    fn demo_patterns_differ() {
        let streak = |p: usize| (1..=40).take_while(|k| learned(p, *k)).count();
        assert_eq!(streak(0), 9);
        assert!(streak(1) >= 30);
        assert_eq!(streak(3), 0);
    }
}
