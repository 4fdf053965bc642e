//! The person form an admin fills in, validated field by field.

use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Role;
use crate::auth::model::{is_valid_email, is_valid_timezone, normalize_email};
use crate::web::FormErrors;

/// Exactly what the admin typed, kept for a re-render.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub manager_email: String,
    #[serde(default)]
    pub team_id: String,
    /// The team's name, typed where there are too many teams to list
    /// (absent from a form that lists them; see `people::picker`).
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub timezone: String,
}

/// A person form that passed the checks that need no database.
pub struct ValidPerson {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub manager_email: Option<String>,
    pub team_id: Option<Uuid>,
    /// The team's name as typed (trimmed; empty for no team), checked
    /// against the directory instead of `team_id`.
    pub team_name: Option<String>,
    pub timezone: String,
}

impl PersonInput {
    pub fn validate(&self) -> Result<ValidPerson, FormErrors> {
        let mut e = FormErrors::new();
        let email = normalize_email(&self.email);
        if !is_valid_email(&email) {
            e.add("email", "Enter an email address like name@example.com.");
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            e.add("name", "Enter the person's name.");
        } else if name.chars().count() > 200 {
            e.add("name", "Keep the name under 200 characters.");
        }
        let role = Role::parse(&self.role);
        if role.is_none() {
            e.add("role", "Choose learner, manager or L&D admin.");
        }
        let manager_email = Some(normalize_email(&self.manager_email)).filter(|m| !m.is_empty());
        if let Some(m) = &manager_email {
            if !is_valid_email(m) {
                e.add(
                    "manager_email",
                    "Enter the manager's email address, or leave it empty.",
                );
            } else if *m == email {
                e.add("manager_email", "A person cannot be their own manager.");
            }
        }
        let team_name = self.team.as_deref().map(|t| t.trim().to_owned());
        if team_name.as_ref().is_some_and(|t| t.chars().count() > 120) {
            e.add("team", "Keep the team's name under 120 characters.");
        }
        let team_id = match self.team_id.trim() {
            _ if team_name.is_some() => None,
            "" => None,
            t => match t.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("team_id", "Choose a team from the list.");
                    None
                }
            },
        };
        let timezone = self.timezone.trim().to_owned();
        if !is_valid_timezone(&timezone) {
            e.add(
                "timezone",
                "Enter a time zone such as Europe/London or America/New_York.",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidPerson {
            email,
            name,
            role: role.expect("checked"),
            manager_email,
            team_id,
            team_name,
            timezone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let input = PersonInput {
            email: "nope".into(),
            role: "boss".into(),
            timezone: "Nowhere".into(),
            team_id: "x".into(),
            ..Default::default()
        };
        let e = input.validate().err().expect("invalid");
        for f in ["email", "name", "role", "timezone", "team_id"] {
            assert!(e.has(f), "{f}");
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let input = PersonInput {
            email: " Ana@Example.com ".into(),
            name: " Ana ".into(),
            role: "manager".into(),
            manager_email: "".into(),
            team_id: "".into(),
            team: None,
            timezone: "Europe/Madrid".into(),
        };
        let Ok(p) = input.validate() else {
            panic!("valid")
        };
        assert_eq!(
            (p.email.as_str(), p.name.as_str(), p.role),
            ("ana@example.com", "Ana", Role::Manager)
        );
        assert!(p.manager_email.is_none() && p.team_id.is_none() && p.team_name.is_none());
    }

    #[test]
    fn a_typed_team_name_is_trimmed_and_wins_over_a_listed_team() {
        let mut input = PersonInput {
            email: "ana@example.com".into(),
            name: "Ana".into(),
            role: "learner".into(),
            team_id: "not a uuid".into(),
            team: Some("  Sales EMEA ".into()),
            timezone: "UTC".into(),
            ..Default::default()
        };
        let Ok(p) = input.validate() else {
            panic!("valid")
        };
        assert_eq!(p.team_name.as_deref(), Some("Sales EMEA"));
        assert!(p.team_id.is_none());
        input.team = Some("x".repeat(121));
        let e = input.validate().err().expect("too long");
        assert!(e.has("team") && !e.has("team_id"));
    }
}
