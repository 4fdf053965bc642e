//! CSV import (dry-run preview, then all-or-nothing in one transaction) and
//! CSV export of people.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use futures_util::TryStreamExt;
use serde_json::json;

use super::model::plan_import;
use super::store;
use super::views::ImportPage;
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::web::{FormErrors, PageCtx, csv_stream, redirect_with_flash, render, render_status};

/// An import's largest file: 100,000 people at about 100 bytes a line.
pub const MAX_IMPORT_BYTES: usize = 12 * 1024 * 1024;

pub async fn form(page: PageCtx) -> AppResult<Html<String>> {
    render(&ImportPage {
        page,
        csv: String::new(),
        plan: None,
        errors: FormErrors::new(),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    mp: Multipart,
) -> AppResult<Response> {
    let (csv, run) = match crate::web::forms::read_csv_upload(mp, MAX_IMPORT_BYTES).await {
        Ok(u) => (u.csv, u.run),
        Err(m) => {
            let mut errors = FormErrors::new();
            errors.add("csv", m);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage {
                    page,
                    csv: String::new(),
                    plan: None,
                    errors,
                },
            );
        }
    };
    if csv.trim().is_empty() {
        let mut errors = FormErrors::new();
        errors.add("csv", "Choose a CSV file or paste its contents.");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                page,
                csv,
                plan: None,
                errors,
            },
        );
    }
    let mut tx = state.db.begin().await?;
    let plan = plan_import(&csv, &store::import_snapshot(&mut tx).await?);
    if !run || !plan.is_ok() {
        drop(tx);
        let status = if plan.problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_status(
            status,
            &ImportPage {
                page,
                csv,
                plan: Some(plan),
                errors: FormErrors::new(),
            },
        );
    }
    // Three statements whatever the size: teams, people, managers.
    store::insert_teams(&mut tx, &plan.new_teams).await?;
    let created = store::upsert_import_rows(&mut tx, &plan.rows).await?;
    let updated = plan.rows.len() as i64 - created;
    store::link_managers(&mut tx, &plan.rows).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "people.import",
        &format!("{} rows", plan.rows.len()),
        json!({
            "created": created, "updated": updated, "new_teams": plan.new_teams,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/admin/people",
        &format!(
            "Imported: {created} created, {updated} updated, {} new teams. New people can be invited from their page.",
            plan.new_teams.len()
        ),
    ))
}

/// Everyone as CSV, streamed as the rows arrive; the export is in the audit
/// log before the first row leaves.
pub async fn export(State(state): State<AppState>, admin: CurrentUser) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let n = store::count_people(&mut c, "").await?;
    audit(
        &mut c,
        Some(admin.id),
        "people.export",
        &format!("{n} people"),
        json!({}),
    )
    .await?;
    drop(c);
    let db = state.db.clone();
    Ok(csv_stream::download(
        "inflow-people.csv",
        move |mut sink| async move {
            sink.row([
                "email",
                "name",
                "role",
                "manager_email",
                "team",
                "timezone",
                "active",
            ])
            .await?;
            let mut c = db.acquire().await?;
            let mut people = store::all_people(&mut c);
            while let Some(p) = people.try_next().await? {
                sink.row([
                    p.email.as_str(),
                    p.name.as_str(),
                    p.role.as_str(),
                    p.manager_email.as_deref().unwrap_or(""),
                    p.team.as_deref().unwrap_or(""),
                    p.timezone.as_str(),
                    if p.active { "yes" } else { "no" },
                ])
                .await?;
            }
            Ok(sink)
        },
    ))
}
