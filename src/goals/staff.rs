//! The manager's team page (a row per direct report and the "needs your
//! attention" queue), a report's goals, L&D's counts, and the learner's export.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::model::Status;
use super::store::{self, team};
use super::views::{AdminPage, ReportPage, TeamPage};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::web::{PageCtx, render};

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

pub async fn admin(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let by_team = team::by_team(&mut c).await?;
    let by_topic = team::by_topic(&mut c).await?;
    let by_status = Status::ALL
        .iter()
        .map(|s| {
            (
                s.label().to_owned(),
                by_team
                    .iter()
                    .filter(|r| r.status == s.as_str())
                    .map(|r| r.n)
                    .sum(),
            )
        })
        .collect();
    let (submitted_or_later, with_evidence) = team::evidence_share(&mut c).await?;
    render(&AdminPage {
        page,
        by_status,
        by_team,
        by_topic,
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
