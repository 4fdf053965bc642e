//! The Today page and what learners do on it: answer reviews, dismiss
//! recommendations; an item's questions after it is done; the history.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::model::{self, Candidate, REVIEW_MINUTES};
use super::views::{HistoryPage, QuestionsPage, RecCard, StepCard, TodayPage, heat_cells};
use super::{plan, store};
use crate::activity::{self, Verb};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::model::safe_next;
use crate::auth::session::SessionId;
use crate::db::pool::Lazy;
use crate::error::{AppError, AppResult};
use crate::library::learner::{Lookup, lookup_published};
use crate::web::{PageCtx, redirect_with_flash, render};

/// The learner's local date now.
pub fn today_of(user: &CurrentUser) -> NaiveDate {
    activity::local_date(&user.timezone, Utc::now())
}

fn reason(rec: &store::Rec) -> String {
    match &rec.topic {
        Some(t) => format!("Because you follow {t}"),
        None => "Popular with colleagues".to_owned(),
    }
}

/// Today's path: the session layer reads Today's state with the session
/// on a `GET` of it ([`Prefetch`]).
pub const PATH: &str = "/today";

/// Today's state as the session layer read it with the session, in one
/// statement (`store::today::with_session`): the time it was read at, the
/// learner's local date then as the database reckons it, and the state
/// (`None` when the learner has no habit settings yet).
pub struct Prefetch {
    pub at: DateTime<Utc>,
    pub today: NaiveDate,
    pub state: Option<store::today::TodayState>,
}

/// How a [`Prefetch`] travels in the request's extensions (which must be
/// `Clone`): taken out whole by the page, which owns it then.
#[derive(Clone)]
pub struct Stash(pub Arc<Prefetch>);

/// The page's [`Prefetch`], if the session layer read one.
pub struct Prefetched(Option<Prefetch>);

impl<S: Send + Sync> FromRequestParts<S> for Prefetched {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let stash = parts.extensions.remove::<Stash>();
        Ok(Prefetched(stash.and_then(|s| Arc::into_inner(s.0))))
    }
}

pub async fn today(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Extension(session): Extension<SessionId>,
    Prefetched(read): Prefetched,
) -> AppResult<Response> {
    let at = read.as_ref().map_or_else(Utc::now, |r| r.at);
    let today = activity::local_date(&user.timezone, at);
    // Most visits need no connection of their own: the state came with the
    // session and the plan is current. That state serves only if the
    // database reckoned the learner's date as Inflow does (their time zone
    // data could differ).
    let mut c = Lazy::new(&state.db);
    let st = match read.filter(|r| r.today == today) {
        Some(r) => r.state,
        None => {
            match store::today::with_session(c.get().await?, &session.0, at, Some(today)).await? {
                Some((_, _, st)) => st,
                // The session ended a moment ago.
                None => return Ok(Redirect::to(&crate::web::login_url(PATH)).into_response()),
            }
        }
    };
    let Some(st) = st.filter(|s| s.settings.onboarded) else {
        return Ok(Redirect::to("/me/habit?welcome=1").into_response());
    };
    let (settings, minutes_done) = (st.settings, st.minutes_done);
    // Today's plan keeps the learner's past, pauses and the prompts for the
    // day, with what the page offers; the day's first visit builds it.
    let plan = match st.plan {
        Some(p) => p,
        None => {
            let c = c.get().await?;
            let inputs = store::today::inputs(c, user.id, model::history_since(today)).await?;
            let build = plan::Inputs {
                user: user.id,
                timezone: &user.timezone,
                today,
                opened_on: today,
                version: st.plan_version,
                epoch: st.epoch,
                has_interests: inputs.has_interests,
                pauses: &inputs.pauses,
            };
            plan::build(c, &build).await?
        }
    };
    let store::today::Plan {
        day,
        recs,
        steps,
        review_ids,
        review_cards,
    } = plan;
    let mut days = day.past_days;
    if st.learned_today {
        days.push(today);
    }
    let pauses = day.pauses;
    let habit = model::habit(&days, &pauses, today);
    if habit.longest as i32 > settings.best_streak {
        store::raise_best_streak(c.get().await?, user.id, habit.longest as i32).await?;
    }
    let paused_until = pauses.iter().find(|p| p.covers(today)).map(|p| p.ends_on);
    // A pause keeps the page quiet: no reviews, no recommendations, no
    // steps. Otherwise the plan brings the candidates and the steps waiting
    // today, less what was done today.
    let now = crate::campaigns::model::local_now(&user.timezone, at);
    let (reviews, recs, waiting) = if paused_until.is_some() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let contents = plan::Contents::of(&recs, steps, &review_ids, &review_cards)
            .map_err(|e| AppError::Internal(e.into()))?;
        let (recs, waiting, reviews) =
            plan::open_now(contents, &st.done_today, &st.answered_today, now);
        (reviews, recs, waiting)
    };
    // One reflection prompt a day, rotating per learner, until they reflect.
    let (prompts, reflected) = (day.prompts, st.reflected);
    let seed = model::daily_seed(user.id, today);
    let left = settings.daily_minutes - minutes_done;
    let prompt = (paused_until.is_none()
        && !reflected
        && !prompts.is_empty()
        && left >= model::REFLECTION_MINUTES)
        .then(|| prompts[(seed % prompts.len() as u64) as usize].clone());
    let left = left
        - if prompt.is_some() {
            model::REFLECTION_MINUTES
        } else {
            0
        };
    // Released campaign steps not done yet come first.
    let step_c: Vec<Candidate> = waiting
        .iter()
        .map(|s| Candidate {
            key: s.step_id,
            minutes: s.minutes,
        })
        .collect();
    let review_c: Vec<Candidate> = reviews
        .iter()
        .map(|q| Candidate {
            key: q.id,
            minutes: REVIEW_MINUTES,
        })
        .collect();
    let rec_c: Vec<Candidate> = recs
        .iter()
        .map(|r| Candidate {
            key: r.id,
            minutes: r.minutes,
        })
        .collect();
    let rotation = model::rotation(&rec_c, seed);
    let (chosen_steps, chosen_reviews, chosen_recs) =
        model::compose(left, &step_c, &review_c, &rec_c, &rotation);
    // The oldest waiting step shows even when it is longer than the time left.
    let chosen_steps = if chosen_steps.is_empty() && !waiting.is_empty() {
        vec![0]
    } else {
        chosen_steps
    };
    let steps: Vec<StepCard> = model::pick(waiting, &chosen_steps);
    // The optional extra: the first of today's rotation that did not fit.
    let extra_index = rotation.into_iter().find(|i| !chosen_recs.contains(i));
    // Only the cards shown are read.
    let shown: Vec<usize> = chosen_recs.iter().copied().chain(extra_index).collect();
    let mut chosen = model::pick(recs, &shown)
        .into_iter()
        .map(|c| {
            let rec = c.card()?;
            Ok(RecCard {
                reason: reason(&rec),
                rec,
            })
        })
        .collect::<serde_json::Result<Vec<RecCard>>>()
        .map_err(|e| AppError::Internal(e.into()))?;
    let extra = extra_index.and_then(|_| chosen.pop());
    let reviews = model::pick(reviews, &chosen_reviews)
        .into_iter()
        .map(plan::Review::question)
        .collect::<serde_json::Result<Vec<_>>>()
        .map_err(|e| AppError::Internal(e.into()))?;
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&user.name)
        .to_owned();
    Ok(render(&TodayPage {
        page,
        first_name,
        why: settings.why,
        habit,
        weekly_target: settings.weekly_target,
        daily_minutes: settings.daily_minutes,
        minutes_done,
        reviews,
        recs: chosen,
        extra,
        paused_until,
        today,
        best_streak: settings.best_streak,
        prompt,
        steps,
    })?
    .into_response())
}

pub async fn dismiss(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(item): Path<Uuid>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    store::dismiss(&mut tx, user.id, item).await?;
    let a = activity::store::Action::now(user.id, &user.timezone, Verb::Dismissed, "item", item);
    activity::store::record(&mut tx, &a).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/today",
        "Got it: we won't suggest that one again.",
    ))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    back: String,
}

pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(qid): Path<Uuid>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let back = if f.back.is_empty() {
        "/today".to_owned()
    } else {
        safe_next(Some(&f.back))
    };
    let Ok(choice) = f.answer.parse::<i32>() else {
        return Ok(redirect_with_flash(&back, "Choose an answer first."));
    };
    let today = today_of(&user);
    let mut tx = state.db.begin().await?;
    let q = store::question(&mut tx, qid).await?;
    if choice < 0 || choice as usize >= q.options.len() {
        return Err(AppError::Validation(
            "That answer is not one of the options.".into(),
        ));
    }
    let correct = choice == q.correct;
    let stage = store::stage(&mut tx, user.id, qid).await?;
    let next = model::next_review(stage, correct, today);
    store::schedule(&mut tx, user.id, qid, next, today).await?;
    let a = activity::store::Action::now(user.id, &user.timezone, Verb::Answered, "question", qid)
        .with_score(if correct { 1.0 } else { 0.0 });
    activity::store::record(&mut tx, &a).await?;
    tx.commit().await?;
    let verdict = if correct {
        "Correct!".to_owned()
    } else {
        format!(
            "Not quite: the answer is “{}”.",
            q.options[q.correct as usize]
        )
    };
    let when = if next.retired {
        "You know this one: it won't come back.".to_owned()
    } else {
        format!("It comes back on {}.", next.due_on.format("%a %-d %b"))
    };
    let explanation = if q.explanation.is_empty() {
        String::new()
    } else {
        format!(" {}", q.explanation)
    };
    Ok(redirect_with_flash(
        &back,
        &format!("{verdict}{explanation} {when}"),
    ))
}

#[derive(Deserialize, Default)]
pub struct BackQuery {
    #[serde(default)]
    back: String,
}

/// An item's questions, offered right after it is marked done.
pub async fn questions(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
    Path(slug): Path<String>,
    Query(q): Query<BackQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let item = match lookup_published(&mut c, &slug).await? {
        Lookup::Found(item) => *item,
        _ => return Err(AppError::NotFound),
    };
    let questions = store::new_questions(&mut c, user.id, item.id).await?;
    let back = if q.back.is_empty() {
        "/today".to_owned()
    } else {
        safe_next(Some(&q.back))
    };
    render(&QuestionsPage {
        page,
        item_title: item.title,
        item_slug: item.slug,
        questions,
        back,
    })
}

pub async fn history(
    State(state): State<AppState>,
    page: PageCtx,
    user: CurrentUser,
) -> AppResult<Html<String>> {
    let today = today_of(&user);
    let mut c = state.db.acquire().await?;
    let since = model::history_since(today);
    let days = store::learning_days(&mut c, user.id, since).await?;
    let pauses: Vec<model::Pause> = store::pauses(&mut c, user.id, since)
        .await?
        .iter()
        .map(store::PauseRow::pause)
        .collect();
    let habit = model::habit(&days, &pauses, today);
    let best = store::settings(&mut c, user.id)
        .await?
        .map_or(0, |s| s.best_streak.max(0) as u32)
        .max(habit.longest);
    let cells = heat_cells(&days, today);
    let first = cells.first().map_or(today, |c| c.date);
    let rows = store::history(&mut c, user.id, first).await?;
    let mut by_day: Vec<(NaiveDate, Vec<store::HistoryRow>)> = Vec::new();
    for row in rows {
        match by_day.last_mut() {
            Some((d, list)) if *d == row.local_date => list.push(row),
            _ => by_day.push((row.local_date, vec![row])),
        }
    }
    let learning_days = cells.iter().filter(|c| c.learned).count();
    render(&HistoryPage {
        page,
        cells,
        learning_days,
        habit,
        best,
        days: by_day,
    })
}
