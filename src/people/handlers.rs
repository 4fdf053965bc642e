//! Admin screens for people: list and search, create (with an invitation),
//! edit, deactivate and reactivate.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use chrono::Utc;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::{PersonInput, ValidPerson};
use super::picker::{self, TeamPicker};
use super::store::{self, PersonFields};
use super::views::{PeoplePage, PersonFormPage};
use crate::admin::store::record as audit;
use crate::app::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::AppResult;
use crate::web::pagination::ListQuery;
use crate::web::{FormErrors, PageCtx, Pagination, redirect_with_flash, render, render_status};

pub async fn list(
    State(state): State<AppState>,
    page: PageCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let search = q.search();
    let pager = Pagination::new(q.page, 25, store::count_people(&mut c, &search).await?);
    let people = store::list_people(&mut c, &search, pager.per_page, pager.offset()).await?;
    render(&PeoplePage {
        page,
        q: search,
        people,
        pager,
    })
}

pub async fn new_form(State(state): State<AppState>, page: PageCtx) -> AppResult<Html<String>> {
    let teams = TeamPicker::load(&mut *state.db.acquire().await?).await?;
    let input = PersonInput {
        role: "learner".into(),
        timezone: "UTC".into(),
        team: (!teams.is_list()).then(String::new),
        ..Default::default()
    };
    render(&PersonFormPage {
        page,
        heading: "Add a person".into(),
        action: "/admin/people".into(),
        input,
        errors: FormErrors::new(),
        teams,
        person: None,
    })
}

/// The manager and team a valid form names.
struct Resolved {
    manager_id: Option<Uuid>,
    team_id: Option<Uuid>,
}

/// Checks that need the database: the email is free, the manager exists, no
/// loop, the team exists (chosen from the list or typed by name).
async fn resolve(
    c: &mut PgConnection,
    v: &ValidPerson,
    me: Option<Uuid>,
) -> AppResult<Result<Resolved, FormErrors>> {
    let mut e = FormErrors::new();
    if let Some(other) = store::id_by_email(c, &v.email).await?
        && Some(other) != me
    {
        e.add("email", "Someone in Inflow already has this email address.");
    }
    let mut manager_id = None;
    if let Some(m) = &v.manager_email {
        match store::id_by_email(c, m).await? {
            None => e.add("manager_email", "Nobody in Inflow has this email address."),
            Some(mid) => {
                if let Some(me) = me
                    && store::is_in_chain_above(c, mid, me).await?
                {
                    e.add(
                        "manager_email",
                        "That would make a loop: this person is already above that manager.",
                    );
                }
                manager_id = Some(mid);
            }
        }
    }
    let mut team_id = v.team_id;
    if let Some(name) = &v.team_name {
        match picker::team_by_name(c, name).await? {
            Ok(id) => team_id = id,
            Err(message) => e.add("team", &message),
        }
    } else if let Some(id) = team_id
        && store::team_names_of(c, &[id]).await?.is_empty()
    {
        e.add("team_id", "That team no longer exists. Choose another.");
    }
    Ok(if e.is_empty() {
        Ok(Resolved {
            manager_id,
            team_id,
        })
    } else {
        Err(e)
    })
}

async fn form_again(
    state: &AppState,
    page: PageCtx,
    heading: &str,
    action: String,
    input: PersonInput,
    errors: FormErrors,
    person: Option<store::PersonRow>,
) -> AppResult<Response> {
    let teams = TeamPicker::load(&mut *state.db.acquire().await?).await?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &PersonFormPage {
            page,
            heading: heading.into(),
            action,
            input,
            errors,
            teams,
            person,
        },
    )
}

pub async fn create(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let v = match input.validate() {
        Ok(v) => v,
        Err(errors) => {
            return form_again(
                &state,
                page,
                "Add a person",
                "/admin/people".into(),
                input,
                errors,
                None,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let found = match resolve(&mut tx, &v, None).await? {
        Ok(found) => found,
        Err(errors) => {
            drop(tx);
            return form_again(
                &state,
                page,
                "Add a person",
                "/admin/people".into(),
                input,
                errors,
                None,
            )
            .await;
        }
    };
    let fields = PersonFields {
        email: &v.email,
        name: &v.name,
        role: v.role.as_str(),
        manager_id: found.manager_id,
        team_id: found.team_id,
        timezone: &v.timezone,
    };
    let id = store::insert_person(&mut tx, &fields, None).await?;
    send_invite(&state, &mut tx, id, &v.name, &v.email).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "person.create",
        &v.email,
        json!({ "name": v.name, "role": v.role.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/people/{id}"),
        &format!(
            "{} was added and invited by email. The invitation link works once, within 7 days.",
            v.name
        ),
    ))
}

async fn send_invite(
    state: &AppState,
    c: &mut PgConnection,
    id: Uuid,
    name: &str,
    email: &str,
) -> AppResult<()> {
    let link = auth::issue_link(c, &state.settings.public_url, id, "invite", Utc::now()).await?;
    let body = format!(
        "Hello {name},\n\nYou have been invited to Inflow, where you learn a few minutes a day.\n\
         Choose your password here — the link works once, within 7 days:\n\n{link}\n"
    );
    state
        .mailer
        .send(c, email, "You are invited to Inflow", &body)
        .await?;
    Ok(())
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageCtx,
    Path(id): Path<Uuid>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let p = store::person(&mut c, id).await?;
    let teams = TeamPicker::load(&mut c).await?;
    let input = PersonInput {
        email: p.email.clone(),
        name: p.name.clone(),
        role: p.role.clone(),
        manager_email: p.manager_email.clone().unwrap_or_default(),
        team_id: p.team_id.map(|id| id.to_string()).unwrap_or_default(),
        team: (!teams.is_list()).then(|| p.team.clone().unwrap_or_default()),
        timezone: p.timezone.clone(),
    };
    render(&PersonFormPage {
        page,
        heading: format!("Edit {}", p.name),
        action: format!("/admin/people/{id}"),
        input,
        errors: FormErrors::new(),
        teams,
        person: Some(p),
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: PageCtx,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(input): Form<PersonInput>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let before = store::person(&mut tx, id).await?;
    let heading = format!("Edit {}", before.name);
    let action = format!("/admin/people/{id}");
    let v = match input.validate() {
        Ok(v) => v,
        Err(errors) => {
            drop(tx);
            return form_again(&state, page, &heading, action, input, errors, Some(before)).await;
        }
    };
    let found = match resolve(&mut tx, &v, Some(id)).await? {
        Ok(found) => found,
        Err(errors) => {
            drop(tx);
            return form_again(&state, page, &heading, action, input, errors, Some(before)).await;
        }
    };
    let fields = PersonFields {
        email: &v.email,
        name: &v.name,
        role: v.role.as_str(),
        manager_id: found.manager_id,
        team_id: found.team_id,
        timezone: &v.timezone,
    };
    store::update_person(&mut tx, id, &fields).await?;
    audit(&mut tx, Some(admin.id), "person.update", &v.email, json!({
        "name": v.name, "role": v.role.as_str(), "manager": v.manager_email, "timezone": v.timezone,
        "previous_email": before.email,
    }))
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &action,
        &format!("Saved the changes to {}.", v.name),
    ))
}

async fn set_active(
    state: AppState,
    admin: CurrentUser,
    id: Uuid,
    active: bool,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let p = store::person(&mut tx, id).await?;
    if !active && id == admin.id {
        return Ok(redirect_with_flash(
            &format!("/admin/people/{id}"),
            "You cannot deactivate your own account.",
        ));
    }
    store::set_active(&mut tx, id, active).await?;
    if !active {
        auth::store::delete_user_sessions(&mut tx, id).await?;
    }
    let action = if active {
        "person.reactivate"
    } else {
        "person.deactivate"
    };
    audit(&mut tx, Some(admin.id), action, &p.email, json!({})).await?;
    tx.commit().await?;
    let msg = if active {
        format!("{} can sign in again.", p.name)
    } else {
        format!(
            "{} is deactivated: they cannot sign in, and their data is kept.",
            p.name
        )
    };
    Ok(redirect_with_flash(&format!("/admin/people/{id}"), &msg))
}

pub async fn deactivate(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_active(state, admin, id, false).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    set_active(state, admin, id, true).await
}

pub async fn reinvite(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let p = store::person(&mut tx, id).await?;
    send_invite(&state, &mut tx, id, &p.name, &p.email).await?;
    audit(
        &mut tx,
        Some(admin.id),
        "person.invite",
        &p.email,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &format!("/admin/people/{id}"),
        &format!("A new invitation is on its way to {}.", p.email),
    ))
}
