//! SQL of the daily digest: preferences, chat integrations, whom to look at
//! now (`digest_schedule`), and the digest rows themselves (one per learner
//! per local day; claimed with a lease so two instances never send the same
//! one).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn channel(c: &mut PgConnection, user: Uuid) -> sqlx::Result<String> {
    Ok(sqlx::query_scalar!(
        "SELECT channel FROM notification_prefs WHERE user_id = $1",
        user
    )
    .fetch_optional(c)
    .await?
    .unwrap_or_else(|| "email".to_owned()))
}

pub async fn set_channel(c: &mut PgConnection, user: Uuid, channel: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO notification_prefs (user_id, channel) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET channel = $2, updated_at = now()",
        user,
        channel
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn webhook(c: &mut PgConnection, kind: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT webhook_url FROM integrations WHERE kind = $1", kind)
        .fetch_optional(c)
        .await
}

pub async fn set_webhook(
    c: &mut PgConnection,
    kind: &str,
    url: Option<&str>,
    by: Uuid,
) -> sqlx::Result<()> {
    match url {
        Some(url) => sqlx::query!(
            "INSERT INTO integrations (kind, webhook_url, updated_by) VALUES ($1, $2, $3)
             ON CONFLICT (kind) DO UPDATE SET webhook_url = $2, updated_by = $3, updated_at = now()",
            kind,
            url,
            by
        )
        .execute(c)
        .await?,
        None => sqlx::query!("DELETE FROM integrations WHERE kind = $1", kind).execute(c).await?,
    };
    Ok(())
}

#[derive(Debug, Clone)]
pub struct DueLearner {
    pub id: Uuid,
    pub name: String,
    pub timezone: String,
    pub channel: String,
    /// Active, with a channel other than "none".
    pub wants_digest: bool,
    /// Their earliest campaign release time, else 08:00.
    pub digest_time: NaiveTime,
    /// A digest (sent, pending or skipped) exists for their local date.
    pub done_today: bool,
}

/// Take up to `limit` people whose next look (`digest_schedule`) has come
/// by `now`, holding them until `lease_until` (`SKIP LOCKED`, so two
/// instances take different people; a crashed instance's people come back
/// when the lease runs out), with what deciding about their digest needs.
pub async fn claim_due(
    c: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<DueLearner>> {
    sqlx::query_as!(
        DueLearner,
        r#"WITH picked AS (
               UPDATE digest_schedule s SET next_at = $2
               WHERE s.user_id IN (SELECT user_id FROM digest_schedule WHERE next_at <= $1
                                   ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED)
               RETURNING s.user_id)
           SELECT u.id, u.name, u.timezone, coalesce(np.channel, 'email') AS "channel!",
                  u.active AND coalesce(np.channel, 'email') <> 'none' AS "wants_digest!",
                  coalesce((SELECT min(c.release_time) FROM campaign_enrolments e
                            JOIN campaigns c ON c.id = e.campaign_id AND c.status = 'published'
                            WHERE e.user_id = u.id), '08:00') AS "digest_time!",
                  EXISTS (SELECT 1 FROM digests d WHERE d.user_id = u.id
                          AND d.local_date = l.local_date) AS "done_today!"
           FROM picked p JOIN users u ON u.id = p.user_id
           LEFT JOIN notification_prefs np ON np.user_id = u.id
           CROSS JOIN LATERAL (SELECT ($1::timestamptz AT TIME ZONE u.timezone)::date AS local_date) l
           ORDER BY u.id"#,
        now,
        lease_until,
        limit
    )
    .fetch_all(c)
    .await
}

/// Set each claimed person's next look (`None`: not until a change brings
/// them back), unless a change already asked for a look now (the row no
/// longer holds this claim's lease).
pub async fn reschedule(
    c: &mut PgConnection,
    next: &[(Uuid, Option<DateTime<Utc>>)],
    lease_until: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (users, at): (Vec<Uuid>, Vec<Option<DateTime<Utc>>>) = next.iter().copied().unzip();
    sqlx::query!(
        "UPDATE digest_schedule s SET next_at = coalesce(v.next_at, 'infinity')
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v (user_id, next_at)
         WHERE s.user_id = v.user_id AND s.next_at = $3",
        &users,
        &at as &[Option<DateTime<Utc>>],
        lease_until
    )
    .execute(c)
    .await?;
    Ok(())
}

pub async fn reviews_due_on(
    c: &mut PgConnection,
    user: Uuid,
    date: NaiveDate,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM review_schedule WHERE user_id = $1 AND due_on = $2 AND NOT retired"#,
        user,
        date
    )
    .fetch_one(c)
    .await
}

/// Record the day's digest (to send, or skipped with nothing new). False
/// when another instance recorded it first.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    c: &mut PgConnection,
    user: Uuid,
    local_date: NaiveDate,
    channel: &str,
    subject: &str,
    body: &str,
    status: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO digests (id, user_id, local_date, channel, subject, body, status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (user_id, local_date) DO NOTHING",
        Uuid::now_v7(),
        user,
        local_date,
        channel,
        subject,
        body,
        status,
        now
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub email: String,
}

/// Take up to `limit` pending digests whose time has come and whose lease
/// (if any) ran out, leasing them until `lease_until`, oldest first.
/// `SKIP LOCKED` keeps two instances off the same row; the lease lets
/// another instance take over from one that crashed mid-send.
pub async fn claim(
    c: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"UPDATE digests d SET lease_until = $2, attempts = attempts + 1
           FROM users u
           WHERE d.id = ANY(ARRAY(SELECT id FROM digests WHERE status = 'pending' AND next_attempt_at <= $1
                                    AND (lease_until IS NULL OR lease_until <= $1)
                                  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED))
             AND u.id = d.user_id
           RETURNING d.id, d.channel, d.subject, d.body, d.attempts, u.email"#,
        now,
        lease_until,
        limit
    )
    .fetch_all(c)
    .await
}

/// Mark a claimed digest sent, if this claim still holds it.
pub async fn mark_sent(
    c: &mut PgConnection,
    id: Uuid,
    attempts: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE digests SET status = 'sent', sent_at = $3, lease_until = NULL, last_error = NULL
         WHERE id = $1 AND attempts = $2 AND status = 'pending'",
        id,
        attempts,
        now
    )
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Record a failed attempt: retry at `next_at`, or give up.
pub async fn mark_failed(
    c: &mut PgConnection,
    id: Uuid,
    attempts: i32,
    error: &str,
    next_at: DateTime<Utc>,
    give_up: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE digests SET last_error = $3, next_attempt_at = $4, lease_until = NULL,
                status = CASE WHEN $5 THEN 'failed' ELSE status END
         WHERE id = $1 AND attempts = $2 AND status = 'pending'",
        id,
        attempts,
        error,
        next_at,
        give_up
    )
    .execute(c)
    .await?;
    Ok(())
}

pub struct StatusCount {
    pub channel: String,
    pub status: String,
    pub n: i64,
}

/// Digests of the last 7 days by channel and status.
pub async fn counts(c: &mut PgConnection, since: DateTime<Utc>) -> sqlx::Result<Vec<StatusCount>> {
    sqlx::query_as!(
        StatusCount,
        r#"SELECT channel, status, count(*) AS "n!" FROM digests WHERE created_at >= $1
           GROUP BY channel, status ORDER BY channel, status"#,
        since
    )
    .fetch_all(c)
    .await
}

pub struct Problem {
    pub name: String,
    pub channel: String,
    pub local_date: NaiveDate,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

/// Digests that failed at least once and are not sent, newest first.
pub async fn problems(c: &mut PgConnection) -> sqlx::Result<Vec<Problem>> {
    sqlx::query_as!(
        Problem,
        "SELECT u.name, d.channel, d.local_date, d.status, d.attempts, d.last_error, d.next_attempt_at
         FROM digests d JOIN users u ON u.id = d.user_id
         WHERE d.status IN ('pending', 'failed') AND d.last_error IS NOT NULL
         ORDER BY d.created_at DESC LIMIT 50"
    )
    .fetch_all(c)
    .await
}
