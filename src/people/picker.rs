//! How a form offers a choice of one team: a list (`<select>`) while an
//! organisation has few, and past [`TEAM_OPTIONS`] a field for the team's
//! name, checked on submit. A list of 2,000 teams was 200 KB of options
//! that nobody could scan.

use sqlx::PgConnection;
use uuid::Uuid;

use super::store::{self, TeamName};

/// A list offers at most this many teams; past it, the name is typed.
pub const TEAM_OPTIONS: usize = 100;

/// What a form offers.
#[derive(Debug)]
pub enum TeamPicker {
    /// Every team (or every team that applies), by name.
    List(Vec<TeamName>),
    /// Too many to list: the name is typed.
    ByName,
}

impl TeamPicker {
    /// From the first `TEAM_OPTIONS + 1` teams by name: one more than fit
    /// means the name is typed.
    pub fn from_first(teams: Vec<TeamName>) -> Self {
        if teams.len() > TEAM_OPTIONS {
            TeamPicker::ByName
        } else {
            TeamPicker::List(teams)
        }
    }

    /// The organisation's teams as a picker (reads at most one more than
    /// fit in a list).
    pub async fn load(c: &mut PgConnection) -> sqlx::Result<Self> {
        Ok(Self::from_first(
            store::first_team_names(c, TEAM_OPTIONS as i64 + 1).await?,
        ))
    }

    pub fn is_list(&self) -> bool {
        matches!(self, TeamPicker::List(_))
    }

    /// The listed teams (none when the name is typed).
    pub fn teams(&self) -> &[TeamName] {
        match self {
            TeamPicker::List(t) => t,
            TeamPicker::ByName => &[],
        }
    }
}

/// The message shown next to a team name that names no team.
pub fn unknown_team(name: &str) -> String {
    format!("No team is called “{name}”. Check the name on the Teams page.")
}

/// The team called `name` (any case, trimmed), or the message to show
/// next to the field. An empty name is no team.
pub async fn team_by_name(
    c: &mut PgConnection,
    name: &str,
) -> sqlx::Result<Result<Option<Uuid>, String>> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(Ok(None));
    }
    Ok(match store::team_id_by_name(c, name).await? {
        Some(id) => Ok(Some(id)),
        None => Err(unknown_team(name)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teams(n: usize) -> Vec<TeamName> {
        (0..n)
            .map(|i| TeamName {
                id: Uuid::from_u128(i as u128),
                name: format!("Team {i}"),
            })
            .collect()
    }

    #[test]
    fn a_list_while_the_teams_fit_then_a_name() {
        let few = TeamPicker::from_first(teams(TEAM_OPTIONS));
        assert!(few.is_list());
        assert_eq!(few.teams().len(), TEAM_OPTIONS);
        assert_eq!(few.teams()[3].name, "Team 3");
        let none = TeamPicker::from_first(Vec::new());
        assert!(none.is_list());
        assert!(none.teams().is_empty());
        let many = TeamPicker::from_first(teams(TEAM_OPTIONS + 1));
        assert!(!many.is_list());
        assert!(many.teams().is_empty());
    }

    #[test]
    fn an_unknown_name_is_quoted_as_typed() {
        assert_eq!(
            unknown_team("Sales EMEA"),
            "No team is called “Sales EMEA”. Check the name on the Teams page."
        );
    }
}
