//! Where digests go: each learner's choice at `/me/notifications`, and the
//! organisation's Slack and Teams incoming webhooks at
//! `/admin/integrations` with a preview of the message and delivery problems.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::digest::{self, compose};
use super::store::digest as store;
use super::views::{IntegrationsPage, PrefsPage};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::library::model::is_web_url;
use crate::web::{FormErrors, PageCtx, redirect_with_flash, render, render_status};

pub const CHANNELS: [(&str, &str); 4] = [
    ("email", "A daily email"),
    ("slack", "A daily message in our Slack channel"),
    ("teams", "A daily message in our Teams channel"),
    ("none", "Nothing: I'll open Inflow myself"),
];

pub async fn prefs(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let channel = store::channel(&mut c, me.id).await?;
    let slack = store::webhook(&mut c, "slack").await?.is_some();
    let teams = store::webhook(&mut c, "teams").await?.is_some();
    Ok(axum::response::IntoResponse::into_response(render(
        &PrefsPage {
            page,
            channel,
            slack,
            teams,
            error: None,
        },
    )?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrefsForm {
    channel: String,
}

pub async fn save_prefs(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(f): Form<PrefsForm>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let slack = store::webhook(&mut c, "slack").await?.is_some();
    let teams = store::webhook(&mut c, "teams").await?.is_some();
    let error = match f.channel.as_str() {
        "email" | "none" => None,
        "slack" if slack => None,
        "teams" if teams => None,
        "slack" | "teams" => {
            Some("Your organisation has not connected that yet; choose another way.")
        }
        _ => Some("Choose one of the options."),
    };
    if let Some(error) = error {
        let channel = store::channel(&mut c, me.id).await?;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PrefsPage {
                page,
                channel,
                slack,
                teams,
                error: Some(error.into()),
            },
        );
    }
    store::set_channel(&mut c, me.id, &f.channel).await?;
    Ok(redirect_with_flash(
        "/me/notifications",
        "Saved. You get at most one digest a day, only when something is new.",
    ))
}

/// A sample digest for the preview.
pub fn sample(base_url: &str) -> digest::Digest {
    compose(
        "Sam",
        Utc::now().date_naive(),
        &[("Feedback that lands".into(), "Ask before you tell".into())],
        1,
        2,
        base_url,
    )
    .expect("the sample has news")
}

async fn integrations_page(
    state: &AppState,
    page: PageCtx,
    slack_in: Option<String>,
    teams_in: Option<String>,
    errors: FormErrors,
) -> AppResult<IntegrationsPage> {
    let mut c = state.db.acquire().await?;
    let slack = match slack_in {
        Some(s) => s,
        None => store::webhook(&mut c, "slack").await?.unwrap_or_default(),
    };
    let teams = match teams_in {
        Some(s) => s,
        None => store::webhook(&mut c, "teams").await?.unwrap_or_default(),
    };
    let s = sample(&state.settings.public_url);
    let pretty = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap_or_default();
    Ok(IntegrationsPage {
        page,
        slack,
        teams,
        errors,
        email_preview: format!("Subject: {}\n\n{}", s.subject, s.text()),
        slack_preview: pretty(digest::slack_payload(&s.subject, &s.text())),
        teams_preview: pretty(digest::teams_payload(&s.subject, &s.text())),
        counts: store::counts(&mut c, Utc::now() - Duration::days(7)).await?,
        problems: store::problems(&mut c).await?,
    })
}

pub async fn integrations(State(state): State<AppState>, page: PageCtx) -> AppResult<Response> {
    let p = integrations_page(&state, page, None, None, FormErrors::new()).await?;
    Ok(axum::response::IntoResponse::into_response(render(&p)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IntegrationsForm {
    slack: String,
    teams: String,
}

pub async fn save_integrations(
    State(state): State<AppState>,
    page: PageCtx,
    me: CurrentUser,
    Form(f): Form<IntegrationsForm>,
) -> AppResult<Response> {
    let (slack, teams) = (f.slack.trim().to_owned(), f.teams.trim().to_owned());
    let mut errors = FormErrors::new();
    if !(slack.is_empty() || is_web_url(&slack)) {
        errors.add(
            "slack",
            "Paste the incoming-webhook address Slack gave you (https://hooks.slack.com/…).",
        );
    }
    if !(teams.is_empty() || is_web_url(&teams)) {
        errors.add(
            "teams",
            "Paste the incoming-webhook address Teams gave you (https://…).",
        );
    }
    if !errors.is_empty() {
        let p = integrations_page(&state, page, Some(slack), Some(teams), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let mut tx = state.db.begin().await?;
    store::set_webhook(
        &mut tx,
        "slack",
        (!slack.is_empty()).then_some(slack.as_str()),
        me.id,
    )
    .await?;
    store::set_webhook(
        &mut tx,
        "teams",
        (!teams.is_empty()).then_some(teams.as_str()),
        me.id,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/integrations",
        "Integrations saved.",
    ))
}
