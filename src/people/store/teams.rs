//! SQL of teams: pickers (by name, a page of them), the teams list and one
//! team with its members.

use sqlx::PgConnection;
use uuid::Uuid;

use super::{PersonRow, like};

pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: i64,
}

/// A team as pickers show it.
#[derive(Debug, Clone)]
pub struct TeamName {
    pub id: Uuid,
    pub name: String,
}

/// The first `limit` teams by name, for a picker that lists them only
/// while there are few (`picker`, a campaign's teams).
pub async fn first_team_names(c: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<TeamName>> {
    sqlx::query_as!(
        TeamName,
        "SELECT id, name FROM teams ORDER BY lower(name) LIMIT $1",
        limit
    )
    .fetch_all(c)
    .await
}

/// The named teams among `ids`, by name (unknown ids are left out).
pub async fn team_names_of(c: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<Vec<TeamName>> {
    sqlx::query_as!(
        TeamName,
        "SELECT id, name FROM teams WHERE id = ANY($1) ORDER BY lower(name)",
        ids
    )
    .fetch_all(c)
    .await
}

/// Each of `names` (any case) with its team's id, or `None` when no team
/// is called that; in the order given.
pub async fn team_ids_by_names(
    c: &mut PgConnection,
    names: &[String],
) -> sqlx::Result<Vec<(String, Option<Uuid>)>> {
    let rows = sqlx::query!(
        r#"SELECT n.name AS "name!", t.id AS "id?"
           FROM unnest($1::text[]) WITH ORDINALITY AS n(name, i)
           LEFT JOIN teams t ON lower(t.name) = lower(n.name)
           ORDER BY n.i"#,
        names
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.id)).collect())
}

/// How many teams' names contain `q` (any case; empty for all).
pub async fn count_teams(c: &mut PgConnection, q: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM teams WHERE $1 = '' OR lower(name) LIKE $2"#,
        q.trim(),
        like(q)
    )
    .fetch_one(c)
    .await
}

/// A page of the teams whose names contain `q`, by name, with their active
/// members counted for that page only.
pub async fn team_page(
    c: &mut PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TeamRow>> {
    sqlx::query_as!(
        TeamRow,
        r#"SELECT t.id, t.name,
                  (SELECT count(*) FROM users u WHERE u.team_id = t.id AND u.active) AS "members!"
           FROM (SELECT id, name FROM teams WHERE $1 = '' OR lower(name) LIKE $2
                 ORDER BY lower(name) LIMIT $3 OFFSET $4) t
           ORDER BY lower(t.name)"#,
        q.trim(),
        like(q),
        limit,
        offset
    )
    .fetch_all(c)
    .await
}

pub async fn team(c: &mut PgConnection, id: Uuid) -> sqlx::Result<TeamRow> {
    sqlx::query_as!(
        TeamRow,
        r#"SELECT t.id, t.name, (SELECT count(*) FROM users u WHERE u.team_id = t.id AND u.active) AS "members!"
           FROM teams t WHERE t.id = $1"#,
        id
    )
    .fetch_one(c)
    .await
}

pub async fn team_id_by_name(c: &mut PgConnection, name: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT id FROM teams WHERE lower(name) = lower($1)",
        name.trim()
    )
    .fetch_optional(c)
    .await
}

pub async fn insert_team(c: &mut PgConnection, name: &str) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO teams (id, name) VALUES ($1, $2)",
        id,
        name.trim()
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn rename_team(c: &mut PgConnection, id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query!("UPDATE teams SET name = $2 WHERE id = $1", id, name.trim())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn team_members(c: &mut PgConnection, team_id: Uuid) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as!(
        PersonRow,
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone, u.active,
                  (u.password_hash IS NULL) AS "invited!",
                  u.team_id, t.name AS "team?", m.name AS "manager?", m.email AS "manager_email?"
           FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id
           WHERE u.team_id = $1 ORDER BY lower(u.name)"#,
        team_id
    )
    .fetch_all(c)
    .await
}
