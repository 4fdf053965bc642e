//! The goal page as a bare server would serve it: the same three statements
//! as Inflow's (the session, the goal with its suggestions, the timeline),
//! decoded into the same column types, and a page of the same size: Inflow's
//! own page for the first request, cut where the goal's own text goes (see
//! `bench/calibrate.py`), with this goal's text written into the cuts with
//! `push_str`.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{App, Conn, OK, Relaxed, SessionRow, esc, failed, session};

/// `src/goals/store/mod.rs`, `page`.
const PAGE: &str = r#"SELECT g.id, g.owner_id, u.name AS owner_name, u.manager_id AS owner_manager_id, g.title, g.why, g.measure,
                  g.target_date, g.status, g.started_on, g.created_at,
                  ARRAY(SELECT t.name FROM goal_topics gt JOIN topics t ON t.id = gt.topic_id WHERE gt.goal_id = g.id ORDER BY t.name) AS "topics!",
                  ARRAY(SELECT gt.topic_id FROM goal_topics gt WHERE gt.goal_id = g.id) AS "topic_ids!",
                  CASE WHEN g.owner_id = $2 AND g.status = ANY($4) THEN ARRAY(
                      SELECT (i.id, i.slug, i.title, a.local_date)
                      FROM activities a JOIN content_items i ON i.id = a.object_id
                      WHERE a.user_id = g.owner_id AND a.verb = 'completed' AND a.object_type = 'item'
                        AND a.local_date >= coalesce(g.started_on, (g.created_at AT TIME ZONE 'UTC')::date)
                        AND EXISTS (SELECT 1 FROM item_topics it JOIN goal_topics gt ON gt.topic_id = it.topic_id
                                    WHERE it.item_id = i.id AND gt.goal_id = g.id)
                        AND NOT EXISTS (SELECT 1 FROM goal_evidence e WHERE e.goal_id = g.id AND e.item_id = i.id)
                      ORDER BY a.local_date DESC LIMIT 10)
                  END AS "suggestions: Vec<(Uuid, String, String, NaiveDate)>",
                  CASE WHEN g.owner_id = $2 AND g.status = ANY($4) THEN ARRAY(
                      SELECT (r.id, left(coalesce(nullif(r.body, ''), r.happened), 80))
                      FROM reflections r
                      WHERE r.author_id = g.owner_id AND r.shared_with_manager
                        AND NOT EXISTS (SELECT 1 FROM goal_evidence e WHERE e.goal_id = g.id AND e.reflection_id = r.id)
                      ORDER BY r.created_at DESC LIMIT 20)
                  END AS "reflections: Vec<(Uuid, String)>"
           FROM goals g JOIN users u ON u.id = g.owner_id
           WHERE g.id = $1 AND (g.owner_id = $2 OR u.manager_id = $2 OR $3)"#;

/// `src/goals/store/mod.rs`, `timeline`.
const TIMELINE: &str = r#"SELECT at AS "at!", kind AS "kind!", actor, from_status, to_status, text AS "text!", url, item_slug, progress, confidence FROM (
             SELECT e.at, CASE WHEN e.to_status IS NULL THEN 'comment' ELSE 'decision' END AS kind, u.name AS actor,
                    e.from_status, e.to_status, e.comment AS text, NULL::text AS url, NULL::text AS item_slug,
                    NULL::int AS progress, NULL::int AS confidence
             FROM goal_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.goal_id = $1
           UNION ALL
             SELECT ev.at, 'evidence:' || ev.kind, u.name, NULL, NULL,
                    CASE ev.kind
                      WHEN 'item' THEN coalesce(i.title, '')
                      WHEN 'reflection' THEN CASE
                          WHEN r.author_id = $2
                            OR (r.shared_with_manager AND EXISTS (SELECT 1 FROM users a WHERE a.id = r.author_id AND a.manager_id = $2))
                          THEN coalesce(nullif(r.body, ''), r.happened || ' ' || r.so_what || ' ' || r.now_what)
                          WHEN r.shared_with_manager THEN '(a reflection shared with the manager)'
                          ELSE '(a reflection that is no longer shared)' END
                      ELSE ev.note END,
                    ev.url, i.slug, NULL, NULL
             FROM goal_evidence ev LEFT JOIN users u ON u.id = ev.added_by
             LEFT JOIN content_items i ON i.id = ev.item_id LEFT JOIN reflections r ON r.id = ev.reflection_id
             WHERE ev.goal_id = $1
           UNION ALL
             SELECT ch.at, 'checkin', NULL, NULL, NULL, ch.note, NULL, NULL, ch.progress, ch.confidence
             FROM goal_checkins ch WHERE ch.goal_id = $1
           ) t ORDER BY at"#;

/// The statuses Inflow counts as open (`Status::is_open`).
const OPEN: [&str; 4] = ["draft", "proposed", "active", "submitted"];

type GoalRow = (
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    String,
    String,
    String,
    Option<NaiveDate>,
    String,
    Option<NaiveDate>,
    DateTime<Utc>,
    Vec<String>,
    Vec<Uuid>,
    Option<Vec<(Uuid, String, String, NaiveDate)>>,
    Option<Vec<(Uuid, String)>>,
);

type TimelineRow = (
    DateTime<Utc>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<i32>,
);

async fn statements(
    c: &mut PgConnection,
    s: &SessionRow,
    id: Uuid,
) -> sqlx::Result<Option<(GoalRow, Vec<TimelineRow>)>> {
    let open: Vec<String> = OPEN.iter().map(|s| (*s).to_owned()).collect();
    let goal: Option<GoalRow> = sqlx::query_as(PAGE)
        .bind(id)
        .bind(s.0)
        .bind(s.3 == "admin")
        .bind(open)
        .fetch_optional(&mut *c)
        .await?;
    let Some(goal) = goal else { return Ok(None) };
    let timeline = sqlx::query_as(TIMELINE)
        .bind(id)
        .bind(s.0)
        .fetch_all(&mut *c)
        .await?;
    Ok(Some((goal, timeline)))
}

pub async fn show(State(app): State<App>, headers: HeaderMap, Path(id): Path<Uuid>) -> Response {
    let found = async {
        let mut conn = Conn::take(&app.db).await?;
        let Some(s) = session(conn.get(), &headers).await? else {
            return Ok(None);
        };
        let rows = statements(conn.get(), &s, id).await?;
        conn.done();
        Ok(rows.map(|r| (s, r)))
    };
    let (s, (g, timeline)) = match found.await {
        Ok(Some(found)) => found,
        Ok(None) => return failed(Ok(())),
        Err(e) => return failed(Err(e)),
    };
    let parts = app.parts;
    let mut out = String::with_capacity(8 * 1024);
    out.push_str(parts[0]);
    esc(&mut out, &s.1);
    out.push_str("<h1>");
    esc(&mut out, &g.4);
    out.push_str("</h1>\n<p class=\"meta\"><strong class=\"status\">");
    esc(&mut out, &g.8);
    out.push_str("</strong>");
    if let Some(d) = g.7 {
        let _ = write!(out, " · target {}", d.format("%-d %b %Y"));
    }
    out.push_str(" · ");
    esc(&mut out, &g.11.join(", "));
    out.push_str("</p>\n<h2>Why it matters</h2><p>");
    esc(&mut out, &g.5);
    out.push_str("</p>\n<h2>How it will be shown</h2><p>");
    esc(&mut out, &g.6);
    out.push_str("</p>\n");
    out.push_str(parts.get(1).copied().unwrap_or(""));
    for (item, slug, title, done) in g.13.iter().flatten() {
        out.push_str("<li><a href=\"/library/");
        esc(&mut out, slug);
        out.push_str("\">");
        esc(&mut out, title);
        let _ = write!(out, "</a> (done {}) {item}</li>", done.format("%-d %b %Y"));
    }
    out.push_str(parts.get(2).copied().unwrap_or(""));
    for (rid, preview) in g.14.iter().flatten() {
        let _ = write!(out, "<option value=\"{rid}\">");
        esc(&mut out, preview);
        out.push_str("</option>");
    }
    out.push_str(parts.get(3).copied().unwrap_or(""));
    for row in &timeline {
        let _ = write!(
            out,
            "\n    <li><span class=\"muted\">{}</span> <strong>{}",
            row.0.format("%-d %b %Y"),
            row.1
        );
        if let (Some(p), Some(c)) = (row.8, row.9) {
            let _ = write!(out, ": {p} %, confidence {c} of 5");
        }
        out.push_str("</strong>");
        if let Some(a) = &row.2 {
            out.push_str(" · ");
            esc(&mut out, a);
        }
        out.push_str("\n      <br>");
        if let Some(slug) = &row.7 {
            out.push_str("<a href=\"/library/");
            esc(&mut out, slug);
            out.push_str("\">");
            esc(&mut out, &row.5);
            out.push_str("</a>");
        } else {
            esc(&mut out, &row.5);
        }
        if let Some(u) = &row.6 {
            out.push_str("<br><a href=\"");
            esc(&mut out, u);
            out.push_str("\" rel=\"noopener noreferrer\">");
            esc(&mut out, u);
            out.push_str("</a>");
        }
        out.push_str("</li>");
    }
    out.push_str(parts.get(4).copied().unwrap_or(""));
    OK.fetch_add(1, Relaxed);
    Html(out).into_response()
}
