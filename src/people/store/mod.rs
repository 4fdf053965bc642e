//! Every SQL query of people and manager links, and of the CSV import; teams' in `teams.rs`.

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{Existing, ImportRow};

mod teams;
pub use teams::*;

#[derive(sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub timezone: String,
    pub active: bool,
    pub invited: bool,
    pub team_id: Option<Uuid>,
    pub team: Option<String>,
    pub manager: Option<String>,
    pub manager_email: Option<String>,
}

/// A LIKE pattern matching `q` anywhere, lower-cased, its wildcards escaped.
pub(crate) fn like(q: &str) -> String {
    format!(
        "%{}%",
        q.trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// How many people's name or email contains `q` (any case; empty for all).
pub async fn count_people(c: &mut PgConnection, q: &str) -> sqlx::Result<i64> {
    if q.trim().is_empty() {
        return count_users(c).await;
    }
    // Planned for the pattern each time (see `found_people`).
    sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(name) LIKE $1 OR email LIKE $1")
        .bind(like(q))
        .persistent(false)
        .fetch_one(c)
        .await
}

pub async fn list_people(
    c: &mut PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<PersonRow>> {
    if q.trim().is_empty() {
        people(c, limit, offset).try_collect().await
    } else {
        found_people(c, q, limit, offset).await
    }
}

/// Everyone, by name, as the rows arrive (for the CSV export).
pub fn all_people(c: &mut PgConnection) -> BoxStream<'_, sqlx::Result<PersonRow>> {
    people(c, i64::MAX, 0)
}

/// A page of everyone by name (the name index, in order).
fn people<'c>(
    c: &'c mut PgConnection,
    limit: i64,
    offset: i64,
) -> BoxStream<'c, sqlx::Result<PersonRow>> {
    sqlx::query_as!(
        PersonRow,
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone, u.active,
                  (u.password_hash IS NULL) AS "invited!",
                  u.team_id, t.name AS "team?", m.name AS "manager?", m.email AS "manager_email?"
           FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id
           ORDER BY lower(u.name), u.email LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch(c)
}

/// A page of the people whose name or email contains `q`, by name. The
/// statement is planned for each search (not prepared once): the best plan
/// depends on the pattern. A rare one ("zz-nobody") reads its few matches
/// through the trigram indexes; a common one ("a") walks the name index
/// until the page is full. A prepared statement's generic plan walked the
/// name index for every search, and read all 100,000 people for one that
/// found nobody (70 ms). Only the page's people are joined to their team
/// and manager.
async fn found_people(
    c: &mut PgConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as::<_, PersonRow>(
        "WITH page AS (
             SELECT id FROM users WHERE lower(name) LIKE $1 OR email LIKE $1
             ORDER BY lower(name), email LIMIT $2 OFFSET $3)
         SELECT u.id, u.name, u.email, u.role, u.timezone, u.active,
                (u.password_hash IS NULL) AS invited,
                u.team_id, t.name AS team, m.name AS manager, m.email AS manager_email
         FROM page JOIN users u ON u.id = page.id
         LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id
         ORDER BY lower(u.name), u.email",
    )
    .bind(like(q))
    .bind(limit)
    .bind(offset)
    .persistent(false)
    .fetch_all(c)
    .await
}

pub async fn person(c: &mut PgConnection, id: Uuid) -> sqlx::Result<PersonRow> {
    sqlx::query_as!(
        PersonRow,
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone, u.active,
                  (u.password_hash IS NULL) AS "invited!",
                  u.team_id, t.name AS "team?", m.name AS "manager?", m.email AS "manager_email?"
           FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id
           WHERE u.id = $1"#,
        id
    )
    .fetch_one(c)
    .await
}

pub async fn id_by_email(c: &mut PgConnection, email: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("SELECT id FROM users WHERE email = $1", email)
        .fetch_optional(c)
        .await
}

/// The values an admin sets on a person.
pub struct PersonFields<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub manager_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub timezone: &'a str,
}

pub async fn insert_person(
    c: &mut PgConnection,
    f: &PersonFields<'_>,
    password_hash: Option<&str>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO users (id, email, name, role, manager_id, team_id, timezone, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        f.email,
        f.name,
        f.role,
        f.manager_id,
        f.team_id,
        f.timezone,
        password_hash
    )
    .execute(c)
    .await?;
    Ok(id)
}

pub async fn update_person(
    c: &mut PgConnection,
    id: Uuid,
    f: &PersonFields<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET email = $2, name = $3, role = $4, manager_id = $5, team_id = $6, timezone = $7,
                updated_at = now() WHERE id = $1",
        id,
        f.email,
        f.name,
        f.role,
        f.manager_id,
        f.team_id,
        f.timezone
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn set_active(c: &mut PgConnection, id: Uuid, active: bool) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET active = $2, updated_at = now() WHERE id = $1",
        id,
        active
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update_profile(
    c: &mut PgConnection,
    id: Uuid,
    name: &str,
    timezone: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET name = $2, timezone = $3, updated_at = now() WHERE id = $1",
        id,
        name,
        timezone
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Is `person` somewhere above `manager` in the reporting line (so the link would loop)?
pub async fn is_in_chain_above(
    c: &mut PgConnection,
    manager: Uuid,
    person: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"WITH RECURSIVE chain(id, depth) AS (
               SELECT $1::uuid, 0
               UNION ALL
               SELECT u.manager_id, chain.depth + 1 FROM users u JOIN chain ON u.id = chain.id
               WHERE u.manager_id IS NOT NULL AND chain.depth < 1000)
           SELECT EXISTS (SELECT 1 FROM chain WHERE id = $2) AS "hit!""#,
        manager,
        person
    )
    .fetch_one(c)
    .await
}

/// A manager's direct reports (never anyone else's).
pub async fn direct_reports(
    c: &mut PgConnection,
    manager_id: Uuid,
) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as!(
        PersonRow,
        r#"SELECT u.id, u.name, u.email, u.role, u.timezone, u.active,
                  (u.password_hash IS NULL) AS "invited!",
                  u.team_id, t.name AS "team?", m.name AS "manager?", m.email AS "manager_email?"
           FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id
           WHERE u.manager_id = $1 AND u.active ORDER BY lower(u.name)"#,
        manager_id
    )
    .fetch_all(c)
    .await
}

/// The directory as the import planner needs it.
pub async fn import_snapshot(c: &mut PgConnection) -> sqlx::Result<Existing> {
    let people = sqlx::query!(
        r#"SELECT u.email, m.email AS "manager_email?" FROM users u LEFT JOIN users m ON m.id = u.manager_id"#
    )
    .fetch_all(&mut *c)
    .await?;
    let teams = sqlx::query_scalar!("SELECT lower(name) AS \"name!\" FROM teams")
        .fetch_all(&mut *c)
        .await?;
    Ok(Existing {
        managers: people
            .into_iter()
            .map(|p| (p.email, p.manager_email))
            .collect(),
        teams: teams.into_iter().collect(),
    })
}

/// Create the import's new teams, in one statement.
pub async fn insert_teams(c: &mut PgConnection, names: &[String]) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = names.iter().map(|_| Uuid::now_v7()).collect();
    let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    sqlx::query!(
        "INSERT INTO teams (id, name) SELECT * FROM unnest($1::uuid[], $2::text[])",
        &ids,
        &names as &[&str]
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Write all planned rows in one statement (teams by name, which must
/// exist; managers are linked afterwards by [`link_managers`]): how many
/// people were created.
pub async fn upsert_import_rows(c: &mut PgConnection, rows: &[ImportRow]) -> sqlx::Result<i64> {
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::now_v7()).collect();
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let roles: Vec<&str> = rows.iter().map(|r| r.role.as_str()).collect();
    let teams: Vec<Option<&str>> = rows.iter().map(|r| r.team.as_deref()).collect();
    let zones: Vec<&str> = rows.iter().map(|r| r.timezone.as_str()).collect();
    sqlx::query_scalar!(
        r#"WITH written AS (
               INSERT INTO users (id, email, name, role, team_id, timezone)
               SELECT v.id, v.email, v.name, v.role, t.id, v.timezone
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                    AS v (id, email, name, role, team, timezone)
               LEFT JOIN teams t ON lower(t.name) = lower(btrim(v.team))
               ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
                   team_id = EXCLUDED.team_id, timezone = EXCLUDED.timezone, updated_at = now()
               RETURNING xmax = 0 AS created)
           SELECT count(*) FILTER (WHERE created) AS "created!" FROM written"#,
        &ids,
        &emails as &[&str],
        &names as &[&str],
        &roles as &[&str],
        &teams as &[Option<&str>],
        &zones as &[&str]
    )
    .fetch_one(c)
    .await
}

/// Set each row's manager (none when the row names none), in one statement.
pub async fn link_managers(c: &mut PgConnection, rows: &[ImportRow]) -> sqlx::Result<()> {
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let managers: Vec<Option<&str>> = rows.iter().map(|r| r.manager_email.as_deref()).collect();
    sqlx::query!(
        "UPDATE users u SET manager_id = m.id
         FROM unnest($1::text[], $2::text[]) AS v (email, manager)
         LEFT JOIN users m ON m.email = v.manager
         WHERE u.email = v.email AND u.manager_id IS DISTINCT FROM m.id",
        &emails as &[&str],
        &managers as &[Option<&str>]
    )
    .execute(c)
    .await?;
    Ok(())
}

/// Does this person have a manager (who agrees goals, reads shared reflections)?
pub async fn has_manager(c: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT manager_id IS NOT NULL AS "m!" FROM users WHERE id = $1"#,
        id
    )
    .fetch_one(c)
    .await
}

pub async fn count_users(c: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM users"#)
        .fetch_one(c)
        .await
}
