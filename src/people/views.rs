//! Pages of the people and teams admin.

use askama::Template;

use super::forms::PersonInput;
use super::model::{ImportPlan, ImportRow};
use super::picker::TeamPicker;
use super::store::{PersonRow, TeamRow};
use crate::auth::Role;
use crate::web::{FormErrors, PageCtx, Pagination};

pub fn role_label(role: &str) -> &'static str {
    Role::parse(role).map_or("Learner", Role::label)
}

#[derive(Template)]
#[template(path = "people/list.html")]
pub struct PeoplePage {
    pub page: PageCtx,
    pub q: String,
    pub people: Vec<PersonRow>,
    pub pager: Pagination,
}

impl PeoplePage {
    /// The list URL with the current search, ready for `page=N`.
    pub fn pager_base(&self) -> String {
        crate::web::pagination::search_base("/admin/people", &self.q)
    }
}

#[derive(Template)]
#[template(path = "people/form.html")]
pub struct PersonFormPage {
    pub page: PageCtx,
    pub heading: String,
    pub action: String,
    pub input: PersonInput,
    pub errors: FormErrors,
    pub teams: TeamPicker,
    pub person: Option<PersonRow>,
}

impl PersonFormPage {
    pub fn roles(&self) -> [(&'static str, &'static str); 3] {
        Role::ALL.map(|r| (r.as_str(), r.label()))
    }
    pub fn team_selected(&self, id: &uuid::Uuid) -> bool {
        self.input.team_id == id.to_string()
    }
    /// The team's name as typed (where the name is typed).
    pub fn team_typed(&self) -> &str {
        self.input.team.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "people/import.html")]
pub struct ImportPage {
    pub page: PageCtx,
    pub csv: String,
    pub plan: Option<ImportPlan>,
    pub errors: FormErrors,
}

/// The check of a file lists this many rows; the rest are counted.
pub const PREVIEW_ROWS: usize = 200;

impl ImportPage {
    /// The rows the check lists (the first [`PREVIEW_ROWS`]).
    pub fn shown(&self) -> &[ImportRow] {
        let rows = self.plan.as_ref().map_or(&[][..], |p| &p.rows[..]);
        &rows[..rows.len().min(PREVIEW_ROWS)]
    }
    /// Rows of the file not listed.
    pub fn not_shown(&self) -> usize {
        self.plan.as_ref().map_or(0, |p| p.rows.len()) - self.shown().len()
    }
}

#[derive(Template)]
#[template(path = "people/teams.html")]
pub struct TeamsPage {
    pub page: PageCtx,
    pub teams: Vec<TeamRow>,
    /// The name searched for.
    pub q: String,
    pub pager: Pagination,
    pub name: String,
    pub errors: FormErrors,
}

impl TeamsPage {
    /// The list URL with the current search, ready for `page=N`.
    pub fn pager_base(&self) -> String {
        crate::web::pagination::search_base("/admin/teams", &self.q)
    }
}

#[derive(Template)]
#[template(path = "people/team.html")]
pub struct TeamPage {
    pub page: PageCtx,
    pub team: TeamRow,
    pub name: String,
    pub members: Vec<PersonRow>,
    pub errors: FormErrors,
}
