//! Pages of campaigns: learners' list, campaign and discussion pages; L&D's
//! list, editor, timeline, who got what and results; the manager's view;
//! digest preferences and integrations.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::forms::{CampaignInput, STEP_KINDS, StepInput};
use super::model::{Phase, Weekdays};
use super::plan::{Followed, Planned};
use super::store::digest::{Problem, StatusCount};
use super::store::learner::OpenCampaign;
use super::store::posts::Post;
use super::store::reports::{Participant, TeamCampaignRow};
use super::store::{Campaign, ListRow, Step};
use crate::library::store::topics::Topic;
use crate::people::picker::TeamPicker;
use crate::people::store::TeamName;
use crate::reflections::store::Prompt;
use crate::web::{FormErrors, PageCtx, Pagination};

pub fn day(d: &NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

pub fn kind_label(k: &str) -> &'static str {
    STEP_KINDS
        .iter()
        .find(|(key, _)| *key == k)
        .map_or("Step", |(_, l)| l)
}

pub fn phase_of(r: &ListRow, today: &NaiveDate) -> &'static str {
    Phase::of(&r.status, r.starts_on, r.ends_on, *today).label()
}

pub fn mode_label(m: &str) -> &'static str {
    if m == "rolling" {
        "Rolling: each person starts when enrolled"
    } else {
        "Cohort: everyone starts together"
    }
}

pub fn audience_label(a: &str) -> &'static str {
    match a {
        "everyone" => "Everyone",
        "teams" => "Chosen teams",
        "people" => "Chosen people",
        _ => "Open: people join from the catalogue",
    }
}

/// Where a learner goes to do a step.
pub fn step_href(campaign: &Uuid, p: &Planned) -> String {
    match p.step.kind.as_str() {
        "item" => p.step.item_slug.as_ref().map_or_else(
            || format!("/campaigns/{campaign}"),
            |s| format!("/library/{s}"),
        ),
        "reflection" => p.step.prompt_id.map_or_else(
            || "/reflections/new".to_owned(),
            |id| format!("/reflections/new?prompt={id}"),
        ),
        "discussion" => format!("/campaigns/{campaign}/steps/{}/discussion", p.step.step_id),
        "event" => p.step.url.clone().unwrap_or_default(),
        _ => format!("/campaigns/{campaign}#step-{}", p.step.step_id),
    }
}

#[derive(Template)]
#[template(path = "campaigns/mine.html")]
pub struct MyCampaignsPage {
    pub page: PageCtx,
    pub campaigns: Vec<Followed>,
    pub open: Vec<OpenCampaign>,
    pub today: NaiveDate,
}

#[derive(Template)]
#[template(path = "campaigns/show.html")]
pub struct CampaignPage {
    pub page: PageCtx,
    pub campaign: Campaign,
    pub followed: Option<Followed>,
    pub outline: Vec<Step>,
    pub today: NaiveDate,
}

impl CampaignPage {
    pub fn schedule(&self) -> String {
        format!(
            "{} at {}",
            Weekdays(self.campaign.release_days as u8).describe(),
            self.campaign.release_time.format("%H:%M")
        )
    }
}

#[derive(Template)]
#[template(path = "campaigns/discussion.html")]
pub struct DiscussionPage {
    pub page: PageCtx,
    pub campaign_id: Uuid,
    pub campaign_title: String,
    pub step: Step,
    pub thread: Vec<Post>,
    pub me: Uuid,
    pub body: String,
    pub errors: FormErrors,
}

impl DiscussionPage {
    pub fn top(&self) -> Vec<&Post> {
        self.thread
            .iter()
            .filter(|p| p.parent_id.is_none())
            .collect()
    }
    pub fn replies(&self, post: &Post) -> Vec<&Post> {
        self.thread
            .iter()
            .filter(|p| p.parent_id == Some(post.id))
            .collect()
    }
    pub fn mine(&self, post: &Post) -> bool {
        post.author_id == Some(self.me) && !post.deleted
    }
}

#[derive(Template)]
#[template(path = "campaigns/admin_list.html")]
pub struct AdminListPage {
    pub page: PageCtx,
    pub rows: Vec<ListRow>,
    pub today: NaiveDate,
    /// The phase shown (none: every phase).
    pub phase: Option<Phase>,
    /// Each phase's campaigns matching the search, in `Phase::ALL` order.
    pub counts: Vec<(Phase, i64)>,
    /// Every phase's, matching the search.
    pub all: i64,
    /// The title searched for.
    pub q: String,
    pub pager: Pagination,
}

impl AdminListPage {
    /// The list of one phase (`""`: all) with the current search.
    pub fn phase_href(&self, phase: &str) -> String {
        let query = serde_urlencoded::to_string([("phase", phase), ("q", self.q.as_str())])
            .unwrap_or_default();
        format!("/admin/campaigns?{query}")
    }
    pub fn pager_base(&self) -> String {
        format!("{}&", self.phase_href(self.phase.map_or("", Phase::key)))
    }
    pub fn is_phase(&self, p: &Phase) -> bool {
        self.phase == Some(*p)
    }
    /// "12 campaigns running", "1 draft", "300 campaigns".
    pub fn count_line(&self) -> String {
        let n = self.pager.total;
        match self.phase {
            Some(Phase::Draft) => format!("{n} {}", if n == 1 { "draft" } else { "drafts" }),
            phase => format!(
                "{n} {}{}",
                if n == 1 { "campaign" } else { "campaigns" },
                phase.map_or(String::new(), |p| format!(" {}", p.label().to_lowercase()))
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "campaigns/admin_edit.html")]
pub struct AdminEditPage {
    pub page: PageCtx,
    pub campaign: Option<Campaign>,
    pub phase: Option<Phase>,
    pub input: CampaignInput,
    pub errors: FormErrors,
    pub topics: Vec<Topic>,
    /// The teams with a checkbox: every team, or the chosen ones when
    /// there are too many (`many_teams`) and more are added by name.
    pub teams: Vec<TeamName>,
    pub many_teams: bool,
    pub steps: Vec<Step>,
    pub locked: usize,
    pub step: StepInput,
    pub step_errors: FormErrors,
    pub prompts: Vec<Prompt>,
}

impl AdminEditPage {
    pub fn action(&self) -> String {
        self.campaign
            .as_ref()
            .map_or("/admin/campaigns".into(), |c| {
                format!("/admin/campaigns/{}", c.id)
            })
    }
    pub fn is_locked(&self, i: &usize) -> bool {
        *i < self.locked
    }
    pub fn phase_label(&self) -> &'static str {
        self.phase.map_or("New", Phase::label)
    }
    pub fn kinds(&self) -> [(&'static str, &'static str); 5] {
        STEP_KINDS
    }
    pub fn audiences(&self) -> Vec<(&'static str, &'static str, bool)> {
        ["everyone", "teams", "people", "open"]
            .into_iter()
            .map(|a| (a, audience_label(a), self.input.audience == a))
            .collect()
    }
    pub fn modes(&self) -> Vec<(&'static str, &'static str, bool)> {
        ["cohort", "rolling"]
            .into_iter()
            .map(|m| (m, mode_label(m), self.input.mode == m))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "campaigns/step_form.html")]
pub struct StepFormPage {
    pub page: PageCtx,
    pub campaign: Campaign,
    pub step_id: Uuid,
    pub position: i32,
    pub input: StepInput,
    pub errors: FormErrors,
    pub prompts: Vec<Prompt>,
}

impl StepFormPage {
    pub fn kinds(&self) -> [(&'static str, &'static str); 5] {
        STEP_KINDS
    }
}

pub struct TimelineDay {
    pub date: NaiveDate,
    pub utc: DateTime<Utc>,
    /// (position, title, minutes, released at once)
    pub steps: Vec<(i32, String, i32, bool)>,
    pub over_by: Option<i32>,
    pub also: Vec<String>,
}

#[derive(Template)]
#[template(path = "campaigns/timeline.html")]
pub struct TimelinePage {
    pub page: PageCtx,
    pub campaign: Campaign,
    pub days: Vec<TimelineDay>,
    pub who: Option<String>,
    pub email: String,
    pub timezone: String,
    pub enrolled_on: NaiveDate,
    pub budget: Option<i32>,
    pub error: Option<String>,
}

pub enum Cell {
    Done,
    Released,
    Later(NaiveDate),
}

impl Cell {
    pub fn csv(&self) -> String {
        match self {
            Cell::Done => "done".into(),
            Cell::Released => "released".into(),
            Cell::Later(d) => format!("from {d}"),
        }
    }
}

pub struct Row {
    pub person: Participant,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "campaigns/people.html")]
pub struct PeoplePage {
    pub page: PageCtx,
    pub campaign: Campaign,
    pub steps: Vec<Step>,
    pub rows: Vec<Row>,
    /// The teams with someone enrolled, or a name to type past a list's worth.
    pub teams: TeamPicker,
    pub team: Option<Uuid>,
    /// The team's name in the field (where the name is typed).
    pub team_typed: String,
    /// A typed team name that names no team.
    pub errors: FormErrors,
    /// The name or email searched for.
    pub q: String,
    pub pager: Pagination,
    pub today: NaiveDate,
}

impl PeoplePage {
    pub fn is_team(&self, id: &Uuid) -> bool {
        self.team == Some(*id)
    }
    /// Whether the list is narrowed by a team (found or not) or a search.
    pub fn filtered(&self) -> bool {
        self.team.is_some() || !self.q.is_empty() || !self.errors.is_empty()
    }
    /// The team and search as a query string (`team=…&q=…`), for the CSV
    /// link and the pager.
    pub fn filter_query(&self) -> String {
        let team = self.team.map(|t| t.to_string()).unwrap_or_default();
        serde_urlencoded::to_string([("team", team.as_str()), ("q", self.q.as_str())])
            .unwrap_or_default()
    }
    /// The filter and this page, for the override forms to come back to.
    pub fn here_query(&self) -> String {
        format!("{}&page={}", self.filter_query(), self.pager.page)
    }
    pub fn pager_base(&self) -> String {
        format!(
            "/admin/campaigns/{}/people?{}&",
            self.campaign.id,
            self.filter_query()
        )
    }
}

#[derive(Template)]
#[template(path = "campaigns/results.html")]
pub struct ResultsPage {
    pub page: PageCtx,
    pub campaign: Campaign,
    pub enrolled: i64,
    pub started: i64,
    pub completed: i64,
    pub active: i64,
    /// (position, title, people done, percent of enrolled)
    pub funnel: Vec<(i32, String, i64, i64)>,
}

impl ResultsPage {
    pub fn chart_height(&self) -> usize {
        self.funnel.len() * 28 + 8
    }
    pub fn bar_y(&self, i: &usize) -> usize {
        i * 28 + 4
    }
    pub fn text_y(&self, i: &usize) -> usize {
        i * 28 + 21
    }
    /// Bar width in a 600-wide chart whose bars start at x = 40.
    pub fn bar_w(&self, pct: &i64) -> i64 {
        (*pct * 5).max(1)
    }
}

#[derive(Template)]
#[template(path = "campaigns/manage.html")]
pub struct ManageCampaignsPage {
    pub page: PageCtx,
    /// (campaign id, title, business rationale, one row per report)
    pub groups: Vec<(Uuid, String, String, Vec<TeamCampaignRow>)>,
}

#[derive(Template)]
#[template(path = "campaigns/prefs.html")]
pub struct PrefsPage {
    pub page: PageCtx,
    pub channel: String,
    pub slack: bool,
    pub teams: bool,
    pub error: Option<String>,
}

impl PrefsPage {
    pub fn options(&self) -> Vec<(&'static str, &'static str, bool)> {
        super::channels::CHANNELS
            .iter()
            .map(|(k, l)| {
                let available = match *k {
                    "slack" => self.slack,
                    "teams" => self.teams,
                    _ => true,
                };
                (*k, *l, available)
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "campaigns/integrations.html")]
pub struct IntegrationsPage {
    pub page: PageCtx,
    pub slack: String,
    pub teams: String,
    pub errors: FormErrors,
    pub email_preview: String,
    pub slack_preview: String,
    pub teams_preview: String,
    pub counts: Vec<StatusCount>,
    pub problems: Vec<Problem>,
}
