//! Demo goals in every state across the teams, with evidence, check-ins and
//! decisions, so manager@example.com opens a team page with work waiting.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use crate::goals::store::{self, GoalFields, NewEvidence};
use crate::library::store::topics;

struct DemoGoal {
    owner: &'static str,
    title: &'static str,
    why: &'static str,
    measure: &'static str,
    topic: &'static str,
    /// The statuses it went through, in order (the last is where it is now).
    path: &'static [&'static str],
    target_days: i64,
    checkins: &'static [(i32, i32, &'static str)],
    notes: &'static [&'static str],
}

const GOALS: [DemoGoal; 9] = [
    DemoGoal {
        owner: "learner@example.com",
        title: "Give feedback that helps my team improve",
        why: "I avoid hard conversations and problems grow. My team deserves clear, kind feedback.",
        measure: "Two feedback conversations a month using SBI, and my team says in the next survey that feedback is useful.",
        topic: "Feedback",
        path: &["draft", "proposed"],
        target_days: 90,
        checkins: &[],
        notes: &[],
    },
    DemoGoal {
        owner: "learner@example.com",
        title: "Run shorter, decision-focused meetings",
        why: "Our planning meetings run over and end without decisions.",
        measure: "Agendas written as questions; planning ends on time four weeks in a row.",
        topic: "Meetings",
        path: &["draft", "proposed", "active"],
        target_days: 6,
        checkins: &[
            (40, 3, "Agendas as questions work; still running over."),
            (60, 4, "Two on-time meetings."),
        ],
        notes: &[
            "Sent the planning agenda as three questions a day ahead; we finished 5 minutes early.",
        ],
    },
    DemoGoal {
        owner: "priya.nair@example.com",
        title: "Write proposals that get decisions",
        why: "My proposals wait weeks for an answer.",
        measure: "Three proposals with the ask up front, each answered within a week.",
        topic: "Writing",
        path: &["draft", "proposed", "active", "submitted"],
        target_days: 20,
        checkins: &[(100, 5, "All three answered within days.")],
        notes: &[
            "Proposal on the onboarding flow: approved in two days.",
            "Vendor renewal note: answered the same day.",
        ],
    },
    DemoGoal {
        owner: "tom.becker@example.com",
        title: "Learn to read product analytics",
        why: "I want to back my ideas with data.",
        measure: "Present one data-backed insight at the monthly review.",
        topic: "Data literacy",
        path: &["draft"],
        target_days: 120,
        checkins: &[],
        notes: &[],
    },
    DemoGoal {
        owner: "olivia.brooks@example.com",
        title: "Open every customer call by listening first",
        why: "Customers tell me more when I ask before I pitch.",
        measure: "Call notes show the customer's situation before any product talk, for a month.",
        topic: "Customer conversations",
        path: &["draft", "proposed", "active"],
        target_days: 45,
        checkins: &[(50, 4, "Renewal calls went better.")],
        notes: &["Renewal call with a logistics client turned into an upsell."],
    },
    DemoGoal {
        owner: "grace.lee@example.com",
        title: "Handle escalations calmly with HEARD",
        why: "Angry calls drain me and customers notice.",
        measure: "Use HEARD on every escalation for six weeks; CSAT on escalations above 4.",
        topic: "Customer conversations",
        path: &["draft", "proposed", "active", "submitted", "achieved"],
        target_days: -10,
        checkins: &[(100, 5, "CSAT 4.4 on escalations.")],
        notes: &["Escalation CSAT rose from 3.6 to 4.4 over six weeks."],
    },
    DemoGoal {
        owner: "wei.chen@example.com",
        title: "Automate my weekly report",
        why: "It takes me two hours every Friday.",
        measure: "The report builds itself; I only review it.",
        topic: "Tooling",
        path: &["draft", "proposed", "active", "abandoned"],
        target_days: 30,
        checkins: &[(20, 2, "The data source is moving; pausing this.")],
        notes: &[],
    },
    DemoGoal {
        owner: "ines.moreau@example.com",
        title: "Coach my team leads to delegate",
        why: "My leads do the work themselves and burn out.",
        measure: "Each lead delegates one recurring task with an agreed level.",
        topic: "Leading teams",
        path: &["draft", "active"],
        target_days: 60,
        checkins: &[(30, 3, "Two of four leads have started.")],
        notes: &[],
    },
    DemoGoal {
        owner: "sara.ahmed@example.com",
        title: "Share what I learn in a monthly lightning talk",
        why: "Teaching helps me learn and helps the team.",
        measure: "Three talks in three months.",
        topic: "Leading teams",
        path: &["draft", "proposed"],
        target_days: 100,
        checkins: &[],
        notes: &[],
    },
];

pub async fn seed(c: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let Some(leo) = crate::people::store::id_by_email(c, "learner@example.com").await? else {
        return Ok(());
    };
    if !store::goals_of(c, leo, leo).await?.is_empty() {
        return Ok(());
    }
    for g in &GOALS {
        let Some(owner) = crate::people::store::id_by_email(c, g.owner).await? else {
            continue;
        };
        let person = crate::people::store::person(c, owner).await?;
        let manager = match &person.manager_email {
            Some(m) => crate::people::store::id_by_email(c, m).await?,
            None => None,
        };
        let today = crate::activity::local_date(&person.timezone, now);
        let id = store::create(
            c,
            owner,
            &GoalFields {
                title: g.title,
                why: g.why,
                measure: g.measure,
                target_date: Some(today + Duration::days(g.target_days)),
            },
        )
        .await?;
        if let Some(t) = topics::id_by_name(c, g.topic).await? {
            store::set_topics(c, id, &[t]).await?;
        }
        let mut from: Option<&str> = None;
        for (i, to) in g.path.iter().enumerate() {
            let actor =
                if matches!(*to, "active" | "achieved") && from.is_some_and(|f| f != "draft") {
                    manager.unwrap_or(owner)
                } else {
                    owner
                };
            store::set_status(c, id, to, today - Duration::days(30 - i as i64 * 5)).await?;
            let comment = if *to == "active" && manager.is_some() {
                "Agreed: a good stretch for this quarter."
            } else {
                ""
            };
            store::add_event(c, id, actor, from, Some(to), comment).await?;
            from = Some(to);
        }
        for (p, conf, note) in g.checkins {
            store::add_checkin(c, id, *p, *conf, note).await?;
        }
        for note in g.notes {
            store::add_evidence(
                c,
                id,
                owner,
                &NewEvidence {
                    kind: "note",
                    note,
                    url: None,
                    item_id: None,
                    reflection_id: None,
                },
            )
            .await?;
        }
        if let (Some(m), Some(last)) = (manager, g.path.last()) {
            let first = person
                .name
                .split_whitespace()
                .next()
                .unwrap_or(&person.name);
            let link = format!("/goals/{id}");
            match *last {
                "proposed" => {
                    crate::notifications::store::notify(
                        c,
                        m,
                        &format!("{first} proposed a goal: {}", g.title),
                        &link,
                        None,
                    )
                    .await?
                }
                "submitted" => {
                    crate::notifications::store::notify(
                        c,
                        m,
                        &format!("{first} submitted an achievement: {}", g.title),
                        &link,
                        None,
                    )
                    .await?
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Owners named in the demo goals (checked against the demo people by a test).
pub fn owners() -> Vec<&'static str> {
    GOALS.iter().map(|g| g.owner).collect()
}
