//! Every SQL query of goals. A goal is read through [`page`] (or
//! [`visible`], which asks it for the goal alone), whose `WHERE` admits only
//! its owner, the owner's manager, or an admin.
//! [`team`] holds the manager's figures, [`overview`] L&D's counts.

pub mod overview;
pub mod team;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct GoalFields<'a> {
    pub title: &'a str,
    pub why: &'a str,
    pub measure: &'a str,
    pub target_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub owner_manager_id: Option<Uuid>,
    pub title: String,
    pub why: String,
    pub measure: String,
    pub target_date: Option<NaiveDate>,
    pub status: String,
    pub started_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub topics: Vec<String>,
    pub topic_ids: Vec<Uuid>,
}

pub async fn create(c: &mut PgConnection, owner: Uuid, f: &GoalFields<'_>) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO goals (id, owner_id, title, why, measure, target_date) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        owner,
        f.title,
        f.why,
        f.measure,
        f.target_date
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn update(
    c: &mut PgConnection,
    id: Uuid,
    owner: Uuid,
    f: &GoalFields<'_>,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE goals SET title = $3, why = $4, measure = $5, target_date = $6, updated_at = now()
         WHERE id = $1 AND owner_id = $2",
        id,
        owner,
        f.title,
        f.why,
        f.measure,
        f.target_date
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_topics(c: &mut PgConnection, goal: Uuid, topics: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM goal_topics WHERE goal_id = $1", goal)
        .execute(&mut *c)
        .await?;
    sqlx::query!(
        "INSERT INTO goal_topics (goal_id, topic_id) SELECT $1, t FROM unnest($2::uuid[]) t
         WHERE EXISTS (SELECT 1 FROM topics WHERE id = t) ON CONFLICT DO NOTHING",
        goal,
        topics
    )
    .execute(c)
    .await?;
    Ok(())
}

/// The goal if `viewer` may see it: its owner, the owner's manager, or an
/// admin. The same statement as the goal page's ([`page`]), asking for no
/// suggestions, so the rule of who sees a goal is written once.
pub async fn visible(
    c: &mut PgConnection,
    id: Uuid,
    viewer: Uuid,
    is_admin: bool,
) -> sqlx::Result<Option<Goal>> {
    Ok(page(c, id, viewer, is_admin, &[]).await?.map(|r| r.goal))
}

pub struct GoalSummary {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub target_date: Option<NaiveDate>,
    pub evidence: i64,
    pub progress: Option<i32>,
}

/// A person's goals (their own list, or a manager looking at a direct report: `viewer` must be one of the two).
pub async fn goals_of(
    c: &mut PgConnection,
    owner: Uuid,
    viewer: Uuid,
) -> sqlx::Result<Vec<GoalSummary>> {
    sqlx::query_as!(
        GoalSummary,
        r#"SELECT g.id, g.title, g.status, g.target_date,
                  (SELECT count(*) FROM goal_evidence e WHERE e.goal_id = g.id) AS "evidence!",
                  (SELECT ch.progress FROM goal_checkins ch WHERE ch.goal_id = g.id ORDER BY ch.at DESC LIMIT 1) AS progress
           FROM goals g JOIN users u ON u.id = g.owner_id
           WHERE g.owner_id = $1 AND (g.owner_id = $2 OR u.manager_id = $2)
           ORDER BY CASE g.status WHEN 'submitted' THEN 0 WHEN 'proposed' THEN 1 WHEN 'active' THEN 2 WHEN 'draft' THEN 3 ELSE 4 END,
                    g.target_date NULLS LAST, g.created_at"#,
        owner,
        viewer
    )
    .fetch_all(c)
    .await
}

pub async fn set_status(
    c: &mut PgConnection,
    id: Uuid,
    status: &str,
    today: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE goals SET status = $2, updated_at = now(),
                started_on = CASE WHEN $2 = 'active' THEN coalesce(started_on, $3) ELSE started_on END
         WHERE id = $1",
        id,
        status,
        today
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn add_event(
    c: &mut PgConnection,
    goal: Uuid,
    actor: Uuid,
    from: Option<&str>,
    to: Option<&str>,
    comment: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO goal_events (id, goal_id, actor_id, from_status, to_status, comment) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        goal,
        actor,
        from,
        to,
        comment
    )
    .execute(c)
    .await?;
    Ok(())
}

/// One line of a goal's timeline: a decision, a comment, evidence or a check-in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: Option<String>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub text: String,
    pub url: Option<String>,
    pub item_slug: Option<String>,
    pub progress: Option<i32>,
    pub confidence: Option<i32>,
}

/// The whole timeline, oldest first. Reflection evidence shows its text to
/// its author, and to their manager while it is shared; never to anyone else.
pub async fn timeline(
    c: &mut PgConnection,
    goal: Uuid,
    viewer: Uuid,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as!(
        TimelineRow,
        r#"SELECT at AS "at!", kind AS "kind!", actor, from_status, to_status, text AS "text!", url, item_slug, progress, confidence FROM (
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
           ) t ORDER BY at"#,
        goal,
        viewer
    )
    .fetch_all(c)
    .await
}

pub struct NewEvidence<'a> {
    pub kind: &'a str,
    pub note: &'a str,
    pub url: Option<&'a str>,
    pub item_id: Option<Uuid>,
    pub reflection_id: Option<Uuid>,
}

/// Attach evidence; false when that item or reflection is already attached.
pub async fn add_evidence(
    c: &mut PgConnection,
    goal: Uuid,
    by: Uuid,
    e: &NewEvidence<'_>,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "INSERT INTO goal_evidence (id, goal_id, added_by, kind, note, url, item_id, reflection_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        Uuid::now_v7(),
        goal,
        by,
        e.kind,
        e.note,
        e.url,
        e.item_id,
        e.reflection_id
    )
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub struct Suggestion {
    pub item_id: Uuid,
    pub slug: String,
    pub title: String,
    pub done_on: NaiveDate,
}

/// What the goal page reads: the goal as [`visible`] admits it and, when
/// the viewer owns it and its status is one of `open`, the evidence to
/// suggest (else both lists are empty).
pub struct GoalPageRows {
    pub goal: Goal,
    /// Learning the owner completed since the goal started (or was created,
    /// by its UTC date) on the goal's topics, not yet attached; the latest
    /// ten.
    pub suggestions: Vec<Suggestion>,
    /// The owner's shared reflections not yet attached (only shared ones can
    /// be evidence): id and the first 80 characters; the latest twenty.
    pub reflections: Vec<(Uuid, String)>,
}

/// The goal page's goal and suggested evidence in one statement (they were
/// three). Only the owner, the owner's manager, or an admin sees the goal;
/// only the owner gets suggestions.
pub async fn page(
    c: &mut PgConnection,
    id: Uuid,
    viewer: Uuid,
    is_admin: bool,
    open: &[&str],
) -> sqlx::Result<Option<GoalPageRows>> {
    let open: Vec<String> = open.iter().map(|s| (*s).to_owned()).collect();
    let r = sqlx::query!(
        r#"SELECT g.id, g.owner_id, u.name AS owner_name, u.manager_id AS owner_manager_id, g.title, g.why, g.measure,
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
           WHERE g.id = $1 AND (g.owner_id = $2 OR u.manager_id = $2 OR $3)"#,
        id,
        viewer,
        is_admin,
        &open
    )
    .fetch_optional(c)
    .await?;
    Ok(r.map(|r| GoalPageRows {
        goal: Goal {
            id: r.id,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            owner_manager_id: r.owner_manager_id,
            title: r.title,
            why: r.why,
            measure: r.measure,
            target_date: r.target_date,
            status: r.status,
            started_on: r.started_on,
            created_at: r.created_at,
            topics: r.topics,
            topic_ids: r.topic_ids,
        },
        suggestions: r
            .suggestions
            .unwrap_or_default()
            .into_iter()
            .map(|(item_id, slug, title, done_on)| Suggestion {
                item_id,
                slug,
                title,
                done_on,
            })
            .collect(),
        reflections: r.reflections.unwrap_or_default(),
    }))
}

/// Is this item completed by the owner (so it may be attached)?
pub async fn completed_by(c: &mut PgConnection, owner: Uuid, item: Uuid) -> sqlx::Result<bool> {
    crate::activity::store::has_completed(c, owner, "item", item).await
}

pub async fn is_shared_reflection_of(
    c: &mut PgConnection,
    owner: Uuid,
    reflection: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM reflections WHERE id = $1 AND author_id = $2 AND shared_with_manager) AS "ok!""#,
        reflection,
        owner
    )
    .fetch_one(c)
    .await
}

pub async fn add_checkin(
    c: &mut PgConnection,
    goal: Uuid,
    progress: i32,
    confidence: i32,
    note: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO goal_checkins (id, goal_id, progress, confidence, note) VALUES ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        goal,
        progress,
        confidence,
        note
    )
    .execute(c)
    .await?;
    Ok(())
}
