//! L&D authoring at `/admin/campaigns`: the campaign, its audience and
//! release rules, publishing and archiving. Its steps are in `steps.rs`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{CampaignInput, StepInput, ValidCampaign, add_named_teams};
use super::model::{self, Phase, StepTiming};
use super::store::{self, Campaign, Step};
use super::views::{AdminEditPage, AdminListPage};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::people;
use crate::web::{FormErrors, PageCtx, Pagination, redirect_with_flash, render, render_status};

/// The organisation's date for campaign-wide decisions (phases, locks).
pub fn org_today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The date where it is latest on Earth (UTC+14): a step whose date has
/// come there may already be out to someone.
fn latest_today() -> NaiveDate {
    (Utc::now() + Duration::hours(14)).date_naive()
}

/// L&D's list shows this many campaigns a page.
pub const CAMPAIGNS_PER_PAGE: i64 = 50;

/// The list's phase, title search and page (`?phase=running&q=…&page=N`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    phase: String,
    q: String,
    page: Option<i64>,
}

/// Every campaign, 50 a page: by phase (with each phase's count) and by
/// title; an unknown phase shows them all.
pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    Query(lq): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let q = crate::web::pagination::search_of(&lq.q);
    let phase = Phase::parse(&lq.phase);
    let filter = store::ListFilter {
        today: org_today(),
        phase: phase.map_or("", Phase::key),
        q: &q,
    };
    let mut c = state.db.acquire().await?;
    let found = store::phase_counts(&mut c, &filter).await?;
    let counts: Vec<(Phase, i64)> = Phase::ALL
        .into_iter()
        .map(|p| {
            let n = found.iter().find(|(k, _)| k == p.key()).map_or(0, |f| f.1);
            (p, n)
        })
        .collect();
    let all: i64 = counts.iter().map(|c| c.1).sum();
    let total = phase.map_or(all, |p| counts.iter().find(|c| c.0 == p).map_or(0, |c| c.1));
    let pager = Pagination::new(lq.page, CAMPAIGNS_PER_PAGE, total);
    let rows = if total == 0 {
        Vec::new()
    } else {
        store::list_page(&mut c, &filter, pager.per_page, pager.offset()).await?
    };
    render(&AdminListPage {
        page,
        rows,
        today: filter.today,
        phase,
        counts,
        all,
        q,
        pager,
    })
}

/// Up to this many teams, the form offers a checkbox for each; beyond, it
/// shows the chosen ones and takes more by name.
pub const TEAM_CHECKBOXES: i64 = 40;

fn blank_input() -> CampaignInput {
    let start = org_today() + Duration::days(7);
    CampaignInput {
        audience: "everyone".into(),
        mode: "cohort".into(),
        starts_on: start.to_string(),
        ends_on: (start + Duration::days(27)).to_string(),
        days: (0..5).map(|d| d.to_string()).collect(),
        release_time: "08:00".into(),
        ..Default::default()
    }
}

pub(super) fn input_of(c: &Campaign, people: Vec<String>) -> CampaignInput {
    CampaignInput {
        title: c.title.clone(),
        summary: c.summary.clone(),
        business_why: c.business_why.clone(),
        learner_why: c.learner_why.clone(),
        cover_url: c.cover_url.clone().unwrap_or_default(),
        audience: c.audience.clone(),
        mode: c.mode.clone(),
        starts_on: c.starts_on.to_string(),
        ends_on: c.ends_on.to_string(),
        days: (0..7)
            .filter(|i| c.release_days & (1 << i) != 0)
            .map(|i| i.to_string())
            .collect(),
        release_time: c.release_time.format("%H:%M").to_string(),
        topics: c.topic_ids.iter().map(Uuid::to_string).collect(),
        teams: c.team_ids.iter().map(Uuid::to_string).collect(),
        add_teams: String::new(),
        people: people.join("\n"),
    }
}

pub(super) async fn edit_page(
    state: &AppState,
    page: PageCtx,
    campaign: Option<Campaign>,
    input: CampaignInput,
    errors: FormErrors,
) -> AppResult<AdminEditPage> {
    let mut c = state.db.acquire().await?;
    let (steps, locked) = match &campaign {
        Some(camp) => {
            let steps = store::steps(&mut c, camp.id).await?;
            let locked = locked(&mut c, camp, &steps).await?;
            (steps, locked)
        }
        None => (Vec::new(), 0),
    };
    let mut teams = people::store::first_team_names(&mut c, TEAM_CHECKBOXES + 1).await?;
    let many_teams = teams.len() as i64 > TEAM_CHECKBOXES;
    if many_teams {
        let chosen: Vec<Uuid> = input.teams.iter().filter_map(|t| t.parse().ok()).collect();
        teams = people::store::team_names_of(&mut c, &chosen).await?;
    }
    Ok(AdminEditPage {
        page,
        phase: campaign.as_ref().map(|c| c.phase(org_today())),
        campaign,
        input,
        errors,
        topics: crate::library::store::topics::all(&mut c).await?,
        teams,
        many_teams,
        steps,
        locked,
        step: StepInput {
            kind: "item".into(),
            ..Default::default()
        },
        step_errors: FormErrors::new(),
        prompts: crate::reflections::store::prompts(&mut c).await?,
    })
}

/// How many steps from the top are out to someone, so fixed.
pub(super) async fn locked(
    c: &mut sqlx::PgConnection,
    camp: &Campaign,
    steps: &[Step],
) -> AppResult<usize> {
    if camp.status == "draft" {
        return Ok(0);
    }
    let earliest = store::earliest_enrolment(c, camp.id).await?;
    let timing: Vec<StepTiming> = steps.iter().map(Step::timing).collect();
    Ok(model::locked_steps(
        &camp.rules(),
        earliest,
        &timing,
        latest_today(),
    ))
}

pub async fn new_form(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    render(&edit_page(&state, page, None, blank_input(), FormErrors::new()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = CampaignInput::from_pairs(pairs);
    let v = match valid(&state, &input).await? {
        Ok(v) => v,
        Err(errors) => {
            let p = edit_page(&state, page, None, input, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let mut tx = state.db.begin().await?;
    let id = store::create(&mut tx, &v, me.id).await?;
    if let Some(resp) = enrol_chosen(&mut tx, id, &v).await? {
        let mut errors = FormErrors::new();
        errors.add("people", resp);
        let p = edit_page(&state, page, None, input, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/campaigns/{id}"),
        "Campaign saved as a draft. Add its steps, preview the timeline, then publish.",
    ))
}

/// The form's campaign, with the teams typed by name found; or the
/// messages for the form.
async fn valid(
    state: &AppState,
    input: &CampaignInput,
) -> AppResult<Result<ValidCampaign, FormErrors>> {
    let mut v = match input.validate() {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    if !v.add_teams.is_empty() {
        let mut c = state.db.acquire().await?;
        let found = people::store::team_ids_by_names(&mut c, &v.add_teams).await?;
        if let Err(why) = add_named_teams(&mut v.teams, found) {
            let mut errors = FormErrors::new();
            errors.add("add_teams", why);
            return Ok(Err(errors));
        }
    }
    Ok(Ok(v))
}

/// Enrol the chosen people; the message when some emails are unknown.
async fn enrol_chosen(
    c: &mut sqlx::PgConnection,
    id: Uuid,
    v: &ValidCampaign,
) -> AppResult<Option<String>> {
    if v.audience != "people" {
        return Ok(None);
    }
    let unknown = store::enrol_people(c, id, &v.people).await?;
    Ok((!unknown.is_empty())
        .then(|| format!("No active person has the email {}.", unknown.join(", "))))
}

pub(super) async fn campaign(state: &AppState, id: Uuid) -> AppResult<Campaign> {
    store::get(&mut *state.db.acquire().await?, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let camp = campaign(&state, id).await?;
    let people = store::reports::chosen_emails(&mut *state.db.acquire().await?, id).await?;
    let input = input_of(&camp, people);
    render(&edit_page(&state, page, Some(camp), input, FormErrors::new()).await?)
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let camp = campaign(&state, id).await?;
    let input = CampaignInput::from_pairs(pairs);
    let v = match valid(&state, &input).await? {
        Ok(v) => v,
        Err(errors) => {
            let p = edit_page(&state, page, Some(camp), input, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    let new_rules = model::Rules::stored(&v.mode, v.starts_on, v.release_days, v.release_time);
    let refused =
        model::schedule_change_refused(camp.phase(org_today()), &camp.rules(), &new_rules);
    if !refused.is_empty() {
        let mut errors = FormErrors::new();
        for (field, why) in refused {
            errors.add(field, why);
        }
        let p = edit_page(&state, page, Some(camp), input, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    store::update(&mut tx, id, &v).await?;
    if let Some(msg) = enrol_chosen(&mut tx, id, &v).await? {
        let mut errors = FormErrors::new();
        errors.add("people", msg);
        let p = edit_page(&state, page, Some(camp), input, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    if camp.status == "published" {
        store::enrol_audiences(&mut tx, Some(id)).await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/campaigns/{id}"),
        "Campaign saved.",
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let camp = campaign(&state, id).await?;
    let back = format!("/admin/campaigns/{id}");
    let mut tx = state.db.begin().await?;
    let msg = match (f.action.as_str(), camp.status.as_str()) {
        ("publish", "draft") => {
            if store::steps(&mut tx, id).await?.is_empty() {
                return Ok(redirect_with_flash(
                    &back,
                    "Add at least one step before publishing.",
                ));
            }
            store::set_status(&mut tx, id, "published").await?;
            let n = store::enrol_audiences(&mut tx, Some(id)).await?;
            match camp.phase(org_today()) {
                Phase::Draft if camp.starts_on > org_today() => {
                    format!(
                        "Published: scheduled to start on {}, {n} people enrolled.",
                        camp.starts_on.format("%a %-d %b")
                    )
                }
                _ => format!("Published and running: {n} people enrolled."),
            }
        }
        ("archive", "published") => {
            store::set_status(&mut tx, id, "archived").await?;
            "Archived: learners no longer see it; its results stay.".to_owned()
        }
        ("restore", "archived") => {
            store::set_status(&mut tx, id, "published").await?;
            "Restored.".to_owned()
        }
        _ => {
            return Err(AppError::Validation(
                "That change does not apply to this campaign now.".into(),
            ));
        }
    };
    tx.commit().await?;
    Ok(redirect_with_flash(&back, &msg))
}
