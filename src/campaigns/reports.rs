//! What L&D and managers see of a campaign: the timeline preview for one
//! learner or a time zone and date, who got what (with overrides for one
//! learner, CSV export), results with a funnel, and a manager's team.

use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Response};
use chrono::{NaiveDate, Utc};
use futures_util::TryStreamExt;
use serde::Deserialize;
use uuid::Uuid;

use super::admin::org_today;
use super::model::{self, Pause, Release, StepTiming};
use super::store::{self, Campaign, Step, reports};
use super::views::{
    Cell, ManageCampaignsPage, PeoplePage, ResultsPage, Row, TimelineDay, TimelinePage,
};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::people::picker::{self, TEAM_OPTIONS, TeamPicker};
use crate::web::{FormErrors, PageCtx, Pagination, csv_stream, redirect_with_flash, render};

async fn campaign_and_steps(state: &AppState, id: Uuid) -> AppResult<(Campaign, Vec<Step>)> {
    let mut c = state.db.acquire().await?;
    let camp = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
    let steps = store::steps(&mut c, id).await?;
    Ok((camp, steps))
}

fn pauses_of(p: &reports::Participant) -> Vec<Pause> {
    p.pause_starts
        .iter()
        .zip(&p.pause_ends)
        .map(|(s, e)| Pause {
            starts_on: *s,
            ends_on: *e,
        })
        .collect()
}

/// What a participant's row of cells needs of the campaign.
struct Grid {
    rules: model::Rules,
    timing: Vec<StepTiming>,
    steps: Vec<Uuid>,
    now: chrono::DateTime<Utc>,
}

impl Grid {
    fn new(camp: &Campaign, steps: &[Step]) -> Self {
        Grid {
            rules: camp.rules(),
            timing: steps.iter().map(Step::timing).collect(),
            steps: steps.iter().map(|s| s.id).collect(),
            now: Utc::now(),
        }
    }

    /// One participant's cells (done / released / unlocks on).
    fn row(&self, p: reports::Participant) -> Row {
        let releases =
            model::release_dates(&self.rules, p.enrolled_on, &pauses_of(&p), &self.timing);
        let local = model::local_now(&p.timezone, self.now);
        let out = model::released(&releases, p.released_all, local, self.rules.release_time);
        let cells = self
            .steps
            .iter()
            .zip(releases.iter().zip(out))
            .map(|(s, (r, out))| {
                if p.done.contains(s) {
                    Cell::Done
                } else if out {
                    Cell::Released
                } else {
                    Cell::Later(r.on)
                }
            })
            .collect();
        Row { person: p, cells }
    }
}

/// Who got what shows this many people a page.
pub const PEOPLE_PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeopleQuery {
    team: String,
    /// The team's name, typed where there are too many teams to list.
    team_name: String,
    q: String,
    page: Option<i64>,
}

impl PeopleQuery {
    /// Back to the list as it was (team, search, page), rebuilt from the
    /// parsed values so nothing else rides along.
    fn back_to(&self, campaign: Uuid) -> String {
        let team = self.team.parse::<Uuid>().map(|t| t.to_string());
        let page = self.page.map(|p| p.to_string());
        let query = serde_urlencoded::to_string([
            ("team", team.as_deref().unwrap_or("")),
            ("q", self.q.trim()),
            ("page", page.as_deref().unwrap_or("")),
        ])
        .unwrap_or_default();
        format!("/admin/campaigns/{campaign}/people?{query}")
    }

    fn who(&self, campaign: Uuid) -> reports::Who<'_> {
        reports::Who {
            campaign,
            team: self.team.parse().ok(),
            q: &self.q,
        }
    }
}

pub async fn people(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Html<String>> {
    let (camp, steps) = campaign_and_steps(&state, id).await?;
    let mut who = q.who(id);
    let mut c = state.db.acquire().await?;
    let teams = TeamPicker::from_first(
        reports::participant_teams(&mut c, id, TEAM_OPTIONS as i64 + 1).await?,
    );
    // A typed name picks the team; a team picked before (the pager's and
    // the CSV link's `team`) shows its name in the field.
    let mut errors = FormErrors::new();
    let mut team_typed = q.team_name.trim().to_owned();
    if !team_typed.is_empty() {
        match picker::team_by_name(&mut c, &team_typed).await? {
            Ok(team) => who.team = team,
            Err(message) => errors.add("team_name", &message),
        }
    } else if let Some(team) = who.team
        && !teams.is_list()
    {
        let named = crate::people::store::team_names_of(&mut c, &[team]).await?;
        team_typed = named.into_iter().next().map(|t| t.name).unwrap_or_default();
    }
    let total = if errors.is_empty() {
        reports::count_participants(&mut c, &who).await?
    } else {
        0
    };
    let pager = Pagination::new(q.page, PEOPLE_PER_PAGE, total);
    let people = if total == 0 {
        Vec::new()
    } else {
        reports::participants(&mut c, &who, Some(pager.per_page), pager.offset()).await?
    };
    render(&PeoplePage {
        page,
        rows: {
            let grid = Grid::new(&camp, &steps);
            people.into_iter().map(|p| grid.row(p)).collect()
        },
        campaign: camp,
        steps,
        teams,
        team: who.team,
        team_typed,
        errors,
        q: q.q.trim().to_owned(),
        pager,
        today: org_today(),
    })
}

/// Who got what as CSV (the list's team and search, every match), streamed
/// as the rows arrive.
pub async fn people_csv(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Response> {
    let (camp, steps) = campaign_and_steps(&state, id).await?;
    let db = state.db.clone();
    Ok(csv_stream::download(
        "campaign-progress.csv",
        move |mut sink| async move {
            let mut head = vec![
                "name".to_owned(),
                "email".into(),
                "team".into(),
                "enrolled_on".into(),
            ];
            head.extend(steps.iter().map(|s| format!("{}. {}", s.position, s.title)));
            sink.row(&head).await?;
            let grid = Grid::new(&camp, &steps);
            let mut c = db.acquire().await?;
            let mut people = reports::participants_stream(&mut c, &q.who(id), None, 0);
            while let Some(p) = people.try_next().await? {
                let r = grid.row(p);
                let mut line = vec![
                    r.person.name,
                    r.person.email,
                    r.person.team.unwrap_or_default(),
                    r.person.enrolled_on.to_string(),
                ];
                line.extend(r.cells.iter().map(Cell::csv));
                sink.row(&line).await?;
            }
            Ok(sink)
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OverrideForm {
    action: String,
    starts_on: String,
    ends_on: String,
}

pub async fn override_learner(
    State(state): State<AppState>,
    Path((id, user)): Path<(Uuid, Uuid)>,
    Query(q): Query<PeopleQuery>,
    Form(f): Form<OverrideForm>,
) -> AppResult<Response> {
    let back = q.back_to(id);
    let mut c = state.db.acquire().await?;
    let msg = match f.action.as_str() {
        "release_all" => {
            if !reports::release_all(&mut c, id, user).await? {
                return Err(AppError::NotFound);
            }
            "Everything in the campaign is now released to them.".to_owned()
        }
        "pause" => {
            let (Ok(s), Ok(e)) = (
                f.starts_on.parse::<NaiveDate>(),
                f.ends_on.parse::<NaiveDate>(),
            ) else {
                return Ok(redirect_with_flash(
                    &back,
                    "Enter the pause's first and last day, like 2027-01-04.",
                ));
            };
            if e < s || (e - s).num_days() > 366 {
                return Ok(redirect_with_flash(
                    &back,
                    "The pause must end on or after its first day, within a year.",
                ));
            }
            if !reports::pause(&mut c, id, user, s, e).await? {
                return Err(AppError::NotFound);
            }
            format!(
                "Paused from {} to {}: their schedule moves on by the days missed.",
                s.format("%-d %b"),
                e.format("%-d %b")
            )
        }
        "unpause" => {
            reports::unpause(&mut c, id, user).await?;
            "Pauses lifted.".to_owned()
        }
        _ => return Err(AppError::Validation("Unknown change.".into())),
    };
    Ok(redirect_with_flash(&back, &msg))
}

pub async fn results(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let (camp, steps) = campaign_and_steps(&state, id).await?;
    let mut c = state.db.acquire().await?;
    let week_ago = Utc::now() - chrono::Duration::days(7);
    let t = reports::totals(&mut c, id, steps.len() as i64, week_ago).await?;
    let done = reports::done_by_step(&mut c, id).await?;
    let funnel = steps
        .iter()
        .map(|s| {
            let n = done
                .iter()
                .find(|(step, _)| *step == s.id)
                .map_or(0, |(_, n)| *n);
            (
                s.position,
                s.title.clone(),
                n,
                model::percent(n, t.enrolled),
            )
        })
        .collect();
    render(&ResultsPage {
        page,
        campaign: camp,
        enrolled: t.enrolled,
        started: t.started,
        completed: t.completed,
        active: t.active,
        funnel,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TimelineQuery {
    email: String,
    timezone: String,
    enrolled_on: String,
}

pub async fn timeline(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
    Query(q): Query<TimelineQuery>,
) -> AppResult<Html<String>> {
    let (camp, steps) = campaign_and_steps(&state, id).await?;
    let mut c = state.db.acquire().await?;
    let today = org_today();
    let mut error = None;
    let mut who = None;
    let (mut timezone, mut enrolled_on, mut pauses, mut others, mut budget) = (
        "UTC".to_owned(),
        today.max(camp.starts_on),
        Vec::new(),
        Vec::new(),
        None,
    );
    if !q.email.trim().is_empty() {
        match reports::person_by_email(&mut c, &q.email).await? {
            Some(p) => {
                enrolled_on = reports::enrolment_date(&mut c, id, p.id)
                    .await?
                    .unwrap_or(enrolled_on);
                let now = model::local_now(&p.timezone, Utc::now());
                let theirs = super::learner::followed(&mut c, p.id, None, now).await?;
                pauses =
                    crate::daily::store::pauses(&mut c, p.id, today - chrono::Duration::days(400))
                        .await?
                        .iter()
                        .map(crate::daily::store::PauseRow::pause)
                        .collect();
                others = theirs
                    .iter()
                    .filter(|f| f.campaign_id != id)
                    .flat_map(|f| {
                        f.steps.iter().map(|s| {
                            (
                                s.release.on,
                                s.minutes(),
                                f.title.clone(),
                                s.step.title.clone(),
                            )
                        })
                    })
                    .collect();
                budget = Some(super::store::learner::daily_minutes(&mut c, p.id).await?);
                timezone = p.timezone;
                who = Some(p.name);
            }
            None => error = Some("No active person has that email.".to_owned()),
        }
    } else {
        if !q.timezone.is_empty() {
            if q.timezone.parse::<chrono_tz::Tz>().is_ok() {
                timezone = q.timezone.clone();
            } else {
                error = Some("That is not a time zone name like Europe/London.".into());
            }
        }
        if !q.enrolled_on.is_empty() {
            match q.enrolled_on.parse() {
                Ok(d) => enrolled_on = d,
                Err(_) => error = Some("Enter the enrolment date like 2027-01-04.".into()),
            }
        }
    }
    let timing: Vec<StepTiming> = steps.iter().map(Step::timing).collect();
    let releases: Vec<Release> = model::release_dates(&camp.rules(), enrolled_on, &pauses, &timing);
    let mut load: Vec<(NaiveDate, i32)> = releases
        .iter()
        .zip(&steps)
        .map(|(r, s)| (r.on, s.effective_minutes()))
        .collect();
    load.extend(others.iter().map(|(d, m, _, _)| (*d, *m)));
    let over = budget
        .map(|b| model::overloaded_days(load, b))
        .unwrap_or_default();
    let mut days: Vec<TimelineDay> = Vec::new();
    for (r, s) in releases.iter().zip(&steps) {
        if days.last().is_none_or(|d| d.date != r.on) {
            let over_by = over.iter().find(|(d, _)| *d == r.on).map(|(_, m)| *m);
            let also = others
                .iter()
                .filter(|(d, ..)| *d == r.on)
                .map(|(_, m, c, t)| format!("{t} ({c}, {m} min)"))
                .collect();
            days.push(TimelineDay {
                date: r.on,
                utc: model::release_instant(&timezone, r.on, camp.release_time),
                steps: Vec::new(),
                over_by,
                also,
            });
        }
        if let Some(d) = days.last_mut() {
            d.steps.push((
                s.position,
                s.title.clone(),
                s.effective_minutes(),
                r.immediate,
            ));
        }
    }
    render(&TimelinePage {
        page,
        campaign: camp,
        days,
        who,
        email: q.email,
        timezone,
        enrolled_on,
        budget,
        error,
    })
}

/// `/manage/campaigns`: the campaigns a manager's reports are in, progress per person and why it matters.
pub async fn manage(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let rows = reports::team_campaigns(&mut *state.db.acquire().await?, me.id).await?;
    let mut groups: Vec<(Uuid, String, String, Vec<reports::TeamCampaignRow>)> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some(g) if g.0 == r.campaign_id => g.3.push(r),
            _ => groups.push((
                r.campaign_id,
                r.title.clone(),
                r.business_why.clone(),
                vec![r],
            )),
        }
    }
    render(&ManageCampaignsPage { page, groups })
}
