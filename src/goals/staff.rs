//! The manager's team page (a row per direct report and the "needs your
//! attention" queue), a report's goals, L&D's counts, and the learner's export.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::model;
use super::store::{self, overview, team};
use super::views::{AdminPage, ReportPage, TeamPage};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::pagination::ListQuery;
use crate::web::{PageCtx, Pagination, render};

pub async fn team_page(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let (queue, reports) = team::page(&mut c, me.id, chrono::Utc::now()).await?;
    render(&TeamPage {
        page,
        queue,
        reports,
    })
}

pub async fn report(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Path(person): Path<Uuid>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    if !team::is_report(&mut c, me.id, person).await? {
        return Err(AppError::NotFound);
    }
    let name = crate::people::store::person(&mut c, person).await?.name;
    let goals = store::goals_of(&mut c, person, me.id).await?;
    render(&ReportPage { page, name, goals })
}

/// Teams a page on L&D's goal counts.
pub const TEAMS_PER_PAGE: i64 = 50;

/// L&D's counts: by status with the evidence share, by topic, and a page
/// of teams (searchable by name). Counts only, no goal text.
pub async fn admin(
    State(state): State<AppState>,
    page: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let counts = overview::by_status(&mut c).await?;
    let (by_status, submitted_or_later, with_evidence) =
        model::status_figures(counts.iter().map(|s| (s.status.as_str(), s.n, s.evidenced)));
    let search = q.search();
    let total = crate::people::store::count_teams(&mut c, &search).await?;
    let pager = Pagination::new(q.page, TEAMS_PER_PAGE, total);
    let by_team = overview::team_page(&mut c, &search, pager.per_page, pager.offset()).await?;
    render(&AdminPage {
        page,
        by_status,
        by_team,
        q: search,
        pager,
        without_team: overview::without_team(&mut c).await?,
        by_topic: overview::by_topic(&mut c).await?,
        with_evidence,
        submitted_or_later,
    })
}

/// One's own goals with their timelines, as JSON or Markdown.
pub async fn export(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(format): Path<String>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let summaries = store::goals_of(&mut c, me.id, me.id).await?;
    let mut goals = Vec::new();
    // One query per goal: a person has tens of goals, and this is an export, not a page.
    for s in &summaries {
        let g = store::visible(&mut c, s.id, me.id, false)
            .await?
            .ok_or(AppError::NotFound)?;
        let timeline = store::timeline(&mut c, s.id, me.id).await?;
        goals.push((g, timeline));
    }
    match format.as_str() {
        "goals.json" => {
            let body = json!({
                "owner": me.name,
                "goals": goals.iter().map(|(g, t)| json!({
                    "title": g.title, "status": g.status, "why": g.why, "measure": g.measure,
                    "target_date": g.target_date, "started_on": g.started_on, "topics": g.topics, "timeline": t,
                })).collect::<Vec<_>>(),
            });
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"goals.json\"",
                    ),
                ],
                body.to_string(),
            )
                .into_response())
        }
        "goals.md" => {
            let mut md = format!("# Development goals of {}\n\n", me.name);
            for (g, timeline) in &goals {
                md.push_str(&format!(
                    "## {}\n\n*{}*",
                    g.title,
                    super::model::status_label(&g.status)
                ));
                if let Some(d) = g.target_date {
                    md.push_str(&format!(" · target {d}"));
                }
                md.push_str("\n\n");
                if !g.why.is_empty() {
                    md.push_str(&format!("**Why it matters:** {}\n\n", g.why));
                }
                if !g.measure.is_empty() {
                    md.push_str(&format!("**How I will show it:** {}\n\n", g.measure));
                }
                for row in timeline {
                    let who = row
                        .actor
                        .as_deref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default();
                    let text = if row.text.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", row.text)
                    };
                    md.push_str(&format!(
                        "- {} {}{who}{text}\n",
                        row.at.format("%Y-%m-%d"),
                        super::views::event_label(row)
                    ));
                }
                md.push('\n');
            }
            Ok((
                [
                    (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"goals.md\"",
                    ),
                ],
                md,
            )
                .into_response())
        }
        _ => Err(AppError::NotFound),
    }
}
