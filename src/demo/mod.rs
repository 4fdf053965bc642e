//! The demo organisation: 41 people in 4 teams with managers, and one L&D
//! admin, a library of 60 items ([`library`]) and weeks of daily learning
//! ([`daily`]). Fixed logins share the
//! password `inflow-demo`. Seeding twice duplicates nothing (people, teams
//! and items are matched by email, name and slug).

pub mod campaigns;
pub mod daily;
pub mod goals;
pub mod library;
pub mod reflections;

use sqlx::PgPool;
use uuid::Uuid;

use crate::people::store::{self, PersonFields};

pub const PASSWORD: &str = "inflow-demo";

/// The logins shown on the sign-in page in demo mode.
pub const LOGINS: [(&str, &str); 3] = [
    ("admin@example.com", "L&D admin"),
    ("manager@example.com", "manager of the Product team"),
    ("learner@example.com", "learner in the Product team"),
];

struct Team {
    name: &'static str,
    manager: (&'static str, &'static str),
    timezone: &'static str,
    people: [&'static str; 9],
}

const TEAMS: [Team; 4] = [
    Team {
        name: "Product",
        manager: ("manager@example.com", "Maya Patel"),
        timezone: "Europe/London",
        people: [
            "Leo Martins",
            "Priya Nair",
            "Tom Becker",
            "Sofia Rossi",
            "Daniel Okafor",
            "Hannah Schmidt",
            "Lucas Silva",
            "Amira Haddad",
            "Jonas Lindqvist",
        ],
    },
    Team {
        name: "Sales",
        manager: ("sam.carter@example.com", "Sam Carter"),
        timezone: "America/New_York",
        people: [
            "Olivia Brooks",
            "Ethan Wright",
            "Chloe Dubois",
            "Noah Kim",
            "Isabella Garcia",
            "Liam O'Connor",
            "Mia Johansson",
            "Lucas Meyer",
            "Zoe Adams",
        ],
    },
    Team {
        name: "Customer Success",
        manager: ("ines.moreau@example.com", "Inès Moreau"),
        timezone: "Europe/Paris",
        people: [
            "Grace Lee",
            "Mateo Fernandez",
            "Emma Novak",
            "Yusuf Demir",
            "Aisha Bello",
            "Felix Wagner",
            "Clara Costa",
            "Ravi Kumar",
            "Nina Petrova",
        ],
    },
    Team {
        name: "Engineering",
        manager: ("kenji.tanaka@example.com", "Kenji Tanaka"),
        timezone: "Asia/Singapore",
        people: [
            "Wei Chen",
            "Ana Lopez",
            "Omar Farouk",
            "Julia Nowak",
            "Arjun Mehta",
            "Lena Fischer",
            "Diego Ramirez",
            "Sara Ahmed",
            "Tobias Berg",
        ],
    },
];

fn email_for(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'è' | 'é' => 'e',
            ' ' => '.',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    format!("{ascii}@example.com")
}

async fn ensure_person(
    c: &mut sqlx::PgConnection,
    f: PersonFields<'_>,
    hash: &str,
) -> sqlx::Result<Uuid> {
    match store::id_by_email(c, f.email).await? {
        Some(id) => Ok(id),
        None => store::insert_person(c, &f, Some(hash)).await,
    }
}

/// Seed the demo organisation (idempotent). Returns how many people exist after.
pub async fn seed(pool: &PgPool) -> anyhow::Result<i64> {
    let hash = tokio::task::spawn_blocking(|| password_auth::generate_hash(PASSWORD)).await?;
    let mut tx = pool.begin().await?;
    let before = store::count_users(&mut tx).await?;
    let admin = ensure_person(
        &mut tx,
        PersonFields {
            email: "admin@example.com",
            name: "Alex Morgan",
            role: "admin",
            manager_id: None,
            team_id: None,
            timezone: "Europe/London",
        },
        &hash,
    )
    .await?;
    let mut learners: Vec<(Uuid, String, &'static str)> = Vec::new();
    for team in &TEAMS {
        let team_id = match store::team_id_by_name(&mut tx, team.name).await? {
            Some(id) => id,
            None => store::insert_team(&mut tx, team.name).await?,
        };
        let (email, name) = team.manager;
        let manager = ensure_person(
            &mut tx,
            PersonFields {
                email,
                name,
                role: "manager",
                manager_id: None,
                team_id: Some(team_id),
                timezone: team.timezone,
            },
            &hash,
        )
        .await?;
        for (i, person) in team.people.iter().enumerate() {
            let email = if team.name == "Product" && i == 0 {
                "learner@example.com".to_owned()
            } else {
                email_for(person)
            };
            let id = ensure_person(
                &mut tx,
                PersonFields {
                    email: &email,
                    name: person,
                    role: "learner",
                    manager_id: Some(manager),
                    team_id: Some(team_id),
                    timezone: team.timezone,
                },
                &hash,
            )
            .await?;
            learners.push((id, team.timezone.to_owned(), team.name));
        }
    }
    let now = chrono::Utc::now();
    let by_zone: Vec<(Uuid, String)> = learners
        .iter()
        .map(|(id, tz, _)| (*id, tz.clone()))
        .collect();
    let items = library::seed(&mut tx, admin, &by_zone, now).await?;
    daily::seed(&mut tx, &learners, now).await?;
    reflections::seed(&mut tx, now).await?;
    goals::seed(&mut tx, now).await?;
    campaigns::seed(&mut tx, now).await?;
    let n = store::count_users(&mut tx).await?;
    if n > before || items > 0 {
        let details = serde_json::json!({ "people_added": n - before, "items_added": items });
        crate::admin::store::record(
            &mut tx,
            Some(admin),
            "demo.seed",
            "demo organisation",
            details,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// A demo learning day `days_ago` days before the learner's own today (in
/// `tz`), whatever the hour now: noon that day, or now for today before noon.
pub(crate) fn learning_day(
    tz: &str,
    now: chrono::DateTime<chrono::Utc>,
    days_ago: i64,
) -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) {
    let date = crate::activity::local_date(tz, now) - chrono::Duration::days(days_ago);
    let noon = chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    let at = crate::campaigns::model::release_instant(tz, date, noon).min(now);
    (at, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_goal_owners_are_demo_people() {
        let emails: Vec<String> = TEAMS
            .iter()
            .flat_map(|t| {
                std::iter::once(t.manager.0.to_owned()).chain(t.people.iter().enumerate().map(
                    |(i, p)| {
                        if t.name == "Product" && i == 0 {
                            "learner@example.com".to_owned()
                        } else {
                            email_for(p)
                        }
                    },
                ))
            })
            .collect();
        for owner in goals::owners() {
            assert!(emails.iter().any(|e| e == owner), "{owner}");
        }
    }

    #[test]
    fn demo_emails_are_plain_ascii() {
        assert_eq!(email_for("Inès Moreau"), "ines.moreau@example.com");
        assert_eq!(email_for("Liam O'Connor"), "liam.oconnor@example.com");
    }
}
